"""The rendered post: the reference's shape, truthful counts and dates, hostile text kept as text."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from hf_digest import request
from hf_digest.config import Settings
from hf_digest.core.markdown import md_text, plain_math
from hf_digest.core.model import Digest, Organization, Paper, Span, day_span, papers_from_items
from hf_digest.core.rank import digest as rank_digest
from hf_digest.enrich.topics import bibtex
from hf_digest.errors import ConfigError
from hf_digest.rendering.render import render, render_data, render_post
from tests.helpers import (
    HOSTILE,
    LONG_TITLE,
    MISSING,
    day_digest,
    hostile_digest,
    load_sample,
    post_text,
    split_post,
    without_folds,
)

DAY = date(2026, 2, 10)


def entry(body: str, arxiv_id: str) -> list[str]:
    """The entry that links the paper arxiv_id: its title line, then its lines without the item's indent."""
    [block] = [b for b in re.split(r"\n\n(?=\d+\. )", body) if f"/papers/{arxiv_id})" in b]
    head, *rest = block.rstrip("\n").splitlines()
    pad = " " * len(head.split(" ")[0] + " ")
    assert all(line.startswith(pad) for line in rest if line), f"{arxiv_id}: a line is not under the text"
    return [head, *(line.removeprefix(pad) for line in rest)]


REFERENCE_TAGS = ["huggingface", "papers", "daily", "ai"]
# the day's topics after them: keywords two or more of the shown papers carry, most frequent first
DAY_TOPICS = ["large-language-models", "multimodal-large-language-models", "reinforcement-learning"]


def test_post_has_the_reference_shape(samples_dir: Path) -> None:
    post = render_post(day_digest(samples_dir, 10), Settings(author="lim4349"))
    assert post.path == "_posts/2026-02-10-hf-daily-papers.md"
    assert post.content_type == "text/markdown; charset=utf-8"
    values, body = split_post(post.content.decode("utf-8"))
    assert values == {
        "title": "Hugging Face Daily Papers - 2026-02-10",
        "date": "2026-02-10 09:15:00 +0900",
        "categories": ["Daily Papers", "일간"],
        "tags": [*REFERENCE_TAGS, *DAY_TOPICS],
        "author": "lim4349",
        "slug": "2026-02-10-hf-daily-papers",  # Jekyll's :title, so every post has its own page
        "description": "2026-02-10 Hugging Face 논문 33개 중 좋아요 상위 10개: "
        "Modality Gap-Driven Subspace Alignment…, MOVA, QuantaAlpha 외 7개",
        "image": {
            "path": "https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2602.07026.png",
            "alt": "Modality Gap-Driven Subspace Alignment Training Paradigm For Multimodal Large Language "
            "Models",
        },
    }
    assert post.content.startswith(
        b"---\ntitle: Hugging Face Daily Papers - 2026-02-10\ndate: 2026-02-10 09:15:00 +0900\n"
        b"categories: [Daily Papers, \xec\x9d\xbc\xea\xb0\x84]\ntags: [huggingface, papers, daily, ai, "
        b"large-language-models, multimodal-large-language-models, reinforcement-learning]\n"
        b"author: lim4349\nslug: 2026-02-10-hf-daily-papers\ndescription: "
    )
    # No heading: the layout shows the title, a `# title` would show it twice.
    assert body.startswith("총 **33개** 논문 중 좋아요 상위 **10개**를 소개합니다.\n")
    assert not re.search(r"^# ", body, re.MULTILINE)
    # The day's keywords sit between the counts and the ranking, a paragraph of their own.
    assert re.search(
        r"소개합니다\.\n\n\*\*오늘의 키워드\*\*: Multimodal Large Language Models \(2\) · [^\n]+\n\n"
        r"## 📊 좋아요 순위\n\n1\. \*\*",
        body,
    )
    assert len(re.findall(r"^\d+\. \*\*", body, re.MULTILINE)) == 10
    assert body.endswith("\n") and not body.endswith("\n\n")


def test_organisation_and_authors_share_one_line(samples_dir: Path) -> None:
    body = post_text(day_digest(samples_dir, 0))
    assert "총 **33개**의 논문이 수집되었습니다." in body
    openbmb = "- 기관: [OpenBMB](https://huggingface.co/openbmb) · 저자 Yishan Li 외 14명"
    zju = "- 기관: [Zhejiang University](https://huggingface.co/zju) · 저자 Yunze Tong 외 11명"
    assert (entry(body, "2602.06540")[1], entry(body, "2602.06422")[1]) == (openbmb, zju)
    assert entry(body, "2602.07026")[1] == "- 저자 Xiaomin Yu 외 14명"


