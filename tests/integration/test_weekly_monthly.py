"""Weekly and monthly digests from the API's `week=` / `month=` lists, built from a real month of papers.

The server answers month and week queries page by page in the recorded order, whose pages are sorted only
within themselves, as Hugging Face's are.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from hf_digest import lambda_entry
from hf_digest.enrich.topics import normalise_tag
from hf_digest.enrich.trends import MIN_PAPERS, topic_key
from hf_digest.errors import PublishError
from hf_digest.observability import metrics
from tests.helpers import FakeContext, Output, hf_digest, load_sample
from tests.hf_server import HFServer

MONTH_FILE = "honggi82_month_2025-11.json"
WEEK_46 = {f"2025-11-{n}" for n in range(10, 17)}  # 2025-W46: Monday 11-10 to Sunday 11-16
WEEK_45 = {f"2025-11-{n:02d}" for n in range(3, 10)}


class RecordedOrderServer(HFServer):
    """Serves week and month lists in the order they were recorded, not re-sorted by upvotes."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__({})
        self.items = items

    def items_where(self, wanted: set[str]) -> list[dict[str, Any]]:
        return [item for item in self.items if item["paper"]["submittedOnDailyAt"][:10] in wanted]


@pytest.fixture
def month_items(samples_dir: Path) -> list[dict[str, Any]]:
    return load_sample(samples_dir, MONTH_FILE)


@pytest.fixture
def server(month_items: list[dict[str, Any]]) -> Iterator[HFServer]:
    with RecordedOrderServer(month_items) as running:
        yield running


