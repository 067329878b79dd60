"""Moving a scope's older rows into a history segment, and back (see ``segments``).

``seal`` runs inside a put's transaction, so the move is atomic with the put: a crash
leaves either the rows or the segment, never both or neither.  Segments of a scope
never overlap: seals take the rows above the scope's last segment, and a checkpoint put
out of id order, below it, stays in the tables.  ``unseal_thread`` moves a
thread's segments back into the tables (rows already there win), which ``prune``
does first so it sees every row; it seals what it keeps again (``seal_thread``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _records as records
from . import segments
from .dialect import Dialect
from .plans import Plan, Query
from .queries import queries_for

__all__ = ["is_due", "maybe_seal", "seal", "seal_scope", "seal_thread", "unseal_thread"]

# why: a segment is decoded whole to read one row of it: steps are sealed only while their
# rows stay within this many bytes, and a blob larger than LOOSE_BLOB stays in its table
MAX_SEGMENT_BYTES = 4 << 20
LOOSE_BLOB = 256 << 10

# sorts below every id key: ids are non-empty texts (Postgres) or keys that are texts or
# blobs (SQLite sorts all text before all blobs)
_BELOW_ALL = ""


# why: a backlog of unsealed rows (a database from before sealing, a thread just pruned)
# shrinks by up to this many segments a trigger, while a put pays for at most that many
CATCH_UP = 4


def maybe_seal(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, step: Any, refs: Mapping[str, Any]
) -> Plan[None]:
    """Seal when a put reaches a step that is a multiple of ``SEGMENT_ROWS``.

    ``refs`` are the blob refs of the checkpoint just put: the newest of its scope.
    """
    if is_due(step):
        live = {(channel, ref.origin) for channel, ref in refs.items() if ref.inline is None}
        yield from seal_scope(dialect, thread_id, checkpoint_ns, live)


def is_due(step: Any) -> bool:
    """Whether a put of metadata step ``step`` triggers a seal of its scope."""
    return type(step) is int and step > 0 and step % segments.SEGMENT_ROWS == 0


def seal_scope(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, live: set[tuple[str, str]] | None = None
) -> Plan[None]:
    """Seal up to ``CATCH_UP`` segments of a scope, keeping the ``live`` blobs in the tables.

    Without ``live`` (a seal run after its triggering put committed, in its own
    transaction) the head's refs are read again: newer puts may have committed since.
    """
    for _ in range(CATCH_UP):
        if not (yield from seal(dialect, thread_id, checkpoint_ns, live)):
            break


def seal_thread(dialect: Dialect, thread_id: str) -> Plan[None]:
    """Seal every namespace of a thread as far as the rules allow (after ``prune``)."""
    q = queries_for(dialect)
    for (checkpoint_ns,) in (yield Query(q.select_thread_namespaces, (thread_id,))):
        while (yield from seal(dialect, thread_id, checkpoint_ns)):
            pass


def seal(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, live: set[tuple[str, str]] | None = None
) -> Plan[bool]:
    """Seal the oldest ``SEGMENT_ROWS`` checkpoints of a scope past ``HOT_ROWS`` newer ones."""
    q = queries_for(dialect)
    scope = (thread_id, checkpoint_ns)
    size = segments.SEGMENT_ROWS
    (tail,) = (yield Query(q.select_segment_tail, scope))[0]
    after = _BELOW_ALL if tail is None else tail
    oldest = yield Query(q.select_oldest_ids, (*scope, after, size + segments.HOT_ROWS))
    if len(oldest) < size + segments.HOT_ROWS:
        return False
    first, last = oldest[0][0], oldest[size - 1][0]
    if live is None:
        live = yield from _head_refs(dialect, scope)
    bounds = (*scope, first, last)
    checkpoints = yield Query(q.select_checkpoint_range, bounds)
    writes = yield Query(q.select_write_range, bounds)
    blobs = [
        row
        for row in (yield Query(q.select_blob_range, bounds))
        if (row[0], dialect.id_text(row[1])) not in live and _size(row[4]) <= LOOSE_BLOB
    ]
    last = _cut(dialect, checkpoints, writes, blobs)
    text = dialect.id_text(last)
    checkpoints = [row for row in checkpoints if dialect.id_text(row[0]) <= text]
    writes = [row for row in writes if dialect.id_text(row[0]) <= text]
    blobs = [row for row in blobs if dialect.id_text(row[1]) <= text]
    payload = segments.encode_segment(checkpoints, writes, blobs)
    bounds = (*scope, first, last)
    yield Query(q.delete_write_range, bounds)
    yield Query(q.delete_checkpoint_range, bounds)
    if blobs:
        yield Query(q.delete_blob, [(*scope, row[0], row[1]) for row in blobs], many=True)
    yield Query(q.insert_segment, (*scope, first, last, payload))
    return True


def _size(value: Any) -> int:
    return 0 if value is None else len(value)


def _cut(
    dialect: Dialect,
    checkpoints: list[Any],
    writes: list[Any],
    blobs: list[Any],
) -> Any:
    """The last id (key) of the longest run of checkpoints within ``MAX_SEGMENT_BYTES``.

    A segment is decoded whole to read any row of it; this keeps that bounded when steps
    are large.  The first checkpoint is always taken, so sealing makes progress.
    """
    weight: dict[str, int] = {}
    for row in checkpoints:
        weight[dialect.id_text(row[0])] = sum(_size(v) for v in row[2:])
    for row in writes:
        key = dialect.id_text(row[0])
        weight[key] = weight.get(key, 0) + _size(row[5])
    for row in blobs:
        key = dialect.id_text(row[1])
        weight[key] = weight.get(key, 0) + _size(row[4])
    ordered = sorted(dialect.id_text(row[0]) for row in checkpoints)
    keys = {dialect.id_text(row[0]): row[0] for row in checkpoints}
    total, chosen = 0, ordered[0]
    for checkpoint_id in ordered:
        total += weight.get(checkpoint_id, 0)
        if total > MAX_SEGMENT_BYTES and checkpoint_id != ordered[0]:
            break
        chosen = checkpoint_id
    return keys[chosen]


def _head_refs(dialect: Dialect, scope: tuple[str, str]) -> Plan[set[tuple[str, str]]]:
    """The (channel, origin) blobs the newest checkpoint of ``scope`` refers to."""
    rows = yield Query(queries_for(dialect).select_latest, scope)
    if not rows:
        return set()
    row = rows[0]
    checkpoint_id = dialect.id_text(row[2])
    parent_id = None if row[3] is None else dialect.id_text(row[3])
    with records.loading(*scope, checkpoint_id):
        refs = records.decode_refs(row[7], checkpoint_id, parent_id)
    return {(channel, ref.origin) for channel, ref in refs.items() if ref.inline is None}


def unseal_thread(dialect: Dialect, thread_id: str) -> Plan[None]:
    """Move every segment of a thread back into the tables."""
    q = queries_for(dialect)
    found = yield Query(q.select_thread_segments, (thread_id,))
    if not found:
        return
    for checkpoint_ns, _, _, payload in found:
        where = f"thread {thread_id!r}, namespace {checkpoint_ns!r}"
        segment = segments.decode_segment(payload, where)
        scope = (thread_id, checkpoint_ns)
        if segment.checkpoints:
            rows = [(*scope, *row) for row in segment.checkpoints]
            yield Query(q.restore_checkpoint, rows, many=True)
        if segment.writes:
            rows = [(*scope, *row) for row in segment.writes]
            yield Query(q.restore_write, rows, many=True)
        if segment.blobs:
            rows = [(*scope, *row) for row in segment.blobs]
            yield Query(q.restore_blob, rows, many=True)
    yield Query(q.delete_thread_segments, (thread_id,))
