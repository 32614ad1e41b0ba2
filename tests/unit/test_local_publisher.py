"""The local folder: atomic writes, untouched when equal, never outside the folder."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from hf_digest.deadline import Deadline
from hf_digest.errors import PublishError
from hf_digest.model import Bundle, OutputFile, day_span
from hf_digest.publish.local import LocalPublisher

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
