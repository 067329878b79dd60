"""``InMemorySaver``: a thread-safe checkpoint saver that keeps everything in dicts.

Channel values and pending writes are stored serialized, exactly as the SQL savers store
them, so what you read back is a copy and anything that would fail to persist fails here
too; the engine's checkpoint skeleton is kept as data (``_frozen``) and copied on read.
For tests and single-process use; everything is lost when the process exits.
"""

# why: over 400 lines: one saver class whose thread-wide operations (delete, copy, prune,
# delete_for_runs) share its private dicts and lock, and a runnable docstring example.

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from ..constants import INTERRUPT
from . import _appends as appends
from . import _delta as delta
from . import _frozen as frozen
from . import _records as records
from ._head import check_head, expected_head
from ._list_cache import ListCache, cached_states, kept_items
from ._memory_blobs import encode, plan_plain
from ._retention import (
    CheckpointNode,
    MaxAge,
    age_cutoff,
    all_old,
    keep_count,
    select_kept,
    with_bases,
)
from .base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    Config,
    PruneStrategy,
)
from .serde.base import SerializerProtocol
from .serde.jsonplus import JsonPlusSerializer

__all__ = ["InMemorySaver", "MemorySaver"]

Typed = tuple[str, bytes]
Scope = tuple[str, str]  # (thread_id, checkpoint_ns)
StoredWrite = tuple[str, str, bytes, str]  # (channel, type, value, task_path), flat: see put_writes


