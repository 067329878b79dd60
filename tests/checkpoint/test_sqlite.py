"""SqliteSaver and AsyncSqliteSaver: the conformance suite plus SQLite specifics."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

from stategraph.checkpoint._sql import migrations
from stategraph.checkpoint._sql.id_keys import to_key, to_text
from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from stategraph.errors import CheckpointError, ErrorCode

from . import sql_layout
from .conformance import *  # noqa: F403 - the shared spec cases run against both savers
from .conformance import Harness, Portal, StoredBlobInfo, Writer, config, id_of, make_checkpoint
from .conformance_batch import *  # noqa: F403
from .conformance_delta import *  # noqa: F403
from .conformance_head import *  # noqa: F403
from .conformance_retention import *  # noqa: F403
from .conformance_runs import *  # noqa: F403


def _execute(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run SQL on a separate connection, as an operator (or attacker) with file access would."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(sql, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


class SqliteBackend:
    name = "sqlite"
    path: Path

    @contextmanager
    def _saver(self, portal: Portal, path: Path) -> Iterator[Any]:
        with SqliteSaver.from_conn_string(str(path)) as saver:
            yield saver

    @contextmanager
    def open(self, portal: Portal, tmp_path: Path) -> Iterator[Any]:
        self.path = tmp_path / "checkpoints.sqlite"
        with self._saver(portal, self.path) as saver:
            yield saver

    def corrupt_checkpoint(
        self, saver: Any, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        _execute(
            self.path,
            "UPDATE checkpoints SET checkpoint = substr(checkpoint, 1, 5), blob_refs = substr(blob_refs, 1, 5) "
            "WHERE thread_id = ? AND checkpoint_id = ?",
            (thread_id, to_key(checkpoint_id)),
        )

    def count_blobs(self, saver: Any, portal: Portal, thread_id: str) -> int:
        return len(self.stored_blobs(saver, portal, thread_id))

    def stored_blobs(
        self, saver: Any, portal: Portal, thread_id: str
    ) -> dict[tuple[str, str, str], StoredBlobInfo]:
        blobs = _execute(self.path, sql_layout.BLOB_ROWS.format(p="?"), (thread_id,))
        refs = _execute(self.path, sql_layout.REF_ROWS.format(p="?"), (thread_id,))
        sealed = _execute(self.path, sql_layout.SEGMENT_ROWS.format(p="?"), (thread_id,))
        return sql_layout.stored_values(*sql_layout.with_sealed(blobs, refs, sealed))

    def corrupt_blob(
        self, saver: Any, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        _execute(
            self.path,
            "UPDATE checkpoint_blobs SET value = substr(value, 1, 5) "
            "WHERE thread_id = ? AND channel = ? AND checkpoint_id = ?",
            (thread_id, channel, to_key(origin)),
        )

    @contextmanager
    def open_newer_schema(self, portal: Portal, tmp_path: Path) -> Iterator[Any]:
        path = tmp_path / "newer.sqlite"
        with self._saver(portal, path) as saver:
            Harness(saver, "sync", portal).get_tuple(config("t"))  # creates the schema
        _execute(
            path, "INSERT INTO checkpoint_migrations (v) VALUES (?)", (len(migrations.MIGRATIONS),)
        )
        with self._saver(portal, path) as saver:
            yield saver


class AsyncSqliteBackend(SqliteBackend):
    name = "async_sqlite"

    @contextmanager
    def _saver(self, portal: Portal, path: Path) -> Iterator[Any]:
        stack = AsyncExitStack()
        saver = portal.run(stack.enter_async_context(AsyncSqliteSaver.from_conn_string(str(path))))
        try:
            yield saver
        finally:
            portal.run(stack.aclose())


@pytest.fixture(params=[SqliteBackend, AsyncSqliteBackend], ids=["sqlite", "async_sqlite"])
def backend(request: pytest.FixtureRequest) -> SqliteBackend:
    return request.param()


def test_setup_records_migrations_and_enables_wal(harness: Harness, backend: SqliteBackend) -> None:
    harness.get_tuple(config("t"))
    versions = [
        v for (v,) in _execute(backend.path, "SELECT v FROM checkpoint_migrations ORDER BY v")
    ]
    assert versions == list(range(len(migrations.MIGRATIONS)))
    assert _execute(backend.path, "PRAGMA journal_mode")[0][0] == "wal"


def test_a_failing_migration_leaves_no_partial_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, "CREATE TABLE broken ("))
    path = tmp_path / "broken.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver, pytest.raises(sqlite3.OperationalError):
        saver.setup()
    assert _execute(path, "SELECT name FROM sqlite_master WHERE type = 'table'") == []


def test_data_survives_reopening_the_file(
    harness: Harness, backend: SqliteBackend, portal: Portal
) -> None:
    saved = Writer(harness, "t").save({"a": (1, "x")}, source="input")
    with backend._saver(portal, backend.path) as reopened:
        found = Harness(reopened, harness.mode, portal).get_tuple(saved)
    assert found.checkpoint["channel_values"] == {"a": (1, "x")}
    assert found.metadata["source"] == "input"


def test_rows_hold_json_metadata_and_no_channel_values(
    harness: Harness, backend: SqliteBackend
) -> None:
    Writer(harness, "t").save({"secret_marker_value": "MARKER-12345" * 10}, user="ann")
    ((metadata, checkpoint),) = _execute(
        backend.path, "SELECT metadata, checkpoint FROM checkpoints"
    )
    assert json.loads(metadata) == {"source": "loop", "step": -1, "user": "ann"}
    assert b"MARKER-12345" not in checkpoint
    (blob,) = _execute(backend.path, "SELECT value FROM checkpoint_blobs")
    assert b"MARKER-12345" in blob[0]


def test_a_missing_blob_is_reported_as_corruption(harness: Harness, backend: SqliteBackend) -> None:
    saved = Writer(harness, "t").save({"a": "x" * 100})  # too big to sit in the refs
    _execute(backend.path, "DELETE FROM checkpoint_blobs")
    with pytest.raises(CheckpointError) as raised:
        harness.get_tuple(saved)
    assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
    assert "'a'" in str(raised.value)


def test_garbage_in_blob_refs_is_reported_as_corruption(
    harness: Harness, backend: SqliteBackend
) -> None:
    saved = Writer(harness, "t").save({"a": 1})
    _execute(backend.path, "UPDATE checkpoints SET blob_refs = '[1'")
    with pytest.raises(CheckpointError) as raised:
        harness.list(config("t"))
    assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
    assert raised.value.checkpoint_id == id_of(saved)


def test_async_saver_refuses_sync_calls_from_its_own_loop(portal: Portal, tmp_path: Path) -> None:
    backend = AsyncSqliteBackend()
    with backend.open(portal, tmp_path) as saver:

        async def call_sync_on_loop() -> None:
            saver.get_tuple(config("t"))

        with pytest.raises(asyncio.InvalidStateError) as raised:  # LangGraph's type
            portal.run(call_sync_on_loop())
    assert raised.value.code is ErrorCode.RUN_ASYNC_IN_SYNC  # type: ignore[attr-defined]
    assert "aget_tuple" in str(raised.value)


def test_sqlite_saver_is_safe_across_threads(tmp_path: Path) -> None:
    with SqliteSaver.from_conn_string(str(tmp_path / "threads.sqlite")) as saver:

        def write(thread_id: str) -> None:
            parent = config(thread_id)
            for step in range(10):
                checkpoint = make_checkpoint({"n": step}, {"n": step + 1}, step=step)
                parent = saver.put(parent, checkpoint, {}, {"n": step + 1})
                saver.put_writes(parent, [("n", step)], "task")

        workers = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert len(list(saver.list(None))) == 60
        assert all(saver.get(config(f"t{n}"))["channel_values"] == {"n": 9} for n in range(6))


# A process that loads the thread head, waits for the go file, then tries to extend the head.
_RACER = r"""
import asyncio, pathlib, sys, time
from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.checkpoint.base import empty_checkpoint
from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from stategraph.errors import ConcurrentRunError

