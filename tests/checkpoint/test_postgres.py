"""PostgresSaver and AsyncPostgresSaver on the real server: the conformance suites plus
Postgres specifics (migrations from many processes, cross-process head checks, every
kind of connection, and surviving killed backends).

Each test gets a fresh schema in a database created for this module and dropped after
it.  Without a server the tests skip, or fail under ``STATEGRAPH_REQUIRE_SERVICES=1``.
"""

# why: over 400 lines: the Postgres saver's own behaviours (pools, pipelines, locks, drops) on
# one real server fixture.

from __future__ import annotations

import asyncio
import logging
import operator
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any, TypedDict

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from _pg_databases import fresh_database, fresh_schema, terminate_backends
from _services import postgres_dsn
from stategraph.checkpoint._sql import migrations
from stategraph.checkpoint.postgres import PostgresSaver, _sync_driver, _unasync
from stategraph.checkpoint.postgres._connect import CONNECTION_KWARGS
from stategraph.checkpoint.postgres._operation import thread_lock
from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver
from stategraph.errors import ErrorCode

from . import sql_layout
from .conformance import *  # noqa: F403 - the shared spec cases run against both savers
from .conformance import Harness, Portal, StoredBlobInfo, Writer, config, id_of, make_checkpoint
from .conformance_batch import *  # noqa: F403
from .conformance_delta import *  # noqa: F403
from .conformance_head import *  # noqa: F403
from .conformance_head import put_child
from .conformance_retention import *  # noqa: F403
from .conformance_runs import *  # noqa: F403

POOL = {"min_size": 1, "max_size": 4}


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database(postgres_dsn()) as dsn:
        yield dsn


