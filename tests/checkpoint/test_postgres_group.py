"""Postgres group commits: a step's statements in one round trip, seals after the commit.

``PostgresSaver.batch`` (every put and put_writes) pipelines its statements: the server
checks the heads (``stategraph_check_head``), the parents' refs come from the saver's
last commits, and a seal due at a step runs in its own transaction after the commit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from _pg_databases import fresh_database, fresh_schema
from _services import postgres_dsn
from stategraph.checkpoint._sql import seal, segments
from stategraph.checkpoint._sql.plans import Plan, Query
from stategraph.checkpoint.postgres import PostgresSaver, _sync_driver
from stategraph.checkpoint.postgres._operation import returns_rows, thread_lock
from stategraph.errors import ConcurrentRunError

from .conformance import config, id_of, make_checkpoint
from .conformance_batch import _head_config, chain_ops


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database(postgres_dsn()) as dsn:
        yield dsn


@pytest.fixture
def saver(database: str) -> Iterator[PostgresSaver]:
    with fresh_schema(database) as dsn:
        with PostgresSaver.from_conn_string(dsn, pool_config={"max_size": 2}) as made:
            made.setup()
            yield made


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[Query]:
    """Every statement the saver's plans ask the driver to run, in order."""
    queries: list[Query] = []
    real_drive = _sync_driver.drive

    def recorded(plan: Plan[Any]) -> Plan[Any]:
        try:
            query = next(plan)
            while True:
                queries.append(query)
                query = plan.send((yield query))
        except StopIteration as done:
            return done.value

    def drive(conn: Any, plan: Plan[Any], *args: Any, **kwargs: Any) -> Any:
        return real_drive(conn, recorded(plan), *args, **kwargs)

    monkeypatch.setattr(_sync_driver, "drive", drive)
    return queries


def reads(queries: list[Query]) -> list[str]:
    return [q.sql for q in queries if not q.blind and returns_rows(q.sql)]


def test_a_step_extending_the_last_commit_waits_for_no_read(
    saver: PostgresSaver, seen: list[Query]
) -> None:
    ops, made = chain_ops("t", 3)
    saver.batch(ops[:2])  # the first step: nothing to extend yet
    seen.clear()
    saver.batch(ops[2:])  # two more steps (puts and writes) in one group
    assert reads(seen) == []
    assert [q.blind for q in seen if "stategraph_check_head" in q.sql] == [True]
    latest = saver.get_tuple(config("t"))
    assert latest is not None and id_of(latest.config) == made[-1]
    assert latest.checkpoint["channel_values"]["messages"][-1] == "m2"


def test_a_fresh_saver_reads_the_parents_refs_once(saver: PostgresSaver, seen: list[Query]) -> None:
    ops, made = chain_ops("t", 3)
    saver.batch(ops[:2])
    saver._committed.drop_threads(["t"])  # as a new process continuing the thread
    seen.clear()
    saver.batch(ops[2:])
    assert len([sql for sql in reads(seen) if "blob_refs" in sql]) == 1
    assert id_of(saver.get_tuple(config("t")).config) == made[-1]


def test_the_server_refuses_a_stale_head_with_the_usual_error(saver: PostgresSaver) -> None:
    ops, made = chain_ops("t", 2)
    saver.batch(ops)
    stale = _head_config("t", made[0], made[0])  # the head moved on to made[1]
    with pytest.raises(ConcurrentRunError) as raised:
        saver.put(stale, make_checkpoint({"a": 1}, {"a": 1}), {"step": 9}, {"a": 1})
    assert raised.value.actual_head == made[1]
    assert raised.value.expected_head == made[0]
    assert [id_of(t.config) for t in saver.list(config("t"))] == made[::-1]


def test_a_group_of_many_threads_commits_or_fails_whole(saver: PostgresSaver) -> None:
    first, _ = chain_ops("a", 2)
    second, _ = chain_ops("b", 2)
    saver.batch(second[:2])  # b's head now exists, so b's first put below is stale
    with pytest.raises(ConcurrentRunError):
        saver.batch(first + second)
    assert list(saver.list(config("a"))) == []  # a's ops rolled back with b's


def test_a_seal_due_at_a_step_runs_after_its_commit(
    saver: PostgresSaver, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 2)
    monkeypatch.setattr(segments, "HOT_ROWS", 2)
    real_seal = seal.seal_scope
    monkeypatch.setattr(seal, "seal_scope", failing := _Failing(real_seal))
    caplog.set_level(logging.WARNING, "stategraph.checkpoint")
    ops, made = chain_ops("t", 7)
    saver.batch(ops[:10])  # steps 0-4: steps 2 and 4 ask for a seal, which fails
    assert failing.calls == 2 and "Sealing" in caplog.text
    assert _segments(saver) == 0  # the steps are committed all the same
    failing.broken = False
    saver.batch(ops[10:12])  # no seal is due at step 5
    assert _segments(saver) == 0
    saver.batch(ops[12:])  # step 6: the seal works, and catches up on the missed ones
    assert failing.calls == 3 and _segments(saver) >= 2
    assert [id_of(t.config) for t in saver.list(config("t"))] == made[::-1]


class _Failing:
    def __init__(self, real: Any) -> None:
        self.real, self.calls, self.broken = real, 0, True

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        if self.broken:
            raise psycopg.OperationalError("the seal broke")
        return self.real(*args)


def _segments(saver: PostgresSaver) -> int:
    with saver.conn.connection() as conn:  # the pool
        return int(conn.execute("SELECT COUNT(*) FROM checkpoint_segments").fetchone()[0])


@pytest.mark.parametrize("operation", ["prune", "delete_thread", "copy_thread", "put"])
def test_thread_wide_operations_wait_for_the_threads_lock(
    saver: PostgresSaver, operation: str
) -> None:
    """A prune deciding which blobs are dead must not interleave with a put that refers
    to one, nor a delete or copy with a put's half-written rows: all take the thread lock."""
    ops, made = chain_ops("t", 2)
    saver.batch(ops)
    calls = {
        "prune": lambda: saver.prune(["t"], keep_last=1),
        "delete_thread": lambda: saver.delete_thread("t"),
        "copy_thread": lambda: saver.copy_thread("t", "u"),
        "put": lambda: saver.batch([_child(made[-1])]),
    }
    dsn = saver.conn.conninfo
    name = conninfo_to_dict(dsn)["application_name"]
    with psycopg.connect(dsn, autocommit=True, application_name="sgtest_admin") as admin:
        admin.execute("SELECT pg_advisory_lock(%s, %s)", thread_lock("t"))
        worker = threading.Thread(target=calls[operation])
        worker.start()
        waiting = False
        for _ in range(400):
            waiting = bool(
                admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = %s "
                    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                    (name,),
                ).fetchall()
            )
            if waiting:
                break
            time.sleep(0.005)
        assert waiting and worker.is_alive()
        admin.execute("SELECT pg_advisory_unlock(%s, %s)", thread_lock("t"))
        worker.join(10.0)
    assert not worker.is_alive()


def _child(parent: str) -> tuple[Any, ...]:
    checkpoint = make_checkpoint({"a": 1}, {"a": 1})
    return ("put", _head_config("t", parent, parent), checkpoint, {"step": 9}, {"a": 1})
