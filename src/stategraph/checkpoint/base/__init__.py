"""The checkpoint saver contract: stored types, helpers and ``BaseCheckpointSaver``.

Mirrors ``langgraph.checkpoint.base``.  The engine saves a ``Checkpoint`` after each
superstep with ``put``, attaches task results with ``put_writes`` and reads back with
``get_tuple``; ``list`` serves history.  Backends live next to this module.
"""

# why: over the 400-line target: BaseCheckpointSaver is LangGraph's public saver surface, each
# method beside its sync/async adapter; splitting the pairs would scatter one API.

from __future__ import annotations

import builtins
import copy
from abc import ABC
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeAlias, TypedDict, TypeVar

from ...errors import EmptyChannelError
from .. import _bridge
from .._ids import uuid6
from .._legacy import LATEST_VERSION as LATEST_VERSION
from .._legacy import create_checkpoint as create_checkpoint
from .._legacy import get_serializable_checkpoint_metadata as get_serializable_checkpoint_metadata
from ..serde.base import SerializerProtocol
from ..serde.jsonplus import JsonPlusSerializer

__all__ = [
    "WRITES_IDX_MAP",
    "EXCLUDED_METADATA_KEYS",
    "LATEST_VERSION",
    "BaseCheckpointSaver",
    "ChannelVersions",
    "Checkpoint",
    "CheckpointMetadata",
    "CheckpointTuple",
    "EmptyChannelError",
    "PendingWrite",
    "PruneStrategy",
    "copy_checkpoint",
    "create_checkpoint",
    "empty_checkpoint",
    "get_checkpoint_id",
    "get_checkpoint_metadata",
    "get_serializable_checkpoint_metadata",
]

V = TypeVar("V", int, float, str)
ChannelVersions: TypeAlias = dict[str, str | int | float]
PendingWrite: TypeAlias = tuple[str, str, Any]  # (task_id, channel, value)
PruneStrategy: TypeAlias = Literal["keep_latest", "delete"]
Config: TypeAlias = dict[str, Any]

# Special write channels are stored at these fixed indexes and overwrite earlier writes.
WRITES_IDX_MAP: dict[str, int] = {
    "__error__": -1,
    "__scheduled__": -2,
    "__interrupt__": -3,
    "__resume__": -4,
}

EXCLUDED_METADATA_KEYS = frozenset(
    {
        "thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "langgraph_step",
        "langgraph_node", "langgraph_triggers", "langgraph_path", "langgraph_checkpoint_ns",
    }
)  # fmt: skip


class Checkpoint(TypedDict):
    """The state of a graph at one superstep boundary.

    ``channel_values`` holds the state, ``channel_versions`` each channel's version
    and ``versions_seen`` which versions each node has already run on.

    Examples:
        A saver returns the latest checkpoint of a thread:

        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> saver = InMemorySaver()
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("inc", lambda state: {"x": state["x"] + 1})
        ...     .add_edge(START, "inc")
        ...     .compile(checkpointer=saver)
        ... )
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> graph.invoke({"x": 1}, config)
        {'x': 2}
        >>> checkpoint = saver.get(config)
        >>> checkpoint["channel_values"]
        {'x': 2}
        >>> sorted(checkpoint)
        ['channel_values', 'channel_versions', 'id', 'ts', 'updated_channels', 'v', 'versions_seen']
    """

    v: int
    id: str
    ts: str
    channel_values: dict[str, Any]
    channel_versions: ChannelVersions
    versions_seen: dict[str, ChannelVersions]
    updated_channels: list[str] | None


class CheckpointMetadata(TypedDict, total=False):
    """What produced a checkpoint; user keys are allowed and filterable in ``list``.

    ``source`` is ``"input"`` (the run's input), ``"loop"`` (after a step),
    ``"update"`` (``update_state``) or ``"fork"``; ``step`` is -1 for the input.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> saver = InMemorySaver()
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("inc", lambda state: {"x": state["x"] + 1})
        ...     .add_edge(START, "inc")
        ...     .compile(checkpointer=saver)
        ... )
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> graph.invoke({"x": 1}, config)
        {'x': 2}
        >>> [(t.metadata["source"], t.metadata["step"]) for t in saver.list(config)]
        [('loop', 1), ('loop', 0), ('input', -1)]
        >>> len(list(saver.list(config, filter={"source": "input"})))
        1
    """

    source: Literal["input", "loop", "update", "fork"]
    step: int
    parents: dict[str, str]
    run_id: str


