"""PostgresStore / AsyncPostgresStore on the real server: conformance plus Postgres specifics.

Each test gets a fresh schema (dropped afterwards) through ``search_path``, so tests
never see each other's rows.  Without a server they skip, or fail under
``STATEGRAPH_REQUIRE_SERVICES=1`` (see tests/_services.py).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from _services import postgres_dsn
from stategraph.errors import ErrorCode, StoreError
from stategraph.store.base import PutOp
from stategraph.store.postgres import AsyncPostgresStore, PostgresStore
from stategraph.store.postgres.base import CONNECTION_KWARGS

from ._sql_fixtures import AsyncSqlConformance, SqlConformance
from .conformance import indexed

pytestmark = pytest.mark.anyio


@pytest.fixture
def schema_dsn() -> Iterator[str]:
    """A conninfo whose search_path is a new, empty schema (dropped after the test)."""
    dsn = postgres_dsn()
    name = f"sg_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield make_conninfo(dsn, options=f"-c search_path={name}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


@pytest.fixture
def sync_factory(schema_dsn: str) -> Iterator[Callable[..., PostgresStore]]:
    conns: list[psycopg.Connection[Any]] = []

    def open_store(**kwargs: Any) -> PostgresStore:
        conns.append(psycopg.connect(schema_dsn, **CONNECTION_KWARGS))
        return PostgresStore(conns[-1], **kwargs)

    yield open_store
    for conn in conns:
        conn.close()


@pytest.fixture
def pool_factory(schema_dsn: str) -> Iterator[Callable[..., PostgresStore]]:
    pools: list[ConnectionPool] = []

    def open_store(**kwargs: Any) -> PostgresStore:
        pools.append(
            ConnectionPool(schema_dsn, min_size=1, max_size=4, kwargs=CONNECTION_KWARGS, open=True)
        )
        return PostgresStore(pools[-1], **kwargs)

    yield open_store
    for pool in pools:
        pool.close()


class _ConnectsOnSetup(AsyncPostgresStore):
    """An AsyncPostgresStore that connects on first use, so a sync fixture can build it."""

    def __init__(self, dsn: str, opened: list[Any], pooled: bool, **kwargs: Any) -> None:
        super().__init__(None, **kwargs)  # type: ignore[arg-type]
        self._dsn, self._opened, self._pooled = dsn, opened, pooled
        self._connecting = asyncio.Lock()

    async def setup(self) -> None:
        async with self._connecting:
            if self.conn is None:
                if self._pooled:
                    self.conn = AsyncConnectionPool(
                        self._dsn, min_size=1, max_size=4, kwargs=CONNECTION_KWARGS, open=False
                    )
                    await self.conn.open()
                else:
                    self.conn = await psycopg.AsyncConnection.connect(
                        self._dsn, **CONNECTION_KWARGS
                    )
                self._opened.append(self.conn)
        await super().setup()


async def _async_factory(schema_dsn: str, pooled: bool) -> AsyncIterator[Callable[..., Any]]:
    opened: list[Any] = []
    yield lambda **kwargs: _ConnectsOnSetup(schema_dsn, opened, pooled, **kwargs)
    for conn in opened:
        await conn.close()


@pytest.fixture
async def async_factory(schema_dsn: str) -> AsyncIterator[Callable[..., AsyncPostgresStore]]:
    async for factory in _async_factory(schema_dsn, pooled=False):
        yield factory


@pytest.fixture
async def async_pool_factory(schema_dsn: str) -> AsyncIterator[Callable[..., AsyncPostgresStore]]:
    async for factory in _async_factory(schema_dsn, pooled=True):
        yield factory


class TestPostgresConformance(SqlConformance):
    @pytest.fixture
    def open_store(self, sync_factory: Any) -> Any:
        return sync_factory


class TestPostgresPoolConformance(SqlConformance):
    @pytest.fixture
    def open_store(self, pool_factory: Any) -> Any:
        return pool_factory


class TestAsyncPostgresConformance(AsyncSqlConformance):
    @pytest.fixture
    def open_store(self, async_factory: Any) -> Any:
        return async_factory


class TestAsyncPostgresPoolConformance(AsyncSqlConformance):
    @pytest.fixture
    def open_store(self, async_pool_factory: Any) -> Any:
        return async_pool_factory


# -- Postgres specifics --------------------------------------------------------------


def test_from_conn_string_with_and_without_pool(schema_dsn: str) -> None:
    with PostgresStore.from_conn_string(schema_dsn, index=indexed()) as store:
        store.put(("docs",), "cats", {"text": "cats purr"})
    pool_config = {"min_size": 1, "max_size": 2}
    with PostgresStore.from_conn_string(
        schema_dsn, pool_config=pool_config, index=indexed()
    ) as store:
        assert isinstance(store.conn, ConnectionPool)
        assert store.search(("docs",), query="cats purr")[0].score == pytest.approx(1.0, abs=1e-6)


async def test_async_from_conn_string_with_and_without_pool(schema_dsn: str) -> None:
    async with AsyncPostgresStore.from_conn_string(schema_dsn, ttl={"default_ttl": 5}) as store:
        await store.aput(("docs",), "k", {"v": 1})
    async with AsyncPostgresStore.from_conn_string(
        schema_dsn, pool_config={"max_size": 2}
    ) as store:
        assert isinstance(store.conn, AsyncConnectionPool)
        assert (await store.aget(("docs",), "k")).value == {"v": 1}


def test_concurrent_setup_from_many_connections_applies_each_migration_once(
    schema_dsn: str,
) -> None:
    stores = [PostgresStore(psycopg.connect(schema_dsn, **CONNECTION_KWARGS)) for _ in range(6)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def run(store: PostgresStore) -> None:
        try:
            barrier.wait()
            store.setup()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        rows = stores[0].conn.execute("SELECT v FROM store_migrations ORDER BY v").fetchall()
        assert [v for (v,) in rows] == list(range(len(rows))) and len(rows) >= 4
    finally:
        for store in stores:
            store.conn.close()


def test_newer_schema_is_refused(sync_factory: Callable[..., PostgresStore]) -> None:
    store = sync_factory()
    store.setup()
    store.conn.execute("INSERT INTO store_migrations (v) VALUES (999)")
    with pytest.raises(StoreError, match="schema version 999") as caught:
        sync_factory().get(("a",), "k")
    assert caught.value.code is ErrorCode.CHECKPOINT_SCHEMA_TOO_NEW


@pytest.mark.parametrize(
    "op",
    [
        PutOp(("docs",), "nul\x00key", {"v": 1}),
        PutOp(("do\x00cs",), "k", {"v": 1}),
        PutOp(("docs",), "k", {"v": "nul\x00inside"}),
    ],
    ids=["key", "namespace", "value"],
)
def test_nul_characters_are_refused_before_writing(
    sync_factory: Callable[..., PostgresStore], op: PutOp
) -> None:
    store = sync_factory()
    with pytest.raises(StoreError, match="NUL"):
        store.batch([PutOp(("docs",), "first", {"v": 0}), op])
    assert store.get(("docs",), "first") is None


def test_pool_store_serves_threads_concurrently(pool_factory: Callable[..., PostgresStore]) -> None:
    store = pool_factory(index=indexed())

    def work(worker: int) -> None:
        for i in range(10):
            store.put(("team", str(worker)), str(i), {"text": f"note {worker} {i}"})
        assert len(store.search(("team", str(worker)), query="note", limit=50)) == 10

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.list_namespaces(prefix=("team",)) == [("team", str(w)) for w in range(4)]


async def test_async_sweeper_task(async_factory: Callable[..., AsyncPostgresStore]) -> None:
    store = async_factory()
    clock = [1000.0]
    store._clock = lambda: clock[0]
    await store.aput(("docs",), "gone", {"v": 1}, ttl=1)
    await store.aput(("docs",), "kept", {"v": 2})
    clock[0] += 120
    task = await store.start_ttl_sweeper(sweep_interval_minutes=0.001)
    for _ in range(300):
        if await store.sweep_ttl() == 0 and len(await store.asearch(("docs",))) == 1:
            break
        await asyncio.sleep(0.01)
    assert await store.stop_ttl_sweeper(timeout=5) and task.done()
    assert [item.key for item in await store.asearch(("docs",))] == ["kept"]


def test_sync_sweeper_thread(sync_factory: Callable[..., PostgresStore]) -> None:
    store = sync_factory()
    clock = [1000.0]
    store._clock = lambda: clock[0]
    store.put(("docs",), "gone", {"v": 1}, ttl=1)
    store.put(("docs",), "kept", {"v": 2})
    clock[0] += 120
    done = store.start_ttl_sweeper(sweep_interval_minutes=0.001)
    count = "SELECT COUNT(*) FROM store"
    for _ in range(300):
        if store.conn.execute(count).fetchone() == (1,):
            break
        threading.Event().wait(0.01)
    assert store.stop_ttl_sweeper(timeout=5) and done.done()
    assert store.conn.execute(count).fetchone() == (1,)


def _spy_runs(store: PostgresStore) -> list[tuple[list[str], bool]]:
    """Record (statements, atomic) of every plan the store runs."""
    runs: list[tuple[list[str], bool]] = []
    run = store._run

    def spy(plan: Any, *, write: bool, atomic: bool = True) -> Any:
        statements: list[str] = []
        runs.append((statements, atomic))

        def recorded() -> Any:
            try:
                query = next(plan)
                while True:
                    statements.append(query.sql)
                    query = plan.send((yield query))
            except StopIteration as done:
                return done.value

        return run(recorded(), write=write, atomic=atomic)

    store._run = spy  # type: ignore[method-assign]
    return runs


def test_lone_put_and_reads_need_no_transaction(
    sync_factory: Callable[..., PostgresStore],
) -> None:
    store = sync_factory()
    store.setup()
    runs = _spy_runs(store)
    store.put(("docs",), "k", {"v": 1})
    ((statements, atomic),) = runs
    assert len(statements) == 1 and "INSERT INTO store" in statements[0] and not atomic
    runs.clear()
    assert [hit.key for hit in store.search(("docs",))] == ["k"]
    assert runs and all(not atomic for _, atomic in runs)
    runs.clear()
    assert store.get(("docs",), "k").value == {"v": 1}
    assert runs == []  # one statement through _read, not a plan
    store.batch([PutOp(("docs",), "a", {"v": 1}), PutOp(("docs",), "b", {"v": 2})])
    assert runs[-1][1]  # several writes: one transaction


def test_lone_put_refuses_unstorable_values_before_writing(
    sync_factory: Callable[..., PostgresStore],
) -> None:
    store = sync_factory()
    with pytest.raises(StoreError) as caught:
        store.put(("docs",), "k", {"text": "nul \x00 here"})
    assert caught.value.code is ErrorCode.STORE_BAD_VALUE
    with pytest.raises(StoreError):
        store.put(("docs",), "k", {"bad": {1, 2}})
    assert store.search(("docs",)) == []


def test_search_analyzes_a_table_without_statistics(
    sync_factory: Callable[..., PostgresStore], schema_dsn: str
) -> None:
    # Without statistics Postgres sorts every row under a broad prefix; see
    # StoreDialect.stale_statistics.  Autovacuum would take up to a minute.
    store = sync_factory()
    store.batch([PutOp(("docs", f"n{i % 3}"), f"k{i}", {"i": i}) for i in range(600)])
    with psycopg.connect(schema_dsn, autocommit=True) as conn:
        stats = "SELECT reltuples FROM pg_class WHERE oid = 'store'::regclass"
        assert conn.execute(stats).fetchone()[0] < 0  # never analyzed
        assert len(store.search(("docs",), limit=5)) == 5
        assert conn.execute(stats).fetchone()[0] == 600
        plan = conn.execute(
            "EXPLAIN SELECT prefix, key FROM store WHERE prefix >= %s AND prefix < %s "
            "ORDER BY updated_at DESC, prefix DESC, key DESC LIMIT 5",
            ("docs\x01", "docs\x02"),
        ).fetchall()
        assert "store_recent" in " ".join(row[0] for row in plan)


def test_sqlite_only_migrations_are_recorded_but_not_run(
    sync_factory: Callable[..., PostgresStore],
) -> None:
    store = sync_factory()
    store.setup()
    conn = store.conn
    assert conn.execute("SELECT MAX(v) FROM store_migrations").fetchone()[0] == 7
    count = "SELECT COUNT(*) FROM information_schema.triggers WHERE event_object_table = 'store'"
    assert conn.execute(count).fetchone()[0] == 0
