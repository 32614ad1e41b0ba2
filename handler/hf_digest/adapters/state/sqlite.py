"""The state store in one SQLite file (standard library), safe for two processes at once.

WAL lets readers and one writer work together; every change is one statement, so SQLite's own lock makes
each claim atomic across threads and processes.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hf_digest.adapters.state.store import CLAIM_KEPT_S, BatchReads, StateError
from hf_digest.core.outcomes import Status

BUSY_TIMEOUT_S = 10.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    owner TEXT,
    claimed_at REAL,
    value TEXT,
    expires_at REAL
)
"""
_CHUNK = 500  # keys per SELECT, below SQLite's limit on bound parameters


class SQLiteStore(BatchReads):
    """The state store in the SQLite file at path (its folder is created)."""

    batch_size = _CHUNK

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path).expanduser()
        self._clock = clock
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            _while_busy(lambda: _wal(self._db), clock=time.monotonic)
            self._db.execute("PRAGMA synchronous=NORMAL")
            _while_busy(lambda: self._db.execute(_SCHEMA), clock=time.monotonic)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"DIGEST_STATE_PATH: cannot open {self.path}: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _live(self, chunk: list[str], now: float) -> list[tuple[str, object]]:
        marks = ",".join("?" * len(chunk))
        return self._run(
            f"SELECT key, value FROM state WHERE key IN ({marks}) AND status = ? "  # noqa: S608 - only "?"s
            "AND value IS NOT NULL AND (expires_at IS NULL OR expires_at > ?)",
            (*chunk, Status.DONE, now),
        )

    def put(self, key: str, value: Mapping[str, Any], *, ttl_s: float | None = None) -> None:
        self._run(
            "INSERT INTO state (key, status, owner, claimed_at, value, expires_at) "
            "VALUES (?, ?, NULL, NULL, ?, ?) ON CONFLICT (key) DO UPDATE SET status = excluded.status, "
            "owner = NULL, claimed_at = NULL, value = excluded.value, expires_at = excluded.expires_at",
            (key, Status.DONE, _json(value), self._expiry(ttl_s)),
        )

    def claim(self, key: str, *, owner: str, lease_s: float, now: float) -> bool:
        # One upsert: SQLite holds the write lock for the whole statement, so exactly one claimant wins.
        changed = self._change(
            "INSERT INTO state (key, status, owner, claimed_at, value, expires_at) "
            "VALUES (?, ?, ?, ?, NULL, ?) ON CONFLICT (key) DO UPDATE SET status = excluded.status, "
            "owner = excluded.owner, claimed_at = excluded.claimed_at, value = NULL, "
            "expires_at = excluded.expires_at "
            "WHERE (state.expires_at IS NOT NULL AND state.expires_at <= ?) "
            "OR (state.status = ? AND (state.owner = ? OR state.claimed_at + ? <= ?))",
            (
                key,
                Status.CLAIMED,
                owner,
                now,
                now + lease_s + CLAIM_KEPT_S,
                now,
                Status.CLAIMED,
                owner,
                lease_s,
                now,
            ),
        )
        return changed == 1

    def mark_done(
        self, key: str, *, owner: str, value: Mapping[str, Any], ttl_s: float | None = None
    ) -> None:
        self._change(
            "INSERT INTO state (key, status, owner, claimed_at, value, expires_at) "
            "VALUES (?, ?, ?, NULL, ?, ?) ON CONFLICT (key) DO UPDATE SET status = excluded.status, "
            "owner = excluded.owner, value = excluded.value, expires_at = excluded.expires_at "
            "WHERE state.status <> ? OR (state.expires_at IS NOT NULL AND state.expires_at <= ?)",
            (key, Status.DONE, owner, _json(value), self._expiry(ttl_s), Status.DONE, self._clock()),
        )

    def release(self, key: str, *, owner: str) -> None:
        self._change(
            "DELETE FROM state WHERE key = ? AND status = ? AND owner = ?", (key, Status.CLAIMED, owner)
        )

    def add(self, key: str, amount: int, *, ttl_s: float | None = None) -> int:
        # One upsert with RETURNING: SQLite's write lock makes the read and the write one step.
        rows = self._run(
            "INSERT INTO state (key, status, owner, claimed_at, value, expires_at) "
            "VALUES (?, ?, NULL, NULL, json_object('total', ?), ?) ON CONFLICT (key) DO UPDATE SET "
            "value = json_object('total', CASE WHEN json_valid(state.value) "
            "THEN coalesce(json_extract(state.value, '$.total'), 0) ELSE 0 END + ?), "
            "expires_at = excluded.expires_at RETURNING json_extract(value, '$.total')",
            (key, Status.COUNTER, amount, self._expiry(ttl_s), amount),
        )
        return int(rows[0][0])

    def _expiry(self, ttl_s: float | None) -> float | None:
        return None if ttl_s is None else self._clock() + ttl_s

    def _run(self, sql: str, params: Sequence[object]) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StateError(f"DIGEST_STATE_PATH {self.path}: {exc}") from None

    def _change(self, sql: str, params: Sequence[object]) -> int:
        try:
            with self._lock:
                return self._db.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise StateError(f"DIGEST_STATE_PATH {self.path}: {exc}") from None


def _wal(db: sqlite3.Connection) -> None:
    if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        db.execute("PRAGMA journal_mode=WAL")


def _while_busy(step: Callable[[], object], *, clock: Callable[[], float]) -> None:
    """Run step, again while another opener holds the new file's lock, for up to BUSY_TIMEOUT_S.

    Switching a new file to WAL takes an exclusive lock, and SQLite returns "database is locked" at once
    instead of calling the busy handler there (it would risk a deadlock), so busy_timeout alone is not enough.
    """
    give_up = clock() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            said = str(exc).lower()
            if ("locked" not in said and "busy" not in said) or clock() >= give_up:
                raise
        time.sleep(pause + random.uniform(0, pause))  # noqa: S311 - jitter, not a secret
        pause = min(pause * 2, 0.2)


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(dict(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