class CheckpointTuple(NamedTuple):
    """A checkpoint with its config, metadata, parent and pending writes.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> saver = InMemorySaver()
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("inc", lambda state: {"x": state["x"] + 1})
        ...     .add_edge(START, "inc")
        ...     .compile(checkpointer=saver)
        ... )
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> graph.invoke({"x": 1}, config)
        {'x': 2}
        >>> saved = saver.get_tuple(config)
        >>> saved.checkpoint["channel_values"], saved.metadata["source"]
        ({'x': 2}, 'loop')
        >>> saved.config["configurable"]["checkpoint_id"] == saved.checkpoint["id"]
        True
        >>> saver.get_tuple(saved.parent_config).metadata["step"]
        0
    """

    config: Config
    checkpoint: Checkpoint
    metadata: CheckpointMetadata
    parent_config: Config | None = None
    pending_writes: list[PendingWrite] | None = None


def empty_checkpoint() -> Checkpoint:
    """Return a checkpoint with no channels, stamped now (LangGraph's legacy v2 shape).

    Examples:
        >>> from stategraph.checkpoint.base import empty_checkpoint
        >>> checkpoint = empty_checkpoint()
        >>> checkpoint["v"], checkpoint["channel_values"], checkpoint["channel_versions"]
        (2, {}, {})
        >>> checkpoint["id"]
        '...-6...-...'
    """
    return Checkpoint(  # type: ignore[typeddict-unknown-key]
        v=LATEST_VERSION,
        id=str(uuid6(clock_seq=-2)),
        ts=datetime.now(UTC).isoformat(),
        channel_values={},
        channel_versions={},
        versions_seen={},
        pending_sends=[],
        updated_channels=None,
    )


def copy_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    """Copy ``checkpoint`` deeply enough that mutating the copy's maps leaves it intact.

    Examples:
        >>> from stategraph.checkpoint.base import copy_checkpoint, empty_checkpoint
        >>> original = empty_checkpoint()
        >>> original["channel_values"]["x"] = 1
        >>> copied = copy_checkpoint(original)
        >>> copied["channel_values"]["x"] = 2
        >>> original["channel_values"], copied["channel_values"]
        ({'x': 1}, {'x': 2})
    """
    result = checkpoint.copy()
    result["channel_values"] = dict(checkpoint["channel_values"])
    result["channel_versions"] = dict(checkpoint["channel_versions"])
    result["versions_seen"] = {k: dict(v) for k, v in checkpoint["versions_seen"].items()}
    updated = checkpoint.get("updated_channels")
    result["updated_channels"] = None if updated is None else builtins.list(updated)
    return result


def get_checkpoint_id(config: Mapping[str, Any]) -> str | None:
    """Return ``config["configurable"]["checkpoint_id"]`` if set.

    Examples:
        >>> from stategraph.checkpoint.base import get_checkpoint_id
        >>> get_checkpoint_id({"configurable": {"thread_id": "t1", "checkpoint_id": "1ef-abc"}})
        '1ef-abc'
        >>> print(get_checkpoint_id({"configurable": {"thread_id": "t1"}}))
        None
    """
    configurable = config.get("configurable") or {}
    return configurable.get("checkpoint_id") or configurable.get("thread_ts")


