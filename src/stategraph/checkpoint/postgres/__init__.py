"""``PostgresSaver``: checkpoints in PostgreSQL through psycopg 3.

Same storage as the SQLite saver (the shared plans of ``checkpoint._sql``, rendered by
the ``POSTGRES`` dialect): changed channels only, growing lists as delta blobs, a group
of steps' writes and checkpoints in one transaction and one round trip (``batch``).
Tables live in the connection's ``search_path`` schema; ``setup()`` applies numbered
migrations under an advisory lock, so many processes may run it at once.  The head
compare-and-set of ``put`` holds across processes (an advisory lock per thread, which
delete, copy, prune and seals take too).  A dropped connection is retried on a fresh one
(see ``_operation``).  ``aio.AsyncPostgresSaver`` is the asyncio form.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from logging import getLogger
from typing import Any

from psycopg import Connection, Pipeline
from psycopg_pool import ConnectionPool

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
from ._connect import CONNECTION_KWARGS, PoolConfig, pool_arguments, pool_checks
from ._sync_driver import Connections

__all__ = ["PoolConfig", "PostgresSaver"]

logger = getLogger("stategraph.checkpoint")


class PostgresSaver(BaseCheckpointSaver[int]):
    """Store checkpoints in PostgreSQL; safe to share between threads.

    ``conn`` is a psycopg ``Connection`` (shared under a lock, in autocommit mode), a
    ``ConnectionPool`` (concurrent operations each take a connection; make it with
    ``check=ConnectionPool.check_connection``) or a connection string (one connection,
    opened on first use; ``close()`` closes it).  ``pipe`` (LangGraph's argument) or
    ``pipeline=True`` sends each transaction's writes without waiting for each.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        >>> builder = builder.add_edge(START, "inc")
        >>> import uuid
        >>> from stategraph.checkpoint.postgres import PostgresSaver
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> config = {"configurable": {"thread_id": f"docs-{uuid.uuid4()}"}}
        >>> with PostgresSaver.from_conn_string(url) as saver:
        ...     saver.setup()  # creates or migrates the tables; safe to repeat
        ...     graph = builder.compile(checkpointer=saver)
        ...     print(graph.invoke({"x": 1}, config), graph.get_state(config).values)
        ...     saver.delete_thread(config["configurable"]["thread_id"])
        ...     print(saver.get_tuple(config))
        {'x': 2} {'x': 2}
        None
    """

    def __init__(
        self,
        conn: Connection[Any] | ConnectionPool | str,
        pipe: Pipeline | None = None,
        serde: SerializerProtocol | None = None,
        *,
        pipeline: bool = False,
    ) -> None:
        super().__init__(serde=serde)
        self.conn = conn
        self.pipe = pipe
        self._io = Connections(conn, pipeline=pipeline or pipe is not None)
        self._lists = ListCache()  # delta-blob bookkeeping (see checkpoint._delta)
        self._committed = HeadRefs()  # the refs of each scope's last commit (see batch)

    @classmethod
    @contextmanager
    def from_conn_string(
        cls,
        conn_string: str,
        *,
        pipeline: bool = False,
        pool_config: PoolConfig | None = None,
        serde: SerializerProtocol | None = None,
    ) -> Iterator[PostgresSaver]:
        """Connect (a checked pool with ``pool_config``), yield a saver, close on exit."""
        if pool_config is not None:
            arguments = pool_arguments(conn_string, pool_config, pool_checks())
            with ConnectionPool(**arguments) as pool:
                yield cls(pool, serde=serde, pipeline=pipeline)
            return
        with Connection.connect(conn_string, **CONNECTION_KWARGS) as conn:
            saver = cls(conn, serde=serde, pipeline=pipeline)
            try:
                yield saver
            finally:
                saver.close()

    @property
    def is_setup(self) -> bool:
        """Whether this saver has applied (or checked) the migrations."""
        return self._io.is_setup

    def setup(self) -> None:
        """Apply the missing migrations (safe across processes; a newer schema raises E302)."""
        self._io.setup()

    def close(self) -> None:
        """Close the connection the saver opened itself (after a DSN or a reconnect)."""
        self._io.close()

    def get_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """See ``BaseCheckpointSaver.get_tuple``."""
        return self._io.run(operation.get_tuple(self.serde, self._lists, config))

    def list(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """See ``BaseCheckpointSaver.list``."""
        found = operation.list_tuples(
            self.serde, self._lists, config, filter=filter, before=before, limit=limit
        )
        return iter(self._io.run(found))

    def put(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """See ``BaseCheckpointSaver.put``."""
        op = ("put", config, checkpoint, metadata, new_versions)
        return self.batch([op])[0]  # type: ignore[no-any-return]

    def put_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """See ``BaseCheckpointSaver.put_writes``."""
        self.batch([("put_writes", config, writes, task_id, task_path)])

    def batch(self, ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Commit put / put_writes ops in one transaction and one round trip; return their
        results (see ``_operation.batch``); then seal the scopes whose step asked for it."""
        group, states = operation.batch(self.serde, self._lists, self._committed, ops)
        results = self._io.run(group)
        state = states[-1]
        self._committed.remember(state.refs)
        for scope in state.seals or ():
            try:
                self._io.run(operation.seal_scope(*scope))
            except Exception as exc:  # why: the step is committed; the next trigger retries
                logger.warning("Sealing %r failed (the next seal catches up): %s", scope, exc)
        return results  # type: ignore[no-any-return]

    def delete_thread(self, thread_id: str) -> None:
        """See ``BaseCheckpointSaver.delete_thread``."""
        self._io.run(operation.delete_thread(thread_id))
        self._lists.drop_threads([str(thread_id)])
        self._committed.drop_threads([str(thread_id)])

    def delete_for_runs(self, run_ids: Sequence[str], *, thread_id: str | None = None) -> None:
        """Delete every checkpoint (with its writes and dead blobs) the given runs wrote.

        A checkpoint belongs to the run named by its metadata ``run_id``; ``thread_id``
        limits the search to one thread (else every thread's metadata is searched).
        """
        if thread_id is not None:
            thread_ids = [str(thread_id)]
        else:
            thread_ids = self._io.run(operation.threads_of_runs(run_ids))
        if thread_ids:
            self._io.run(operation.delete_for_runs(run_ids, thread_ids))
        self._lists.drop_threads(thread_ids)
        self._committed.drop_threads(thread_ids)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """See ``BaseCheckpointSaver.copy_thread``."""
        self._io.run(operation.copy_thread(source_thread_id, target_thread_id))
        self._committed.drop_threads([str(target_thread_id)])

    def prune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: MaxAge | None = None,
    ) -> None:
        """See ``BaseCheckpointSaver.prune``."""
        self._io.run(operation.prune(thread_ids, keep_last, strategy, max_age))
        self._committed.drop_threads([str(t) for t in thread_ids])


from .base import BasePostgresSaver  # noqa: E402

BasePostgresSaver.register(PostgresSaver)
