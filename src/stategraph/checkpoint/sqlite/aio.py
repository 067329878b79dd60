"""``AsyncSqliteSaver``: the SQLite saver for asyncio, on ``aiosqlite``.

Runs the same plans as ``SqliteSaver``.  Its sync methods (from ``BaseCheckpointSaver``)
work from other threads by running on the saver's event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from ..._sqlite_driver import adrive as _shared_adrive
from .._list_cache import ListCache
from .._retention import MaxAge, age_cutoff
from .._sql import migrations, plans
from .._sql.dialect import SQLITE
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

__all__ = ["AsyncSqliteSaver"]


drive = _shared_adrive


class AsyncSqliteSaver(BaseCheckpointSaver[int]):
    """Store checkpoints in SQLite from asyncio code.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        >>> builder = builder.add_edge(START, "inc")
        >>> import asyncio
        >>> from stategraph.checkpoint.sqlite.aio import AsyncSqliteSaver
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> async def main():
        ...     async with AsyncSqliteSaver.from_conn_string("checkpoints.db") as saver:
        ...         graph = builder.compile(checkpointer=saver)
        ...         print(await graph.ainvoke({"x": 1}, config))
        ...         print(len([c async for c in saver.alist(config)]))
        >>> asyncio.run(main())
        {'x': 2}
        3
    """

    def __init__(
        self, conn: aiosqlite.Connection, *, serde: SerializerProtocol | None = None
    ) -> None:
        super().__init__(serde=serde)
        self.conn = conn
        # why: one transaction at a time on the shared connection; this is the saver's
        # async driver, the only place that needs an asyncio lock.
        self.lock = asyncio.Lock()
        self.is_setup = False
        self._lists = ListCache()  # delta-blob bookkeeping (see checkpoint._delta)
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    @classmethod
    @asynccontextmanager
    async def from_conn_string(
        cls, conn_string: str, **kwargs: Any
    ) -> AsyncIterator[AsyncSqliteSaver]:
        """Open ``conn_string`` (a path or ``":memory:"``), yield a saver, close on exit."""
        async with aiosqlite.connect(conn_string) as conn:
            yield cls(conn, **kwargs)

    async def setup(self) -> None:
        """Enable WAL and apply missing migrations; a newer schema raises E302."""
        async with self.lock:
            if self.is_setup:
                return
            for statement in SQLITE.connection_setup:
                await self.conn.execute(statement)
            await drive(self.conn, migrations.setup(SQLITE), SQLITE.begin_write)
            self.is_setup = True

    async def _run(self, plan: plans.Plan[Any], *, write: bool) -> Any:
        await self.setup()
        async with self.lock:
            return await drive(self.conn, plan, SQLITE.begin_write if write else SQLITE.begin_read)

    async def aget_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """See ``BaseCheckpointSaver.get_tuple``."""
        return await self._run(
            plans.get_tuple(SQLITE, self.serde, config, self._lists), write=False
        )

    async def alist(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """See ``BaseCheckpointSaver.list``."""
        plan = plans.list_tuples(
            SQLITE, self.serde, config, filter=filter, before=before, limit=limit, lists=self._lists
        )
        for item in await self._run(plan, write=False):
            yield item

    async def abatch(self, ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Apply put / put_writes ops in ONE transaction (all or nothing)."""
        from .._sql.batch import batch_plan

        return await self._run(batch_plan(SQLITE, self.serde, self._lists, ops), write=True)

    async def aput(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """See ``BaseCheckpointSaver.put``."""
        plan = plans.put(
            SQLITE, self.serde, config, checkpoint, metadata, new_versions, lists=self._lists
        )
        return await self._run(plan, write=True)

    async def aput_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """See ``BaseCheckpointSaver.put_writes``."""
        plan = plans.put_writes(SQLITE, self.serde, config, writes, task_id, task_path)
        await self._run(plan, write=True)

    async def adelete_thread(self, thread_id: str) -> None:
        """See ``BaseCheckpointSaver.delete_thread``."""
        await self._run(plans.delete_thread(SQLITE, thread_id), write=True)
        self._lists.drop_threads([str(thread_id)])

    async def adelete_for_runs(
        self, run_ids: Sequence[str], *, thread_id: str | None = None
    ) -> None:
        """See ``SqliteSaver.delete_for_runs``."""
        within = None if thread_id is None else [str(thread_id)]
        thread_ids = await self._run(plans.delete_for_runs(SQLITE, run_ids, within), write=True)
        self._lists.drop_threads(thread_ids)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """See ``BaseCheckpointSaver.copy_thread``."""
        await self._run(plans.copy_thread(SQLITE, source_thread_id, target_thread_id), write=True)

    async def aprune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: MaxAge | None = None,
    ) -> None:
        """See ``BaseCheckpointSaver.prune``."""
        cutoff = age_cutoff(max_age)
        await self._run(plans.prune(SQLITE, thread_ids, keep_last, strategy, cutoff), write=True)
