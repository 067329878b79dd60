"""``AsyncPostgresSaver``: the PostgreSQL saver for asyncio (psycopg 3).

Runs the same operations as ``PostgresSaver`` (see there for the storage, locking and
retry rules) through the async driver.  Its sync methods work from other threads while
the saver's event loop runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from logging import getLogger
from typing import Any

from psycopg import AsyncConnection, AsyncPipeline
from psycopg_pool import AsyncConnectionPool

from .._head_refs import HeadRefs
from .._list_cache import ListCache
from .._retention import MaxAge
from ..base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    Config,
    PruneStrategy,
)
from ..serde.base import SerializerProtocol
from . import _operation as operation
from ._async_driver import AsyncConnections
from ._connect import CONNECTION_KWARGS, PoolConfig, async_pool_checks, pool_arguments

__all__ = ["AsyncPostgresSaver"]

logger = getLogger("stategraph.checkpoint")


class AsyncPostgresSaver(BaseCheckpointSaver[int]):
    """Store checkpoints in PostgreSQL from asyncio code.

    ``conn`` is an ``AsyncConnection`` (shared under a lock, in autocommit mode), an
    ``AsyncConnectionPool`` (concurrent operations each take a connection; make it with
    ``check=AsyncConnectionPool.check_connection``) or a connection string.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        >>> builder = builder.add_edge(START, "inc")
        >>> import asyncio, uuid
        >>> from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> config = {"configurable": {"thread_id": f"docs-{uuid.uuid4()}"}}
        >>> async def main():
        ...     async with AsyncPostgresSaver.from_conn_string(url) as saver:
        ...         await saver.setup()
        ...         graph = builder.compile(checkpointer=saver)
        ...         print(await graph.ainvoke({"x": 1}, config))
        ...         print((await graph.aget_state(config)).values)
        ...         await saver.adelete_thread(config["configurable"]["thread_id"])
        >>> asyncio.run(main())
        {'x': 2}
        {'x': 2}
    """

    def __init__(
        self,
        conn: AsyncConnection[Any] | AsyncConnectionPool | str,
        pipe: AsyncPipeline | None = None,
        serde: SerializerProtocol | None = None,
        *,
        pipeline: bool = False,
    ) -> None:
        super().__init__(serde=serde)
        self.conn = conn
        self.pipe = pipe
        self._io = AsyncConnections(conn, pipeline=pipeline or pipe is not None)
        self._lists = ListCache()  # delta-blob bookkeeping (see checkpoint._delta)
        self._committed = HeadRefs()  # the refs of each scope's last commit (see batch)
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    @classmethod
    @asynccontextmanager
    async def from_conn_string(
        cls,
        conn_string: str,
        *,
        pipeline: bool = False,
        pool_config: PoolConfig | None = None,
        serde: SerializerProtocol | None = None,
    ) -> AsyncIterator[AsyncPostgresSaver]:
        """Connect (a checked pool with ``pool_config``), yield a saver, close on exit."""
        if pool_config is not None:
            arguments = pool_arguments(conn_string, pool_config, async_pool_checks())
            async with AsyncConnectionPool(**arguments) as pool:
                yield cls(pool, serde=serde, pipeline=pipeline)
            return
        async with await AsyncConnection.connect(conn_string, **CONNECTION_KWARGS) as conn:
            saver = cls(conn, serde=serde, pipeline=pipeline)
            try:
                yield saver
            finally:
                await saver.aclose()

    @property
    def is_setup(self) -> bool:
        """Whether this saver has applied (or checked) the migrations."""
        return self._io.is_setup

    async def setup(self) -> None:
        """Apply the missing migrations (safe across processes; a newer schema raises E302)."""
        await self._io.setup()

    async def aclose(self) -> None:
        """Close the connection the saver opened itself (after a DSN or a reconnect)."""
        await self._io.close()

    async def aget_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """See ``BaseCheckpointSaver.get_tuple``."""
        return await self._io.run(operation.get_tuple(self.serde, self._lists, config))

    async def alist(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """See ``BaseCheckpointSaver.list``."""
        found = operation.list_tuples(
            self.serde, self._lists, config, filter=filter, before=before, limit=limit
        )
        for item in await self._io.run(found):
            yield item

    async def aput(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """See ``BaseCheckpointSaver.put``."""
        op = ("put", config, checkpoint, metadata, new_versions)
        return (await self.abatch([op]))[0]  # type: ignore[no-any-return]

    async def aput_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """See ``BaseCheckpointSaver.put_writes``."""
        await self.abatch([("put_writes", config, writes, task_id, task_path)])

    async def abatch(self, ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Commit put / put_writes ops in one transaction and one round trip; return their
        results (see ``_operation.batch``); then seal the scopes whose step asked for it."""
        group, states = operation.batch(self.serde, self._lists, self._committed, ops)
        results = await self._io.run(group)
        state = states[-1]
        self._committed.remember(state.refs)
        for scope in state.seals or ():
            try:
                await self._io.run(operation.seal_scope(*scope))
            except Exception as exc:  # why: the step is committed; the next trigger retries
                logger.warning("Sealing %r failed (the next seal catches up): %s", scope, exc)
        return results  # type: ignore[no-any-return]

    async def adelete_thread(self, thread_id: str) -> None:
        """See ``BaseCheckpointSaver.delete_thread``."""
        await self._io.run(operation.delete_thread(thread_id))
        self._lists.drop_threads([str(thread_id)])
        self._committed.drop_threads([str(thread_id)])

    async def adelete_for_runs(
        self, run_ids: Sequence[str], *, thread_id: str | None = None
    ) -> None:
        """Delete every checkpoint (with its writes and dead blobs) the given runs wrote.

        A checkpoint belongs to the run named by its metadata ``run_id``; ``thread_id``
        limits the search to one thread (else every thread's metadata is searched).
        """
        if thread_id is not None:
            thread_ids = [str(thread_id)]
        else:
            thread_ids = await self._io.run(operation.threads_of_runs(run_ids))
        if thread_ids:
            await self._io.run(operation.delete_for_runs(run_ids, thread_ids))
        self._lists.drop_threads(thread_ids)
        self._committed.drop_threads(thread_ids)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """See ``BaseCheckpointSaver.copy_thread``."""
        await self._io.run(operation.copy_thread(source_thread_id, target_thread_id))
        self._committed.drop_threads([str(target_thread_id)])

    async def aprune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: MaxAge | None = None,
    ) -> None:
        """See ``BaseCheckpointSaver.prune``."""
        await self._io.run(operation.prune(thread_ids, keep_last, strategy, max_age))
        self._committed.drop_threads([str(t) for t in thread_ids])


from .base import BasePostgresSaver  # noqa: E402

BasePostgresSaver.register(AsyncPostgresSaver)