def get_checkpoint_metadata(config: Mapping[str, Any], metadata: Mapping[str, Any]) -> Any:
    """Merge run config into checkpoint ``metadata`` and strip NUL characters.

    Keys of ``config["metadata"]`` and ``config["configurable"]`` are added when the
    metadata lacks them, they are not private (``__x``) or in ``EXCLUDED_METADATA_KEYS``,
    and their value is a str, int, float or bool.

    Examples:
        >>> from stategraph.checkpoint.base import get_checkpoint_metadata
        >>> config = {
        ...     "configurable": {"thread_id": "t1", "user": "ann", "__secret": "x"},
        ...     "metadata": {"tag": "nightly" + chr(0)},  # NUL is stripped
        ... }
        >>> get_checkpoint_metadata(config, {"source": "loop", "step": 1})
        {'source': 'loop', 'step': 1, 'tag': 'nightly', 'user': 'ann'}
    """
    merged = {k: _strip_nul(v) for k, v in metadata.items()}
    for source in (config.get("metadata"), config.get("configurable")):
        for key, value in (source or {}).items():
            if key in merged or key in EXCLUDED_METADATA_KEYS or key.startswith("__"):
                continue
            if isinstance(value, (str, int, float, bool)):
                merged[key] = _strip_nul(value)
    return merged