def test_links_share_one_line_with_stars_and_the_repository_page(samples_dir: Path) -> None:
    body = post_text(day_digest(samples_dir, 0))
    assert entry(body, "2602.08794")[2] == (
        "- [HF](https://huggingface.co/papers/2602.08794) · [arXiv](https://arxiv.org/abs/2602.08794)"
        " · [코드](https://github.com/OpenMOSS/MOVA) ⭐ 521 · [프로젝트](https://mosi.cn/models/mova)"
    )
    # Recorded as https://github.com/Yu-xm/ReVision.git: the post links the repository's page.
    assert entry(body, "2602.07026")[2].endswith(" · [코드](https://github.com/Yu-xm/ReVision) ⭐ 26")
    code = re.findall(r"\[코드\]\((https://github\.com/[^)]*)\)", body)
    assert len(code) == 18 and not [url for url in code if url.endswith(("/", ".git"))]


def test_the_abstract_is_folded_under_the_entry(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 0)
    body = post_text(digest)
    paper = next(p for p in digest.papers if p.arxiv_id == "2602.07026")
    lines = entry(body, "2602.07026")
    assert lines[3].startswith("- AI 요약 (영문): Researchers address the modality gap")
    assert lines[4:] == [
        "",
        '<details markdown="1">',
        "<summary>초록</summary>",
        "",
        md_text(plain_math(paper.abstract), paper.arxiv_url),
        "",
        "</details>",
    ]
    assert body.count("<summary>초록</summary>") == 33 and "Abstract" not in body


def test_english_post_reads_as_english(samples_dir: Path) -> None:
    values, body = split_post(post_text(day_digest(samples_dir, 0), lang="en"))
    assert values["categories"] == ["Daily Papers", "Daily"]
    assert "author" not in values
    assert body.startswith("**33** papers were listed.\n")
    assert entry(body, "2602.07026")[1] == "- Xiaomin Yu et al. (15 authors)"
    assert entry(body, "2602.06540")[1] == (
        "- Organization: [OpenBMB](https://huggingface.co/openbmb) · Yishan Li et al. (15 authors)"
    )
    assert entry(body, "2602.08794")[2].endswith(
        " · [Code](https://github.com/OpenMOSS/MOVA) ⭐ 521 · [Project](https://mosi.cn/models/mova)"
    )
    assert "   - AI summary: " in body and body.count("   <summary>Abstract</summary>\n\n") == 33
    for korean in ("기관", "저자", "코드", "프로젝트", "초록", "요약"):
        assert korean not in body
    top = post_text(day_digest(samples_dir, 10), Settings(lang="en"))
    assert split_post(top)[1].startswith("**33** papers were listed; the top **10** by upvotes are shown.\n")


@pytest.mark.parametrize(
    ("lang", "authors", "line"),
    [
        ("ko", ("Kim",), "- 저자 Kim"),
        ("ko", ("Kim", "Lee"), "- 저자 Kim 외 1명"),
        ("en", ("Kim",), "- Kim"),
        ("en", ("Kim", "Lee"), "- Kim et al. (2 authors)"),
        ("ko", ("*Kim* {{ x }}", "Lee"), "- 저자 \\*Kim\\* {\\{ x }} 외 1명"),
    ],
)
def test_one_or_more_authors(lang: str, authors: tuple[str, ...], line: str) -> None:
    paper = Paper(arxiv_id="2602.00001", title="T", abstract="", upvotes=1, authors=authors)
    assert (
        entry(post_text(Digest(span=day_span(DAY), papers=(paper,), total=1), lang=lang), "2602.00001")[1]
        == line
    )


