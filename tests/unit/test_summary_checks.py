"""The checks a summary passes before a reader sees it: language, length, numbers, URLs, markup."""

from __future__ import annotations

import pytest

from hf_digest.summaries.checks import hangul_share, number_problem, problem

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
