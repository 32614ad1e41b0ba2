"""DIGEST_INTERESTS read: free text, or a library file (a BibTeX export, or a list of arXiv ids or titles).
No I/O: the file's bytes come from `ranker`, the words of a paper named only by its arXiv id from
`library_ids`. Whatever the text holds is data; nothing in it is obeyed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace

MAX_TEXT_CHARS = 20_000  # free text beyond this is left out (a paragraph is a few hundred)
MAX_LIBRARY_BYTES = 5_000_000
MAX_ENTRIES = 500  # library papers compared with each day's papers; the rest are left out, said so
MAX_FIELD_CHARS = 5_000
LIBRARY_SUFFIXES = (".bib", ".bibtex", ".txt")
# A line (or BibTeX value) that names a paper only by its arXiv id: `2406.09246`, `arXiv:2406.09246v2`, or its
# page on arXiv or Hugging Face. Only new-style ids (since 2007): Hugging Face's paper pages use those.
_ARXIV_REF = re.compile(
    r"(?:arxiv:\s*|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/"
    r"|(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/papers/)?"
    r"(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)
_ARXIV_IN = re.compile(r"(?<!\d)(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


class LibraryError(ValueError):
    """The library file cannot serve as interests (missing, empty, not BibTeX); the message says which."""


@dataclass(frozen=True)
class Entry:
    """One paper of a reader's library, or their free text as one entry (title empty)."""

    title: str
    text: str  # what is compared: title, abstract and keywords
    arxiv_id: str | None = None  # a paper named only by its arXiv id: no words until Hugging Face gives them

    @property
    def unresolved(self) -> bool:
        return self.arxiv_id is not None and not self.text


@dataclass(frozen=True)
class Interests:
    """What a reader cares about: their free text as one entry, or their library's papers."""

    entries: tuple[Entry, ...]
    library: str | None = None  # the file's path, for a library
    left_out: int = 0  # library papers beyond MAX_ENTRIES

    def arxiv_ids(self) -> list[str]:
        """The arXiv ids of the library papers named only by them (no words yet), each once, in order."""
        return list(dict.fromkeys(e.arxiv_id for e in self.entries if e.unresolved and e.arxiv_id))

    def resolved(self, found: Mapping[str, Entry]) -> Interests:
        """These interests with each paper named only by its arXiv id replaced by found's entry for it; one
        found holds no entry for stays without words (it matches nothing)."""
        entries = tuple(found.get(e.arxiv_id, e) if e.unresolved and e.arxiv_id else e for e in self.entries)
        return replace(self, entries=entries)

    def usable(self) -> int:
        """The entries with words to compare."""
        return sum(1 for e in self.entries if e.text)


def is_library_path(value: str) -> bool:
    """A library file is named by one word ending in .bib, .bibtex or .txt; anything else is free text."""
    text = value.strip()
    return bool(text) and not any(ch.isspace() for ch in text) and text.lower().endswith(LIBRARY_SUFFIXES)