def test_every_sample_renders_without_missing_values(samples_dir: Path) -> None:
    files = sorted(samples_dir.glob("*.json"))
    assert files
    for path in files:
        papers, _ = papers_from_items(json.loads(path.read_text(encoding="utf-8")))
        digest = rank_digest(day_span(DAY), papers, 0)
        for lang in ("ko", "en"):
            text = post_text(digest, lang=lang)
            for bad in ("this https URL", "this http URL", "[]()", "]()", "{{", "{%"):
                assert bad not in text, f"{path.name} ({lang}) shows {bad!r}"
            assert not MISSING.search(text), f"{path.name} ({lang}) shows {MISSING.search(text)}"
            assert text.count("\n1. **") == 1


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("period", [request.parse_week("2026-W07"), request.parse_month("2026-02")])
def test_weekly_and_monthly_posts_show_the_same_entry_and_the_day_listed(
    samples_dir: Path, lang: str, period: Span
) -> None:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    day = post_text(rank_digest(day_span(DAY), papers, 3), lang=lang)
    bundle = render(rank_digest(period, papers, 3), Settings(), lang)
    text = bundle.files[0].content.decode()
    listed = "소개된 날" if lang == "ko" else "Listed on"
    for paper in rank_digest(day_span(DAY), papers, 3).papers:
        daily, other = entry(day, paper.arxiv_id), entry(text, paper.arxiv_id)
        assert other[1] == f"- {listed}: [2026-02-10](https://huggingface.co/papers/date/2026-02-10)"
        assert other[:1] + other[2:] == daily


def test_optional_fields_are_left_out() -> None:
    bare = Paper(arxiv_id="2602.00001", title="Bare", abstract="", upvotes=0)
    starless = replace(bare, arxiv_id="2602.00002", github_repo="https://github.com/a/b/", github_stars=0)
    org_only = replace(bare, arxiv_id="2602.00003", organization=Organization("o", "Org"))
    body = post_text(Digest(span=day_span(DAY), papers=(bare, starless, org_only), total=3))
    assert entry(body, "2602.00001") == [
        "1. **Bare** - 👍 0",
        "- [HF](https://huggingface.co/papers/2602.00001) · [arXiv](https://arxiv.org/abs/2602.00001)",
    ]
    assert entry(body, "2602.00002")[1].endswith(" · [코드](https://github.com/a/b)")  # no ⭐ 0
    assert entry(body, "2602.00003")[1] == "- 기관: [Org](https://huggingface.co/o)"
    assert "⭐" not in body and "None" not in body and "details" not in body


def test_unsafe_links_are_left_out() -> None:
    paper = Paper(
        arxiv_id="2602.00001", title="T", abstract="x", upvotes=1,
        github_repo="javascript:alert(1)", project_page="data:text/html,x",
    )  # fmt: skip
    body = post_text(Digest(span=day_span(DAY), papers=(paper,), total=1))
    assert "javascript" not in body and "data:" not in body and "코드" not in body and "프로젝트" not in body


def test_hostile_text_is_escaped_in_the_markdown() -> None:
    digest = hostile_digest()
    values, body = split_post(post_text(digest))
    assert values["title"] == "Hugging Face Daily Papers - 2026-02-10"
    assert "{{" not in body and "{%" not in body and "<" not in without_folds(body)
    assert body.count("<details") == body.count("</details>") == len(digest.papers)
    lines = body.splitlines()
    assert "1. **\\{\\{ site.title }}** - 👍 99" in lines
    assert "2. **&#123;% endraw %}** - 👍 98" in lines
    assert "7. **&lt;script>alert(1)&lt;/script>** - 👍 93" in lines
    assert "8. **a \\| b \\| c** - 👍 92" in lines
    assert "9. **1\\. not a list** - 👍 91" in lines
    assert "10. **× faster** - 👍 90" in lines
    assert "11. **\\$a\\_b\\_c\\$** - 👍 89" in lines
    assert "13. **\\*\\*bold\\*\\*** - 👍 87" in lines
    assert "14. **\\[x\\](javascript:alert(1))** - 👍 86" in lines
    org = "[\\{\\{ site.title }}](https://huggingface.co/evil-org)"
    assert f"   - 기관: {org} · 저자 A 외 1명" in lines
    assert (
        "   - [HF](https://huggingface.co/papers/2602.00001) · [arXiv](https://arxiv.org/abs/2602.00001)"
        " · [코드](https://github.com/evil/repo%281%29%20x%3Cy%3E%7B%7Bz%7D%7D) ⭐ 1"
        " · [프로젝트](https://evil.example/p?a=1&b=%7B%2%7D)"
    ) in lines
    abstract = "   &lt;script>alert(1)&lt;/script> Code: [arXiv](https://arxiv.org/abs/2602.00007) ."
    assert any(line.startswith(abstract + " {\\{ site.title") for line in lines)
    assert "Code: [arXiv](https://arxiv.org/abs/2602.00001) ." in body
    assert "this https URL" not in body
    assert f"**{LONG_TITLE.strip()}**" in body
    assert "right\u200fto\u200fleft" in body and "emoji 🤗" in body and "한국어 제목" in body


