"""LaTeX residue in Hugging Face text becomes what its author meant; text it cannot read stays as written."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hf_digest.core.latex import find_debris, plain_text, short_name
from hf_digest.core.markdown import is_http_url, plain_math

# Residues found in the recordings (../shared/hf-samples), each as Hugging Face serves it -> as shown.
RECORDED = [
    ("2602.06454", "up to 2.2times end-to-end speedup", "up to 2.2× end-to-end speedup"),
    ("2602.07075", "a 10.84times average inference speedup", "a 10.84× average inference speedup"),
    ("2509.14008", "(yielding sim2times higher throughput", "(yielding ∼2× higher throughput"),
    ("2509.13353", "train 5--12times faster", "train 5--12× faster"),
    ("2509.20317", "with 2.3\\times greater token efficiency", "with 2.3× greater token efficiency"),
    ("2602.04789", "(\\eg, 1.2{sim}1.3times end-to-end speedup)", "(e.g., 1.2∼1.3× end-to-end speedup)"),
    ("2605.09996", "across {sim}750 items", "across ∼750 items"),
    ("2509.12474", "With a sim400M generator, a", "With a ∼400M generator, a"),
    ("2509.17399", "dataset comprises sim8k cultural", "dataset comprises ∼8k cultural"),
    ("2602.05711", "from O(N) to O(sqrt(N)); and", "from O(N) to O(√(N)); and"),
    ("2602.04789", "19.7\\,FPS on an RTX~5090 GPU", "19.7 FPS on an RTX 5090 GPU"),
    ("2602.04789", "strategy (\\ie, frame and block level)", "strategy (i.e., frame and block level)"),
    ("2508.14197", "vision-language models,~i.e., CLIP", "vision-language models, i.e., CLIP"),
    ("2508.21113", "Policy Optimization~(BPO)", "Policy Optimization (BPO)"),
    ("2405.15032", "the Aya model (\\\"Ust\\\"un et al., 2024)", "the Aya model (Üstün et al., 2024)"),
    ("issue 12", "\\“Ust\\“un", "Üstün"),
    ("2509.24908", "Spain's ``Bolet\\'{\\i}n Oficial del Estado''", "Spain's “Boletín Oficial del Estado”"),
    ("2405.15319", "three critical textit{O}bstacles", "three critical Obstacles"),
    ("2602.12628", "an \\textit{RL}-based \\textit{Co}-training", "an RL-based Co-training"),
    ("2405.14906", "a method we term \\textsc{AIEV-Instruct} (", "a method we term AIEV-Instruct ("),
    ("2405.15319", "an operator, called G_{stack}, exhibits", "an operator, called G_stack, exhibits"),
    ("2509.01363", "v_{reason} = theta_{GRPO} - theta_{SFT}", "v_reason = θ_GRPO - θ_SFT"),
    ("2510.25889", "(e.g., pi_0, pi_{0.5}) remains", "(e.g., π₀, π₀.₅) remains"),
    ("2511.13714", "NoC_{90} (5.69 rightarrow 4.75)", "NoC₉₀ (5.69 → 4.75)"),
    ("2509.14008", "a strong ARleftrightarrowEN teacher", "a strong AR↔EN teacher"),
    ("2509.14008", 'the "nano" (leq2B) and', 'the "nano" (≤2B) and'),
    ("2509.23143", "(G approx 1, phi approx 0)", "(G ≈ 1, phi ≈ 0)"),
    ("2602.05367", "stacking binary (pm1) layers", "stacking binary (±1) layers"),
    ("2509.21117", "(A=B=C\\neq A)", "(A=B=C≠ A)"),
    ("2509.13523", "1 times 1 patch size on the 0.25{\\deg} ERA5", "1×1 patch size on the 0.25° ERA5"),
    ("2509.02437", "a cost of only \\50.5 for", "a cost of only $50.5 for"),
    ("2509.24908", "(41.6\\% vs.\\ 33.5\\%)", "(41.6% vs. 33.5%)"),
    ("2509.09674", "RoboTwin 1.0\\&2.0", "RoboTwin 1.0&2.0"),
    ("2605.09996", "Calibrated Accuracy (mathrm{Cal)}, which", "Calibrated Accuracy (Cal), which"),
    ("2605.09708", "driving a (1{+}1) evolutionary loop", "driving a (1+1) evolutionary loop"),
    ("2509.22611", "oscillates between {entropy collapse} and", "oscillates between entropy collapse and"),
    ("2511.11332", "A Constellation Orchestrator} executes", "A Constellation Orchestrator executes"),
    ("2511.04307", "We introduce GUI-360^circ, a", "We introduce GUI-360°, a"),
    ("2511.11332", "UFO$^3$ unifies", "UFO³ unifies"),
    ("2511.08195", "UI2Code$^\\text{N}$, a visual", "UI2Codeᴺ, a visual"),
    ("2511.11270", "backbone, $Φ$eat, is", "backbone, Φeat, is"),
    ("2509.06786", "R^textbf{2AI}: Towards Resistant", "R²AI: Towards Resistant"),
    ("2511.01340", "left|,circlearrowright,text{BUS},right|: A Large", "|↻BUS|: A Large"),
    ("2501.11873", "N_E sum_{i=1}^{N_E} f_i p_i", "N_E ∑_(i=1)^N_E f_i p_i"),
    ("2511.04217", "dimension O(dlog(Hd^{3/2}))", "dimension O(dlog(Hd^(3/2)))"),
    ("2511.19504", "only 10^3--10^4 samples", "only 10³--10⁴ samples"),
    ("2509.24335", "(constant ell_2 norm)", "(constant ℓ₂ norm)"),
    ("2511.01937", "The result is \\emph{emergent brevity}:", "The result is emergent brevity:"),
    ("2509.04338", 'stably by ``refining" their', "stably by “refining” their"),
    ("2602.11236", "the ''one-brain, many-forms'' paradigm", "the “one-brain, many-forms” paradigm"),
    # Links: joined where `\allowbreak` broke them, link text in braces kept before the URL.
    (
        "2511.06805",
        "at https://zheny2751\\allowbreak-dotcom.github.io/\\allowbreak MathSE.github.io/.",
        "at https://zheny2751-dotcom.github.io/MathSE.github.io/.",
    ),
    (
        "2511.07003",
        "MMT \\href{https://github.com/NiuTrans/LMT{https://github.com/NiuTrans/LMT}}.",
        "MMT https://github.com/NiuTrans/LMT.",
    ),
    (
        "2509.17399",
        "project webpage\\href{https://nlip-lab.github.io/diwali/{https://nlip-lab.github.io/diwali/}}, and",
        "project webpage https://nlip-lab.github.io/diwali/, and",
    ),
    ("2511.19900", "at https://github.com/aiming-lab/Agent0-VL{this https URL}.", "at https://github.com/aiming-lab/Agent0-VL."),
    (
        "2602.04789",
        "at https://github.com/chengtao-lv/LightForcing{https://github.com/chengtao-lv/LightForcing}.",
        "at https://github.com/chengtao-lv/LightForcing.",
    ),
    (
        "2511.07416",
        "Visit https://pointscoder.github.io/PhysWorld_Web/{the project webpage} for details.",
        "Visit the project webpage (https://pointscoder.github.io/PhysWorld_Web/) for details.",
    ),
    ("2509.17321", "at github.com/budzianowski/opengvl{OpenGVL}.", "at OpenGVL (github.com/budzianowski/opengvl)."),  # noqa: E501
    ("issue 12", "\\href{https://x.io/a}{our code}", "our code (https://x.io/a)"),
    ("LaTeX", "a price of \\$5 and \\$10", "a price of $5 and $10"),
]  # fmt: skip

# Text that is not residue, or that no rule can read: shown exactly as written.
AS_WRITTEN = [
    "costs $5 and $10",
    "a $16,000 budget; each model cost less than $500",
    "sim2real transfer and sim-to-sim, sim3D scenes, Sim2Real",
    "np.sqrt(x), my_sqrt(x) and sqrt of two",
    "an 8-times expansion, 2 to 10 times longer, sometimes",
    "alpha mining with epsilon-greedy search",
    "the label c in {True, False} of",
    "a Boolean in {0, 1}",
    "{{ site.title }} and {% raw %}",
    "~50M samples (~39% blocking)",
    "$$x^2$$",
    "$a_b_c$",
    "$\\frac{a}{b}$ and \\frac{a}{b}",
    "see \\cite{smith2024} and \\begin{tabular}",
    "snake_case_name, GTE_small, f_i and p_i",
    "use `\\alpha` and `x_{i}` in code",
    "C:\\Users\\bob and \\n and \\d+",
    "it\\'s",
    "left to right, right|left",
    "approx. 5 hours at 5pm, PM2.5",
    "~~strike~~ and _a_b_",
]


@pytest.mark.parametrize(
    ("paper", "residue", "meant"), RECORDED, ids=[f"{p}:{r[:30]}" for p, r, _ in RECORDED]
)
def test_recorded_residue_becomes_what_the_author_meant(paper: str, residue: str, meant: str) -> None:
    assert plain_text(residue) == meant


@pytest.mark.parametrize("text", AS_WRITTEN)
def test_text_that_is_not_residue_stays_as_written(text: str) -> None:
    assert plain_text(text) == text


def test_a_method_macro_reads_the_name_the_title_gives() -> None:
    title = "MathSE: Improving Multimodal Mathematical Reasoning"
    abstract = "we propose \\method, a Mathematical Self-Evolving framework"
    assert short_name(title) == "MathSE"
    assert (
        plain_text(abstract, name=short_name(title))
        == "we propose MathSE, a Mathematical Self-Evolving framework"
    )


def test_a_method_macro_without_a_name_keeps_its_word() -> None:
    title = "Think Longer to Explore Deeper: Learn to Explore In-Context"
    assert short_name(title) is None
    assert plain_text("Exploration(\\method). This", name=None) == "Exploration(method). This"
    assert plain_text("\\eg, \\etal, \\newmacro here", name="X") == "e.g., et al., newmacro here"


@pytest.mark.parametrize(
    ("title", "name"),
    [("UFO^3: Weaving the Digital Agent Galaxy", "UFO³"), ("TabDSR: Decompose, Sanitize", "TabDSR"),
     ("Hala Technical Report: Building", None), ("lowercase: a title", None), ("No colon here", None)],
)  # fmt: skip
def test_short_name_is_a_single_token_before_the_colon(title: str, name: str | None) -> None:
    assert short_name(title) == name


def test_the_template_filter_is_the_same_cleaning() -> None:
    for _, residue, meant in RECORDED:
        assert plain_math(residue) == meant
    assert plain_math(None) == ""


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("backslash commands", "we propose \\method"),
        ("Ntimes residues", "a 2.2times speedup"),
        ("stray braces", "an Orchestrator} executes"),
        ("bare macro names", "64.1 rightarrow 70.3"),
        ("tilde spaces", "RTX~5090"),
        ("LaTeX quotes", "``introverted''"),
    ],
)
def test_find_debris_names_each_class(kind: str, text: str) -> None:
    found = find_debris(text)
    assert found[kind], kind
    assert not find_debris(plain_text(text))[kind]


def test_find_debris_leaves_out_urls_sets_and_template_tags() -> None:
    text = "see https://x.io/sim2times/a, c in {True, False}, {{ site.title }}"
    found = find_debris(text)
    assert found["stray braces"] == [] and found["bare macro names"] == []
    assert find_debris("https://x.io/a\\_b")["backslash commands"] == ["\\_"]  # it breaks the link


# Words and the LaTeX around them, for the properties below. None of the words is a macro name.
WORDS = ["cat", "data", "graph", "zebra", "Boat", "quiz", "Ümlaut"]
RESIDUE = [
    "\\", "{", "}", "$", "^", "_", "~", " ", ",", ".", "(", ")", "|", "'", "`", '"', "-", ":", "=", "+",
    "2", "10", "3.5", "times", "sim", "approx", "leq", "rightarrow", "text", "textbf", "mathrm", "left",
    "right", "circ", "pi", "theta", "eg", "method", "href", "allowbreak", "url", "cite", "it", "%", "&",
    "https://x.io/a", "github.com/b/c", "\\'", "\\\"", "``", "''",
]  # fmt: skip
residue_text = st.lists(st.sampled_from(WORDS + RESIDUE), max_size=16).map("".join)


def words(text: str) -> Counter[str]:
    """How often each of WORDS occurs in text, accents aside (`\\"a` puts one on the next letter)."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return Counter({word: bare.count(strip_accents(word)) for word in WORDS})


def strip_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


@settings(max_examples=600, deadline=None)
@given(residue_text)
def test_cleaning_is_idempotent(text: str) -> None:
    once = plain_text(text, name="Nm")
    assert plain_text(once, name="Nm") == once


@settings(max_examples=600, deadline=None)
@given(residue_text)
@example("cat^\\'data")  # an accent on the letter after ^ is the word's, not a superscript's
def test_cleaning_never_drops_a_word(text: str) -> None:
    before, after = words(text), words(plain_text(text))
    assert all(after[w] >= before[w] for w in WORDS), (text, plain_text(text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-z0-9][a-z0-9.-]{0,8}", fullmatch=True), min_size=1, max_size=4),
    st.sampled_from(["", " "]),
)
def test_urls_broken_by_allowbreak_are_joined_into_valid_links(pieces: list[str], space: str) -> None:
    url = "https://example.org/" + "/".join(pieces)
    broken = "https://example.org/" + f"/\\allowbreak{space}".join(pieces)
    cleaned = plain_text(f"Code at {broken} now")
    assert cleaned == f"Code at {url} now"
    link = re.search(r"https?://\S+", cleaned)
    assert link is not None and is_http_url(link[0])
