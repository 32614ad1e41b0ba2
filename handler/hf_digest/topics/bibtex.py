"""A paper's arXiv BibTeX entry, built from what Hugging Face listed (no request to arXiv). No I/O."""

from __future__ import annotations

import re
import unicodedata

from hf_digest.model import ARXIV_ABS, Paper

_NEW_STYLE = re.compile(r"(\d{2})(\d{2})\.\d{4,5}")
_VERSION = re.compile(r"v\d+$")


def base_id(arxiv_id: str) -> str:
    """The arXiv id without its version suffix: 2602.07026v2 -> 2602.07026."""
    return _VERSION.sub("", arxiv_id)


def _field(text: str) -> str:
    # Braces delimit BibTeX values; a stray one would end the entry, so none is kept. `%` and `\` are
    # dropped too: `%` starts a comment for some readers, a backslash starts a command.
    return " ".join(re.sub(r"[{}\\%]", "", text).split())


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
    if paper.authors:
        fields.append(("author", " and ".join(_field(name) for name in paper.authors)))
    if (published := year(paper)) is not None:
        fields.append(("year", published))
    fields += [
        ("eprint", arxiv_id),
        ("archivePrefix", "arXiv"),
        ("url", f"{ARXIV_ABS}{arxiv_id}"),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{cite_key(paper)},\n{body}}}"