def test_items_from_ten_on_indent_their_details_under_the_text() -> None:
    lines = post_text(hostile_digest()).splitlines()
    nine = lines.index("9. **1\\. not a list** - 👍 91")
    ten = lines.index("10. **× faster** - 👍 90")
    assert lines[nine + 1].startswith("   - 기관: ")
    assert lines[ten + 1].startswith("    - 기관: ")
    fold = lines.index('    <details markdown="1">', ten)
    assert lines[fold + 1 : fold + 3] == ["    <summary>초록</summary>", ""]
    assert lines[fold + 3].startswith("    × faster Code: ") and lines[fold + 5] == "    </details>"


@pytest.mark.parametrize(
    "author",
    [*HOSTILE, "lim4349", "- dash", "* star", "&anchor", "!tag", "%directive", "@at", "`tick`", "a\nb",
     "---", "...", "yes", "null", "2026-02-10", "'", '"', "#", "[", "{", ""],
)  # fmt: skip
def test_front_matter_reads_back_exactly(author: str) -> None:
    settings = Settings(author=author, categories=(author, "일간: 🤗"), tags=(author, "[x]", "{y}"))
    values, body = split_post(post_text(hostile_digest(), settings))
    assert values["author"] == author
    assert values["categories"] == [author, "일간: 🤗"]
    assert values["tags"] == [*dict.fromkeys([author.lower(), "[x]", "{y}"])]
    assert body.startswith("총 **29개** 논문 중 좋아요 상위 **24개**를 소개합니다.\n")


@pytest.mark.parametrize(
    ("zone", "at", "offset"),
    [
        ("Asia/Seoul", time(9, 15), "+0900"),
        ("Pacific/Kiritimati", time(23, 59, 59), "+1400"),
        ("America/Los_Angeles", time(0, 0), "-0800"),
        ("UTC", time(23, 30), "+0000"),
    ],
)
def test_title_path_and_date_name_the_same_day(zone: str, at: time, offset: str) -> None:
    post = render_post(hostile_digest(), Settings(timezone=zone, post_time=at))
    values, _ = split_post(post.content.decode("utf-8"))
    assert values["date"] == f"2026-02-10 {at.isoformat()} {offset}"
    assert values["title"].endswith("2026-02-10") and "2026-02-10" in post.path


def test_daylight_saving_dates_carry_that_days_offset() -> None:
    summer = replace(hostile_digest(), span=day_span(date(2026, 7, 1)))
    values, _ = split_post(post_text(summer, Settings(timezone="America/Los_Angeles")))
    assert values["date"] == "2026-07-01 09:15:00 -0700"


def test_same_input_gives_the_same_bytes(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 10)
    assert render(digest, Settings()) == render(digest, Settings())


def test_empty_digest_renders() -> None:
    body = post_text(Digest(span=day_span(DAY), papers=(), total=0))
    assert "총 **0개**의 논문이 수집되었습니다." in body and "1. " not in body


def test_data_file_only_when_configured(samples_dir: Path) -> None:
    digest = day_digest(samples_dir, 3)
    assert render_data(digest, Settings()) is None
    assert len(render(digest, Settings()).files) == 1
    settings = Settings(data_path_template="_data/papers/{year}/{date}.json")
    data = render_data(digest, settings)
    assert data is not None
    assert data.path == "_data/papers/2026/2026-02-10.json"
    assert data.content_type == "application/json"
    text = data.content.decode("utf-8")
    assert text.endswith("}\n") and '\n  "total": 33,' in text
    payload = json.loads(text)
    assert list(payload) == ["date", "total", "shown", "papers"]
    assert (payload["date"], payload["total"], payload["shown"]) == ("2026-02-10", 33, 3)
    assert payload["papers"] == [{**p.to_json(), "bibtex": bibtex.entry(p)} for p in digest.papers]
    bundle = render(digest, settings)
    assert [f.path for f in bundle.files] == ["_posts/2026-02-10-hf-daily-papers.md", data.path]
    korean = render_data(hostile_digest(), settings)
    assert korean is not None and "한국어 제목".encode() in korean.content


