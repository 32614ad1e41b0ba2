"""The rendered post: the reference's shape, truthful counts and dates, hostile text kept as text."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import pytest

from hf_digest.config import Settings
from hf_digest.errors import ConfigError
from hf_digest.model import Digest, Paper, day_span, papers_from_items
from hf_digest.rank import digest as rank_digest
from hf_digest.render import render, render_data, render_post
from tests.helpers import HOSTILE, LONG_TITLE, MISSING, day_digest, hostile_digest, split_post

DAY = date(2026, 2, 10)


def post_text(digest: Digest, settings: Settings | None = None, lang: str | None = None) -> str:
    return render_post(digest, settings or Settings(), lang).content.decode("utf-8")


def test_post_has_the_reference_shape(samples_dir: Path) -> None:
    post = render_post(day_digest(samples_dir, 10), Settings(author="lim4349"))
    assert post.path == "_posts/2026-02-10-hf-daily-papers.md"
    assert post.content_type == "text/markdown; charset=utf-8"
    values, body = split_post(post.content.decode("utf-8"))
    assert values == {
        "title": "Hugging Face Daily Papers - 2026-02-10",
        "date": "2026-02-10 09:15:00 +0900",
        "categories": ["Daily Papers", "일간"],
        "tags": ["huggingface", "papers", "daily", "ai"],
        "author": "lim4349",
    }
    assert post.content.startswith(
        b"---\ntitle: Hugging Face Daily Papers - 2026-02-10\ndate: 2026-02-10 09:15:00 +0900\n"
        b"categories: [Daily Papers, \xec\x9d\xbc\xea\xb0\x84]\ntags: [huggingface, papers, daily, ai]\n"
        b"author: lim4349\n---\n\n# Hugging Face Daily Papers - 2026-02-10\n\n"
    )
    assert "총 **33개** 논문 중 좋아요 상위 **10개**를 소개합니다.\n\n## 📊 좋아요 순위\n\n1. **" in body
    assert len(re.findall(r"^\d+\. \*\*", body, re.MULTILINE)) == 10
    assert body.endswith("\n") and not body.endswith("\n\n")


def test_all_papers_show_organisation_or_author_count(samples_dir: Path) -> None:
    body = post_text(day_digest(samples_dir, 0))
    assert "총 **33개**의 논문이 수집되었습니다." in body

    def detail(arxiv_id: str) -> str:
        """The line under the entry's title, its indent checked against the item number."""
        block = body.split(f"/papers/{arxiv_id})")[0].rsplit("\n\n", 1)[1]
        head, line = block.splitlines()[:2]
        assert line.startswith(" " * (len(head.split(" ")[0]) + 1) + "- ")
        return line.strip()

    assert detail("2602.06540") == "- 기관: [OpenBMB](https://huggingface.co/openbmb)"
    assert detail("2602.06422") == "- 기관: [Zhejiang University](https://huggingface.co/zju)"
    assert detail("2602.07026") == "- 저자: 15명"
    assert "[코드](https://github.com/OpenBMB/" in body.split("/papers/2602.06540)")[1].split("\n\n")[0]


def test_english_post_labels_and_counts(samples_dir: Path) -> None:
    values, body = split_post(post_text(day_digest(samples_dir, 0), lang="en"))
    assert values["categories"] == ["Daily Papers", "Daily"]
    assert "author" not in values
    assert "\n**33** papers were listed.\n" in body
    assert "   - Authors: 15\n" in body
    assert "   - Organization: [OpenBMB](https://huggingface.co/openbmb)\n" in body
    for label in ("[HF page](", "[Paper](", "[Code](", "[Project page](", "- AI summary: ", "- Abstract: "):
        assert label in body
    top = post_text(day_digest(samples_dir, 10), Settings(lang="en"))
    assert "\n**33** papers were listed; the top **10** by upvotes are shown.\n" in top


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


def test_optional_fields_are_left_out() -> None:
    bare = Paper(arxiv_id="2602.00001", title="Bare", abstract="", upvotes=0)
    starless = replace(bare, arxiv_id="2602.00002", github_repo="https://github.com/a/b", authors=("X",))
    body = post_text(Digest(span=day_span(DAY), papers=(bare, starless), total=2))
    first, second = body.split("\n\n")[-2:]
    assert first.splitlines() == [
        "1. **Bare** - 👍 0",
        "   - [HF 페이지](https://huggingface.co/papers/2602.00001)",
        "   - [논문 링크](https://arxiv.org/abs/2602.00001)",
    ]
    assert "   - 저자: 1명\n" in second and second.endswith("   - [코드](https://github.com/a/b)\n")
    assert "⭐" not in body and "None" not in body


def test_unsafe_links_are_left_out() -> None:
    paper = Paper(
        arxiv_id="2602.00001", title="T", abstract="x", upvotes=1,
        github_repo="javascript:alert(1)", project_page="data:text/html,x",
    )  # fmt: skip
    body = post_text(Digest(span=day_span(DAY), papers=(paper,), total=1))
    assert "javascript" not in body and "data:" not in body and "코드" not in body


def test_hostile_text_is_escaped_in_the_markdown() -> None:
    digest = hostile_digest()
    values, body = split_post(post_text(digest))
    assert values["title"] == "Hugging Face Daily Papers - 2026-02-10"
    assert "{{" not in body and "{%" not in body and "<" not in body
    lines = body.splitlines()
    assert "1. **&#123;&#123; site.title &#125;&#125;** - 👍 99" in lines
    assert "2. **&#123;% endraw %&#125;** - 👍 98" in lines
    assert "7. **&lt;script&gt;alert(1)&lt;/script&gt;** - 👍 93" in lines
    assert "8. **a \\| b \\| c** - 👍 92" in lines
    assert "9. **1\\. not a list** - 👍 91" in lines
    assert "10. **× faster** - 👍 90" in lines
    assert "11. **\\$a\\_b\\_c\\$** - 👍 89" in lines
    assert "13. **\\*\\*bold\\*\\*** - 👍 87" in lines
    assert "14. **\\[x\\](javascript:alert(1))** - 👍 86" in lines
    assert "   - 기관: [&#123;&#123; site.title &#125;&#125;](https://huggingface.co/evil-org)" in lines
    assert "   - [코드](https://github.com/evil/repo%281%29%20x%3Cy%3E%7B%7Bz%7D%7D) ⭐ 1" in lines
    assert "   - [프로젝트 페이지](https://evil.example/p?a=1&b=%7B%2%7D)" in lines
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
    assert values["tags"] == [author, "[x]", "{y}"]
    assert body.startswith("# Hugging Face Daily Papers - 2026-02-10\n")


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
    assert payload["papers"] == [p.to_json() for p in digest.papers]
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
    assert body.startswith("* &#123;&#123; site.title &#125;&#125;\n* &#123;% endraw")
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
