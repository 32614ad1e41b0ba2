"""The checks a summary passes before a reader sees it: language, length, numbers, URLs, markup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_digest.enrich.summaries.checks import (
    answer_problem,
    day_problem,
    handle_problem,
    hangul_share,
    names_problem,
    number_problem,
    problem,
    url_problem,
)

TITLE = "SkillRL: Evolving Agents via Recursive Skill-Augmented Reinforcement Learning"
ABSTRACT = (
    "Large language model (LLM) agents struggle to reuse experience. We propose SkillRL, which distils "
    "two kinds of skills and improves the success rate by 12.3% on ALFWorld and 1,024 WebShop tasks, "
    "using Qwen2.5-7B. It is threefold faster than GRPO."
)
GOOD_KO = (
    "이 논문은 대형 언어 모델(LLM) 에이전트가 경험을 재사용하지 못하는 문제를 다룹니다. "
    "저자들은 두 종류의 기술(skill)을 추출하는 SkillRL을 제안하며, ALFWorld에서 성공률을 12.3% 높였습니다."
)
GOOD_EN = (
    "The paper tackles LLM agents that cannot reuse experience. It proposes SkillRL, which distils two "
    "kinds of skills, and raises the success rate by 12.3% on ALFWorld using Qwen2.5-7B."
)


def check(text: str, lang: str = "ko") -> str | None:
    return problem(text, title=TITLE, abstract=ABSTRACT, lang=lang)


def test_a_faithful_korean_summary_passes() -> None:
    assert check(GOOD_KO) is None


def test_a_faithful_english_summary_passes() -> None:
    assert check(GOOD_EN, "en") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD_KO.replace("12.3%", "15.7%"), "numbers not in the title or abstract: 15.7"),
        (GOOD_KO + " 총 2048개의 과제로 평가했습니다.", "numbers not in the title or abstract: 2048"),
        (GOOD_EN, "not Korean"),
        (GOOD_KO + " 자세한 내용은 https://github.com/skillrl 에서 볼 수 있습니다.", "holds a URL"),
        (GOOD_KO + " 코드는 github.com 에 있습니다.", "holds a URL or domain: 'github.com'"),
        (GOOD_KO + " {{ site.title }} 참고.", "holds Liquid markup"),
        (GOOD_KO + " {% raw %} 참고.", "holds Liquid markup"),
        (GOOD_KO + " <script>alert(1)</script>", "holds HTML markup"),
        (GOOD_KO.replace("SkillRL을", "**SkillRL**을"), "holds Markdown markup"),
        (GOOD_KO.replace("SkillRL을", "`SkillRL`을"), "holds Markdown markup"),
        (GOOD_KO.replace("SkillRL을", "[SkillRL](x)을"), "holds Markdown markup"),
        ("# 요약 " + GOOD_KO, "holds Markdown markup"),
        ("짧은 요약입니다.", "too short"),
        (GOOD_KO * 8, "too long"),
        ("실험을 했습니다. " * 6 + GOOD_KO, "too many sentences: 8"),
        ("   ", "empty"),
    ],
)
def test_a_summary_that_breaks_a_rule_says_which(text: str, expected: str) -> None:
    found = check(text)
    assert found is not None and found.startswith(expected), found


def test_english_with_hangul_is_not_english() -> None:
    assert check(GOOD_EN + " 요약.", "en") == "not English: it holds Hangul"


def test_english_terms_in_parentheses_do_not_count_against_korean() -> None:
    heavy = "강화 학습(Reinforcement Learning with Verifiable Rewards, RLVR)을 다루는 연구입니다."
    assert hangul_share(heavy) == 1.0
    assert hangul_share("LLM agent benchmark 결과") < 0.5


@pytest.mark.parametrize(
    "summary",
    [
        "1,024개의 WebShop 과제",  # written with a thousands separator, as in the abstract
        "1024개의 WebShop 과제",  # ... or without it: the same number
        "두 가지, 즉 2종류의 기술",  # "two kinds" in the abstract
        "3배 빠릅니다",  # "threefold"
        "Qwen2.5-7B 모델",  # numbers inside a model's name
        "12.30%",  # the same value
        "１２.３%",  # full-width digits
    ],
)
def test_numbers_the_abstract_holds_in_any_spelling_pass(summary: str) -> None:
    assert number_problem(summary, f"{TITLE} {ABSTRACT}") is None


def test_every_invented_number_is_named() -> None:
    found = number_problem("성공률 99%, 속도 4배, 1,500개 과제", ABSTRACT)
    assert found == "numbers not in the title or abstract: 99, 4, 1,500"


# Issue 21: what the README promises the gate refuses, in every spelling a model may choose.
@pytest.mark.parametrize(
    "link",
    [
        "example.com/path",
        "github.com/skillrl/code",
        "arxiv.org/abs/2602.07026",
        "www.skillrl.io",
        "hf.co/papers/2602.07026",
        "bit.ly/skillrl",
        "skillrl.github.io/",
        "ftp://files.skillrl.test",
        "mailto:authors",
        "javascript:alert(1)",
        "HTTPS://SKILLRL.TEST",
    ],
)
def test_a_bare_domain_or_any_scheme_is_refused(link: str) -> None:
    found = check(f"{GOOD_KO} 코드는 {link} 에 있습니다.")
    assert found is not None and found.startswith("holds a URL or domain"), found


@pytest.mark.parametrize(
    "text",
    [
        "Qwen2.5/7B 모델을 사용합니다.",  # a version, not a host
        "즉(i.e.) 결과는 e.g. 표와 같습니다.",
        "가중치는 model.safetensors 파일 하나입니다.",
        "학습 데이터: 이미지와 텍스트.",
        "Pass@k 와 Recall@k 에서 개선되었습니다.",  # metrics, not handles
    ],
)
def test_versions_abbreviations_file_names_and_metrics_are_not_links(text: str) -> None:
    assert check(f"{GOOD_KO} {text}") is None


@pytest.mark.parametrize("handle", ["@openai", "@skill_rl", "(@hf_user)"])
def test_an_at_handle_is_refused(handle: str) -> None:
    found = check(f"{GOOD_KO} 저자는 {handle} 입니다.")
    assert found is not None and found.startswith("holds an @handle"), found


@pytest.mark.parametrize(
    ("added", "named"),
    [
        ("It is ninety percent faster.", "ninety"),
        ("It needs six times fewer steps.", "six"),
        ("It is five times cheaper.", "five"),
        ("It halves memory, using half the GPUs.", "half"),
        ("It runs eight times as fast.", "eight"),
        ("It beats a dozen baselines.", "dozen"),
        ("It uses twenty-five layers.", "twenty-five"),
        ("It was trained on three hundred tasks.", "three hundred"),
        ("It ranks fourth overall.", "fourth"),
        ("It is tenfold faster.", "tenfold"),
    ],
)
def test_an_english_number_word_the_abstract_lacks_is_refused(added: str, named: str) -> None:
    found = check(f"{GOOD_EN} {added}", "en")
    assert found is not None and found.startswith("numbers not in the title or abstract"), found
    assert named in found


@pytest.mark.parametrize(
    ("added", "named"),
    [
        ("속도는 네 배 빨라졌습니다.", "네"),
        ("비용은 여섯 배 줄었습니다.", "여섯"),
        ("열 개의 벤치마크에서 평가했습니다.", "열"),
        ("백만 개의 예제로 학습했습니다.", "백만"),
        ("다섯 가지 과제에서 앞섰습니다.", "다섯"),
        ("아홉 단계로 이루어집니다.", "아홉"),
        ("스물다섯 개 층을 씁니다.", "스물다섯"),
        ("삼십 퍼센트 향상되었습니다.", "삼십"),
        ("오퍼센트 향상되었습니다.", "오퍼센트"),
        ("메모리를 절반으로 줄였습니다.", "절반"),
        ("넷째로, 안정성이 높습니다.", "넷"),
    ],
)
def test_a_korean_number_word_the_abstract_lacks_is_refused(added: str, named: str) -> None:
    found = check(f"{GOOD_KO} {added}")
    assert found is not None and found.startswith("numbers not in the title or abstract"), found
    assert named in found


@pytest.mark.parametrize(
    "summary",
    [
        "두 종류의 기술을 추출합니다.",  # "two kinds" in the abstract
        "2가지 기술, 즉 둘을 추출합니다.",
        "세 배 빠릅니다.",  # "threefold"
        "It is three times faster.",
        "It runs twice as fast and thrice as often.",  # "two kinds", "threefold"
        "It distils two kinds of skills.",
        "성공률은 12.3% 높아졌습니다.",
    ],
)
def test_a_number_word_the_abstract_holds_as_a_word_or_in_digits_passes(summary: str) -> None:
    assert number_problem(summary, f"{TITLE} {ABSTRACT}") is None


# Model-like Korean: 이 ("this"), 일 ("work"), 사용, 구조, 이번, 만약, 백본, 천천히, 세계, 한 번 are words.
FLUENT_KO = [
    "이 논문은 대형 언어 모델 에이전트가 이전 경험을 재사용하지 못하는 문제를 다룹니다. 저자들은 이를 "
    "해결하기 위해 SkillRL을 제안하며, 이 방법은 일반적인 강화 학습보다 효율적입니다.",
    "이번 연구는 에이전트의 구조를 바꾸지 않고 한 번의 학습으로 여러 과제에 적용할 수 있음을 보입니다. 만약 "
    "경험이 부족하면 이 단계에서 천천히 기술을 쌓습니다.",
    "제안한 백본은 세계 여러 벤치마크에서 일관된 개선을 보였으며, 이는 사용자가 일부 과제를 직접 설계할 "
    "필요를 줄여 줍니다. 이상의 결과는 하나의 모델로 다양한 환경을 다룰 수 있음을 시사합니다.",
    "저자들은 첫 실험에서 기존 방법의 한계를 분석하고, 이차적인 효과까지 고려한 학습 방법을 제시합니다. "
    "구현은 간단하며 오류 분석도 함께 제공합니다.",
]


@pytest.mark.parametrize("summary", FLUENT_KO)
def test_fluent_korean_without_invented_numbers_passes(summary: str) -> None:
    assert check(summary) is None


_ONES = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_KO_UNITS = ["", "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉"]
_KO_TENS = ["", "열", "스물", "서른", "마흔", "쉰", "예순", "일흔", "여든", "아흔"]


def english(n: int) -> str:
    """n (1-999) in English words, as a model may write it ("three hundred forty-two")."""
    hundreds, rest = divmod(n, 100)
    words = [f"{_ONES[hundreds]} hundred"] if hundreds else []
    if 10 <= rest < 20:
        words.append(_TEENS[rest - 10])
    elif rest:
        tens, ones = divmod(rest, 10)
        words.append("-".join(w for w in (_TENS[tens] if tens else "", _ONES[ones] if ones else "") if w))
    return " ".join(words)


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=2, max_value=999))
def test_any_english_number_word_is_refused_unless_the_abstract_holds_it(n: int) -> None:
    summary = f"It improves accuracy on {english(n)} benchmarks."
    assert number_problem(summary, f"We evaluate on {n + 1000} tasks.") is not None
    assert number_problem(summary, f"We evaluate on {n} benchmarks.") is None


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=2, max_value=99))
def test_any_korean_native_number_before_a_counter_is_refused_unless_the_abstract_holds_it(n: int) -> None:
    tens, ones = divmod(n, 10)
    word = _KO_TENS[tens] + _KO_UNITS[ones]
    summary = f"저자들은 모두 {word} 가지 과제에서 평가했습니다."
    assert number_problem(summary, f"We evaluate on {n + 1000} tasks.") is not None
    assert number_problem(summary, f"We evaluate on {n} tasks.") is None


@pytest.mark.parametrize(
    "summary",
    [
        "It decodes 1,024 tokens per second, one of the first agents to reuse skills.",  # a unit, and "one"
        "The 2.5 billion-parameter Qwen2.5-7B backbone runs once per task on a single GPU.",
        "It compares the two kinds of skills and a second kind of memory.",  # "two kinds" in the abstract
    ],
)
def test_units_and_words_meaning_one_are_not_invented_numbers(summary: str) -> None:
    assert number_problem(summary, f"{TITLE} {ABSTRACT}") is None


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


@pytest.mark.parametrize("name", ["2026-02-10.summaries.ko.json", "2026-02-10.summaries.en.json"])
def test_the_golden_summaries_pass_the_gate(name: str) -> None:
    lang = name.split(".")[-2]
    papers = [
        p for p in json.loads((GOLDEN / name).read_text(encoding="utf-8"))["papers"] if p.get("summary")
    ]
    assert len(papers) >= 8
    for paper in papers:
        text = paper["summary"]["text"]
        assert problem(text, title=paper["title"], abstract=paper["abstract"], lang=lang) is None, text


def test_hugging_faces_own_ai_summaries_hold_no_link_handle_or_number_their_abstract_lacks(
    samples_dir: Path,
) -> None:
    # Real model-written summaries (English) of every recorded paper: the gate's false refusals.
    seen: dict[str, str | None] = {}
    for path in sorted(samples_dir.glob("*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in items if isinstance(items, list) else []:
            paper = item.get("paper") or {}
            summary = paper.get("ai_summary")
            if summary and paper["id"] not in seen:
                source = f"{paper.get('title', '')} {paper.get('summary') or ''}"
                seen[paper["id"]] = (
                    url_problem(summary) or handle_problem(summary) or number_problem(summary, source)
                )
    assert len(seen) > 1000
    assert {arxiv_id: why for arxiv_id, why in seen.items() if why} == {}


# Issue 24: the three-line shape, field by field, and the day's brief.
FIELDS_KO = {
    "title": "SkillRL: 재귀적 Skill 증강 강화 학습으로 진화하는 에이전트",
    "problem": "언어 모델 에이전트는 경험에서 재사용할 기술(skill)을 쌓지 못합니다.",
    "method": "SkillRL은 강화 학습(Reinforcement Learning) 중에 기술을 재귀적으로 모으고 다듬습니다.",
    "result": "여러 에이전트 과제에서 기존 방법보다 좋은 성능을 보였습니다.",
    "keywords": ["SkillRL", "강화 학습", "LLM 에이전트"],
}


def answer(**changes: object) -> str | None:
    return answer_problem({**FIELDS_KO, **changes}, title=TITLE, abstract=ABSTRACT, keywords=(), lang="ko")


def test_a_faithful_three_line_answer_passes() -> None:
    assert answer() is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": "가" * 61}, "title: too long: 61 characters, at most 60"),
        ({"title": "Recursive Skill-Augmented Reinforcement Learning"}, "title: not Korean"),
        ({"problem": "가" * 121}, "problem: too long: 121 characters, at most 120"),
        ({"method": "짧음"}, "method: too short"),
        ({"result": "It beats every baseline on the benchmarks."}, "result: not Korean"),
        ({"result": "GPT-4o보다 좋은 성능을 보였습니다."}, "result: numbers not in the title or abstract: 4"),
        ({"result": "DeepSeek보다 좋은 성능을 보였습니다."}, "result: names not in the paper: DeepSeek"),
        ({"method": "기술을 [모으고](https://x.test) 다듬습니다."}, "method: holds a URL"),
        ({"keywords": ["SkillRL", "강화 학습"]}, "keywords: 2, wanted 3 to 5"),
        ({"keywords": ["a", "b", "c", "d", "e", "f"]}, "keywords: 6, wanted 3 to 5"),
        ({"keywords": ["SkillRL", "<b>RL</b>", "에이전트"]}, "keywords: holds HTML markup"),
        ({"keywords": ["SkillRL", "RL", "x" * 41]}, "keywords: too long"),
    ],
)
def test_each_field_of_the_answer_is_checked_and_named(changes: dict[str, object], reason: str) -> None:
    found = answer(**changes)
    assert found is not None and found.startswith(reason), found


def test_a_name_the_paper_holds_in_any_case_passes_and_acronyms_are_not_names() -> None:
    assert names_problem("skillrl와 RAG, LLM을 씁니다", TITLE) is None
    assert names_problem("Qwen2.5와 LLaMA를 씁니다", TITLE) == "names not in the paper: Qwen2.5, LLaMA"


def test_the_days_brief_may_name_only_what_the_shown_papers_hold() -> None:
    brief = (
        "오늘 소개된 논문들은 SkillRL처럼 에이전트가 경험에서 기술을 쌓는 방법을 다룹니다. "
        "여러 논문이 강화 학습을 씁니다."
    )
    shown = f"{TITLE} {ABSTRACT}"
    assert day_problem(brief, lang="ko", numbers_from=shown, names_from=shown) is None
    other = brief.replace("SkillRL", "AlphaGeometry")
    assert day_problem(other, lang="ko", numbers_from=shown, names_from=shown) == (
        "names not in the paper: AlphaGeometry"
    )
    assert day_problem(
        brief + " 성능은 97% 올랐습니다.", lang="ko", numbers_from=shown, names_from=shown
    ) == ("numbers not in the title or abstract: 97")
