"""A paper's arXiv BibTeX entry, built from what Hugging Face listed (no request to arXiv). No I/O."""

from __future__ import annotations

import re
import unicodedata

from hf_digest.core.model import ARXIV_ABS, Paper

_NEW_STYLE = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_VERSION = re.compile(r"v\d+$")


def base_id(arxiv_id: str) -> str:
    """The arXiv id without its version suffix: 2602.07026v2 -> 2602.07026."""
    return _VERSION.sub("", arxiv_id)


def _field(text: str) -> str:
    # Braces delimit BibTeX values; a stray one would end the entry, so none is kept, nor a backslash (it
    # would start a command). `%`, `&` and `#` are LaTeX's comment, alignment and parameter characters:
    # they are kept as text, escaped.
    kept = re.sub(r"[{}\\]", "", text)
    return " ".join(re.sub(r"([%&#])", r"\\\1", kept).split())


# Words that make a name an organisation's, not a person's (compared in lower case).
_CORPORATE = frozenset(
    "team group lab labs laboratory laboratories research inc ltd llc corp corporation company "
    "consortium collaboration project institute university foundation center centre".split()
)


def _author(name: str) -> str:
    """One author for `author = {...}`: an organisation ("Qwen Team", "DeepSeek-AI", "Research and
    Development Team") in braces, so BibTeX neither splits it at " and " nor reads it as first and last."""
    text = _field(name)
    words = re.findall(r"[a-z]+", text.lower())
    if "and" in words or _CORPORATE.intersection(words) or " " not in text:
        return f"{{{text}}}"
    return text


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def year(paper: Paper) -> str | None:
    """The year the paper went to arXiv: from a new-style id (YYMM.NNNNN), else its published date."""
    match = _NEW_STYLE.match(paper.arxiv_id)
    if match:
        return f"20{match[1]}"
    return paper.published_at[:4] if paper.published_at else None


def cite_key(paper: Paper) -> str:
    """`smith2026attention`: first author's last name, year, the title's first word; ASCII only."""
    surname = _ascii_word(paper.first_author.split()[-1]) if paper.first_author else ""
    words = [w for w in (_ascii_word(word) for word in paper.title.split()) if len(w) > 3]
    key = f"{surname}{year(paper) or ''}{words[0] if words else ''}"
    return key if surname and words else "arxiv" + re.sub(r"\W", "_", base_id(paper.arxiv_id))


def entry(paper: Paper) -> str:
    """The paper as `@misc{key, title = {...}, ..., eprint = {id}, archivePrefix = {arXiv}, ...}`."""
    arxiv_id = base_id(paper.arxiv_id)
    fields = [("title", _field(paper.title))]
    authors = [_author(name) for name in paper.authors if _field(name)]
    if authors:
        fields.append(("author", " and ".join(authors)))
    if (published := year(paper)) is not None:
        fields.append(("year", published))
    fields += [
        ("eprint", arxiv_id),
        ("archivePrefix", "arXiv"),
        ("url", f"{ARXIV_ABS}{arxiv_id}"),
    ]
    # A value opening with a brace (a braced organisation as first author) gets a space before it: BibTeX
    # ignores it, and the entry holds no `{{`, which Liquid would read in a post (and which would need raw).
    body = "".join(
        f"  {name} = {{{' ' if value.startswith('{') else ''}{value}}},\n" for name, value in fields
    )
    return f"@misc{{{cite_key(paper)},\n{body}}}"
