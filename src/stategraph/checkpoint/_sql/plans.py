"""Each checkpoint operation once, as a generator of ``Query`` effects.

A plan yields a ``Query``; the driver runs it inside one transaction and sends back
the fetched rows (``None`` for ``many`` statements).  Work before the first yield
(validation, serialization) runs before the transaction starts.  Plans never touch a
connection, so the sync and async savers (and later Postgres) share them.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _appends as appends
from .. import _delta as delta
from .. import _records as records
from .._head import check_head, expected_head
from .._list_cache import ListCache, cached_states, kept_items
from .._refs import encode_compact, is_inlined, spill_carried
from ..base import ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple, Config
from ..serde.base import SerializerProtocol
from .blob_rows import pack
from .dialect import Dialect
from .queries import queries_for

if TYPE_CHECKING:
    from .batch import BatchState

__all__ = [
    "Plan",
    "Query",
    "copy_thread",
    "delete_for_runs",
    "delete_thread",
    "get_tuple",
    "list_tuples",
    "prune",
    "put",
    "put_writes",
    "threads_of_runs",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Query:
    """One statement to run; with ``many`` the params are a list of parameter rows.

    A ``blind`` statement returns rows the plan never reads (its reply is ``[]``): a
    pipelining driver sends it without waiting, and its errors surface at commit.
    """

    sql: str
    params: Sequence[Any] = ()
    many: bool = False
    blind: bool = False


Plan = Generator[Query, Any, T]

# id(dialect) -> (dialect, its queries); the dialect is kept so its id is never reused
_QUERIES: dict[int, tuple[Dialect, Any]] = {}


def _queries(dialect: Dialect) -> Any:
    # why: queries_for's cache hashes every field of the frozen Dialect per lookup (~1 us),
    # and a step looks its queries up several times
    found = _QUERIES.get(id(dialect))
    if found is None or found[0] is not dialect:
        found = _QUERIES[id(dialect)] = (dialect, queries_for(dialect))
    return found[1]


Row = Sequence[Any]
Scope = tuple[str, str]  # (thread_id, checkpoint_ns)


def get_tuple(
    dialect: Dialect, serde: SerializerProtocol, config: Mapping[str, Any], lists: ListCache
) -> Plan[CheckpointTuple | None]:
    """Load the checkpoint named by ``config``, or the latest of its thread and ns."""
    q = _queries(dialect)
    thread_id, checkpoint_ns, checkpoint_id = records.config_target(config)
    key = None if checkpoint_id is None else dialect.id_key(checkpoint_id)
    if key is None:
        rows = yield Query(q.select_latest, (thread_id, checkpoint_ns))
    else:
        rows = yield Query(q.select_by_id, (thread_id, checkpoint_ns, key))
    segment = None
    if not rows:
        # why: sealing leaves the newest rows of a scope in the table, so only an id may
        # name a sealed checkpoint; a new thread's first read costs no second query
        if key is None:
            return None
        found = yield from cold.checkpoint_row(dialect, thread_id, checkpoint_ns, key)
        if found is None:
            return None
        rows, segment = [found[0]], found[1]
    # A run starts by reading its checkpoint, then extends its lists: warm the cache.
    return (yield from _load(dialect, serde, rows[0], lists, remember=True, segment=segment))


def list_tuples(
    dialect: Dialect,
    serde: SerializerProtocol,
    config: Mapping[str, Any] | None,
    *,
    filter: Mapping[str, Any] | None,
    before: Mapping[str, Any] | None,
    limit: int | None,
    lists: ListCache,
) -> Plan[list[CheckpointTuple]]:
    """Load matching checkpoints newest first (see ``BaseCheckpointSaver.list``)."""
    q = _queries(dialect)
    configurable = records.list_configurable(config)
    before_id = ((before or {}).get("configurable") or {}).get("checkpoint_id")
    pairs = records.filter_pairs(filter)
    sql, params = q.select_list(configurable, pairs, before_id, limit)
    rows = yield Query(sql, params)
    merged = yield from cold.list_rows(dialect, configurable, pairs, before_id, limit, rows)
    found = []
    for row, segment in merged:
        found.append(
            (yield from _load(dialect, serde, row, lists, remember=False, segment=segment))
        )
    return found


def _load(
    dialect: Dialect,
    serde: SerializerProtocol,
    row: Row,
    lists: ListCache,
    *,
    remember: bool,
    segment: Any = None,
) -> Plan[CheckpointTuple]:
    q = _queries(dialect)
    thread_id, checkpoint_ns, key, parent_key = row[:4]
    parent_id = None if parent_key is None else dialect.id_text(parent_key)
    stored = records.StoredCheckpoint(dialect.id_text(key), parent_id, *row[4:])
    with records.loading(thread_id, checkpoint_ns, stored.checkpoint_id):
        refs = records.decode_refs(stored.blob_refs, stored.checkpoint_id, stored.parent_id)
    pairs = [(channel, ref.origin) for channel, ref in refs.items() if ref.inline is None]
    cached = cached_states(lists, thread_id, checkpoint_ns, pairs)
    kept = kept_items(lists, thread_id, checkpoint_ns, pairs)
    missing = [pair for pair in pairs if pair not in cached and pair not in kept]
    blobs = yield from _fetch_chains(dialect, thread_id, checkpoint_ns, missing)
    if segment is None:
        rows = yield Query(q.select_writes, (thread_id, checkpoint_ns, key))
    else:  # a sealed checkpoint: its writes are in its segment (and any written since)
        rows = yield from cold.merged_writes(dialect, thread_id, checkpoint_ns, key, segment)
    writes = [(dialect.id_text(task_key), *rest) for task_key, *rest in rows]
    source = delta.BlobSource(
        lambda c, o: blobs.get((c, o)),
        cached,
        (lambda c, o, state: lists.put((thread_id, checkpoint_ns, c, o), state))
        if remember
        else None,
        lambda c, o: kept.get((c, o)),
        (lambda c, o, items: lists.put_items((thread_id, checkpoint_ns, c, o), items))
        if remember
        else None,
    )
    return records.decode_tuple(serde, thread_id, checkpoint_ns, stored, source, writes)


def _fetch_chains(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, pairs: Sequence[tuple[str, str]]
) -> Plan[dict[tuple[str, str], tuple[str, bytes]]]:
    """Fetch blobs by (channel, origin) plus every blob their delta chains build on."""
    if not pairs:  # why: the usual put (its bases are cached) reads nothing
        return {}
    return (yield from chains.fetch_chains(dialect, thread_id, checkpoint_ns, pairs))


def put(
    dialect: Dialect,
    serde: SerializerProtocol,
    config: Mapping[str, Any],
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    new_versions: ChannelVersions,
    *,
    lists: ListCache,
    batch: BatchState | None = None,
) -> Plan[Config]:
    """Store a checkpoint: check the head, store changed channels (lists as deltas).

    With ``batch``, rows are left in it for ``BatchState.flush`` (see there).
    """
    q = _queries(dialect)
    thread_id, checkpoint_ns, parent_id = records.config_target(config)
    expected = expected_head(config)
    checkpoint_id = checkpoint["id"]
    type_, data = records.encode_checkpoint(serde, checkpoint, compact=True)
    metadata_json = records.encode_metadata(metadata)
    values = checkpoint["channel_values"]
    # Encode before the first query: drivers run that part outside the transaction.  Lists
    # that extend their kept list encode only their new items.
    appended = appends.prepare_appends(
        serde, lists, (thread_id, checkpoint_ns), values, new_versions
    )
    encoded = {
        c: records.encode_value(serde, c, v)
        for c, v in values.items()
        if c in new_versions and c not in appended
    }
    scope = (thread_id, checkpoint_ns)
    yield from _check_head(dialect, scope, checkpoint_id, expected, batch)
    parent_refs = yield from _parent_refs(
        dialect, thread_id, checkpoint_ns, parent_id, batch, trusted=expected is not None
    )
    refs, to_store = records.plan_blobs(checkpoint_id, checkpoint, new_versions, parent_refs)
    spilled = spill_carried(refs, records.BlobRef)  # before the new values are inlined
    stores = records.blob_stores(serde, values, encoded, to_store, parent_refs, appended)
    for channel in [c for c, (value, blob, _) in stores.items() if is_inlined(value, blob)]:
        refs[channel] = records.BlobRef(
            refs[channel].version, checkpoint_id, stores.pop(channel)[1]
        )
    if any(type(value) is list for value, _, _ in stores.values()):
        target = (*scope, checkpoint_id)
        chosen = yield from _plan_list_blobs(dialect, serde, lists, target, stores, appended, batch)
    else:  # why: only exact lists may become delta blobs; the rest is stored as encoded
        chosen = {
            channel: delta.StoredBlob(blob, None)  # type: ignore[arg-type]
            for channel, (_, blob, _) in stores.items()
        }
    key, id_key = dialect.id_key(checkpoint_id), dialect.id_key
    blob_rows = [
        (thread_id, checkpoint_ns, channel, key, _version_json(refs[channel].version),
         *pack(blob.typed, blob.base), _maybe(id_key, blob.base), _maybe(id_key, blob.root))
        for channel, blob in chosen.items()
    ] + [
        (thread_id, checkpoint_ns, channel, id_key(ref.origin), _version_json(ref.version),
         *ref.inline, None, None)
        for channel, ref in spilled
    ]  # fmt: skip
    row = (thread_id, checkpoint_ns, key, _maybe(id_key, parent_id), type_, data, metadata_json)
    row += (encode_compact(refs, checkpoint_id, parent_id),)
    if batch is None:
        if blob_rows:
            yield Query(q.upsert_blob, blob_rows, many=True)
        yield Query(q.upsert_checkpoint, row)
    else:
        batch.refs[(thread_id, checkpoint_ns, checkpoint_id)] = refs
        batch.blob_rows += blob_rows
        batch.checkpoint_rows.append(row)
    step = metadata.get("step")
    if batch is not None and batch.seals is not None:
        if seal.is_due(step):
            batch.seals.append(scope)
    else:
        yield from seal.maybe_seal(dialect, thread_id, checkpoint_ns, step, refs)
    return records.checkpoint_config(thread_id, checkpoint_ns, checkpoint_id)


def _maybe(id_key: Any, checkpoint_id: str | None) -> Any:
    return None if checkpoint_id is None else id_key(checkpoint_id)


def _check_head(
    dialect: Dialect,
    scope: Scope,
    checkpoint_id: str,
    expected: str | None,
    batch: BatchState | None,
) -> Plan[None]:
    """Compare-and-set on the head of ``scope``; a batch remembers the head it moved."""
    if batch is not None and scope in batch.heads:
        head = batch.heads[scope]  # this transaction wrote it (and shuts out other writers)
    elif expected is not None and batch is not None and dialect.head_check is not None:
        # why: the server compares and raises, so the step's statements need not wait for
        # a reply (dialect.head_check); the head is then this checkpoint
        yield Query(dialect.head_check, (*scope, expected, checkpoint_id), blind=True)
        batch.heads[scope] = checkpoint_id
        return
    elif expected is not None or batch is not None:
        (head_key,) = (yield Query(_queries(dialect).select_head, scope))[0]
        head = None if head_key is None else dialect.id_text(head_key)
    else:
        return
    if expected is not None:
        check_head(*scope, checkpoint_id, expected, head)
    if batch is not None:
        batch.heads[scope] = checkpoint_id if head is None else max(head, checkpoint_id)


def _plan_list_blobs(
    dialect: Dialect,
    serde: SerializerProtocol,
    lists: ListCache,
    target: tuple[str, str, str],
    stores: dict[str, Any],
    appended: Mapping[str, Any],
    batch: BatchState | None,
) -> Plan[dict[str, delta.StoredBlob]]:
    thread_id, checkpoint_ns, _ = target
    missing = delta.bases_to_fetch(lists, thread_id, checkpoint_ns, stores)
    if missing and batch is not None:
        yield from batch.flush_blobs(dialect)  # the chains may include blobs of this batch
    stored = yield from _fetch_chains(dialect, thread_id, checkpoint_ns, missing)
    return delta.plan_list_blobs(
        serde, lists, target, stores, lambda c, o: stored.get((c, o)), appended
    )


def _version_json(version: Any) -> str:
    # why: versions are ints for the built-in savers; str() is json.dumps for them, faster
    return str(version) if type(version) is int else json.dumps(version)


def _parent_refs(
    dialect: Dialect,
    thread_id: str,
    checkpoint_ns: str,
    parent_id: str | None,
    batch: BatchState | None,
    *,
    trusted: bool,
) -> Plan[dict[str, records.BlobRef]]:
    """The parent's refs; ``trusted``: the put checks that the parent is the head."""
    if parent_id is None:
        return {}
    known = None
    if batch is not None:
        known = batch.refs.get((thread_id, checkpoint_ns, parent_id))
        if known is None and trusted and batch.committed is not None:
            known = batch.committed.get(thread_id, checkpoint_ns, parent_id)
    if known is not None:
        return known  # written by this transaction or the saver's last commit of the scope
    key = dialect.id_key(parent_id)
    rows = yield Query(_queries(dialect).select_refs, (thread_id, checkpoint_ns, key))
    if not rows:  # a parent in sealed history (a fork of an old checkpoint), or none
        found = yield from cold.checkpoint_row(dialect, thread_id, checkpoint_ns, key)
        if found is None:
            return {}
        rows = [(found[0][7], found[0][3])]
    grandparent = None if rows[0][1] is None else dialect.id_text(rows[0][1])
    with records.loading(thread_id, checkpoint_ns, parent_id):
        return records.decode_refs(rows[0][0], parent_id, grandparent)