path, flavour, go = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])

def child_of(head):
    config = {"configurable": {**head.config["configurable"],
                               "__pregel_expected_head": head.config["configurable"]["checkpoint_id"]}}
    checkpoint = empty_checkpoint()
    checkpoint["id"] = new_checkpoint_id()
    checkpoint["channel_values"] = {"a": checkpoint["id"]}
    checkpoint["channel_versions"] = {"a": 2}
    return config, checkpoint

def wait_for_go():
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)

def report(put):
    try:
        put()
        print("won", flush=True)
    except ConcurrentRunError as error:
        print("refused", error.actual_head, flush=True)

async def run_async():
    async with AsyncSqliteSaver.from_conn_string(path) as saver:
        config, checkpoint = child_of(await saver.aget_tuple({"configurable": {"thread_id": "t"}}))
        wait_for_go()
        try:
            await saver.aput(config, checkpoint, {}, {"a": 2})
            print("won", flush=True)
        except ConcurrentRunError as error:
            print("refused", error.actual_head, flush=True)

if flavour == "async":
    asyncio.run(run_async())
else:
    with SqliteSaver.from_conn_string(path) as saver:
        config, checkpoint = child_of(saver.get_tuple({"configurable": {"thread_id": "t"}}))
        wait_for_go()
        report(lambda: saver.put(config, checkpoint, {}, {"a": 2}))
"""


@pytest.mark.parametrize("flavours", [("sync",) * 3, ("async",) * 3, ("sync", "async", "sync")])
def test_processes_racing_from_one_head_leave_exactly_one_child(
    tmp_path: Path, flavours: tuple[str, ...]
) -> None:
    path = tmp_path / "race.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver:
        saver.put(config("t"), make_checkpoint({"a": 0}, {"a": 1}), {}, {"a": 1})
    for round_ in range(2):
        (head_key,) = _execute(path, "SELECT MAX(checkpoint_id) FROM checkpoints")[0]
        go = tmp_path / f"go-{round_}"
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", _RACER, str(path), flavour, str(go)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for flavour in flavours
        ]
        for racer in racers:  # every racer has loaded the same head
            assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
        go.touch()
        outputs = [racer.communicate(timeout=60) for racer in racers]
        results = [out.split() for out, _ in outputs]
        assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
        assert sorted(r[0] for r in results) == ["refused"] * (len(racers) - 1) + ["won"]
        children = _execute(
            path,
            "SELECT checkpoint_id FROM checkpoints WHERE parent_checkpoint_id = ?",
            (head_key,),
        )
        assert len(children) == 1
        assert all(r[1] == to_text(children[0][0]) for r in results if r[0] == "refused")
    assert _execute(path, "SELECT COUNT(*) FROM checkpoints")[0][0] == 3
