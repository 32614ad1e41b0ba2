"""What the LaTeX commands found in Hugging Face text stand for, as Unicode or plain text."""

from __future__ import annotations

import unicodedata

# `\name` -> text. `\deg` is an operator name in LaTeX, but abstracts use it for the degree sign.
SYMBOLS: dict[str, str] = {
    "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷", "approx": "≈", "sim": "∼", "simeq": "≃",
    "neq": "≠", "ne": "≠", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "ll": "≪", "gg": "≫",
    "infty": "∞", "propto": "∝", "equiv": "≡", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆",
    "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "partial": "∂", "nabla": "∇", "sum": "∑",
    "prod": "∏", "int": "∫", "sqrt": "√", "cdots": "⋯", "ldots": "…", "dots": "…", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "leftrightarrow": "↔", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "Leftrightarrow": "⇔", "longrightarrow": "⟶", "Longrightarrow": "⟹", "longleftarrow": "⟵",
    "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "circlearrowright": "↻", "circlearrowleft": "↺",
    "circ": "∘", "degree": "°", "deg": "°", "star": "⋆", "ast": "∗", "dagger": "†", "checkmark": "✓",
    "prime": "′", "ell": "ℓ", "textendash": "–", "textemdash": "—", "LaTeX": "LaTeX", "TeX": "TeX",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
    "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi rho "
    "sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega "
    "ell".split()
)
# Sizing, delimiter and font-switch commands (`{\\it x}`) that print nothing themselves.
SILENT = frozenset(
    "left right big Big bigg Bigg displaystyle textstyle limits nolimits it bf em sc tt rm sf".split()
)
# Spacing commands: `\,` thin, `\;` `\:` medium, `\ ` a space after an abbreviation, `\!` negative.
SPACES: dict[str, str] = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": " "}
# Characters LaTeX escapes with a backslash to print them as they are.
ESCAPED = frozenset("%&#$_{}")
# Abbreviation macros from the ECCV/CVPR style files (`\eg` -> "e.g."), common in ML abstracts.
ABBREVIATIONS: dict[str, str] = {
    "eg": "e.g.", "Eg": "E.g.", "ie": "i.e.", "Ie": "I.e.", "etal": "et al.", "etc": "etc.",
    "cf": "cf.", "Cf": "Cf.", "vs": "vs.", "wrt": "w.r.t.", "iid": "i.i.d.", "aka": "a.k.a.",
}  # fmt: skip
# Author macros for the paper's own method: they stand for the name the title gives it, if any.
METHOD_MACROS = frozenset("method ours ourmethod methodname model modelname name system sys approach".split())
# Commands whose one argument is shown as plain text.
TEXT_MACROS = frozenset(
    "text textbf textit textsc texttt textrm textsf textup textmd textnormal emph underline mbox hbox "
    "mathrm mathbf mathit mathsf mathtt mathnormal boldsymbol bm operatorname".split()
)
# Commands that restyle one letter: Unicode has the styled capitals (and, double-struck, small letters).
STYLES: dict[str, str] = {
    "mathcal": "SCRIPT",
    "mathscr": "SCRIPT",
    "mathbb": "DOUBLE-STRUCK",
    "mathfrak": "FRAKTUR",
}
# Accent commands and the combining mark each puts on the next letter (`\"U` -> Ü). The letter-named
# ones take their letter in braces (`\c{c}`); curly quotes stand for `"` where a page smartened them.
ACCENTS: dict[str, str] = {
    '"': "\u0308", "“": "\u0308", "”": "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302",
    "~": "\u0303", "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
SUPERSCRIPTS: dict[str, str] = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
SUBSCRIPTS: dict[str, str] = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)


def styled(style: str, letter: str) -> str | None:
    """letter in a Unicode math style ("SCRIPT", "DOUBLE-STRUCK", "FRAKTUR"), None where Unicode has none."""
    case = "CAPITAL" if letter.isupper() else "SMALL"
    # Letters Unicode had before its math alphabets keep their old names (ℬ SCRIPT CAPITAL B, ℭ BLACK-LETTER).
    names = (
        f"MATHEMATICAL {style} {case} {letter}",
        f"{style} {case} {letter}",
        f"BLACK-LETTER {case} {letter}",
    )
    for name in names:
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return None