def test_user_templates_come_first(tmp_path: Path) -> None:
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "daily.md.j2").write_text(
        "---\n{{ front_matter }}---\n{% for p in papers %}* {{ p.title | md_text }}\n{% endfor %}",
        encoding="utf-8",
    )
    settings = Settings(template_dir=tmp_path)
    _, body = split_post(post_text(hostile_digest(), settings))
    assert body.startswith("* \\{\\{ site.title }}\n* &#123;% endraw")
    assert "Ranked by upvotes" in post_text(hostile_digest(), settings, lang="en")


def test_missing_or_broken_templates_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"DIGEST_LANG: no template ja/daily\.md\.j2"):
        render_post(hostile_digest(), Settings(), lang="ja")
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "daily.md.j2").write_text("{% for %}", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"DIGEST_TEMPLATE_DIR: ko/daily\.md\.j2 line 1"):
        render_post(hostile_digest(), Settings(template_dir=tmp_path))
    other = tmp_path / "other"
    (other / "ko").mkdir(parents=True)
    (other / "ko" / "daily.md.j2").write_text("{{ no_such_value }}", encoding="utf-8")
    with pytest.raises(ConfigError, match="no_such_value"):
        render_post(hostile_digest(), Settings(template_dir=other))


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("{{ 1 / 0 }}", 3, "ZeroDivisionError: division by zero"),
        (
            "{% for p in papers %}{{ p.project_page | md_url }}{% endfor %}",
            3,
            "ValueError: not an http(s) URL",
        ),
        ("{{ papers[0].github_stars | round }}", 3, "TypeError: "),
        ("{{ no_such_value }}", 3, "UndefinedError: 'no_such_value' is undefined"),
        ("{% include 'ko/missing.md.j2' %}", 3, "TemplateNotFound: ko/missing.md.j2"),
        ("{% include 'ko/part.md.j2' %}", 2, "ZeroDivisionError: "),  # the included file's own line
    ],
    ids=["division", "filter-on-none", "round-of-none", "undefined", "missing-include", "included"],
)
def test_a_user_template_that_raises_is_one_config_line_naming_file_and_line(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "daily.md.j2").write_text(
        f"---\n{{{{ front_matter }}}}---\n{body}\n", encoding="utf-8"
    )
    (tmp_path / "ko" / "part.md.j2").write_text("fine\n{{ 2 // 0 }}\n", encoding="utf-8")
    papers = (Paper(arxiv_id="2602.00001", title="t", abstract="a", upvotes=1),)  # no stars, no page
    with pytest.raises(ConfigError) as caught:
        render_post(Digest(day_span(DAY), papers, 1), Settings(template_dir=tmp_path))
    name = "ko/part.md.j2" if "part" in body else "ko/daily.md.j2"
    message = str(caught.value)
    assert message.startswith(f"DIGEST_TEMPLATE_DIR: {name} line {line}: {reason}")
    assert "\n" not in message and caught.value.exit_code == 2


def test_skipped_items_count_as_listed_and_are_said_to_be_left_out() -> None:
    papers = [Paper(arxiv_id=f"2602.0000{n}", title=f"t{n}", abstract="", upvotes=n) for n in range(1, 4)]
    warnings = ["item 3: 2602.99999 has no title", "item 4 is not an object"]
    digest = rank_digest(day_span(DAY), papers, 0, warnings)
    assert (digest.total, len(digest.papers)) == (5, 3)  # what Hugging Face listed, what is shown
    settings = Settings(data_path_template="_data/{date}.json")
    english = post_text(digest, settings, "en")
    assert (
        "**5** papers were listed; the top **3** by upvotes are shown.\n**2** of them are left out" in english
    )
    assert "총 **5개** 논문 중 좋아요 상위 **3개**를 소개합니다.\n그중 **2개**는" in post_text(
        digest, settings
    )
    data = render_data(digest, settings)
    assert data is not None and json.loads(data.content)["skipped"] == 2
    clean = render_data(rank_digest(day_span(DAY), papers, 0), settings)
    assert clean is not None and "skipped" not in json.loads(clean.content)  # earlier files stay the same
