"""DIGEST_INTERESTS read: free text, or a library file (a BibTeX export, or a list of arXiv ids or titles).
No I/O: the file's bytes come from `ranker`. Whatever the text holds is data; nothing in it is obeyed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_TEXT_CHARS = 20_000  # free text beyond this is left out (a paragraph is a few hundred)
MAX_LIBRARY_BYTES = 5_000_000
MAX_ENTRIES = 500  # library papers compared with each day's papers; the rest are left out, said so
MAX_FIELD_CHARS = 5_000
LIBRARY_SUFFIXES = (".bib", ".bibtex", ".txt")
_ARXIV_ID = re.compile(r"(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


class LibraryError(ValueError):
    """The library file cannot serve as interests (missing, empty, not BibTeX); the message says which."""


@dataclass(frozen=True)
class Entry:
    """One paper of a reader's library, or their free text as one entry (title empty)."""

    title: str
    text: str  # what is compared: title, abstract and keywords


@dataclass(frozen=True)
class Interests:
    """What a reader cares about: their free text as one entry, or their library's papers."""

    entries: tuple[Entry, ...]
    library: str | None = None  # the file's path, for a library
    left_out: int = 0  # library papers beyond MAX_ENTRIES, or ids without a title


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
                f"{path}: not a BibTeX export (no @article{{...}} or @misc{{...}} entry with a title)"
            )
    else:
        entries = list_entries(text)
        if not entries:
            raise LibraryError(
                f"{path}: no paper title in the list (arXiv ids alone carry no words to match)"
            )
    kept = tuple(entries[:MAX_ENTRIES])
    return Interests(kept, library=path, left_out=len(entries) - len(kept))


def list_entries(text: str) -> list[Entry]:
    """One title a line; a line that is only an arXiv id has no words to compare and is left out."""
    lines = [clean(line) for line in text.splitlines()]
    return [
        Entry(line, line)
        for line in lines
        if line and not _ARXIV_ID.fullmatch(line) and not line.startswith("#")
    ]


_ENTRY_START = re.compile(r"@\s*(\w+)\s*[{(]", re.ASCII)
_FIELD = re.compile(r"\s*,?\s*([\w\-:.]+)\s*=\s*", re.ASCII)
_BRACE = re.compile(r"[{}]")
_BARE = re.compile(r"[\w\-:.]*")
_JOIN = re.compile(r"\s*#\s*")
_SKIPPED_TYPES = frozenset({"comment", "preamble", "string"})
_WANTED = ("title", "abstract", "keywords")


def bibtex_entries(text: str) -> list[Entry]:
    """The entries of a BibTeX file that have a title: a small reader of `@type{key, field = {..}, ...}`
    (braced, quoted or bare values; @comment, @preamble and @string skipped; LaTeX commands dropped)."""
    entries = []
    at = 0
    while (start := _ENTRY_START.search(text, at)) is not None:
        fields, at = _fields(text, start.end())
        if start[1].lower() in _SKIPPED_TYPES or not fields.get("title"):
            continue
        title = _latex_text(fields["title"])
        body = " ".join(_latex_text(fields[name]) for name in _WANTED if fields.get(name))
        entries.append(Entry(clean(title), clean(body)))
    return entries


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
