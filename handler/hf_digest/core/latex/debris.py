"""What a reader would call LaTeX debris in shown text, by class, for tests and `bench/debris.py`."""

from __future__ import annotations

import re

from hf_digest.core.latex.clean import LITERAL_BRACES
from hf_digest.core.latex.links import URL_PATTERN

# Written apart from the cleaning rules on purpose: these say what must not be shown, not how to fix it.
DEBRIS: dict[str, re.Pattern[str]] = {
    "backslash commands": re.compile(r"\\(?:[A-Za-z]+|\S)"),
    "Ntimes residues": re.compile(r"\d(?:[.,]\d+)?times\b"),
    "stray braces": re.compile(r"[{}]"),
    "bare macro names": re.compile(
        r"(?<![A-Za-z])(?:text|textbf|textit|textsc|texttt|emph|mathrm|mathbf|mathcal|mathbb|href|url)\{"
        r"|(?:right|left|leftright|Right|Left|Leftright|longright|longleft|up|down)arrow|circlearrow"
        r"|(?<![A-Za-z])(?:leq|geq|neq|infty|cdot|allowbreak)(?![a-z])"
        r"|(?<![A-Za-z])(?:sim|approx|pm)(?=\s?\d+(?:\.\d+)?[kKMBGT]?(?![A-Za-z\d]))|\{sim\}"
        r"|(?<![\w.])sqrt\("
        r"|\^circ\b|(?<![A-Za-z])left[|(\[]"
    ),
    "tilde spaces": re.compile(r"(?<=[\w.,;:)\]])~(?=[\w(\[])"),
    "LaTeX quotes": re.compile(r"``|''"),
}


def find_debris(text: str) -> dict[str, list[str]]:
    """Each class of DEBRIS with what it matched in text (URLs, sets and mappings in braces left out)."""
    backslashes = DEBRIS["backslash commands"].findall(text)  # a backslash breaks a URL too: counted there
    prose = LITERAL_BRACES.sub(" ", URL_PATTERN.sub(" ", text))
    found = {kind: pattern.findall(prose) for kind, pattern in DEBRIS.items()}
    found["backslash commands"] = backslashes
    return found