def front_matter(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(data, dict)
    return data


def upvotes(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^\d+\. \*\*.*\*\* - 👍 (\d+)$", text, re.MULTILINE)]


def test_a_month_ranks_every_page_as_one_list(
    server: HFServer, month_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    recorded = [item["paper"]["upvotes"] for item in month_items]
    assert recorded != sorted(recorded, reverse=True)  # the pages, as served, are not in upvote order

    proc = hf_digest(
        server, "run", "--month", "2025-11", "--top", "0", "--lang", "en", "--out", str(tmp_path)
    )
    assert proc.exit_code == 0, proc.stderr
    assert proc.stdout.startswith("published 2025-11: 412 of 412 papers shown\n")
    # The month's five pages, then the month before (for its topics' movement): unrecorded, so empty.
    assert [r.query for r in server.requests] == [
        *({"month": "2025-11", "limit": "100", "p": str(page)} for page in range(5)),
        {"month": "2025-10", "limit": "100", "p": "0"},
    ]
    text = (tmp_path / "_posts/2025-11-30-hf-monthly-papers-en.md").read_text(encoding="utf-8")
    meta = front_matter(text)
    assert meta["title"] == "Hugging Face Monthly Papers - 2025-11"
    assert str(meta["date"]).startswith("2025-11-30 09:15:00")
    assert meta["categories"] == ["Monthly Papers", "Monthly"]
    # The month's five most frequent keywords join the tags, and the line that counts them.
    base, topics = meta["tags"][:4], meta["tags"][4:]
    assert base == ["huggingface", "papers", "monthly", "ai"] and len(topics) == 5
    [line] = [line for line in text.splitlines() if line.startswith("Topics of the month: ")]
    counted = re.findall(r"([\w-]+) \((\d+)\)", line.removeprefix("Topics of the month: "))
    assert [tag for tag, _ in counted] == topics
    counts = [int(n) for _, n in counted]
    assert counts == sorted(counts, reverse=True) and counts[-1] >= 2
    carrying = [{normalise_tag(k) for k in item["paper"].get("ai_keywords", [])} for item in month_items]
    assert counts == [sum(tag in tags for tags in carrying) for tag in topics]  # the true counts
    assert "In the month 2025-11-01 to 2025-11-30, **412** papers were listed; all are shown." in text
    assert re.search(r"^Upvote counts as of \d{4}-\d{2}-\d{2}\.$", text, re.MULTILINE)
    shown = upvotes(text)
    assert len(shown) == 412 and shown == sorted(recorded, reverse=True)


def test_a_week_in_korean_shows_its_top_papers_and_the_day_each_was_listed(
    server: HFServer, month_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    proc = hf_digest(server, "run", "--week", "2025-W46", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    in_week = [item for item in month_items if item["paper"]["submittedOnDailyAt"][:10] in WEEK_46]
    assert proc.stdout.startswith(f"published 2025-W46: 10 of {len(in_week)} papers shown\n")
    text = (tmp_path / "_posts/2025-11-16-hf-weekly-papers.md").read_text(encoding="utf-8")
    meta = front_matter(text)
    assert meta["title"] == "Hugging Face Weekly Papers - 2025-W46"
    assert meta["categories"] == ["Weekly Papers", "주간"]
    assert f"2025-11-10 ~ 2025-11-16 한 주 동안 Daily Papers에 오른 **{len(in_week)}개** 논문 중" in text
    assert "## 📊 좋아요 순위" in text
    assert upvotes(text) == sorted((item["paper"]["upvotes"] for item in in_week), reverse=True)[:10]
    listed = re.findall(r"- 소개된 날: \[(2025-11-\d\d)\]\(https://huggingface.co/papers/date/\1\)", text)
    assert len(listed) == 10 and set(listed) <= WEEK_46


def test_an_open_period_is_refused_before_any_request(server: HFServer, tmp_path: Path) -> None:
    this_month = datetime.now(UTC).strftime("%Y-%m")
    proc = hf_digest(server, "run", "--month", this_month, "--out", str(tmp_path))
    assert proc.exit_code == 2 and f"month: {this_month} is still open" in proc.stderr
    bad = hf_digest(server, "run", "--week", "2025-W54", "--out", str(tmp_path))
    assert bad.exit_code == 2 and "week: 2025-W54 is not a week of the ISO calendar" in bad.stderr
    assert server.requests == []


@pytest.fixture
def env(
    clean_settings: None, monkeypatch: pytest.MonkeyPatch, server: HFServer, tmp_path: Path
) -> Iterator[Path]:
    monkeypatch.setenv("HF_BASE_URL", server.url)
    monkeypatch.setenv("DIGEST_OUTPUT_DIR", str(tmp_path))
    yield tmp_path
    metrics.clear_metrics()


WEEK = {"week": "2025-W46", "from": "2025-11-10", "to": "2025-11-16"}
MONTH = {"month": "2025-11", "from": "2025-11-01", "to": "2025-11-30"}


@pytest.mark.parametrize(
    ("event", "post", "span"),
    [
        # What Scheduler sends with the template's Input: the scheduled time, even when delivered late.
        (
            {"digest": "weekly", "time": "2025-11-17T03:00:00Z", "id": "e1"},
            "_posts/2025-11-16-hf-weekly-papers.md",
            WEEK,
        ),
        (
            {"digest": "monthly", "time": "2025-12-01T03:00:00Z", "id": "e2"},
            "_posts/2025-11-30-hf-monthly-papers.md",
            MONTH,
        ),
        ({"week": "2025-W46"}, "_posts/2025-11-16-hf-weekly-papers.md", WEEK),
        ({"month": "2025-11", "lang": "en"}, "_posts/2025-11-30-hf-monthly-papers-en.md", MONTH),
    ],
)
def test_scheduled_and_manual_period_events_publish_the_period(
    env: Path, server: HFServer, event: dict[str, Any], post: str, span: dict[str, str]
) -> None:
    late = datetime(2025, 11, 29, 18, 0, tzinfo=UTC)  # days after the schedule fired (a retry, a backlog)
    result = lambda_entry.handle(event, 120_000, late if "digest" in event else None)
    assert result["status"] == "published"
    assert {key: result.get(key) for key in ("week", "month", "from", "to")} == {
        "week": None,
        "month": None,
        **span,
    }
    assert [d["status"] for d in result["destinations"]] == ["created"]
    assert (env / post).is_file()
    again = lambda_entry.handle(event, 120_000, late if "digest" in event else None)
    assert [d["status"] for d in again["destinations"]] == ["unchanged"]


@pytest.fixture
def failing(env: Path, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two destinations that refuse: the local post's path is a folder, the bucket does not exist."""
    bucket = f"missing-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local,s3")
    monkeypatch.setenv("S3_BUCKET", bucket)
    for post in ("_posts/2025-11-16-hf-weekly-papers.md", "_posts/2025-11-30-hf-monthly-papers.md"):
        (env / post).mkdir(parents=True)
    return bucket


@pytest.mark.parametrize(
    ("event", "key"), [({"week": "2025-W46"}, "2025-W46"), ({"month": "2025-11"}, "2025-11")]
)
def test_a_failed_period_names_each_destination_and_why(
    app: ModuleType, failing: str, output: Output, event: dict[str, Any], key: str
) -> None:
    with pytest.raises(PublishError) as raised:
        app.lambda_handler(event, FakeContext())
    message = str(raised.value)
    assert message.startswith(f"{key}: publishing failed at local, s3 (local: ")
    assert f"; s3: bucket {failing} does not exist" in message

    (finished,) = output.lines("run finished")
    assert (finished["level"], finished["status"]) == ("ERROR", "failed")
    delivered = {d["destination"]: d for d in finished["result"]["destinations"]}
    assert {name: d["status"] for name, d in delivered.items()} == {"local": "failed", "s3": "failed"}
    assert all(d["error"] and d["error"] in message for d in delivered.values())


def test_hf_digest_run_of_a_failed_week_prints_each_destination_and_why(
    server: HFServer, failing: str, env: Path
) -> None:
    args = ("run", "--week", "2025-W46", "--out", str(env))
    env_vars = {"DIGEST_DESTINATIONS": "local,s3", "S3_BUCKET": failing}
    proc = hf_digest(server, *args, "--json", env=env_vars)
    assert proc.exit_code == 1
    result = json.loads(proc.stdout)
    assert (result["week"], result["status"]) == ("2025-W46", "failed")
    errors = {d["destination"]: d["error"] for d in result["destinations"] if d["status"] == "failed"}
    assert sorted(errors) == ["local", "s3"]
    assert errors["s3"].startswith(f"s3: bucket {failing} does not exist")

    plain = hf_digest(server, *args, env=env_vars)
    assert plain.exit_code == 1
    assert plain.stdout.startswith("failed 2025-W46: 10 of ")
    assert "  local: failed\n    error: local: " in plain.stdout
    assert f"  s3: failed\n    error: s3: bucket {failing} does not exist" in plain.stdout


def test_a_week_shows_the_topics_that_rose_and_fell_against_the_week_before(
    server: HFServer, month_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    proc = hf_digest(server, "run", "--week", "2025-W46", "--lang", "en", "--json", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    # The week, then the week before it (106 papers: two pages), each once; the result counts them all.
    assert [(r.query.get("week"), r.query["p"]) for r in server.requests] == [
        ("2025-W46", "0"),
        ("2025-W45", "0"),
        ("2025-W45", "1"),
    ]
    assert json.loads(proc.stdout)["hf_requests"] == 3
    text = (tmp_path / "_posts/2025-11-16-hf-weekly-papers-en.md").read_text(encoding="utf-8")
    chart = "/assets/img/hf-digest/2025-11-16-hf-weekly-papers-en.svg"
    assert f"## 📈 Topics on the move\n\n![2025-W46 top topics: papers per day]({chart})\n" in text
    assert (tmp_path / chart.lstrip("/")).read_bytes().startswith(b"<svg ")
    assert "Against the week before (2025-W45, 106 papers)" in text
    assert text.index("## 📈 Topics on the move") < text.index("## 📊 Ranked by upvotes")

    def carrying(days: set[str]) -> tuple[int, dict[str, int]]:
        items = [i for i in month_items if i["paper"]["submittedOnDailyAt"][:10] in days]
        counts: dict[str, int] = {}
        for item in items:
            for key in {topic_key(k) for k in item["paper"].get("ai_keywords", [])} - {None}:
                counts[str(key)] = counts.get(str(key), 0) + 1
        return len(items), counts

    (now_total, now), (then_total, then) = carrying(WEEK_46), carrying(WEEK_45)
    moves = re.findall(r"^- ([▲▼]) (.+): (\d+) → (\d+) papers \(([\d.]+)% → ([\d.]+)%\)$", text, re.MULTILINE)
    assert [m[0] for m in moves] == ["▲"] * 5 + ["▼"] * 5
    changes = []
    for arrow, label, before, after, _, _ in moves:
        key = str(topic_key(label))
        assert (int(before), int(after)) == (then.get(key, 0), now.get(key, 0))  # the true counts
        change = now.get(key, 0) / now_total - then.get(key, 0) / then_total
        assert (change > 0) == (arrow == "▲")
        assert max(int(before), int(after)) >= MIN_PAPERS
        changes.append(abs(change))
    assert changes[:5] == sorted(changes[:5], reverse=True) and changes[5:] == sorted(
        changes[5:], reverse=True
    )


def test_a_month_without_the_month_before_says_there_is_nothing_to_compare(
    server: HFServer, tmp_path: Path
) -> None:
    proc = hf_digest(server, "run", "--month", "2025-11", "--out", str(tmp_path))
    assert proc.exit_code == 0, proc.stderr
    text = (tmp_path / "_posts/2025-11-30-hf-monthly-papers.md").read_text(encoding="utf-8")
    assert "지난달(2025-10)와 비교할 논문이 없어 주제의 변화는 보여 주지 않습니다." in text
    assert (
        "![2025-11 주요 주제의 주별 논문 수](/assets/img/hf-digest/2025-11-30-hf-monthly-papers.svg)" in text
    )
    svg = (tmp_path / "assets/img/hf-digest/2025-11-30-hf-monthly-papers.svg").read_text(encoding="utf-8")
    assert svg.count('<g class="series"') == 5 and svg.count('class="bucket"') == 5  # W44 … W48


class RefusesAfterTheFirstList(RecordedOrderServer):
    """Serves the first week or month asked for, then refuses every other with HTTP 403."""

    def items_where(self, wanted: set[str]) -> list[dict[str, Any]]:
        self.refuse = {"week": 403, "month": 403}
        return super().items_where(wanted)


def test_a_week_whose_week_before_cannot_be_read_is_published_without_the_comparison(
    month_items: list[dict[str, Any]], tmp_path: Path
) -> None:
    with RefusesAfterTheFirstList(month_items) as server:
        proc = hf_digest(server, "run", "--week", "2025-W46", "--json", "--out", str(tmp_path))
        asked = [r.query.get("week") for r in server.requests]
    assert proc.exit_code == 0, proc.stderr
    assert asked == ["2025-W46", "2025-W45"]  # one refusal, not retried
    result = json.loads(proc.stdout)
    assert result["status"] == "published" and result["hf_requests"] == 2
    [warning] = [w for w in result["warnings"] if w.startswith("trends: ")]
    assert warning.startswith("trends: 2025-W45 could not be read, so nothing is compared with it (")
    assert "HTTP 403" in warning
    text = (tmp_path / "_posts/2025-11-16-hf-weekly-papers.md").read_text(encoding="utf-8")
    assert "지난주(2025-W45)와 비교할 논문이 없어 주제의 변화는 보여 주지 않습니다." in text
    assert "**떠오른 주제**" not in text
    assert (
        tmp_path / "assets/img/hf-digest/2025-11-16-hf-weekly-papers.svg"
    ).is_file()  # the week's own chart
