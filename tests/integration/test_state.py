"""The state store, SQLite (a file in a tmp dir) and DynamoDB (moto_server over HTTP), by the same tests."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hf_digest.adapters.state import (
    CLAIM_KEPT_S,
    DynamoStore,
    SQLiteStore,
    StateError,
    StateStore,
    open_store,
)
from hf_digest.config import Settings
from hf_digest.outbound import aws
from tests.helpers import create_state_table

REPO = Path(__file__).resolve().parents[2]


class Clock:
    """A wall clock the test moves by hand (epoch seconds)."""

    def __init__(self, now: float = 1_770_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


MakeStore = Callable[[Clock], StateStore]


@pytest.fixture(params=["sqlite", "dynamodb"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeStore]:
    """Stores of one kind, all on the same file or table (so two stores are two processes' views)."""
    if request.param == "sqlite":
        path = tmp_path / "state" / "state.sqlite3"
        yield lambda clock: SQLiteStore(path, clock=clock)
        return
    request.getfixturevalue("moto_endpoint")
    client = aws.client("dynamodb", setting="DIGEST_STATE_TABLE")
    table = create_state_table(client)
    yield lambda clock: DynamoStore(table, aws.client("dynamodb", setting="DIGEST_STATE_TABLE"), clock=clock)


def test_put_and_get_many_return_json_values_and_leave_absent_keys_out(make_store: MakeStore) -> None:
    store = make_store(Clock())
    store.put("summary/2602.00001/ko", {"text": "요약입니다 (RLHF)", "tokens": 12, "nested": {"a": [1]}})
    store.put("summary/2602.00002/ko", {"text": "two"})

    found = store.get_many(["summary/2602.00001/ko", "summary/absent", "summary/2602.00002/ko"])

    assert found == {
        "summary/2602.00001/ko": {"text": "요약입니다 (RLHF)", "tokens": 12, "nested": {"a": [1]}},
        "summary/2602.00002/ko": {"text": "two"},
    }
    assert store.get_many([]) == {}


def test_put_replaces_the_value(make_store: MakeStore) -> None:
    store = make_store(Clock())
    store.put("k", {"v": 1})
    store.put("k", {"v": 2})
    assert store.get_many(["k"]) == {"k": {"v": 2}}


def test_a_value_past_its_ttl_is_gone(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    store.put("short", {"v": 1}, ttl_s=60)
    store.put("forever", {"v": 2})
    clock.now += 59
    assert set(store.get_many(["short", "forever"])) == {"short", "forever"}
    clock.now += 2
    assert store.get_many(["short", "forever"]) == {"forever": {"v": 2}}


def test_get_many_reads_more_keys_than_one_batch_holds(make_store: MakeStore) -> None:
    store = make_store(Clock())
    keys = [f"paper/{n:04d}" for n in range(230)]
    for n, key in enumerate(keys):
        store.put(key, {"n": n})
    found = store.get_many([*keys, *keys[:5]])  # repeated keys are read once
    assert found == {key: {"n": n} for n, key in enumerate(keys)}


def test_dynamodb_reads_one_batch_get_item_per_100_keys(moto_endpoint: str) -> None:
    client = aws.client("dynamodb", setting="DIGEST_STATE_TABLE")
    table = create_state_table(client)
    store = DynamoStore(table, client)
    keys = [f"paper/{n:04d}" for n in range(230)]
    for key in keys[:10]:
        store.put(key, {"k": key})
    calls: list[int] = []
    client.meta.events.register(
        "before-parameter-build.dynamodb.BatchGetItem",
        lambda params, **_: calls.append(len(params["RequestItems"][table]["Keys"])),
    )
    assert len(store.get_many(keys)) == 10
    assert calls == [100, 100, 30]


def test_claim_takes_an_absent_key_once(make_store: MakeStore) -> None:
    clock = Clock()
    store, other = make_store(clock), make_store(clock)
    assert store.claim("notify/2026-02-10/slack", owner="run-a", lease_s=300, now=clock.now) is True
    assert other.claim("notify/2026-02-10/slack", owner="run-b", lease_s=300, now=clock.now + 10) is False
    # The holder claiming again renews its own lease.
    assert store.claim("notify/2026-02-10/slack", owner="run-a", lease_s=300, now=clock.now + 20) is True
    assert store.get_many(["notify/2026-02-10/slack"]) == {}  # a claim holds no value


def test_an_expired_lease_is_taken_over(make_store: MakeStore) -> None:
    clock = Clock()
    store, other = make_store(clock), make_store(clock)
    assert store.claim("k", owner="crashed-run", lease_s=120, now=clock.now)
    assert not other.claim("k", owner="next-run", lease_s=120, now=clock.now + 119)
    assert other.claim("k", owner="next-run", lease_s=120, now=clock.now + 120)
    # The old holder no longer holds it: its lease was taken over.
    assert not store.claim("k", owner="crashed-run", lease_s=120, now=clock.now + 121)


def test_a_done_key_is_never_claimed_again(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    assert store.claim("k", owner="a", lease_s=60, now=clock.now)
    store.mark_done("k", owner="a", value={"message_id": "m-1"})
    far = clock.now + 30 * 86400
    assert not store.claim("k", owner="a", lease_s=60, now=far)
    assert not store.claim("k", owner="b", lease_s=60, now=far)
    assert store.get_many(["k"]) == {"k": {"message_id": "m-1"}}


def test_mark_done_keeps_the_first_value(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    store.claim("k", owner="a", lease_s=60, now=clock.now)
    store.mark_done("k", owner="a", value={"first": True})
    store.mark_done("k", owner="b", value={"first": False})
    assert store.get_many(["k"]) == {"k": {"first": True}}


def test_mark_done_with_a_ttl_expires_and_the_key_can_be_claimed_again(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    store.claim("k", owner="a", lease_s=60, now=clock.now)
    store.mark_done("k", owner="a", value={"v": 1}, ttl_s=3600)
    assert not store.claim("k", owner="b", lease_s=60, now=clock.now + 3599)
    clock.now += 3601
    assert store.get_many(["k"]) == {}
    assert store.claim("k", owner="b", lease_s=60, now=clock.now)


def test_release_gives_the_key_back_only_for_its_holder(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    assert store.claim("k", owner="a", lease_s=600, now=clock.now)
    store.release("k", owner="b")  # not b's to give up
    assert not store.claim("k", owner="b", lease_s=600, now=clock.now + 1)
    store.release("k", owner="a")
    assert store.claim("k", owner="b", lease_s=600, now=clock.now + 2)
    store.release("absent", owner="a")  # nothing to give up is fine


def test_release_never_undoes_a_done_key(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    store.claim("k", owner="a", lease_s=600, now=clock.now)
    store.mark_done("k", owner="a", value={"v": 1})
    store.release("k", owner="a")
    assert store.get_many(["k"]) == {"k": {"v": 1}}


def test_a_forgotten_claim_is_cleaned_up_after_it_is_kept(make_store: MakeStore) -> None:
    clock = Clock()
    store = make_store(clock)
    store.claim("k", owner="a", lease_s=60, now=clock.now)
    later = clock.now + 60 + CLAIM_KEPT_S + 1
    assert store.claim("k", owner="b", lease_s=60, now=later)


def test_two_threads_claiming_one_key_exactly_one_wins(make_store: MakeStore) -> None:
    clock = Clock()
    stores = [make_store(clock), make_store(clock)]
    keys = [f"race/{n}" for n in range(25)]
    wins: dict[str, list[str]] = {key: [] for key in keys}
    barrier = threading.Barrier(2)

    def contend(index: int) -> None:
        for key in keys:
            barrier.wait()
            if stores[index].claim(key, owner=f"thread-{index}", lease_s=300, now=clock.now):
                wins[key].append(f"thread-{index}")

    threads = [threading.Thread(target=contend, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(len(owners) == 1 for owners in wins.values()), wins


def started_together(argvs: list[list[str]]) -> list[subprocess.Popen[str]]:
    """Processes that each wait for "go" on stdin, all started first and then let go at once, so their
    work really overlaps."""
    procs = [
        subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for argv in argvs
    ]
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    return procs


_CLAIMER = """
import json, sys
from pathlib import Path
from hf_digest.adapters.state import SQLiteStore
store = SQLiteStore(Path(sys.argv[1]))
sys.stdin.readline()  # start together
won = [k for k in json.loads(sys.argv[2]) if store.claim(k, owner=sys.argv[3], lease_s=300, now=1.0e9)]
print(json.dumps(won))
"""


def test_sqlite_two_processes_claiming_the_same_keys_never_both_win(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    SQLiteStore(path).close()  # the file and its WAL exist before the race
    keys = [f"race/{n}" for n in range(200)]
    procs = started_together(
        [[sys.executable, "-c", _CLAIMER, str(path), json.dumps(keys), f"proc-{i}"] for i in range(2)]
    )
    won = [set(json.loads(proc.communicate(timeout=120)[0])) for proc in procs]
    assert won[0].isdisjoint(won[1])
    assert won[0] | won[1] == set(keys)


def test_sqlite_store_creates_its_folder_and_names_an_unusable_path(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "deep" / "er" / "state.sqlite3").put("k", {"v": 1})
    assert (tmp_path / "deep" / "er" / "state.sqlite3").is_file()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StateError, match=r"DIGEST_STATE_PATH: cannot open .*file/state.sqlite3"):
        SQLiteStore(blocker / "state.sqlite3")


def test_dynamodb_store_names_a_missing_table(moto_endpoint: str) -> None:
    store = DynamoStore("no-such-table", aws.client("dynamodb", setting="DIGEST_STATE_TABLE"))
    with pytest.raises(StateError, match="DIGEST_STATE_TABLE no-such-table: PutItem failed") as caught:
        store.put("k", {"v": 1})
    assert "testing" not in str(caught.value)  # the fake credentials' values


def test_open_store_chooses_dynamodb_when_a_table_is_named(moto_endpoint: str, tmp_path: Path) -> None:
    table = create_state_table(aws.client("dynamodb", setting="DIGEST_STATE_TABLE"))
    dynamo = open_store(Settings(state_table=table, state_path=tmp_path / "unused.sqlite3"))
    assert isinstance(dynamo, DynamoStore)
    dynamo.put("k", {"v": "dynamo"})
    assert DynamoStore(table, aws.client("dynamodb", setting="DIGEST_STATE_TABLE")).get_many(["k"]) == {
        "k": {"v": "dynamo"}
    }
    assert not (tmp_path / "unused.sqlite3").exists()

    sqlite = open_store(Settings(state_path=tmp_path / "s.sqlite3"))
    assert isinstance(sqlite, SQLiteStore)
    sqlite.put("k", {"v": "sqlite"})
    assert SQLiteStore(tmp_path / "s.sqlite3").get_many(["k"]) == {"k": {"v": "sqlite"}}


_OPENER = """
import sys
from pathlib import Path
from hf_digest.adapters.state import SQLiteStore
sys.stdin.readline()  # open together
store = SQLiteStore(Path(sys.argv[1]))
store.put(sys.argv[2], {"opened": True})
print("ok")
"""


def test_sqlite_many_processes_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    # Switching a new file to WAL gave "database is locked" to some losers of this race (0 to 3 in ten
    # rounds of twelve, before the fix); the next test makes the same moment certain.
    for attempt in range(6):
        path = tmp_path / f"new-{attempt}" / "state.sqlite3"
        path.parent.mkdir()
        openers = [[sys.executable, "-c", _OPENER, str(path), f"opener/{i}"] for i in range(12)]
        procs = started_together(openers)
        results = [proc.communicate(timeout=120) for proc in procs]
        assert [err for out, err in results if out.strip() != "ok"] == []
        assert len(SQLiteStore(path).get_many([f"opener/{i}" for i in range(12)])) == 12


def test_sqlite_many_threads_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    path = tmp_path / "threads" / "state.sqlite3"
    start = threading.Barrier(16)
    failures: list[str] = []

    def open_and_put(n: int) -> None:
        start.wait()
        try:
            SQLiteStore(path).put(f"thread/{n}", {"n": n})
        except StateError as exc:
            failures.append(str(exc))

    threads = [threading.Thread(target=open_and_put, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(SQLiteStore(path).get_many([f"thread/{n}" for n in range(16)])) == 16


def test_sqlite_opening_while_another_opener_holds_the_write_lock_waits_for_it(tmp_path: Path) -> None:
    # Another opener switching the new file to WAL holds its write lock: SQLite answers "database is
    # locked" at once there, without calling the busy handler, so busy_timeout alone does not wait.
    path = tmp_path / "state.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    released.start()
    try:
        store = SQLiteStore(path)
    finally:
        released.join()
        other.close()
    store.put("k", {"v": 1})
    assert SQLiteStore(path).get_many(["k"]) == {"k": {"v": 1}}


def _write_raw(store: StateStore, key: str, raw: str) -> None:
    """A done row whose stored text is raw, as another version or a hand edit could leave it."""
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as db:
            db.execute("UPDATE state SET value = ? WHERE key = ?", (raw, key))
        return
    assert isinstance(store, DynamoStore)
    client = aws.client("dynamodb", setting="DIGEST_STATE_TABLE")
    client.put_item(
        TableName=store.table, Item={"key": {"S": key}, "status": {"S": "done"}, "value": {"S": raw}}
    )


def test_get_many_leaves_out_a_value_that_is_not_a_json_object_and_names_its_key(
    make_store: MakeStore,
) -> None:
    store = make_store(Clock())
    for key in ("good", "list", "text", "number"):
        store.put(key, {"v": key})
    _write_raw(store, "list", "[1, 2]")
    _write_raw(store, "text", "not json {")
    _write_raw(store, "number", "42")
    malformed: list[str] = []

    found = store.get_many(["good", "list", "text", "number"], malformed=malformed)

    assert found == {"good": {"v": "good"}} and sorted(malformed) == ["list", "number", "text"]
    assert store.get_many(["list", "good"]) == {"good": {"v": "good"}}  # without a list to name them in


@pytest.mark.parametrize("case", ["a folder that cannot be made", "a corrupt file"])
def test_open_store_gives_an_unavailable_store_for_a_sqlite_file_it_cannot_open(
    tmp_path: Path, case: str
) -> None:
    if case == "a corrupt file":
        path = tmp_path / "corrupt.sqlite3"
        path.write_bytes(b"\x00\xff" * 4096)
    else:
        (tmp_path / "file").write_text("x")
        path = tmp_path / "file" / "state.sqlite3"

    store = open_store(Settings(state_path=path))  # does not raise: the run goes on without it

    for call in (
        lambda: store.get_many(["k"]),
        lambda: store.put("k", {"v": 1}),
        lambda: store.claim("k", owner="o", lease_s=1, now=0),
        lambda: store.mark_done("k", owner="o", value={}),
        lambda: store.release("k", owner="o"),
    ):
        with pytest.raises(StateError, match=r"^DIGEST_STATE_PATH: cannot open "):
            call()
