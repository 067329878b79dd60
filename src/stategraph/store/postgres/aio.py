"""``AsyncPostgresStore``: the PostgreSQL long-term store for asyncio (psycopg 3).

Runs the same plans as ``PostgresStore``; see ``base`` for the schema and vectors.
Its sync methods work from other threads while the store's event loop runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from .._sql import migrations, plans
from .._sql.dialect import POSTGRES
from .._sql.stores import AsyncSqlStore
from ..base import IndexConfig, TTLConfig
from .base import CONNECTION_KWARGS, BasePostgresStore, PoolConfig, PostgresIndexConfig

__all__ = ["AsyncPostgresStore", "BasePostgresStore", "PostgresIndexConfig", "drive"]


async def drive(conn: AsyncConnection[Any], plan: plans.Plan[Any], *, atomic: bool = True) -> Any:
    """Run ``plan`` on ``conn`` in one transaction (``atomic=False``: in autocommit)."""
    try:
        query = next(plan)  # the plan's pure prelude runs outside the transaction
    except StopIteration as done:
        return done.value
    transaction = conn.transaction() if atomic else nullcontext()
    async with transaction, conn.cursor(row_factory=tuple_row) as cursor:
        while True:
            if query.many:
                await cursor.executemany(query.sql, query.params)
                reply = None
            else:
                await cursor.execute(query.sql, query.params)
                reply = await cursor.fetchall() if cursor.description else []
            try:
                query = plan.send(reply)
            except StopIteration as done:
                return done.value


class AsyncPostgresStore(AsyncSqlStore):
    """A long-term store in PostgreSQL for asyncio code (connection or pool).

    Examples:
        >>> import asyncio, uuid
        >>> from stategraph.store.postgres import AsyncPostgresStore
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> async def main():
        ...     namespace = ("users", uuid.uuid4().hex)  # unique: leaves no data behind
        ...     async with AsyncPostgresStore.from_conn_string(url) as store:
        ...         await store.setup()
        ...         await store.aput(namespace, "prefs", {"color": "blue"})
        ...         item = await store.aget(namespace, "prefs")
        ...         await store.adelete(namespace, "prefs")
        ...         return item.value, await store.aget(namespace, "prefs")
        >>> asyncio.run(main())
        ({'color': 'blue'}, None)
    """

    dialect = POSTGRES

    def __init__(
        self,
        conn: AsyncConnection[Any] | AsyncConnectionPool,
        *,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> None:
        super().__init__(index=index, ttl=ttl)
        self.conn = conn
        # why: one transaction at a time on a single shared connection; this is the
        # store's async driver, the only place that needs an asyncio lock.
        self.lock = asyncio.Lock()
        self._setup_lock = asyncio.Lock()
        try:
            self.loop = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    @classmethod
    @asynccontextmanager
    async def from_conn_string(
        cls,
        conn_string: str,
        *,
        pool_config: PoolConfig | None = None,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> AsyncIterator[AsyncPostgresStore]:
        """Connect (or open a pool when ``pool_config`` is given), yield a store, close on exit."""
        if pool_config is not None:
            pool = AsyncConnectionPool(
                conn_string,
                min_size=pool_config.get("min_size", 1),
                max_size=pool_config.get("max_size"),
                kwargs={**CONNECTION_KWARGS, **pool_config.get("kwargs", {})},
                open=False,
            )
            async with pool:
                store = cls(pool, index=index, ttl=ttl)
                try:
                    yield store
                finally:
                    await store.stop_ttl_sweeper()
            return
        async with await AsyncConnection.connect(conn_string, **CONNECTION_KWARGS) as conn:
            store = cls(conn, index=index, ttl=ttl)
            try:
                yield store
            finally:
                await store.stop_ttl_sweeper()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        if isinstance(self.conn, AsyncConnectionPool):
            async with self.conn.connection() as conn:
                yield conn
        else:
            async with self.lock:
                yield self.conn

    async def setup(self) -> None:
        """Apply the missing migrations (safe across processes; a newer schema raises E302)."""
        async with self._setup_lock:
            if self.is_setup:
                return
            async with self._connection() as conn:
                await drive(conn, migrations.setup(POSTGRES))
            self.is_setup = True

    async def _arun(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        if not self.is_setup:
            await self.setup()
        async with self._connection() as conn:
            return await drive(conn, plan, atomic=atomic)


BasePostgresStore.register(AsyncPostgresStore)