def put_writes(
    dialect: Dialect,
    serde: SerializerProtocol,
    config: Mapping[str, Any],
    writes: Sequence[tuple[str, Any]],
    task_id: str,
    task_path: str,
    *,
    batch: BatchState | None = None,
) -> Plan[None]:
    """Store a task's writes: special channels upserted, others insert-if-absent."""
    q = _queries(dialect)
    thread_id, checkpoint_ns, checkpoint_id = records.write_target(config)
    checkpoint_key, task_key = dialect.id_key(checkpoint_id), dialect.id_key(task_id)
    upserts: list[tuple[Any, ...]] = []
    inserts: list[tuple[Any, ...]] = []
    for row in records.write_rows(writes):
        type_, value = records.encode_value(serde, row.channel, row.value)
        params = (
            thread_id,
            checkpoint_ns,
            checkpoint_key,
            task_key,
            row.idx,
            row.channel,
            type_,
            value,
            task_path,
        )
        (upserts if row.upsert else inserts).append(params)
    if batch is not None:
        batch.write_upserts += upserts
        batch.write_inserts += inserts
        return
    if upserts:
        yield Query(q.upsert_write, upserts, many=True)
    if inserts:
        yield Query(q.insert_write, inserts, many=True)


# why: the thread-wide plans live in their own module, which builds on Query and Plan
# above, and so does chains (bound here, not imported inside _fetch_chains: ~1 us a put)
from . import chains, cold, seal  # noqa: E402
from .maintenance import (  # noqa: E402
    copy_thread,
    delete_for_runs,
    delete_thread,
    prune,
    threads_of_runs,
)
