"""``AsyncSqliteStore``: the SQLite long-term store for asyncio, on ``aiosqlite``.

Runs the same plans as ``SqliteStore``.  Its sync methods work from other threads
while the store's event loop runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from ..._sqlite_driver import adrive as _shared_adrive
from .._sql import migrations, plans
from .._sql.dialect import SQLITE
from .._sql.stores import AsyncSqlStore
from ..base import IndexConfig, TTLConfig
from .base import CONNECTION_SETUP, BaseSqliteStore, SqliteIndexConfig, _begin

__all__ = ["AsyncSqliteStore", "BaseSqliteStore", "SqliteIndexConfig", "drive"]


drive = _shared_adrive


class AsyncSqliteStore(AsyncSqlStore):
    """A long-term store in SQLite for asyncio code.

    Examples:
        >>> import asyncio
        >>> from stategraph.store.sqlite import AsyncSqliteStore
        >>> async def main():
        ...     async with AsyncSqliteStore.from_conn_string(":memory:") as store:
        ...         await store.setup()
        ...         await store.aput(("users", "u1"), "prefs", {"color": "blue"})
        ...         item = await store.aget(("users", "u1"), "prefs")
        ...         return item.value, await store.alist_namespaces()
        >>> asyncio.run(main())
        ({'color': 'blue'}, [('users', 'u1')])
    """

    dialect = SQLITE

    def __init__(
        self,
        conn: aiosqlite.Connection,
        *,
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> None:
        super().__init__(index=index, ttl=ttl)
        self.conn = conn
        # why: one transaction at a time on the shared connection; this is the store's
        # async driver, the only place that needs an asyncio lock.
        self.lock = asyncio.Lock()
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
        index: IndexConfig | None = None,
        ttl: TTLConfig | None = None,
    ) -> AsyncIterator[AsyncSqliteStore]:
        """Open ``conn_string`` (a path or ``":memory:"``), yield a store, close on exit."""
        async with aiosqlite.connect(conn_string) as conn:
            store = cls(conn, index=index, ttl=ttl)
            try:
                yield store
            finally:
                await store.stop_ttl_sweeper()

    async def setup(self) -> None:
        """Enable WAL and apply the missing migrations (a newer schema raises E302)."""
        async with self.lock:
            if self.is_setup:
                return
            for statement in CONNECTION_SETUP:
                await self.conn.execute(statement)
            await drive(self.conn, migrations.setup(SQLITE), "BEGIN IMMEDIATE")
            self.is_setup = True

    async def _arun(self, plan: plans.Plan[Any], *, write: bool, atomic: bool = True) -> Any:
        if not self.is_setup:
            await self.setup()
        async with self.lock:
            return await drive(self.conn, plan, _begin(write, atomic))


BaseSqliteStore.register(AsyncSqliteStore)