class InMemorySaver(BaseCheckpointSaver[int]):
    """Keep checkpoints, value blobs and pending writes in process memory.

    For tests and single-process apps: everything is lost when the process ends.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda s: {"x": s["x"] + 1})
        >>> builder = builder.add_edge(START, "inc")
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> graph = builder.compile(checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "conversation-1"}}
        >>> graph.invoke({"x": 1}, config)
        {'x': 2}
        >>> graph.get_state(config).values
        {'x': 2}
        >>> [snapshot.metadata["step"] for snapshot in graph.get_state_history(config)]
        [1, 0, -1]
    """

    _sync_is_nonblocking = True

    def __init__(self, *, serde: SerializerProtocol | None = None) -> None:
        # why: these bytes never leave this process, so any class they name was in a module
        # already imported when it was written; the allowlist guards bytes read from storage
        # another process may have written (LangGraph's in-memory saver reads its own classes back)
        super().__init__(
            serde=serde
            if serde is not None
            else JsonPlusSerializer(allow_all_already_imported=True)
        )
        self._lock = threading.RLock()
        # Invariant: every origin in a stored checkpoint's blob_refs has an entry in _blobs.
        self.storage: dict[Scope, dict[str, records.StoredCheckpoint]] = {}
        self.blobs: dict[tuple[str, str, str, str], Typed] = {}  # (thread, ns, channel, origin)
        self.writes: dict[tuple[str, str, str], dict[tuple[str, int], StoredWrite]] = {}
        self._lists = ListCache()  # delta-blob bookkeeping (see checkpoint._delta)
        # Invariant: _heads[scope] == max(storage[scope]) for every non-empty scope.
        self._heads: dict[Scope, str] = {}

    def get_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        """Return the checkpoint named by ``config``, or the latest of its thread and ns."""
        thread_id, checkpoint_ns, checkpoint_id = records.config_target(config)
        with self._lock:
            rows = self.storage.get((thread_id, checkpoint_ns), {})
            if checkpoint_id is None:
                checkpoint_id = max(rows, default=None)
            row = rows.get(checkpoint_id) if checkpoint_id is not None else None
            if row is None:
                return None
            # A run starts by reading its checkpoint, then extends its lists: warm the cache.
            return self._load(thread_id, checkpoint_ns, row, remember=True)

    def list(
        self,
        config: Mapping[str, Any] | None,
        *,
        filter: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Yield matching checkpoints newest first (see ``BaseCheckpointSaver.list``)."""
        pairs = records.filter_pairs(filter)
        configurable = records.list_configurable(config)
        before_id = ((before or {}).get("configurable") or {}).get("checkpoint_id")
        found: list[CheckpointTuple] = []
        with self._lock:
            for (thread_id, checkpoint_ns), row in self._candidates(configurable):
                if limit is not None and len(found) >= limit:
                    break
                if before_id is not None and row.checkpoint_id >= before_id:
                    continue
                if records.metadata_matches(row.metadata, pairs):
                    found.append(self._load(thread_id, checkpoint_ns, row, remember=False))
        return iter(found)

    def _candidates(
        self, configurable: Mapping[str, Any]
    ) -> list[tuple[Scope, records.StoredCheckpoint]]:
        thread_id = configurable.get("thread_id")
        checkpoint_ns = configurable.get("checkpoint_ns")
        checkpoint_id = configurable.get("checkpoint_id")
        # LangGraph's order: threads as first stored, each thread's namespaces as first
        # stored, and each namespace's checkpoints newest first.
        threads: dict[str, list[Scope]] = {}
        for scope in self.storage:
            if (thread_id is None or scope[0] == str(thread_id)) and (
                checkpoint_ns is None or scope[1] == checkpoint_ns
            ):
                threads.setdefault(scope[0], []).append(scope)
        rows: list[tuple[Scope, records.StoredCheckpoint]] = []
        for scopes in threads.values():
            for scope in scopes:
                matching = [
                    row
                    for row in self.storage[scope].values()
                    if checkpoint_id is None or row.checkpoint_id == checkpoint_id
                ]
                matching.sort(key=lambda row: row.checkpoint_id, reverse=True)
                rows.extend((scope, row) for row in matching)
        return rows

    def _load(
        self, thread_id: str, checkpoint_ns: str, row: records.StoredCheckpoint, *, remember: bool
    ) -> CheckpointTuple:
        stored = self.writes.get((thread_id, checkpoint_ns, row.checkpoint_id), {})
        writes = [
            (task_id, channel, type_, value)
            # ordered by (task_path, task_id, idx), as LangGraph orders a step's writes
            for (task_id, _), (channel, type_, value, _) in sorted(
                stored.items(), key=lambda item: (item[1][3], *item[0])
            )
        ]
        with records.loading(thread_id, checkpoint_ns, row.checkpoint_id):
            refs = records.decode_refs(row.blob_refs)
        pairs = [(channel, ref.origin) for channel, ref in refs.items()]
        kept = kept_items(self._lists, thread_id, checkpoint_ns, pairs)
        source = delta.BlobSource(
            lambda channel, origin: self.blobs.get((thread_id, checkpoint_ns, channel, origin)),
            cached_states(self._lists, thread_id, checkpoint_ns, pairs),
            (lambda c, o, state: self._lists.put((thread_id, checkpoint_ns, c, o), state))
            if remember
            else None,
            lambda c, o: kept.get((c, o)),
            (lambda c, o, items: self._lists.put_items((thread_id, checkpoint_ns, c, o), items))
            if remember
            else None,
        )
        return records.decode_tuple(self.serde, thread_id, checkpoint_ns, row, source, writes)

    @classmethod
    def _takes_live_skeleton(cls) -> bool:
        """Whether this class's puts copy what they keep of a live skeleton (``LIVE_KEY``)."""
        return cls.put is InMemorySaver.put and cls.aput is InMemorySaver.aput

    def put(
        self,
        config: Mapping[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Config:
        """Store ``checkpoint`` under its parent from ``config``; return its config."""
        thread_id, checkpoint_ns, parent_id = records.config_target(config)
        expected = expected_head(config)
        checkpoint_id = checkpoint["id"]
        # why: the engine's skeleton is kept as is (it never changes it again; reads copy
        # it): serializing versions and versions_seen was the largest part of a put
        data: Any = None  # a frozen skeleton is made under the lock (it may extend a base)
        if frozen.is_frozen(config):
            type_ = frozen.PLAIN_TYPE
        else:
            type_, data = records.encode_checkpoint(self.serde, checkpoint)
        # why: metadata is kept as a validated deep copy, not JSON text: same checks, same
        # values back, without encoding and decoding text at every step; the engine's own
        # when it promises plain JSON it never changes (LIVE_KEY; reads copy it)
        if (config.get("configurable") or {}).get(frozen.LIVE_KEY) is True:
            metadata_kept = metadata
        else:
            metadata_kept = records.metadata_copy(metadata)
        values = checkpoint["channel_values"]
        scope_key = (thread_id, checkpoint_ns)
        # why: only exact lists may be appended to or stored as deltas; most steps have none
        appended = None
        for value in values.values():
            if type(value) is list:
                appended = appends.prepare_appends(
                    self.serde, self._lists, scope_key, values, new_versions
                )
                break
        with self._lock:
            rows = self.storage.get(scope_key)
            if expected is not None:
                head = self._heads.get(scope_key)
                check_head(thread_id, checkpoint_ns, checkpoint_id, expected, head)
            parent = rows.get(parent_id) if rows is not None and parent_id else None
            # Encode everything before storing anything, so a bad value leaves no trace.
            if appended is None:
                refs, chosen = plan_plain(
                    self.serde, checkpoint_id, checkpoint, new_versions, parent
                )
            else:
                refs, chosen = self._plan_with_lists(
                    (*scope_key, checkpoint_id), checkpoint, new_versions, parent, appended
                )
            if data is None:
                data = frozen.kept_skeleton(rows, config, checkpoint, new_versions)
            blobs = self.blobs
            for channel, blob in chosen:
                blobs[(thread_id, checkpoint_ns, channel, checkpoint_id)] = blob
            if rows is None:
                rows = self.storage[scope_key] = {}
            # why: tuple.__new__ skips the namedtuple's Python-level __new__ (one per step)
            rows[checkpoint_id] = _new_row(
                StoredCheckpoint, (checkpoint_id, parent_id, type_, data, metadata_kept, refs)
            )
            head = self._heads.get(scope_key)
            if head is None or checkpoint_id > head:
                self._heads[scope_key] = checkpoint_id
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint_id,
            }
        }

    def _plan_with_lists(
        self,
        scope: tuple[str, str, str],
        checkpoint: Checkpoint,
        new_versions: ChannelVersions,
        parent: records.StoredCheckpoint | None,
        appended: Mapping[str, appends.Appended],
    ) -> tuple[tuple[Any, ...], list[tuple[str, Typed]]]:
        parent_refs = {} if parent is None else records.decode_refs(parent.blob_refs)
        refs, to_store = records.plan_blobs(scope[2], checkpoint, new_versions, parent_refs)
        chosen = self._plan_list_blobs(
            scope, checkpoint["channel_values"], new_versions, to_store, parent_refs, appended
        )
        return records.ref_tuple(refs), list(chosen.items())

    def _plan_list_blobs(
        self,
        scope: tuple[str, str, str],
        values: Mapping[str, Any],
        new_versions: ChannelVersions,
        to_store: list[str],
        parent_refs: Mapping[str, records.BlobRef],
        appended: Mapping[str, appends.Appended],
    ) -> dict[str, Typed]:
        thread_id, checkpoint_ns, _ = scope
        encoded = {
            c: records.encode_value(self.serde, c, v)
            for c, v in values.items()
            if c in new_versions and c not in appended
        }
        stores = records.blob_stores(self.serde, values, encoded, to_store, parent_refs, appended)
        chosen = delta.plan_list_blobs(
            self.serde,
            self._lists,
            scope,
            stores,
            lambda c, o: self.blobs.get((thread_id, checkpoint_ns, c, o)),
            appended,
        )
        return {channel: blob.typed for channel, blob in chosen.items()}

    def put_writes(
        self,
        config: Mapping[str, Any],
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Attach writes to the checkpoint in ``config`` (special ones replace earlier ones)."""
        thread_id, checkpoint_ns, checkpoint_id = records.write_target(config)
        serde = self.serde
        # why: the per-task path; the index rule of records.write_rows without its row objects
        rows = []
        for position, (channel, value) in enumerate(writes):
            special = WRITES_IDX_MAP.get(channel)
            type_, data = encode(serde, channel, value)
            if special is None:
                rows.append((position, False, (channel, type_, data, task_path)))
            else:
                rows.append((special, True, (channel, type_, data, task_path)))
        key = (thread_id, checkpoint_ns, checkpoint_id)
        with self._lock:
            stored = self.writes.get(key)
            if stored is None:
                stored = self.writes[key] = {}
            for idx, upsert, row in rows:
                if upsert or (task_id, idx) not in stored:
                    # flat tuples: fewer objects kept per write, less for the GC to scan
                    stored[(task_id, idx)] = row

    def delete_thread(self, thread_id: str) -> None:
        """Forget everything stored for ``thread_id``."""
        with self._lock:
            for store in (self.storage, self.blobs, self.writes, self._heads):
                for key in [k for k in store if k[0] == thread_id]:
                    del store[key]
            self._lists.drop_threads([thread_id])

    def delete_for_runs(self, run_ids: Sequence[str], *, thread_id: str | None = None) -> None:
        """Delete every checkpoint (with its writes and dead blobs) the given runs wrote.

        A checkpoint belongs to the run named by its metadata ``run_id``; ``thread_id``
        limits the search to one thread.
        """
        wanted = set(map(str, run_ids))
        with self._lock:
            touched = set()
            for scope, rows in list(self.storage.items()):
                if thread_id is not None and scope[0] != str(thread_id):
                    continue
                doomed = [c for c, row in rows.items() if _run_of(row) in wanted]
                for checkpoint_id in doomed:
                    del rows[checkpoint_id]
                    self.writes.pop((*scope, checkpoint_id), None)
                if doomed:
                    touched.add(scope)
            for scope in touched:
                self._drop_dead_blobs(scope)
                rows = self.storage[scope]
                if rows:
                    self._heads[scope] = max(rows)
                else:
                    del self.storage[scope]
                    self._heads.pop(scope, None)
            self._lists.drop_threads(sorted({scope[0] for scope in touched}))

    def _drop_dead_blobs(self, scope: Scope) -> None:
        """Delete the blobs of ``scope`` no stored checkpoint refers to (nor builds on)."""
        live: set[tuple[str, str]] = set()
        for checkpoint_id, row in self.storage[scope].items():
            with records.loading(*scope, checkpoint_id):
                refs = records.decode_refs(row.blob_refs)
            live.update((channel, ref.origin) for channel, ref in refs.items())
        live = with_bases(live, self._bases(scope))
        for key in [k for k in self.blobs if k[:2] == scope and k[2:] not in live]:
            del self.blobs[key]

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy a thread's checkpoints, blobs and writes; existing target rows win."""
        with self._lock:
            for (thread_id, checkpoint_ns), rows in list(self.storage.items()):
                if thread_id == source_thread_id:
                    target = self.storage.setdefault((target_thread_id, checkpoint_ns), {})
                    for checkpoint_id, row in rows.items():
                        target.setdefault(checkpoint_id, row)
                    self._heads[(target_thread_id, checkpoint_ns)] = max(target)
            for key, blob in list(self.blobs.items()):
                if key[0] == source_thread_id:
                    self.blobs.setdefault((target_thread_id, *key[1:]), blob)
            for key, stored in list(self.writes.items()):
                if key[0] == source_thread_id:
                    target_writes = self.writes.setdefault((target_thread_id, *key[1:]), {})
                    for write_key, write in stored.items():
                        target_writes.setdefault(write_key, write)

    def prune(
        self,
        thread_ids: Sequence[str],
        *,
        keep_last: int | None = None,
        strategy: PruneStrategy = "keep_latest",
        max_age: MaxAge | None = None,
    ) -> None:
        """Drop old checkpoints; see ``stategraph.checkpoint._retention`` for what stays."""
        keep = keep_count(keep_last, strategy)
        cutoff = age_cutoff(max_age)
        with self._lock:
            if keep is None:
                for thread_id in thread_ids:
                    if cutoff is None or self._idle(str(thread_id), cutoff):
                        self.delete_thread(thread_id)
                return
            # Decide everything first, so a corrupt row aborts before anything is deleted.
            scopes = [s for s in self.storage if s[0] in set(map(str, thread_ids))]
            decisions = [(scope, *self._prune_decision(scope, keep, cutoff)) for scope in scopes]
            for scope, kept, live in decisions:
                rows = self.storage[scope]
                for checkpoint_id in [c for c in rows if c not in kept]:
                    del rows[checkpoint_id]
                    self.writes.pop((*scope, checkpoint_id), None)
                for key in [k for k in self.blobs if k[:2] == scope and k[2:] not in live]:
                    del self.blobs[key]

    def _idle(self, thread_id: str, cutoff: datetime) -> bool:
        """Whether every checkpoint of ``thread_id`` is older than ``cutoff``."""
        return all_old(
            (c for scope, rows in self.storage.items() if scope[0] == thread_id for c in rows),
            cutoff,
        )

    def _prune_decision(
        self, scope: Scope, keep: int, cutoff: datetime | None
    ) -> tuple[set[str], set[tuple[str, str]]]:
        rows = self.storage[scope]
        nodes = [
            CheckpointNode(row.checkpoint_id, row.parent_id, self._has_interrupt(scope, row))
            for row in rows.values()
        ]
        kept = select_kept(nodes, keep, cutoff)
        live: set[tuple[str, str]] = set()
        for checkpoint_id in kept:
            with records.loading(*scope, checkpoint_id):
                refs = records.decode_refs(rows[checkpoint_id].blob_refs)
            live.update((channel, ref.origin) for channel, ref in refs.items())
        return kept, with_bases(live, self._bases(scope))

    def _bases(self, scope: Scope) -> dict[tuple[str, str], tuple[str, str]]:
        """Map each delta blob of ``scope`` to its base: (channel, origin) -> (channel, base)."""
        bases = {}
        for (thread_id, checkpoint_ns, channel, origin), blob in self.blobs.items():
            if (thread_id, checkpoint_ns) == scope and blob[0] == delta.DELTA_TYPE:
                with records.loading(thread_id, checkpoint_ns, origin):
                    base = delta.delta_base(blob)
                bases[(channel, origin)] = (channel, base)
        return bases

    def _has_interrupt(self, scope: Scope, row: records.StoredCheckpoint) -> bool:
        stored = self.writes.get((*scope, row.checkpoint_id), {})
        return any(write[0] == INTERRUPT for write in stored.values())


def _run_of(row: records.StoredCheckpoint) -> str | None:
    run_id = (row.metadata or {}).get("run_id")
    return None if run_id is None else str(run_id)


StoredCheckpoint = records.StoredCheckpoint
_new_row = tuple.__new__

MemorySaver = InMemorySaver  # LangGraph's older name
