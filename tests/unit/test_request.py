"""Which day a run targets, and how bad input is refused before any request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from hf_digest.config import Settings
from hf_digest.errors import BadInput
from hf_digest.request import DigestRequest, ScheduleRequest, closed_day, from_event, from_flags, parse_day

NOW = datetime(2026, 2, 11, 12, 0, tzinfo=UTC)
SETTINGS = Settings()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 2, 11, 2, 29, 59, tzinfo=UTC), date(2026, 2, 9)),  # 02-10 still open
        (datetime(2026, 2, 11, 2, 30, tzinfo=UTC), date(2026, 2, 10)),  # 02-10 just closed
        (datetime(2026, 2, 11, 0, 0, tzinfo=UTC), date(2026, 2, 9)),  # UTC midnight
        (datetime(2026, 2, 11, 23, 59, tzinfo=UTC), date(2026, 2, 10)),
        # 12:00 in Seoul is 03:00 UTC: the previous day has closed.
        (datetime(2026, 2, 11, 12, 0, tzinfo=ZoneInfo("Asia/Seoul")), date(2026, 2, 10)),
        # 09:00 in Seoul is 00:00 UTC: the previous Seoul day is still open on Hugging Face.
        (datetime(2026, 2, 11, 9, 0, tzinfo=ZoneInfo("Asia/Seoul")), date(2026, 2, 9)),
        # 18:00 in Los Angeles on 02-10 is 02:00 UTC on 02-11: 02-10 not closed yet.
        (datetime(2026, 2, 10, 18, 0, tzinfo=ZoneInfo("America/Los_Angeles")), date(2026, 2, 9)),
        (datetime(2026, 2, 10, 18, 30, tzinfo=ZoneInfo("America/Los_Angeles")), date(2026, 2, 10)),
        (datetime(2026, 3, 1, 2, 30, tzinfo=UTC), date(2026, 2, 28)),  # across a month end
    ],
)
def test_closed_day_is_the_latest_day_whose_list_closed(now: datetime, expected: date) -> None:
    assert closed_day(now) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026-02-30", "not a day of the calendar"),
        ("2026-2-10", "YYYY-MM-DD"),
        ("10/02/2026", "YYYY-MM-DD"),
        (20260210, "must be a string"),
        (None, "must be a string"),
        ("2026-02-12", "in the future"),
        ("2026-02-11", "still open"),
    ],
)
def test_bad_days_are_refused_with_a_message_that_says_why(value: object, words: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_day(value, now=NOW, partial=False)
    assert err.value.field == "date"
    assert words in str(err.value)


def test_an_open_day_is_allowed_only_when_partial_is_asked() -> None:
    assert parse_day("2026-02-11", now=NOW, partial=True) == date(2026, 2, 11)
    with pytest.raises(BadInput, match="in the future"):
        parse_day("2026-02-12", now=NOW, partial=True)


def test_options_default_to_settings_and_the_latest_closed_day() -> None:
    req = from_flags(SETTINGS, NOW)
    assert isinstance(req, DigestRequest)
    options = req.options
    assert (req.day, options.lang, options.top_n, options.destinations) == (
        date(2026, 2, 10),
        "ko",
        10,
        ("local",),
    )
    assert options.trigger == "cli"


def test_scheduler_event_targets_the_day_closed_at_its_own_time() -> None:
    event = {
        "source": "aws.scheduler",
        "detail-type": "Scheduled Event",
        "detail": "{}",
        "time": "2026-02-11T03:00:00Z",
    }
    later = datetime(2026, 2, 13, 0, 0, tzinfo=UTC)  # a retry two days later targets the same day
    req = from_event(event, SETTINGS, later)
    assert isinstance(req, ScheduleRequest)
    assert (req.day, req.options.trigger) == (date(2026, 2, 10), "schedule")


def test_rule_event_with_an_object_detail_is_understood() -> None:
    event = {
        "source": "aws.events",
        "detail-type": "Scheduled Event",
        "detail": {},
        "time": "2026-02-11T02:29:00Z",
    }
    req = from_event(event, SETTINGS, NOW)
    assert isinstance(req, ScheduleRequest) and req.day == date(2026, 2, 9)


def test_manual_event_carries_its_options() -> None:
    event = {"date": "2026-02-10", "dry_run": True, "lang": "en", "top": 0, "destinations": ["s3", "github"]}
    req = from_event(event, SETTINGS, NOW)
    assert isinstance(req, DigestRequest)
    options = req.options
    assert (req.day, options.dry_run, options.lang, options.top_n, options.destinations) == (
        date(2026, 2, 10),
        True,
        "en",
        0,
        ("s3", "github"),
    )


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"date": 20260210}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"day": "2026-02-10"}, "day"),
        ({"date": "2026-02-10", "top": -1}, "top"),
        ({"date": "2026-02-10", "top": "5"}, "top"),
        ({"date": "2026-02-10", "lang": "fr"}, "lang"),
        ({"date": "2026-02-10", "dry_run": "yes"}, "dry_run"),
        ({"date": "2026-02-10", "destinations": ["ftp"]}, "destinations"),
        ({"date": "2026-02-10", "destinations": []}, "destinations"),
        ({"source": "aws.scheduler", "detail": "{}", "time": "yesterday"}, "time"),
        ({"source": "aws.scheduler", "detail": "{}"}, "time"),
        ({"source": "aws.scheduler", "detail": "{}", "time": "0001-01-01T00:00:00Z"}, "time"),
        ({"source": "aws.scheduler", "detail": "{}", "time": "9999-12-31T23:59:59Z"}, "time"),
        ({"digest": "weekly", "time": "0001-01-01T00:00:00+14:00"}, "time"),
        # A scheduler envelope that also carries a manual key would silently ignore it: refused instead.
        (
            {"source": "aws.scheduler", "detail": "{}", "time": "2026-02-11T03:00:00Z", "date": "2026-02-01"},
            "date",
        ),
        ({"detail-type": "Scheduled Event", "time": "2026-02-11T03:00:00Z", "dry_run": True}, "dry_run"),
    ],
)
def test_malformed_events_name_the_field(event: dict[str, object], field: str) -> None:
    with pytest.raises(BadInput) as err:
        from_event(event, SETTINGS, NOW)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")


def test_an_event_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(BadInput, match="event"):
        from_event(["2026-02-10"], SETTINGS, NOW)


def test_a_partial_run_behind_utc_never_reads_its_counts_before_its_own_day() -> None:
    from hf_digest.config import Settings
    from hf_digest.runs.digest import read_date

    # 2026-02-11 01:00 UTC is still 2026-02-10 17:00 in Los Angeles: today's list, read "yesterday".
    moment = datetime(2026, 2, 11, 1, 0, tzinfo=UTC)
    day = parse_day("2026-02-11", now=moment, partial=True)
    assert read_date(day, moment, Settings(timezone="America/Los_Angeles")) == date(2026, 2, 11)
    assert read_date(day, moment, Settings(timezone="Asia/Seoul")) == date(2026, 2, 11)
    assert read_date(date(2026, 2, 9), moment, Settings(timezone="Asia/Seoul")) == date(2026, 2, 11)


def test_a_request_then_a_profile_refine_the_settings_options_and_none_keeps_them() -> None:
    from hf_digest.enrich.topics.profiles import Profile
    from hf_digest.request import Options

    settings = Settings(lang="ko", top_n=10, destinations=("local",))
    request = from_event({"date": "2026-02-10", "top": 3, "dry_run": True}, settings, NOW)
    assert isinstance(request, DigestRequest)
    asked = request.options
    assert asked == Options("ko", 3, ("local",), dry_run=True, trigger="manual")
    robotics = Profile("robotics", lang="en", destinations=("s3",))
    assert asked.refine(robotics.overlay) == Options("en", 3, ("s3",), dry_run=True, trigger="manual")
    assert asked.refine(Profile("all", top_n=0).overlay) == Options("ko", 0, ("local",), True, "manual")
    with pytest.raises(TypeError, match="dry_run"):
        asked.refine({"dry_run": False})
