"""``SqliteSaver``: checkpoints in a SQLite database through the stdlib ``sqlite3``.

One connection shared by threads under a lock (``check_same_thread=False``), WAL mode,
numbered migrations applied on first use.  The operations themselves are the shared
plans of ``stategraph.checkpoint._sql``; this module only drives them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ..._sqlite_driver import drive as _shared_drive
from .._list_cache import ListCache
from .._retention import MaxAge, age_cutoff
from .._sql import migrations, plans
from .._sql.batch import batch_plan
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

__all__ = ["SqliteSaver"]


drive = _shared_drive


class SqliteSaver(BaseCheckpointSaver[int]):
    """Store checkpoints in SQLite; safe to share between threads.

    Examples:
        A thread saved in a file survives reopening it:

        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        >>> builder = builder.add_edge(START, "inc")
        >>> from stategraph.checkpoint.sqlite import SqliteSaver
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> with SqliteSaver.from_conn_string("checkpoints.db") as saver:
        ...     builder.compile(checkpointer=saver).invoke({"x": 1}, config)
        {'x': 2}
        >>> with SqliteSaver.from_conn_string("checkpoints.db") as saver:
        ...     builder.compile(checkpointer=saver).get_state(config).values
        {'x': 2}
    """

    def __init__(
        self, conn: sqlite3.Connection, *, serde: SerializerProtocol | None = None
    ) -> None:
        super().__init__(serde=serde)
        self.conn = conn
        self.lock = threading.RLock()
        self.is_setup = False
        self._lists = ListCache()  # delta-blob bookkeeping (see checkpoint._delta)

    @classmethod
    @contextmanager
    def from_conn_string(cls, conn_string: str, **kwargs: Any) -> Iterator[SqliteSaver]:
        """Open ``conn_string`` (a path or ``":memory:"``), yield a saver, close on exit."""
        conn = sqlite3.connect(conn_string, check_same_thread=False)
        try:
            yield cls(conn, **kwargs)
        finally:
            conn.close()

    def setup(self) -> None:
        """Enable WAL and apply missing migrations; a newer schema raises E302."""
        with self.lock:
            if self.is_setup:
                return
            for statement in SQLITE.connection_setup:
                self.conn.execute(statement)
            drive(self.conn, migrations.setup(SQLITE), SQLITE.begin_write)
            self.is_setup = True

    def _run(self, plan: plans.Plan[Any], *, write: bool) -> Any:
        self.setup()
        with self.lock:
            return drive(self.conn, plan, SQLITE.begin_write if write else SQLITE.begin_read)

    def get_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """See ``BaseCheckpointSaver.get_tuple``."""
        return self._run(plans.get_tuple(SQLITE, self.serde, config, self._lists), write=False)

    def list(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """See ``BaseCheckpointSaver.list``."""
        plan = plans.list_tuples(
            SQLITE, self.serde, config, filter=filter, before=before, limit=limit, lists=self._lists
        )
        return iter(self._run(plan, write=False))

    def put(
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
        return self._run(plan, write=True)

    def put_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """See ``BaseCheckpointSaver.put_writes``."""
        plan = plans.put_writes(SQLITE, self.serde, config, writes, task_id, task_path)
        self._run(plan, write=True)

    def batch(self, ops: Sequence[tuple[Any, ...]]) -> list[Any]:
        """Apply put / put_writes ops in ONE transaction (all or nothing)."""
        return self._run(batch_plan(SQLITE, self.serde, self._lists, ops), write=True)

    def delete_thread(self, thread_id: str) -> None:
        """See ``BaseCheckpointSaver.delete_thread``."""
        self._run(plans.delete_thread(SQLITE, thread_id), write=True)
        self._lists.drop_threads([str(thread_id)])

    def delete_for_runs(self, run_ids: Sequence[str], *, thread_id: str | None = None) -> None:
        """Delete every checkpoint (with its writes and dead blobs) the given runs wrote.

        A checkpoint belongs to the run named by its metadata ``run_id``; ``thread_id``
        limits the search to one thread.
        """
        within = None if thread_id is None else [str(thread_id)]
        thread_ids = self._run(plans.delete_for_runs(SQLITE, run_ids, within), write=True)
        self._lists.drop_threads(thread_ids)

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """See ``BaseCheckpointSaver.copy_thread``."""
        self._run(plans.copy_thread(SQLITE, source_thread_id, target_thread_id), write=True)

    def prune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: MaxAge | None = None,
    ) -> None:
        """See ``BaseCheckpointSaver.prune``."""
        cutoff = age_cutoff(max_age)
        self._run(plans.prune(SQLITE, thread_ids, keep_last, strategy, cutoff), write=True)
