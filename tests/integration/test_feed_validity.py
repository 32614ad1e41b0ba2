"""Every feed we write is valid: Atom against RFC 4287's RELAX NG schema (Debian's jing) and feedparser,
JSON Feed against the 1.1 JSON schema; hostile titles included, shown as the literal text."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import feedparser
import jsonschema
import pytest

from hf_digest.config import Settings
from hf_digest.core.model import Bundle
from tests.helpers import FEED_HOSTILE_TITLES, digest_bundle, feed_hostile_digest, sample_digest, week_digest

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
# XML 1.0 cannot hold C0 controls other than tab, LF and CR, even escaped: the feeds drop them.
DROPPED = str.maketrans("", "", "\x07\x0c")


def written(*bundles: Bundle) -> dict[str, bytes]:
    held: dict[str, bytes] = {}
    for bundle in bundles:
        for file in bundle.files[1:]:
            held[file.path] = file.content_for(held.get(file.source))
    return held


def jing(tmp_path: Path, feeds: dict[str, bytes]) -> None:
    """Validate each Atom feed with jing against tests/schemas/atom.rnc (RFC 4287 Appendix B)."""
    exe = shutil.which("jing")
    if exe is None:
        pytest.skip("jing is not on PATH (Debian: apt-get install -y jing; .ci/run installs it)")
    files = []
    for name, data in feeds.items():
        target = tmp_path / name.replace("/", "_")
        target.write_bytes(data)
        files.append(str(target))
    result = subprocess.run(
        [exe, "-c", str(SCHEMAS / "atom.rnc"), *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def json_feed_errors(data: bytes) -> list[str]:
    schema = json.loads((SCHEMAS / "jsonfeed-1.1.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(data))]


@pytest.fixture
def many_feeds(samples_dir: Path) -> dict[str, bytes]:
    """Feeds after five sample days, a week and a refresh, in both languages, with and without a site."""
    feeds: dict[str, bytes] = {}
    for settings in (Settings(), Settings(lang="en", site=True, site_url="https://papers.example.com/x")):
        days = [digest_bundle(sample_digest(samples_dir, d), settings) for d in ("2026-02-09", "2026-02-10")]
        refresh = digest_bundle(sample_digest(samples_dir, "2026-02-09"), settings, date(2026, 2, 16))
        week = digest_bundle(week_digest(samples_dir), settings)
        feeds |= written(*days, refresh, week)
    return feeds


def test_atom_feeds_validate_against_rfc_4287s_schema(tmp_path: Path, many_feeds: dict[str, bytes]) -> None:
    atom = {path: data for path, data in many_feeds.items() if path.endswith(".atom")}
    assert len(atom) == 4
    jing(tmp_path, atom)
    for data in atom.values():
        parsed = feedparser.parse(data)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.version == "atom10" and parsed.entries


def test_the_schema_check_is_real(tmp_path: Path) -> None:
    broken = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>no id, no updated</title></feed>'
    with pytest.raises(AssertionError, match="missing required elements"):
        jing(tmp_path, {"broken.atom": broken})
    assert json_feed_errors(b'{"version": "https://jsonfeed.org/version/1.1", "items": [{}]}')


def test_json_feeds_validate_against_the_json_feed_1_1_schema(many_feeds: dict[str, bytes]) -> None:
    feeds = {
        path: data
        for path, data in many_feeds.items()
        if path.startswith("feeds/") and path.endswith(".json")
    }
    assert len(feeds) == 4
    for path, data in feeds.items():
        assert json_feed_errors(data) == [], path
        assert json.loads(data)["items"]


def test_hostile_titles_give_valid_feeds_that_show_the_literal_text(tmp_path: Path) -> None:
    feeds = written(digest_bundle(feed_hostile_digest(), Settings(lang="en")))
    jing(tmp_path, {p: d for p, d in feeds.items() if p.endswith(".atom")})
    expected = [title.translate(DROPPED) for title in FEED_HOSTILE_TITLES]

    papers = feedparser.parse(feeds["feeds/hf-papers.en.atom"])
    assert not papers.bozo, papers.get("bozo_exception")
    assert [entry.title for entry in papers.entries] == expected
    assert [item["title"] for item in json.loads(feeds["feeds/hf-papers.en.json"])["items"]] == expected
    assert json_feed_errors(feeds["feeds/hf-papers.en.json"]) == []

    [digest] = feedparser.parse(feeds["feeds/hf-daily-papers.en.atom"]).entries
    html = digest.content[0].value
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "]]&gt; closes CDATA ]]&amp;gt;" in html and "&amp;amp; &amp;lt; &amp;#x3c; entities" in html
    assert "emoji 🤗🚀 and 한국어 제목" in html and "{{ site.title }} and {% raw %}" in html
