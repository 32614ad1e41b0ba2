"""Weeks, months, ranges and the schedules' events; the read date a post shows and how a refresh compares."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hf_digest import config, request
from hf_digest.config import Settings
from hf_digest.core.model import day_span, papers_from_items
from hf_digest.core.outcomes import SpanKind
from hf_digest.core.rank import digest as rank_digest
from hf_digest.errors import BadInput, ConfigError
from hf_digest.rendering.render import render, render_post
from hf_digest.request import DigestRequest, Options, RangeRequest, ScheduleRequest
from tests.helpers import load_sample

SETTINGS = Settings()
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "week", "month"),
    [
        # Sunday 02-08 closes on Monday 02-09 at 02:30 UTC: until then the latest closed week is W05.
        ("2026-02-09T02:29:00Z", "2026-W05", "2026-01"),
        ("2026-02-09T02:30:00Z", "2026-W06", "2026-01"),
        ("2026-02-09T03:00:00Z", "2026-W06", "2026-01"),  # Monday noon in Seoul
        ("2026-02-14T03:00:00Z", "2026-W06", "2026-01"),  # a schedule that fired late, mid-week
        ("2026-03-01T02:29:00Z", "2026-W08", "2026-01"),  # 02-28 not closed yet
        ("2026-03-01T03:00:00Z", "2026-W08", "2026-02"),  # the 1st, noon in Seoul
        ("2027-01-04T03:00:00Z", "2026-W53", "2026-12"),  # 2026 has 53 ISO weeks
    ],
)
def test_a_schedule_targets_the_latest_closed_period_at_its_time(moment: str, week: str, month: str) -> None:
    for kind, key in ((SpanKind.WEEK, week), (SpanKind.MONTH, month)):
        parsed = request.from_event({"digest": kind, "time": moment, "id": "x"}, SETTINGS, NOW)
        assert isinstance(parsed, DigestRequest)
        assert (parsed.span.kind, parsed.span.key, parsed.options.trigger) == (kind, key, "schedule")


def test_periods_name_their_days_and_their_api_query() -> None:
    w06 = request.parse_week("2026-W06")
    assert (w06.first, w06.last, w06.query) == (date(2026, 2, 2), date(2026, 2, 8), {"week": "2026-W06"})
    feb = request.parse_month("2026-02")
    assert (feb.first, feb.last, feb.query) == (date(2026, 2, 1), date(2026, 2, 28), {"month": "2026-02"})
    assert request.parse_month("2024-02").last == date(2024, 2, 29)
    assert request.parse_month("2025-12").last == date(2025, 12, 31)
    assert len(request.parse_week("2026-W01").days()) == 7


@pytest.mark.parametrize(
    ("event", "field", "words"),
    [
        ({"week": "2026-6"}, "week", "ISO week such as 2026-W06"),
        ({"week": "2025-W53"}, "week", "not a week of the ISO calendar"),
        ({"month": "2026-13"}, "month", "not a month of the calendar"),
        ({"month": "2026-03"}, "month", "2026-03 is still open"),
        ({"month": "2026-04", "partial": True}, "month", "2026-04 has not begun"),
        ({"week": "2026-W06", "month": "2026-02"}, "month", "not both"),
        ({"week": "2026-W06", "date": "2026-02-03"}, "date", "a week or month event takes"),
        ({"from": "2026-02-10", "to": "2026-02-01"}, "to", "before from"),
        ({"from": "2025-01-01", "to": "2026-01-05"}, "to", "at most 366"),
        ({"from": "2026-02-01"}, "to", "must be a string"),
        ({"from": "2026-02-01", "to": "2026-03-02"}, "to", "still open"),
        ({"from": "2026-02-01", "to": "2026-02-02", "partial": True}, "partial", "a range event takes"),
        ({"digest": "hourly", "time": "2026-02-09T03:00:00Z"}, "digest", "one of daily, weekly, monthly"),
        ({"digest": "weekly"}, "time", "needs its ISO 8601 'time'"),
        ({"digest": "weekly", "time": "<aws.scheduler.scheduled-time>"}, "time", "not an ISO 8601 time"),
    ],
)
def test_bad_period_and_range_events_name_the_field(event: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(BadInput) as err:
        request.from_event(event, SETTINGS, NOW)
    assert err.value.field == field and words in str(err.value)


def test_a_range_carries_its_options_to_each_day() -> None:
    event = {"from": "2026-02-01", "to": "2026-02-28", "lang": "en", "top": 5, "destinations": ["s3"]}
    parsed = request.from_event(event, SETTINGS, NOW)
    assert isinstance(parsed, RangeRequest)
    assert len(parsed.days()) == 28
    assert parsed.options == Options("en", 5, ("s3",), dry_run=False, trigger="manual")
    assert parsed.day_event(date(2026, 2, 3)) == {
        "date": "2026-02-03",
        "lang": "en",
        "top": 5,
        "destinations": ["s3"],
    }
    year = request.from_event({"from": "2025-01-01", "to": "2026-01-01"}, SETTINGS, NOW)
    assert isinstance(year, RangeRequest) and len(year.days()) == 366


def test_a_daily_schedule_input_and_a_plain_day_still_parse_as_days() -> None:
    daily = request.from_event({"digest": "daily", "time": "2026-02-11T03:00:00Z"}, SETTINGS, NOW)
    assert daily == ScheduleRequest(date(2026, 2, 10), Options("ko", 10, ("local",), trigger="schedule"))
    day = request.from_event({"date": "2026-02-10"}, SETTINGS, NOW)
    assert isinstance(day, DigestRequest) and day.options.trigger == "manual"
    assert day.span == day_span(date(2026, 2, 10))


def test_the_post_says_when_its_counts_were_read_and_knows_its_earlier_readings(samples_dir: Path) -> None:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    digest = rank_digest(day_span(date(2026, 2, 10)), papers, 10)
    post = render_post(digest, SETTINGS, counts_read=date(2026, 2, 13))
    assert "좋아요 수는 2026-02-13 기준입니다." in post.content.decode()
    # The same papers and counts read on any other day are the same post: a refresh leaves it alone.
    for earlier in (date(2026, 2, 10), date(2026, 2, 12), date(2025, 1, 1)):
        assert post.holds(render_post(digest, SETTINGS, counts_read=earlier).content)
    # One upvote more, one paper fewer, or a post cut short is a different post.
    moved = replace(
        digest, papers=(replace(digest.papers[0], upvotes=digest.papers[0].upvotes + 1), *digest.papers[1:])
    )
    for other in (moved, replace(digest, papers=digest.papers[:-1])):
        assert not post.holds(render_post(other, SETTINGS, counts_read=date(2026, 2, 12)).content)
    assert not post.holds(post.content[:-40])
    # Without a read date (tests, custom callers) the line is left out and only the same bytes match.
    bare = render_post(digest, SETTINGS)
    assert "기준입니다" not in bare.content.decode() and bare.alike is None


def test_a_template_that_prints_the_read_date_its_own_way_still_rewrites_nothing(
    samples_dir: Path, tmp_path: Path
) -> None:
    """Refresh decides from what the post shows, not from how a template prints the date."""
    ours = (Path(request.__file__).parent / "rendering" / "templates" / "ko" / "daily.md.j2").read_text(
        encoding="utf-8"
    )
    mine = ours.replace(
        "{{ counts_read }} 기준", "{{ counts_read | replace('-', '.') }}({{ counts_read[:4] }}년) 기준"
    )
    assert mine != ours
    (tmp_path / "ko").mkdir()
    (tmp_path / "ko" / "daily.md.j2").write_text(mine, encoding="utf-8")
    settings = Settings(template_dir=tmp_path)
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    digest = rank_digest(day_span(date(2026, 2, 10)), papers, 10)
    written = render_post(digest, settings, counts_read=date(2026, 2, 11))
    assert "2026.02.11(2026년) 기준" in written.content.decode()
    later = render_post(digest, settings, counts_read=date(2026, 2, 17))
    assert later.content != written.content and later.holds(written.content)


def test_a_period_post_has_its_own_title_categories_and_path(samples_dir: Path) -> None:
    papers, _ = papers_from_items(load_sample(samples_dir, "daily_papers_date_2026-02-10.json"))
    week = rank_digest(request.parse_week("2026-W07"), papers, 3)
    bundle = render(week, Settings(lang="en", categories=("Mine",)), counts_read=date(2026, 2, 16))
    text = bundle.files[0].content.decode()
    assert bundle.files[0].path == "_posts/2026-02-15-hf-weekly-papers.md" and bundle.kind == "weekly"
    assert text.startswith(
        "---\ntitle: Hugging Face Weekly Papers - 2026-W07\ndate: 2026-02-15 09:15:00 +0900\n"
    )
    assert "categories: [Weekly Papers, Weekly]\ntags: [huggingface, papers, weekly, ai]\n" in text
    assert "the top **3** by upvotes are shown.\nUpvote counts as of 2026-02-16.\n" in text


def test_new_settings_are_read_and_checked() -> None:
    settings = config.from_env(
        {
            "DIGEST_CATCHUP_DAYS": "3",
            "DIGEST_REFRESH_DAYS": "7, 1,2",
            "DIGEST_BACKFILL_PACE": "0.2",
            "DIGEST_BACKFILL_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/1/q",
            "DIGEST_WEEKLY_PATH_TEMPLATE": "weekly/{date}.md",
        }
    )
    assert (settings.catchup_days, settings.refresh_days, settings.backfill_pace_s) == (3, (1, 2, 7), 0.2)
    assert settings.weekly_path_template == "weekly/{date}.md"
    assert config.from_env({"DIGEST_REFRESH_DAYS": "0"}).refresh_days == ()
    assert config.from_env({}).refresh_days == (1, 7) and config.from_env({}).catchup_days == 7
    for env, variable in [
        ({"DIGEST_CATCHUP_DAYS": "-1"}, "DIGEST_CATCHUP_DAYS"),
        ({"DIGEST_REFRESH_DAYS": "1,x"}, "DIGEST_REFRESH_DAYS"),
        ({"DIGEST_REFRESH_DAYS": "0,7"}, "DIGEST_REFRESH_DAYS"),
        (
            {"DIGEST_MONTHLY_PATH_TEMPLATE": "_posts/{date}-hf-daily-papers.md"},
            "DIGEST_MONTHLY_PATH_TEMPLATE",
        ),
        ({"DIGEST_WEEKLY_PATH_TEMPLATE": "../{date}.md"}, "DIGEST_WEEKLY_PATH_TEMPLATE"),
    ]:
        with pytest.raises(ConfigError, match=f"^{variable}: "):
            config.from_env(env)