def clean(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    """text on one line: control and direction characters out, whitespace runs as one space, at most limit."""
    return " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())[:limit]


def from_text(value: str) -> Interests:
    """Free text (any language) as one entry."""
    return Interests((Entry("", clean(value, MAX_TEXT_CHARS)),))


def from_library(raw: bytes | None, path: str) -> Interests:
    """A library file's papers; LibraryError when it is missing, empty, or neither BibTeX nor a list."""
    if raw is None:
        raise LibraryError(f"{path}: no such file in the blog repository or output folder")
    if len(raw) > MAX_LIBRARY_BYTES:
        raise LibraryError(f"{path}: {len(raw)} bytes; a library file may hold {MAX_LIBRARY_BYTES}")
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise LibraryError(f"{path}: the file is empty")
    if path.lower().endswith((".bib", ".bibtex")) or text.lstrip().startswith(("@", "%")):
        entries = bibtex_entries(text)
        if not entries:
            raise LibraryError(
                f"{path}: not a BibTeX export (no @article{{...}} or @misc{{...}} entry with a title or an "
                "arXiv id)"
            )
    else:
        entries = list_entries(text)
        if not entries:
            raise LibraryError(f"{path}: no paper title or arXiv id in the list")
    kept = tuple(entries[:MAX_ENTRIES])
    return Interests(kept, library=path, left_out=len(entries) - len(kept))


def list_entries(text: str) -> list[Entry]:
    """One paper a line: its title, or its arXiv id (each id once), whose title and abstract come later from
    Hugging Face; `#` starts a comment line."""
    entries: list[Entry] = []
    ids: set[str] = set()
    for line in (clean(raw) for raw in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        named = _ARXIV_REF.fullmatch(line)
        if named is None:
            entries.append(Entry(line, line))
        elif named[1] not in ids:
            ids.add(named[1])
            entries.append(Entry("", "", named[1]))
    return entries


_ENTRY_START = re.compile(r"@\s*(\w+)\s*[{(]", re.ASCII)
_FIELD = re.compile(r"\s*,?\s*([\w\-:.]+)\s*=\s*", re.ASCII)
_BRACE = re.compile(r"[{}]")
_BARE = re.compile(r"[\w\-:.]*")
_JOIN = re.compile(r"\s*#\s*")
_SKIPPED_TYPES = frozenset({"comment", "preamble", "string"})
_WANTED = ("title", "abstract", "keywords")


def bibtex_entries(text: str) -> list[Entry]:
    """The entries of a BibTeX file that have a title, or only an arXiv id: a small reader of
    `@type{key, field = {..}, ...}` (braced, quoted or bare values; @comment, @preamble and @string
    skipped; LaTeX commands dropped)."""
    entries = []
    at = 0
    while (start := _ENTRY_START.search(text, at)) is not None:
        fields, at = _fields(text, start.end())
        if start[1].lower() in _SKIPPED_TYPES:
            continue
        if not fields.get("title"):
            arxiv_id = _bib_arxiv_id(fields)
            if arxiv_id is not None:
                entries.append(Entry("", "", arxiv_id))
            continue
        title = _latex_text(fields["title"])
        body = " ".join(_latex_text(fields[name]) for name in _WANTED if fields.get(name))
        entries.append(Entry(clean(title), clean(body)))
    return entries


def _bib_arxiv_id(fields: Mapping[str, str]) -> str | None:
    """The arXiv id of an entry without a title: its `eprint` (of archivePrefix arXiv), `arxivid`
    (Mendeley), or an arXiv or Hugging Face address in `url`, `doi` (10.48550/arXiv.ID) or `journal`."""
    prefix = fields.get("archiveprefix", "arxiv").strip().lower()
    for name in ("eprint", "arxivid", "arxiv", "url", "doi", "journal", "howpublished", "note"):
        value = fields.get(name, "")
        if name == "eprint" and prefix != "arxiv":
            continue
        if name in ("url", "doi", "journal", "howpublished", "note") and not any(
            host in value.lower() for host in ("arxiv", "huggingface.co/papers", "hf.co/papers")
        ):
            continue
        found = _ARXIV_IN.search(value)
        if found is not None:
            return found[1]
    return None


def _fields(text: str, at: int) -> tuple[dict[str, str], int]:
    """The fields of the entry whose body starts at `at` (after its key), and where the entry ends."""
    key_end = _next_comma_or_close(text, at)
    at = key_end
    fields: dict[str, str] = {}
    while at < len(text) and text[at] not in "})":
        match = _FIELD.match(text, at)
        if match is None:
            return fields, _entry_end(text, at)
        value, at = _value(text, match.end())
        fields[match[1].lower()] = value
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if at < len(text) and text[at] == ",":
            at += 1
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
    return fields, at + 1


def _next_comma_or_close(text: str, at: int) -> int:
    while at < len(text) and text[at] not in ",})\n":
        at += 1
    return at + 1 if at < len(text) and text[at] == "," else at


def _entry_end(text: str, at: int) -> int:
    """Past the rest of an entry that does not parse: the next line starting with @ (or the end)."""
    found = text.find("\n@", at)
    return len(text) if found < 0 else found + 1


def _value(text: str, at: int) -> tuple[str, int]:
    """A field's value starting at at: {braced}, "quoted" or bare (a number or @string name), `#` joined."""
    parts = []
    while at < len(text):
        if text[at] == "{":
            depth, end = 0, len(text)
            for brace in _BRACE.finditer(text, at):  # brace to brace, not character by character
                depth += 1 if brace[0] == "{" else -1
                if depth == 0:
                    end = brace.start()
                    break
            parts.append(text[at + 1 : end])
            at = end + 1
        elif text[at] == '"':
            end = at + 1
            while end < len(text) and (text[end] != '"' or text[end - 1] == "\\"):
                end += 1
            parts.append(text[at + 1 : end])
            at = end + 1
        else:
            bare = _BARE.match(text, at)
            parts.append(bare[0] if bare else "")
            at += len(parts[-1]) or 1
        joined = _JOIN.match(text, at)  # matched in place: slicing a 5 MB file per value would copy it
        if joined is None:
            break
        at = joined.end()
    return " ".join(parts)[:MAX_FIELD_CHARS], at


def _latex_text(value: str) -> str:
    """A BibTeX value as plain words: commands like \\emph and accents' backslashes dropped, braces out."""
    text = re.sub(r"\\[a-zA-Z]+\*?\s*", " ", value)
    return re.sub(r"[{}\\$^_~]", "", text)
