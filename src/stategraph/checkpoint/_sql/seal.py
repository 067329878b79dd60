"""Moving a scope's older rows into a history segment, and back (see ``segments``).

``seal`` runs inside a put's transaction, so the move is atomic with the put: a crash
leaves either the rows or the segment, never both or neither.  Segments of a scope
never overlap: seals take the rows above the scope's last segment, and a checkpoint put
out of id order, below it, stays in the tables.  ``unseal_thread`` moves a
thread's segments back into the tables (rows already there win), which ``prune``
does first so it sees every row.
"""

from __future__ import annotations

from typing import Any

from .. import _records as records
from . import segments
from .dialect import Dialect
from .plans import Plan, Query
from .queries import queries_for

__all__ = ["maybe_seal", "seal", "unseal_thread"]

# sorts below every id key: ids are non-empty texts (Postgres) or keys that are texts or
# blobs (SQLite sorts all text before all blobs)
_BELOW_ALL = ""


def maybe_seal(dialect: Dialect, thread_id: str, checkpoint_ns: str, step: Any) -> Plan[None]:
    """Seal when a put reaches a step that is a multiple of ``SEGMENT_ROWS``."""
    size = segments.SEGMENT_ROWS
    if type(step) is int and step > 0 and step % size == 0:
        yield from seal(dialect, thread_id, checkpoint_ns)


def seal(dialect: Dialect, thread_id: str, checkpoint_ns: str) -> Plan[None]:
    """Seal the oldest ``SEGMENT_ROWS`` checkpoints of a scope past ``HOT_ROWS`` newer ones."""
    q = queries_for(dialect)
    scope = (thread_id, checkpoint_ns)
    size = segments.SEGMENT_ROWS
    (tail,) = (yield Query(q.select_segment_tail, scope))[0]
    after = _BELOW_ALL if tail is None else tail
    oldest = yield Query(q.select_oldest_ids, (*scope, after, size + segments.HOT_ROWS))
    if len(oldest) < size + segments.HOT_ROWS:
        return
    first, last = oldest[0][0], oldest[size - 1][0]
    live = yield from _head_refs(dialect, scope)
    bounds = (*scope, first, last)
    checkpoints = yield Query(q.select_checkpoint_range, bounds)
    writes = yield Query(q.select_write_range, bounds)
    blobs = [
        row
        for row in (yield Query(q.select_blob_range, bounds))
        if (row[0], dialect.id_text(row[1])) not in live
    ]
    payload = segments.encode_segment(checkpoints, writes, blobs)
    yield Query(q.delete_write_range, bounds)
    yield Query(q.delete_checkpoint_range, bounds)
    if blobs:
        yield Query(q.delete_blob, [(*scope, row[0], row[1]) for row in blobs], many=True)
    yield Query(q.insert_segment, (*scope, first, last, payload))


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
