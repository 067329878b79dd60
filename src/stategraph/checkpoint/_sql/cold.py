"""Reading sealed history: the rows a query misses in the tables, from their segments.

Every read treats a scope's rows as the tables' rows plus its segments' rows; a row in
a table wins over the same key in a segment (written after the seal: a write to an old
checkpoint, a blob a later checkpoint spilled).  Ids are compared as text here, the
order the id columns keep (``id_keys``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .. import _metadata
from .dialect import Dialect
from .plans import Plan, Query
from .queries import queries_for
from .segments import Segment, decode_segment

__all__ = ["checkpoint_row", "list_rows", "merged_writes", "overlapping", "segment_rows"]

Row = tuple[Any, ...]


def overlapping(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, low: Any, high: Any
) -> Plan[list[Segment]]:
    """Decode the segments of a scope holding ids from ``low`` to ``high`` (keys)."""
    q = queries_for(dialect)
    found = yield Query(q.select_segments_overlapping, (thread_id, checkpoint_ns, low, high))
    where = f"thread {thread_id!r}, namespace {checkpoint_ns!r}"
    return [decode_segment(payload, where) for _, _, payload in found]


def checkpoint_row(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, key: Any
) -> Plan[tuple[Row, Segment] | None]:
    """Find a checkpoint by id (key) in the segments; the row has the table's columns."""
    for segment in (yield from overlapping(dialect, thread_id, checkpoint_ns, key, key)):
        row = segment.checkpoint(key)
        if row is not None:
            return (thread_id, checkpoint_ns, *row), segment
    return None


def merged_writes(
    dialect: Dialect, thread_id: str, checkpoint_ns: str, key: Any, segment: Segment
) -> Plan[list[Row]]:
    """A sealed checkpoint's writes as ``select_writes`` returns them (table rows win)."""
    q = queries_for(dialect)
    by_key: dict[tuple[str, int], tuple[str, Row]] = {}
    for _, task_key, idx, channel, type_, value, task_path in segment.writes_of(key):
        by_key[(dialect.id_text(task_key), idx)] = (task_path, (task_key, channel, type_, value))
    for task_key, channel, type_, value, idx, task_path in (
        yield Query(q.select_writes_with_idx, (thread_id, checkpoint_ns, key))
    ):
        by_key[(dialect.id_text(task_key), idx)] = (task_path, (task_key, channel, type_, value))
    # ordered by (task_path, task_id, idx), as select_writes and LangGraph order them
    return [row for _, (_, row) in sorted(by_key.items(), key=lambda item: (item[1][0], *item[0]))]


def segment_rows(segment: Segment, thread_id: str, checkpoint_ns: str) -> list[Row]:
    """A segment's checkpoint rows with the table's columns."""
    return [(thread_id, checkpoint_ns, *row) for row in segment.checkpoints]


def list_rows(
    dialect: Dialect,
    configurable: Mapping[str, Any],
    pairs: Sequence[tuple[str, str]],
    before_id: str | None,
    limit: int | None,
    table_rows: Sequence[Row],
) -> Plan[list[tuple[Row, Segment | None]]]:
    """Merge a ``list`` query's table rows with the sealed rows it matches.

    Returns rows newest first (then by thread and namespace), each with its segment
    (None for a table row), cut to ``limit``.
    """
    q = queries_for(dialect)
    floor = None
    if limit is not None and len(table_rows) >= limit and table_rows:
        floor = table_rows[-1][2]  # sealed rows below the last table row cannot make the cut
    sql, params = q.select_list_segments(configurable, before_id, floor)
    found = yield Query(sql, params)
    merged: dict[tuple[str, str, str], tuple[Row, Segment | None]] = {}
    for thread_id, checkpoint_ns, _, _, payload in found:
        segment = decode_segment(payload, f"thread {thread_id!r}, namespace {checkpoint_ns!r}")
        for row in segment_rows(segment, thread_id, checkpoint_ns):
            if _matches(dialect, row, configurable, pairs, before_id):
                merged[(thread_id, checkpoint_ns, dialect.id_text(row[2]))] = (row, segment)
    if not merged:
        return [(row, None) for row in table_rows]
    for row in table_rows:
        merged[(row[0], row[1], dialect.id_text(row[2]))] = (row, None)
    ordered = sorted(merged.items(), key=lambda item: (item[0][0], item[0][1]))
    ordered.sort(key=lambda item: item[0][2], reverse=True)  # stable: ties keep thread order
    chosen = [entry for _, entry in ordered]
    return chosen if limit is None else chosen[: max(int(limit), 0)]


def _matches(
    dialect: Dialect,
    row: Row,
    configurable: Mapping[str, Any],
    pairs: Sequence[tuple[str, str]],
    before_id: str | None,
) -> bool:
    checkpoint_id = dialect.id_text(row[2])
    wanted = configurable.get("checkpoint_id")
    if wanted is not None and checkpoint_id != str(wanted):
        return False
    if before_id is not None and not checkpoint_id < str(before_id):
        return False
    if not pairs:
        return True
    metadata = json.loads(row[6])
    for key, value_json in pairs:
        member = metadata.get(key) if type(metadata) is dict else None
        if _metadata.canonical_json(member) != value_json:
            return False
    return True
