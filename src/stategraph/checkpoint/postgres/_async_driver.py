"""Run a Postgres saver's operations: one transaction each, retries on a dropped connection.

``_sync_driver`` is generated from this file by ``_unasync``: edit this one, then run
``python src/stategraph/checkpoint/postgres/_unasync.py`` (the tests fail on drift).
Connections come from a pool (one per operation, checked before use when the pool was
made with ``check=``) or are a single connection shared under a lock and reopened once
it has dropped.  What a retry may do is decided per operation in ``_operation``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, nullcontext
from logging import getLogger
from typing import Any

from psycopg import AsyncConnection, OperationalError
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from .._sql.plans import Plan
from ._connect import CONNECTION_KWARGS, conninfo_of
from ._operation import Operation, begin_statements, head_moved, returns_rows
from ._operation import setup as setup_operation

__all__ = ["AsyncConnections", "drive", "rollback"]

logger = getLogger("stategraph.checkpoint")
# why: a connection killed under an operation and the fresh one killed again (a
# failover, an operator sweeping backends) should not fail the run; every retry first
# asks whether the attempt before it committed
RETRIES = 2


async def drive(
    conn: AsyncConnection[Any],
    plan: Plan[Any],
    locks: Sequence[tuple[int, int]] = (),
    *,
    pipeline: bool = False,
    begin: str = "BEGIN",
) -> Any:
    """Run ``plan`` on ``conn`` in one transaction, after taking ``locks``; return its result.

    In ``pipeline`` mode statements whose rows the plan does not read are sent without
    waiting for them; their errors surface at the next read or at commit.  A failed
    server-side head check is raised as the ``ConcurrentRunError`` it stands for.
    """
    try:
        query = next(plan)  # the plan's pure prelude runs outside the transaction
    except StopIteration as done:
        return done.value
    async with conn.cursor(row_factory=tuple_row) as cursor:
        try:
            async with conn.pipeline() if pipeline else nullcontext():
                for statement, params in begin_statements(locks, pipeline=pipeline, begin=begin):
                    await cursor.execute(statement, params, prepare=False)
                while True:
                    if query.many and len(query.params) != 1:
                        await cursor.executemany(query.sql, query.params)
                        reply = None
                    else:
                        params = query.params[0] if query.many else query.params
                        await cursor.execute(query.sql, params)
                        reads = not query.blind and returns_rows(query.sql)
                        reply = await cursor.fetchall() if reads else []
                    try:
                        query = plan.send(None if query.many else reply)
                    except StopIteration as done:
                        result = done.value
                        break
                await cursor.execute("COMMIT", prepare=False)
        except BaseException as exc:
            await rollback(conn)
            moved = head_moved(exc)
            if moved is not None:
                raise moved from None
            raise
    return result


async def rollback(conn: AsyncConnection[Any]) -> None:
    """End a failed transaction, unless the connection is gone (then the server did)."""
    if conn.closed:
        return
    try:
        await conn.rollback()
    except OperationalError:
        pass  # why: the connection dropped now; the caller re-raises the first error


def _connection_lost(conn: AsyncConnection[Any], exc: OperationalError) -> bool:
    """Whether ``exc`` means the connection is gone (an operation on it may be retried).

    why: in pipeline mode the server's "terminating connection" error can arrive before
    the connection is marked broken, or be followed by psycopg's own error on leaving the
    pipeline, so an SQLSTATE of class 57P (operator intervention) or 08 (connection
    exception) on the error or on the error it was raised while handling counts as well.
    """
    if conn.closed or conn.broken:
        return True
    seen: BaseException | None = exc
    for _ in range(4):  # the chain is short; bounded in case it loops
        if seen is None:
            break
        if (getattr(seen, "sqlstate", None) or "").startswith(("57P", "08")):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class AsyncConnections:
    """Where a saver gets its connections; runs its operations (``run``)."""

    def __init__(
        self,
        source: AsyncConnection[Any] | AsyncConnectionPool | str,
        *,
        pipeline: bool = False,
    ) -> None:
        self.pool = source if isinstance(source, AsyncConnectionPool) else None
        self.conn = source if isinstance(source, AsyncConnection) else None
        # Invariant: with no pool, conninfo reopens the shared connection (password included).
        self.conninfo = source if isinstance(source, str) else None
        if self.conn is not None:
            self.conninfo = conninfo_of(self.conn)
        self.pipeline = pipeline
        self.owned: AsyncConnection[Any] | None = None  # opened here, so closed by close()
        self.is_setup = False
        # why: one transaction at a time on a shared connection, and one setup per saver.
        self.lock = asyncio.Lock()
        self.setup_lock = asyncio.Lock()

    async def setup(self) -> None:
        """Apply the missing migrations once (safe when many processes do it at once)."""
        async with self.setup_lock:
            if not self.is_setup:
                await self.attempt(setup_operation())
                self.is_setup = True

    async def run(self, operation: Operation) -> Any:
        """Set up if needed, then run ``operation`` (see ``attempt``)."""
        if not self.is_setup:
            await self.setup()
        return await self.attempt(operation)

    async def attempt(self, operation: Operation) -> Any:
        """Run ``operation``; each time its connection drops, again on a fresh connection
        (``RETRIES`` times at most), first asking whether the dropped attempt committed."""
        for tries in range(RETRIES + 1):
            retry, last = tries > 0, tries == RETRIES
            async with self.connection() as conn:
                try:
                    if retry and operation.committed is not None:
                        if await drive(conn, operation.committed()):
                            return operation.result
                    plan = operation.make()
                    pipeline = self.pipeline or operation.pipeline
                    return await drive(
                        conn, plan, operation.locks, pipeline=pipeline, begin=operation.begin
                    )
                except OperationalError as exc:
                    if last or not _connection_lost(conn, exc):
                        raise
                    await conn.close()  # a pool drops it; a shared one is reopened
                    logger.warning("PostgreSQL connection lost (%s); retrying on a new one", exc)
        raise AssertionError("unreachable: the last attempt either returns or raises")

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """Lend a connection: the pool's, or the shared one (reopened if it dropped)."""
        if self.pool is not None:
            async with self.pool.connection() as conn:
                yield conn
            return
        async with self.lock:
            if self.conn is None or self.conn.closed:
                await self._reopen()
            assert self.conn is not None
            yield self.conn

    async def _reopen(self) -> None:
        dropped, kwargs = self.conn, dict(CONNECTION_KWARGS)
        if dropped is not None:
            kwargs["prepare_threshold"] = dropped.prepare_threshold
            await dropped.close()
        assert self.conninfo is not None
        self.conn = self.owned = await AsyncConnection.connect(self.conninfo, **kwargs)

    async def close(self) -> None:
        """Close the connection opened here, if any (a pool or a caller's connection stays)."""
        if self.owned is not None:
            await self.owned.close()
            self.owned = None