def _strip_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseCheckpointSaver(ABC, Generic[V]):
    """Base of every checkpoint saver.

    Override either the sync primitives (``get_tuple``, ``list``, ``put``, ``put_writes``,
    ``delete_thread``, ``copy_thread``, ``prune``) or their ``a``-prefixed async twins;
    the base offers the other side.  Sync savers are run in a worker thread for async
    callers (inline if ``_sync_is_nonblocking``); async savers bound to an event loop
    (``self.loop``) are run on that loop for sync callers in other threads.

    Examples:
        A saver that keeps only the latest checkpoint of each thread in a dict:

        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple
        >>> from stategraph.graph import START, StateGraph
        >>> class LatestOnly(BaseCheckpointSaver):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.latest = {}
        ...     def get_tuple(self, config):
        ...         return self.latest.get(config["configurable"]["thread_id"])
        ...     def put(self, config, checkpoint, metadata, new_versions):
        ...         conf = config["configurable"]
        ...         saved = {"configurable": {**conf, "checkpoint_id": checkpoint["id"]}}
        ...         self.latest[conf["thread_id"]] = CheckpointTuple(saved, checkpoint, metadata, config)
        ...         return saved
        ...     def put_writes(self, config, writes, task_id, task_path=""):
        ...         pass  # a full saver stores them to resume interrupted steps
        >>> class State(TypedDict):
        ...     x: int
        >>> saver = LatestOnly()
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("inc", lambda state: {"x": state["x"] + 1})
        ...     .add_edge(START, "inc")
        ...     .compile(checkpointer=saver)
        ... )
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> graph.invoke({"x": 1}, config)
        {'x': 2}
        >>> saver.get(config)["channel_values"]
        {'x': 2}
    """

    serde: SerializerProtocol
    # why: an in-memory saver never blocks, so async callers need no thread hop.
    _sync_is_nonblocking: ClassVar[bool] = False

    def __init__(self, *, serde: SerializerProtocol | None = None) -> None:
        self.serde = serde if serde is not None else JsonPlusSerializer()

    @property
    def config_specs(self) -> builtins.list[Any]:
        """Configurable fields of the saver (none; kept for LangGraph compatibility)."""
        return []

    def with_allowlist(self, extra: Iterable[Any]) -> BaseCheckpointSaver[V]:
        """Return a shallow copy whose serializer also allows ``extra`` classes.

        The copy shares storage (and connection) with this saver.
        """
        clone = copy.copy(self)
        with_allowlist = getattr(self.serde, "with_allowlist", None)
        if with_allowlist is not None:
            clone.serde = with_allowlist(extra)
        return clone

    def get_next_version(self, current: V | None, channel: Any = None) -> V:
        """Return the version after ``current``: ints counting from 0."""
        return 0 if current is None else current + 1  # type: ignore[return-value,operator]

    # --- friendly reads, built on get_tuple --------------------------------------------

    def get(self, config: Mapping[str, Any]) -> Checkpoint | None:
        """Return the checkpoint named by ``config`` (latest if no id), or None."""
        found = self.get_tuple(config)
        return None if found is None else found.checkpoint

    async def aget(self, config: Mapping[str, Any]) -> Checkpoint | None:
        """Async form of ``get``."""
        found = await self.aget_tuple(config)
        return None if found is None else found.checkpoint

    # --- primitives: a saver overrides one side of each pair ---------------------------

    def get_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """Return the checkpoint tuple for ``config`` (latest in thread and ns if no id)."""
        return self._blocking("aget_tuple", lambda: self.aget_tuple(config))

    async def aget_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """Async form of ``get_tuple``."""
        return await self._threaded("get_tuple", lambda: self.get_tuple(config))

    def list(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Yield checkpoints newest first.

        ``config`` None lists every thread; without ``checkpoint_ns`` every namespace of
        the thread.  ``filter`` matches metadata keys exactly, ``before`` is an exclusive
        upper bound on the checkpoint id.
        """

        async def collect() -> builtins.list[CheckpointTuple]:
            found = self.alist(config, filter=filter, before=before, limit=limit)
            return [item async for item in found]

        return iter(self._blocking("alist", collect))

    async def alist(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Async form of ``list``."""
        found = await self._threaded(
            "list",
            lambda: builtins.list(self.list(config, filter=filter, before=before, limit=limit)),
        )
        for item in found:
            yield item

    def put(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """Store ``checkpoint`` as a child of ``config``'s checkpoint; return its config.

        Only channels in ``new_versions`` get new value blobs; the others keep
        referring to the blob their current version was stored under.  If
        ``configurable["__pregel_expected_head"]`` is set, the newest checkpoint of the
        thread and namespace must be that id (``""``: none) and ``checkpoint["id"]`` must
        sort after it, checked atomically with the insert; otherwise nothing is stored
        and ``ConcurrentRunError`` is raised (see ``_head``).
        """
        return self._blocking("aput", lambda: self.aput(config, checkpoint, metadata, new_versions))

    async def aput(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """Async form of ``put``."""
        return await self._threaded(
            "put", lambda: self.put(config, checkpoint, metadata, new_versions)
        )

    def put_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Attach a task's ``(channel, value)`` writes to the checkpoint in ``config``.

        Special channels (``WRITES_IDX_MAP``) are stored at their fixed index and
        replace earlier ones; other writes are kept at their list index and never
        overwritten, so retries are idempotent.
        """
        return self._blocking(
            "aput_writes", lambda: self.aput_writes(config, writes, task_id, task_path)
        )

    async def aput_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Async form of ``put_writes``."""
        return await self._threaded(
            "put_writes", lambda: self.put_writes(config, writes, task_id, task_path)
        )

    def delete_thread(self, thread_id: str) -> None:
        """Delete every checkpoint, blob and write of ``thread_id``."""
        return self._blocking("adelete_thread", lambda: self.adelete_thread(thread_id))

    async def adelete_thread(self, thread_id: str) -> None:
        """Async form of ``delete_thread``."""
        return await self._threaded("delete_thread", lambda: self.delete_thread(thread_id))

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy all checkpoints, blobs and writes of one thread into another.

        Rows the target already has (same namespace and ids) are left as they are,
        so copying twice is harmless.
        """
        return self._blocking(
            "acopy_thread", lambda: self.acopy_thread(source_thread_id, target_thread_id)
        )

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Async form of ``copy_thread``."""
        return await self._threaded(
            "copy_thread", lambda: self.copy_thread(source_thread_id, target_thread_id)
        )

    def delete_for_runs(self, run_ids: Sequence[str], *, thread_id: str | None = None) -> None:
        """Delete the checkpoints (with their writes) whose metadata ``run_id`` is in ``run_ids``.

        ``thread_id`` (ours, not LangGraph's), when the caller knows the runs' thread, looks
        only there instead of searching every thread's metadata.  The built-in savers
        implement it (the server's rollback uses it); a saver that overrides neither form
        raises NotImplementedError.
        """
        # why: a saver written against LangGraph's signature still works without thread_id
        extra = {} if thread_id is None else {"thread_id": thread_id}
        return self._blocking("adelete_for_runs", lambda: self.adelete_for_runs(run_ids, **extra))

    async def adelete_for_runs(
        self, run_ids: Sequence[str], *, thread_id: str | None = None
    ) -> None:
        """Async form of ``delete_for_runs``."""
        extra = {} if thread_id is None else {"thread_id": thread_id}
        return await self._threaded(
            "delete_for_runs", lambda: self.delete_for_runs(run_ids, **extra)
        )

    def batch(self, ops: Sequence[tuple[Any, ...]]) -> builtins.list[Any]:
        """Apply ("put", ...) / ("put_writes", ...) ops in order; return each op's result.

        The engine uses this for ``durability="async"``: steps are written behind the run in
        groups.  SQL savers override it (or ``abatch``) to commit a whole group in one
        transaction; the other form then goes through it.
        """
        if self._overrides("abatch"):
            return self._blocking("abatch", lambda: self.abatch(ops))  # type: ignore[no-any-return]
        return [getattr(self, op[0])(*op[1:]) for op in ops]

    async def abatch(self, ops: Sequence[tuple[Any, ...]]) -> builtins.list[Any]:
        """Async ``batch``."""
        if self._overrides("batch"):
            return await self._threaded("batch", lambda: self.batch(ops))  # type: ignore[no-any-return]
        return [await getattr(self, "a" + op[0])(*op[1:]) for op in ops]

    def prune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: timedelta | float | None = None,
    ) -> None:
        """Drop old checkpoints of ``thread_ids``; see ``stategraph.checkpoint._retention``.

        ``strategy="delete"`` deletes the threads.  ``"keep_latest"`` keeps the
        ``keep_last`` (default 1) newest checkpoints of every namespace, checkpoints
        waiting on an interrupt, and fork points those depend on.

        ``max_age`` (a ``timedelta`` or seconds, > 0) spares recent history: with
        ``"keep_latest"`` a checkpoint is deleted only if it is also older than
        ``max_age``; with ``"delete"`` only threads whose newest checkpoint is older than
        ``max_age`` are deleted.  Age is read from the uuid6 id; a checkpoint whose id is
        not a uuid6 is never deleted for age.
        """
        # why: a saver written before max_age existed still works when it is not used
        extra = {} if max_age is None else {"max_age": max_age}
        return self._blocking(
            "aprune",
            lambda: self.aprune(thread_ids, keep_last=keep_last, strategy=strategy, **extra),
        )

    async def aprune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: timedelta | float | None = None,
    ) -> None:
        """Async form of ``prune``."""
        extra = {} if max_age is None else {"max_age": max_age}
        return await self._threaded(
            "prune",
            lambda: self.prune(thread_ids, keep_last=keep_last, strategy=strategy, **extra),
        )

    # --- the adapters -----------------------------------------------------------------

    def _overrides(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(BaseCheckpointSaver, name)

    def _missing(self, name: str) -> NotImplementedError:
        sync_name = name[1:] if name.startswith("a") else name
        return NotImplementedError(
            f"{type(self).__name__} implements neither {sync_name!r} nor {'a' + sync_name!r}; "
            "a checkpoint saver must override one of the two."
        )

    def _blocking(self, async_name: str, make: Any) -> Any:
        if not self._overrides(async_name):
            raise self._missing(async_name)
        loop = getattr(self, "loop", None)
        return _bridge.run_blocking(make, loop, owner=type(self).__name__)

    async def _threaded(self, sync_name: str, call: Any) -> Any:
        if not self._overrides(sync_name):
            raise self._missing(sync_name)
        return await _bridge.run_sync(call, inline=self._sync_is_nonblocking)


# LangGraph's checkpoint.base also offers these (defined elsewhere in stategraph)
from ..serde.encrypted import EncryptedSerializer  # noqa: E402
from ..serde.types import ChannelProtocol  # noqa: E402

__all__ += ["ChannelProtocol", "EncryptedSerializer"]