def execute(dsn: str, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run SQL on a separate connection, as an operator (or attacker) with access would."""
    with psycopg.connect(dsn, autocommit=True, application_name="sgtest_admin") as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


class PostgresBackend:
    """PostgresSaver over a checked pool, one fresh schema per saver."""

    name = "postgres"
    dsn: str

    def __init__(self, database: str) -> None:
        self.database = database

    @contextmanager
    def _saver(self, portal: Portal, dsn: str) -> Iterator[Any]:
        with PostgresSaver.from_conn_string(dsn, pool_config=POOL) as saver:
            yield saver

    @contextmanager
    def open(self, portal: Portal, tmp_path: Path) -> Iterator[Any]:
        with fresh_schema(self.database) as dsn:
            self.dsn = dsn
            with self._saver(portal, dsn) as saver:
                yield saver

    def corrupt_checkpoint(
        self, saver: Any, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        execute(
            self.dsn,
            "UPDATE checkpoints SET checkpoint = substring(checkpoint FROM 1 FOR 5), "
            "blob_refs = left(blob_refs, 5) WHERE thread_id = %s AND checkpoint_id = %s",
            (thread_id, checkpoint_id),
        )

    def count_blobs(self, saver: Any, portal: Portal, thread_id: str) -> int:
        return len(self.stored_blobs(saver, portal, thread_id))

    def stored_blobs(
        self, saver: Any, portal: Portal, thread_id: str
    ) -> dict[tuple[str, str, str], StoredBlobInfo]:
        blobs = execute(self.dsn, sql_layout.BLOB_ROWS.format(p="%s"), (thread_id,))
        refs = execute(self.dsn, sql_layout.REF_ROWS.format(p="%s"), (thread_id,))
        sealed = execute(self.dsn, sql_layout.SEGMENT_ROWS.format(p="%s"), (thread_id,))
        return sql_layout.stored_values(*sql_layout.with_sealed(blobs, refs, sealed))

    def corrupt_blob(
        self, saver: Any, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        execute(
            self.dsn,
            "UPDATE checkpoint_blobs SET value = substring(value FROM 1 FOR 5) "
            "WHERE thread_id = %s AND channel = %s AND checkpoint_id = %s",
            (thread_id, channel, origin),
        )

    @contextmanager
    def open_newer_schema(self, portal: Portal, tmp_path: Path) -> Iterator[Any]:
        with fresh_schema(self.database) as dsn:
            with self._saver(portal, dsn) as saver:
                Harness(saver, "sync", portal).get_tuple(config("t"))  # creates the schema
            newer = (len(migrations.MIGRATIONS),)
            execute(dsn, "INSERT INTO checkpoint_migrations (v) VALUES (%s)", newer)
            with self._saver(portal, dsn) as saver:
                yield saver


class PipelinedPostgresBackend(PostgresBackend):
    """PostgresSaver on one connection in pipeline mode."""

    name = "postgres_pipeline"

    @contextmanager
    def _saver(self, portal: Portal, dsn: str) -> Iterator[Any]:
        with PostgresSaver.from_conn_string(dsn, pipeline=True) as saver:
            yield saver


class AsyncPostgresBackend(PostgresBackend):
    """AsyncPostgresSaver over a checked pool, bound to the portal's loop."""

    name = "async_postgres"

    @contextmanager
    def _saver(self, portal: Portal, dsn: str) -> Iterator[Any]:
        stack = AsyncExitStack()
        opening = AsyncPostgresSaver.from_conn_string(dsn, pool_config=POOL)
        saver = portal.run(stack.enter_async_context(opening))
        try:
            yield saver
        finally:
            portal.run(stack.aclose())


@pytest.fixture(
    params=[PostgresBackend, PipelinedPostgresBackend, AsyncPostgresBackend],
    ids=["postgres", "postgres_pipeline", "async_postgres"],
)
def backend(request: pytest.FixtureRequest, database: str) -> PostgresBackend:
    return request.param(database)


@pytest.fixture
def schema(database: str) -> Iterator[str]:
    with fresh_schema(database) as dsn:
        yield dsn


# --- schema and migrations --------------------------------------------------------------


def test_the_sync_driver_is_generated_from_the_async_one() -> None:
    assert _unasync.TARGET.read_text() == _unasync.generate(_unasync.SOURCE.read_text()), (
        "run python src/stategraph/checkpoint/postgres/_unasync.py"
    )
    assert "await" not in _unasync.TARGET.read_text()
    assert _sync_driver.Connections.__name__ == "Connections"


def test_setup_records_each_migration_once(harness: Harness, backend: PostgresBackend) -> None:
    harness.get_tuple(config("t"))
    rows = execute(backend.dsn, "SELECT v FROM checkpoint_migrations ORDER BY v")
    assert [v for (v,) in rows] == list(range(len(migrations.MIGRATIONS)))
    columns = execute(
        backend.dsn,
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'checkpoint_blobs'",
    )
    assert dict(columns)["value"] == "bytea"


def test_a_failing_migration_leaves_no_partial_schema(
    schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, "CREATE TABLE broken ("))
    with PostgresSaver.from_conn_string(schema) as saver, pytest.raises(psycopg.errors.SyntaxError):
        saver.setup()
    tables = execute(
        schema,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    assert tables == []


_SETUP = r"""
import pathlib, sys, time
from stategraph.checkpoint.postgres import PostgresSaver
go = pathlib.Path(sys.argv[2])
with PostgresSaver.from_conn_string(sys.argv[1]) as saver:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.001)
    saver.setup()
    print(saver.get_tuple({"configurable": {"thread_id": "t"}}), flush=True)
"""


def test_setup_from_many_processes_at_once(schema: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _SETUP, schema, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    go.touch()
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [p.returncode for p in processes] == [0] * 6, [err for _, err in outputs]
    assert all(out == "None\n" for out, _ in outputs)
    rows = execute(schema, "SELECT v, COUNT(*) FROM checkpoint_migrations GROUP BY v ORDER BY v")
    assert rows == [(v, 1) for v in range(len(migrations.MIGRATIONS))]


def test_rows_hold_json_metadata_and_no_channel_values(
    harness: Harness, backend: PostgresBackend
) -> None:
    Writer(harness, "t").save({"secret_marker_value": "MARKER-12345" * 10}, user="ann", score=1.0)
    ((metadata, checkpoint),) = execute(backend.dsn, "SELECT metadata, checkpoint FROM checkpoints")
    assert metadata == '{"score":1.0,"source":"loop","step":-1,"user":"ann"}'
    assert b"MARKER-12345" not in checkpoint
    ((blob,),) = execute(backend.dsn, "SELECT value FROM checkpoint_blobs")
    assert b"MARKER-12345" in blob


# --- connections ------------------------------------------------------------------------


@contextmanager
def sync_saver(kind: str, dsn: str) -> Iterator[PostgresSaver]:
    """A PostgresSaver over each kind of connection the constructor accepts."""
    with ExitStack() as stack:
        if kind == "connection":
            conn = stack.enter_context(psycopg.connect(dsn, **CONNECTION_KWARGS))
            saver = PostgresSaver(conn)
        elif kind == "pool":
            pool = ConnectionPool(
                dsn, min_size=1, max_size=4, kwargs=CONNECTION_KWARGS, open=False,
                check=ConnectionPool.check_connection,
            )  # fmt: skip
            saver = PostgresSaver(stack.enter_context(pool))
        elif kind == "dsn":
            saver = PostgresSaver(dsn)
            stack.callback(saver.close)
        else:  # pipeline
            saver = stack.enter_context(PostgresSaver.from_conn_string(dsn, pipeline=True))
        yield saver


@contextmanager
def async_saver(kind: str, dsn: str, portal: Portal) -> Iterator[AsyncPostgresSaver]:
    """An AsyncPostgresSaver over each kind of connection, made on the portal's loop."""
    stack = AsyncExitStack()

    async def make() -> AsyncPostgresSaver:
        if kind == "connection":
            conn = await psycopg.AsyncConnection.connect(dsn, **CONNECTION_KWARGS)
            stack.push_async_callback(conn.close)
            return AsyncPostgresSaver(conn)
        if kind == "pool":
            pool = AsyncConnectionPool(
                dsn, min_size=1, max_size=4, kwargs=CONNECTION_KWARGS, open=False,
                check=AsyncConnectionPool.check_connection,
            )  # fmt: skip
            return AsyncPostgresSaver(await stack.enter_async_context(pool))
        if kind == "dsn":
            saver = AsyncPostgresSaver(dsn)
            stack.push_async_callback(saver.aclose)
            return saver
        opening = AsyncPostgresSaver.from_conn_string(dsn, pipeline=True)
        return await stack.enter_async_context(opening)

    saver = portal.run(make())
    try:
        yield saver
    finally:
        portal.run(stack.aclose())


KINDS = ["connection", "pool", "dsn", "pipeline"]


@contextmanager
def any_saver(flavour: str, kind: str, dsn: str, portal: Portal) -> Iterator[Harness]:
    """Yield a harness over a saver of one flavour ("sync"/"async") and connection kind."""
    if flavour == "sync":
        with sync_saver(kind, dsn) as saver:
            yield Harness(saver, "sync", portal)
    else:
        with async_saver(kind, dsn, portal) as saver:
            yield Harness(saver, "async", portal)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_kind_of_connection_stores_and_reads(
    schema: str, portal: Portal, flavour: str, kind: str
) -> None:
    with any_saver(flavour, kind, schema, portal) as harness:
        writer = Writer(harness, "t")
        first = writer.save({"a": 1, "messages": ["hi"]})
        second = writer.save({"messages": ["hi", "there"]}, source="loop")
        harness.put_writes(second, [("a", 2), ("__interrupt__", ["ask"])], "task")
        found = harness.get_tuple(config("t"))
        assert found.config == second and found.parent_config == first
        assert found.checkpoint["channel_values"] == {"a": 1, "messages": ["hi", "there"]}
        assert found.pending_writes == [("task", "__interrupt__", ["ask"]), ("task", "a", 2)]
        assert ids(harness.list(None, filter={"step": 0})) == [id_of(second)]


def ids(tuples: list[Any]) -> list[str]:
    return [id_of(t.config) for t in tuples]


def test_pipeline_mode_reports_a_failed_write_at_commit(schema: str) -> None:
    with PostgresSaver.from_conn_string(schema, pipeline=True, pool_config=POOL) as saver:
        saved = saver.put(config("t"), make_checkpoint({"a": 1}, {"a": 1}), {}, {"a": 1})
        execute(schema, "ALTER TABLE checkpoint_writes ADD CHECK (channel <> 'bad')")
        with pytest.raises(psycopg.errors.CheckViolation):
            saver.put_writes(saved, [("ok", 1), ("bad", 2)], "task")
        assert saver.get_tuple(saved).pending_writes == []  # the whole transaction rolled back


# --- the head check across processes ----------------------------------------------------

# A process that loads the thread head, waits for the go file, then tries to extend the head.
_RACER = r"""
import asyncio, pathlib, sys, time
from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.checkpoint.base import empty_checkpoint
from stategraph.checkpoint.postgres import PostgresSaver
from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver
from stategraph.errors import ConcurrentRunError

dsn, flavour, go = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
THREAD = {"configurable": {"thread_id": "t"}}

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

async def run_async():
    async with AsyncPostgresSaver.from_conn_string(dsn) as saver:
        config, checkpoint = child_of(await saver.aget_tuple(THREAD))
        wait_for_go()
        try:
            await saver.aput(config, checkpoint, {}, {"a": 2})
            print("won", flush=True)
        except ConcurrentRunError as error:
            print("refused", error.actual_head, flush=True)

if flavour == "async":
    asyncio.run(run_async())
else:
    with PostgresSaver.from_conn_string(dsn) as saver:
        config, checkpoint = child_of(saver.get_tuple(THREAD))
        wait_for_go()
        try:
            saver.put(config, checkpoint, {}, {"a": 2})
            print("won", flush=True)
        except ConcurrentRunError as error:
            print("refused", error.actual_head, flush=True)
"""


@pytest.mark.parametrize("flavours", [("sync",) * 4, ("async",) * 4, ("sync", "async") * 2])
def test_processes_racing_from_one_head_leave_exactly_one_child(
    schema: str, tmp_path: Path, flavours: tuple[str, ...]
) -> None:
    with PostgresSaver.from_conn_string(schema) as saver:
        saver.put(config("t"), make_checkpoint({"a": 0}, {"a": 1}), {}, {"a": 1})
    for round_ in range(3):
        ((head,),) = execute(schema, "SELECT MAX(checkpoint_id) FROM checkpoints")
        go = tmp_path / f"go-{round_}"
        racers = [
            subprocess.Popen(
                [sys.executable, "-c", _RACER, schema, flavour, str(go)],
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
        assert all(racer.returncode == 0 for racer in racers), [err for _, err in outputs]
        results = [out.split() for out, _ in outputs]
        assert sorted(r[0] for r in results) == ["refused"] * (len(racers) - 1) + ["won"]
        children = execute(
            schema, "SELECT checkpoint_id FROM checkpoints WHERE parent_checkpoint_id = %s", (head,)
        )
        assert len(children) == 1
        assert all(r[1] == children[0][0] for r in results if r[0] == "refused")
    assert execute(schema, "SELECT COUNT(*) FROM checkpoints") == [(4,)]


# --- dropped connections ----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["connection", "pool", "dsn"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_backends_killed_between_operations_are_replaced(
    schema: str, portal: Portal, flavour: str, kind: str
) -> None:
    with any_saver(flavour, kind, schema, portal) as harness:
        writer = Writer(harness, "t")
        saved = [writer.save({"n": 0})]
        for step in range(1, 4):
            assert terminate_backends(schema) >= 1
            saved.append(writer.save({"n": step}))
            assert terminate_backends(schema) >= 1
            harness.put_writes(saved[-1], [("n", step * 10)], "task")
        assert terminate_backends(schema) >= 1
        assert [t.checkpoint["channel_values"]["n"] for t in harness.list(config("t"))] == [
            3, 2, 1, 0,
        ]  # fmt: skip
        assert harness.get_tuple(saved[-1]).pending_writes == [("task", "n", 30)]


class LockHolder:
    """Hold a head's advisory lock from another connection; kill whoever waits for it.

    A put takes that lock as its transaction's first statement, so a put arriving
    while it is held is stuck *inside* its transaction when its backend is killed.
    """

    def __init__(self, dsn: str, thread_id: str) -> None:
        self.dsn = dsn
        self.key = thread_lock(thread_id)
        self.killed = 0
        self._thread: threading.Thread | None = None

    def kill_next_put(self) -> None:
        """Take the lock now; in the background, kill the next put that waits for it."""
        admin = psycopg.connect(self.dsn, autocommit=True, application_name="sgtest_admin")
        admin.execute("SELECT pg_advisory_lock(%s, %s)", self.key)
        self._thread = threading.Thread(target=self._kill_waiter, args=(admin,), daemon=True)
        self._thread.start()

    def _kill_waiter(self, admin: psycopg.Connection[Any]) -> None:
        name = psycopg.conninfo.conninfo_to_dict(self.dsn)["application_name"]
        try:
            for _ in range(2000):
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = %s AND wait_event_type = 'Lock'",
                    (name,),
                ).fetchall()
                if rows:
                    self.killed += len(rows)
                    return
                time.sleep(0.005)
        finally:
            admin.execute("SELECT pg_advisory_unlock(%s, %s)", self.key)
            admin.close()

    def join(self) -> None:
        assert self._thread is not None
        self._thread.join(timeout=30)


@pytest.mark.parametrize("kind", ["connection", "pool"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_put_whose_backend_dies_inside_its_transaction_is_retried_once(
    schema: str, portal: Portal, flavour: str, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "stategraph.checkpoint")
    with any_saver(flavour, kind, schema, portal) as harness:
        head = Writer(harness, "t").save({"a": 1})
        holder = LockHolder(schema, "t")
        holder.kill_next_put()
        saved = put_child(harness, head, id_of(head))
        holder.join()
        assert holder.killed == 1
        assert harness.get_tuple(config("t")).config == saved
        assert len(harness.list(config("t"))) == 2
    assert "connection lost" in caplog.text


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_commit_whose_answer_was_lost_is_not_repeated(
    schema: str, portal: Portal, flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The put committed, then the connection died before saying so: the retry succeeds."""
    from stategraph.checkpoint.postgres import _async_driver

    module = _sync_driver if flavour == "sync" else _async_driver
    real_drive, lost = module.drive, []

    def dying_after_commit(conn: Any, plan: Any, *args: Any, **kwargs: Any) -> Any:
        if plan.gi_code.co_name != "batch_plan" or lost:  # a put is a group of one
            return real_drive(conn, plan, *args, **kwargs)
        lost.append(conn.info.backend_pid)
        if flavour == "sync":
            real_drive(conn, plan, *args, **kwargs)
            conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")  # raises
            raise AssertionError("the backend survived pg_terminate_backend")

        async def run_then_die() -> Any:
            await real_drive(conn, plan, *args, **kwargs)
            await conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")  # raises
            raise AssertionError("the backend survived pg_terminate_backend")

        return run_then_die()

    with any_saver(flavour, "connection", schema, portal) as harness:
        head = Writer(harness, "t").save({"a": 1})
        monkeypatch.setattr(module, "drive", dying_after_commit)
        saved = put_child(harness, head, id_of(head))  # would be refused if re-run
        assert lost and harness.get_tuple(config("t")).config == saved
        assert ids(harness.list(config("t"))) == [id_of(saved), id_of(head)]


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_connection_lost_twice_raises(
    schema: str, portal: Portal, flavour: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stategraph.checkpoint.postgres import _async_driver

    module = _sync_driver if flavour == "sync" else _async_driver
    with any_saver(flavour, "connection", schema, portal) as harness:
        harness.get_tuple(config("t"))  # set up while the connection still works

        def kill_first(conn: Any, plan: Any, *args: Any, **kwargs: Any) -> Any:
            execute(schema, "SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            return real_drive(conn, plan, *args, **kwargs)

        real_drive = module.drive
        monkeypatch.setattr(module, "drive", kill_first)
        with pytest.raises(psycopg.OperationalError):
            Writer(harness, "t").save({"a": 1})
        monkeypatch.setattr(module, "drive", real_drive)
        assert harness.get_tuple(config("t")) is None


# --- a graph run whose connections die --------------------------------------------------


class Counter(TypedDict):
    log: Annotated[list[str], operator.add]
    n: int


STEPS = 5


def build_graph(saver: Any, on_step: Any) -> Any:
    from stategraph.graph import END, START, StateGraph

    ran: list[str] = []

    def step(state: Counter) -> dict[str, Any]:
        ran.append(f"step{state['n']}")
        on_step(state["n"])
        return {"n": state["n"] + 1, "log": [f"s{state['n']}"]}

    def side(state: Counter) -> dict[str, Any]:
        ran.append(f"side{state['n']}")
        return {"log": [f"x{state['n']}"]}

    graph = StateGraph(Counter)
    graph.add_node("step", step)
    graph.add_node("side", side)
    graph.add_edge(START, "step")
    graph.add_conditional_edges("step", lambda s: "side" if s["n"] < STEPS else END)
    graph.add_edge("side", "step")
    compiled = graph.compile(checkpointer=saver)
    compiled.ran = ran  # type: ignore[attr-defined]
    return compiled


EXPECTED_LOG = [item for n in range(STEPS) for item in (f"s{n}", f"x{n + 1}")][:-1]


@pytest.mark.parametrize("kind", ["connection", "pool"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_graph_run_survives_backends_killed_mid_run(
    schema: str, portal: Portal, flavour: str, kind: str
) -> None:
    holder = LockHolder(schema, "run")

    def on_step(n: int) -> None:
        if n == 1:  # idle connections die between operations
            terminate_backends(schema)
        if n == 3:  # the put after this step dies inside its transaction
            holder.kill_next_put()

    with any_saver(flavour, kind, schema, portal) as harness:
        graph = build_graph(harness.saver, on_step)
        run_config = {"configurable": {"thread_id": "run"}}
        if flavour == "sync":
            out = graph.invoke({"log": [], "n": 0}, run_config)
        else:
            out = portal.run(graph.ainvoke({"log": [], "n": 0}, run_config))
        holder.join()
        assert holder.killed == 1
        assert out == {"n": STEPS, "log": EXPECTED_LOG}
        ran = [name for n in range(STEPS) for name in (f"step{n}", f"side{n + 1}")][:-1]
        assert graph.ran == ran  # every node ran once: no step lost or repeated
        history = harness.list(config("run"))
        steps = [t.metadata["step"] for t in history]
        assert steps == list(range(len(steps) - 2, -2, -1))  # one checkpoint per step, no gaps
        assert history[0].checkpoint["channel_values"] == out


def test_async_saver_refuses_sync_calls_from_its_own_loop(schema: str, portal: Portal) -> None:
    with async_saver("pool", schema, portal) as saver:

        async def call_sync_on_loop() -> None:
            saver.get_tuple(config("t"))

        with pytest.raises(asyncio.InvalidStateError) as raised:  # LangGraph's type
            portal.run(call_sync_on_loop())
    assert raised.value.code is ErrorCode.RUN_ASYNC_IN_SYNC  # type: ignore[attr-defined]
