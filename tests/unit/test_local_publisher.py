"""The local folder: a bundle lands whole or not at all, untouched when equal, never outside the folder."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

from hf_digest.adapters.publish.local import LocalPublisher
from hf_digest.core.model import Bundle, Merge, OutputFile, day_span
from hf_digest.errors import PublishError
from hf_digest.outbound.deadline import Deadline

DAY = date(2026, 2, 10)


def _bundle(text: str, *extra: OutputFile) -> Bundle:
    post = OutputFile("_posts/2026-02-10-hf-daily-papers.md", text.encode(), "text/markdown; charset=utf-8")
    return Bundle(day_span(DAY), (post, *extra))


def test_first_write_then_unchanged_then_updated(tmp_path: Path) -> None:
    publisher = LocalPublisher(tmp_path / "out")
    target = tmp_path / "out/_posts/2026-02-10-hf-daily-papers.md"
    first = publisher.publish(_bundle("한국어 🤗\n"), Deadline.after(60))
    assert first.status == "created" and Path(first.location) == target.resolve()
    assert target.read_text(encoding="utf-8") == "한국어 🤗\n"
    mtime = target.stat().st_mtime_ns
    os.utime(target, ns=(mtime - 10**9, mtime - 10**9))
    assert publisher.publish(_bundle("한국어 🤗\n"), Deadline.after(60)).status == "unchanged"
    assert target.stat().st_mtime_ns == mtime - 10**9  # not rewritten
    assert publisher.publish(_bundle("new\n"), Deadline.after(60)).status == "updated"
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary files left


def test_post_and_data_file_are_both_written(tmp_path: Path) -> None:
    data = OutputFile("_data/hf/2026-02-10.json", b"{}\n", "application/json")
    LocalPublisher(tmp_path).publish(_bundle("post\n", data), Deadline.after(60))
    assert (tmp_path / "_data/hf/2026-02-10.json").read_bytes() == b"{}\n"


def test_a_symlink_cannot_lead_a_write_outside_the_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out/_posts").symlink_to(outside)
    with pytest.raises(PublishError, match="outside"):
        LocalPublisher(tmp_path / "out").publish(_bundle("x\n"), Deadline.after(60))
    assert list(outside.iterdir()) == []


def test_an_unwritable_folder_fails_with_the_path(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file where a folder should be")
    with pytest.raises(PublishError, match="local: cannot write"):
        LocalPublisher(tmp_path / "out").publish(_bundle("x\n"), Deadline.after(60))


def test_a_file_that_cannot_be_staged_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    publisher = LocalPublisher(tmp_path)
    publisher.publish(_bundle("old post\n"), Deadline.after(60))
    (tmp_path / "_data").write_text("a file where the data folder should be")
    data = OutputFile("_data/hf/2026-02-10.json", b"{}\n", "application/json")

    with pytest.raises(PublishError, match="local: cannot write"):
        publisher.publish(_bundle("new post\n", data), Deadline.after(60))

    assert (tmp_path / "_posts/2026-02-10-hf-daily-papers.md").read_text() == "old post\n"
    assert _leftovers(tmp_path) == []


def test_a_rename_that_fails_puts_back_the_files_already_replaced(tmp_path: Path) -> None:
    publisher = LocalPublisher(tmp_path)
    publisher.publish(_bundle("old post\n"), Deadline.after(60))
    (tmp_path / "feeds/new.atom").mkdir(parents=True)  # a folder where a file must go: its rename fails
    (tmp_path / "feeds/new.atom/keep").write_text("x")
    files = (
        OutputFile("_data/day.json", b"{}\n", "application/json"),
        OutputFile("feeds/new.atom", b"<feed/>", "application/atom+xml"),
    )

    with pytest.raises(PublishError, match="local: cannot write"):
        publisher.publish(_bundle("new post\n", *files), Deadline.after(60))

    assert (tmp_path / "_posts/2026-02-10-hf-daily-papers.md").read_text() == "old post\n"
    assert not (tmp_path / "_data/day.json").exists()  # created by this run, removed again
    assert _leftovers(tmp_path) == []


def _append(line: bytes) -> Merge:
    """A derived file that keeps its lines and adds line once, sorted: a tiny feed."""

    def merge(held: bytes | None) -> bytes:
        lines = set((held or b"").splitlines()) | {line}
        return b"\n".join(sorted(lines)) + b"\n"

    return merge


def test_a_derived_file_is_merged_from_what_the_folder_holds(tmp_path: Path) -> None:
    publisher = LocalPublisher(tmp_path)
    feed = OutputFile.derived("feeds/days.txt", "text/plain", _append(b"2026-02-10"))
    assert publisher.publish(_bundle("post\n", feed), Deadline.after(60)).status == "created"
    other = OutputFile.derived("feeds/days.txt", "text/plain", _append(b"2026-02-09"))
    bundle = Bundle(day_span(date(2026, 2, 9)), (OutputFile("_posts/09.md", b"p", "text/markdown"), other))

    assert publisher.publish(bundle, Deadline.after(60)).status == "created"
    assert publisher.read("feeds/days.txt", Deadline.after(60)) == b"2026-02-09\n2026-02-10\n"
    assert publisher.publish(bundle, Deadline.after(60)).status == "unchanged"  # the merge adds nothing
    assert publisher.read("feeds/missing.txt", Deadline.after(60)) is None


def test_a_derived_file_can_be_made_from_another_file_of_the_bundle(tmp_path: Path) -> None:
    manifest = OutputFile.derived("site/index.json", "application/json", _append(b"2026-02-10"))
    index = OutputFile.derived(
        "index.html",
        "text/html",
        lambda held: b"<li>" + (held or b"none").replace(b"\n", b"</li><li>"),
        merge_from="site/index.json",
    )
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.json").write_bytes(b"2026-02-09\n")

    LocalPublisher(tmp_path).publish(_bundle("post\n", manifest, index), Deadline.after(60))

    assert (tmp_path / "index.html").read_bytes() == b"<li>2026-02-09</li><li>2026-02-10</li><li>"


def test_files_for_other_destinations_are_not_written(tmp_path: Path) -> None:
    page = OutputFile("daily/2026-02-10.html", b"<p>", "text/html", only=("s3",))
    LocalPublisher(tmp_path).publish(_bundle("post\n", page), Deadline.after(60))
    assert not (tmp_path / "daily").exists()


def test_runs_at_once_on_one_folder_never_lose_a_line(tmp_path: Path) -> None:
    days = [f"2026-01-{n:02d}".encode() for n in range(1, 21)]

    def run(day: bytes) -> str:
        feed = OutputFile.derived("feeds/days.txt", "text/plain", _append(day))
        post = OutputFile(f"_posts/{day.decode()}.md", day, "text/markdown")
        bundle = Bundle(day_span(DAY), (post, feed))
        return LocalPublisher(tmp_path).publish(bundle, Deadline.after(60)).status

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(run, days)) == {"created"}
    assert (tmp_path / "feeds/days.txt").read_bytes().splitlines() == days


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*"))


def test_an_amending_file_edits_what_is_there_and_creates_nothing(tmp_path: Path) -> None:
    publisher = LocalPublisher(tmp_path / "out")
    amend = OutputFile.derived("other.html", "text/html", lambda held: (held or b"") + b"+link", amends=True)
    publisher.publish(_bundle("post\n", amend), Deadline.after(60))
    assert not (tmp_path / "out/other.html").exists()
    (tmp_path / "out/other.html").write_bytes(b"page")
    assert publisher.publish(_bundle("post\n", amend), Deadline.after(60)).status == "updated"
    assert (tmp_path / "out/other.html").read_bytes() == b"page+link"
