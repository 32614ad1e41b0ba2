"""Exactly once in every order of events: a reply lost after the whole message, a delivery the state store
cannot record, a run killed mid-send, a 200 that is no delivery. The real handler (and `hf-digest invoke`)
against the local chat servers, GitHub, S3 and the ledger, under the token scan."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tests.chat_server import Answer
from tests.discord_server import DiscordServer
from tests.reliability.stack import Channels, Stack

DAY = "2026-02-10"
CHANNELS = ("slack", "discord", "telegram", "email")
ALL_SENT = dict.fromkeys(CHANNELS, "sent")


def test_a_reply_dropped_after_the_whole_message_is_reported_unconfirmed_and_never_sent_again(
    stack: Stack, channels: Channels
) -> None:
    channels.slack.answer_next(Answer.dropped())  # Slack reads the whole POST, then closes without a word
    first = stack.invoke({"date": DAY})
    assert first.status == "published"
    assert first.told() == {**ALL_SENT, "slack": "unconfirmed"}
    assert len(channels.slack.received) == 1  # not tried again: it may have arrived
    assert first.result is not None and first.result["notifications"]["failed"] == []
    [warning] = [w for w in first.result["warnings"] if w.startswith("notification slack:")]
    assert "may have arrived" in warning and "not sent again" in warning
    metrics = stack.output.metrics()[-1]
    assert (metrics["NotificationsUnconfirmed"], metrics["NotificationsFailed"]) == (1, 0)
    again = stack.invoke({"date": DAY})  # the same day again: nothing is owed
    assert (again.status, again.told()) == ("unchanged", {})
    assert len(channels.slack.received) == 1


def test_no_answer_in_time_after_the_whole_message_is_unconfirmed_too(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_NOTIFY", "telegram")
    monkeypatch.setattr("hf_digest.adapters.notify.sending.REQUEST_TIMEOUT_S", 0.5)
    answered = threading.Event()
    channels.telegram.answer_next(Answer.held(answered))
    try:
        first = stack.invoke({"date": DAY})
    finally:
        answered.set()
    assert first.told() == {"telegram": "unconfirmed"}
    assert stack.invoke({"date": DAY}).told() == {}
    assert len(channels.telegram.received) == 1


class StoreLock:
    """Another connection holding the SQLite state store's write lock ("database is locked" for the run)
    from the moment Slack has the message until the run has logged that the store was locked."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.taken = threading.Event()

    def take(self) -> None:
        self._db.execute("BEGIN EXCLUSIVE")
        self.taken.set()

    def release(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")


class ReleaseWhenLocked(logging.Handler):
    """Releases lock when a log line says the store was locked (the run gave up writing to it)."""

    def __init__(self, lock: StoreLock) -> None:
        super().__init__()
        self.store_lock = lock

    def emit(self, record: logging.LogRecord) -> None:
        if "database is locked" in record.getMessage():
            self.store_lock.release()


def test_a_delivery_the_state_store_cannot_record_is_reported_sent_and_not_sent_again(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "state.sqlite3"
    monkeypatch.delenv("DIGEST_STATE_TABLE")
    monkeypatch.setenv("DIGEST_STATE_PATH", str(path))
    monkeypatch.setenv("DIGEST_NOTIFY", "slack")
    monkeypatch.setattr("hf_digest.adapters.state.sqlite.BUSY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(
        "hf_digest.adapters.notify.ledger.LEASE_S", 0.0
    )  # a later run may take any claim over
    sqlite3.connect(path).close()
    lock = StoreLock(path)
    watcher = ReleaseWhenLocked(lock)
    logging.getLogger("hf_digest").addHandler(watcher)
    channels.slack.answer_next(replace(Answer.text(200, "ok"), before=lock.take))
    try:
        first = stack.invoke({"date": DAY})
    finally:
        logging.getLogger("hf_digest").removeHandler(watcher)
        lock.release()
    assert lock.taken.is_set()
    assert first.told() == {"slack": "sent"}  # delivered: not failed, whatever the store said
    assert first.result is not None
    [warning] = [w for w in first.result["warnings"] if w.startswith("notification slack:")]
    assert "did not record it" in warning and "database is locked" in warning
    assert stack.output.metrics()[-1]["NotificationsFailed"] == 0
    later = stack.invoke({"date": DAY})  # after the claim's lease: slack is not owed the day
    assert (later.status, later.told()) == ("unchanged", {})
    assert len(channels.slack.received) == 1


def test_a_run_killed_while_telling_is_settled_by_a_later_run_of_the_unchanged_post(
    stack: Stack, channels: Channels, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_NOTIFY", "slack")
    answered = threading.Event()
    channels.slack.answer_next(Answer.held(answered))  # Slack has the POST and does not answer
    proc = stack.start_cli({"date": DAY})
    try:
        give_up = time.monotonic() + 90
        while not channels.slack.received and proc.poll() is None and time.monotonic() < give_up:
            time.sleep(0.05)
        assert channels.slack.received, "the run never reached Slack"
    finally:
        proc.kill()
        out, err = proc.communicate(timeout=30)
        answered.set()
    stack.scan.add("cli stdout", out)
    stack.scan.add("cli stderr", err)
    stack.assert_published_once(DAY)  # the post went out before the run was killed
    monkeypatch.setattr("hf_digest.adapters.notify.ledger.LEASE_S", 0.0)  # the killed run's claim has run out
    later = stack.invoke({"date": DAY})
    assert (later.status, later.told()) == ("unchanged", {"slack": "sent"})
    assert later.result is not None
    [warning] = [w for w in later.result["warnings"] if w.startswith("notification slack:")]
    assert "earlier run stopped" in warning and "outcome is unknown" in warning
    assert len(channels.slack.received) == 2 and len(channels.slack.delivered) == 1
    assert stack.invoke({"date": DAY}).told() == {}  # settled: no third message
    assert len(channels.slack.received) == 2


def test_a_discord_200_without_a_message_id_is_not_a_delivery(stack: Stack, channels: Channels) -> None:
    channels.discord.answer_next(DiscordServer.error_with_200())
    run = stack.invoke({"date": DAY})
    assert run.told() == ALL_SENT
    assert run.result is not None
    [discord] = [c for c in run.result["notifications"]["channels"] if c["channel"] == "discord"]
    assert discord["requests"] == 2
    assert [r.answer.status for r in channels.discord.received] == [200, 200]
    assert len(channels.discord.delivered) == 1
