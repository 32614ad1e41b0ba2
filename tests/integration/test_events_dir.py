"""Every event file in events/ through the Lambda handler, against the local Hugging Face and the local
destination: each does what README's table of events says it does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import EVENTS, FakeContext, load_event, post_path
from tests.hf_server import HFServer


@dataclass(frozen=True)
class Effect:
    """What an event does: the fields its result must hold, and every post the local site then holds."""

    result: dict[str, Any]
    posts: tuple[str, ...] = ()
    returns_post: bool = False


DAY = {"date": "2026-02-10", "status": "published", "papers_total": 33, "papers_shown": 10}
# The sample days that have papers: 2026-01-02, 2026-02-06, 2026-02-09, 2026-02-10 (and later ones).
EFFECTS = {
    "manual.json": Effect(DAY, (post_path("2026-02-10"),)),
    "dry-run.json": Effect(
        {"date": "2026-02-10", "status": "dry_run", "destinations": []}, returns_post=True
    ),
    # The latest day closed at the event's time (2026-02-11T03:00Z), then the missing days of the
    # week before it (catch-up): 02-06 and 02-09 have papers, the others are empty.
    "scheduled.json": Effect(
        DAY, (post_path("2026-02-06"), post_path("2026-02-09"), post_path("2026-02-10"))
    ),
    "scheduled-rule.json": Effect(
        DAY, (post_path("2026-02-06"), post_path("2026-02-09"), post_path("2026-02-10"))
    ),
    "backfill.json": Effect(
        {
            "from": "2026-01-01",
            "to": "2026-02-10",
            "status": "published",
            "counts": {"empty": 37, "published": 4},
        },
        tuple(post_path(day) for day in ("2026-01-02", "2026-02-06", "2026-02-09", "2026-02-10")),
    ),
    "weekly.json": Effect(
        {"week": "2026-W06", "from": "2026-02-02", "to": "2026-02-08", "status": "published"},
        (post_path("2026-02-08", "weekly"),),
    ),
    # Scheduled 2026-02-09T03:00Z: Sunday 02-08 has closed, and with it 2026-W06.
    "scheduled-weekly.json": Effect(
        {"week": "2026-W06", "from": "2026-02-02", "to": "2026-02-08", "status": "published"},
        (post_path("2026-02-08", "weekly"),),
    ),
    "monthly.json": Effect(
        {"month": "2026-02", "from": "2026-02-01", "to": "2026-02-28", "status": "published"},
        (post_path("2026-02-28", "monthly"),),
    ),
    # Scheduled 2026-03-01T03:00Z: 02-28 has closed, and with it 2026-02.
    "scheduled-monthly.json": Effect(
        {"month": "2026-02", "from": "2026-02-01", "to": "2026-02-28", "status": "published"},
        (post_path("2026-02-28", "monthly"),),
    ),
    # The local destination only: the settings and the folder of posts are proven; nothing is written.
    "check.json": Effect({"check": True, "status": "checked"}),
    "sqs-backfill.json": Effect(
        {"batchItemFailures": []}, (post_path("2026-02-09"), post_path("2026-02-10"))
    ),
}
EVENT_FILES = sorted(path.name for path in EVENTS.glob("*.json"))


@pytest.fixture
def site(clean_settings: None, monkeypatch: pytest.MonkeyPatch, hf_server: HFServer, tmp_path: Path) -> Path:
    """The local destination only, fed by the look-alike serving every sample day; no pause between days."""
    out = tmp_path / "site"
    monkeypatch.setenv("HF_BASE_URL", hf_server.url)
    monkeypatch.setenv("DIGEST_DESTINATIONS", "local")
    monkeypatch.setenv("DIGEST_OUTPUT_DIR", str(out))
    monkeypatch.setenv("DIGEST_BACKFILL_PACE", "0")
    return out


def posts_in(site: Path) -> tuple[str, ...]:
    """The posts written (the feeds beside them are the feed tests' business)."""
    return tuple(sorted(str(p.relative_to(site)) for p in site.rglob("*.md") if p.is_file()))


@pytest.mark.parametrize("name", EVENT_FILES)
def test_each_event_file_does_what_it_says(app: ModuleType, site: Path, name: str) -> None:
    if name not in EFFECTS:
        pytest.fail(f"events/{name} has no effect written down here (and none in README's table?)")
    effect = EFFECTS[name]
    result = app.lambda_handler(load_event(name), FakeContext())
    assert {key: result.get(key) for key in effect.result} == effect.result
    assert posts_in(site) == effect.posts
    if effect.returns_post:
        assert result["post"].startswith("---\ntitle: Hugging Face Daily Papers - 2026-02-10\n")
    else:
        assert "post" not in result
    for path in effect.posts:  # each post is whole: front matter, then its text (the layout shows the title)
        text = (site / path).read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        assert text.startswith("---\ntitle: Hugging Face ") and "\n## 📊 " in body
        assert not body.lstrip("\n").startswith("#")


def test_every_effect_names_an_event_file() -> None:
    assert sorted(EFFECTS) == EVENT_FILES
