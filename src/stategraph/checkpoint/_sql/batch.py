"""Several put / put_writes ops as one plan, so a saver commits them in one transaction.

The engine hands a saver a group of steps at once (``durability="async"``, see
``pregel._writer``).  The ops' rows are collected in a ``BatchState`` and inserted
together at the end; a put reads the head and the parent's refs from that state when an
earlier op of the group wrote them.  That is exact only while no other writer can move
those heads until the commit: SQLite's write transaction shuts every other writer out,
and a Postgres group takes the lock of every thread it checks before anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .._head_refs import HeadRefs
from .._records import BlobRef
from ..serde.base import SerializerProtocol
from . import plans
from .dialect import Dialect

__all__ = ["BatchState", "batch_plan"]

Scope = tuple[str, str]  # (thread_id, checkpoint_ns)


@dataclass(slots=True)
class BatchState:
    """What the puts of one write transaction did, so later puts in it need not ask again.

    Rows are collected here and inserted by ``flush``, one statement per table.
    A put reads the head and the parent's refs from here when this transaction wrote
    them: exact only while no other writer can move those heads until the commit
    (SQLite's ``BEGIN IMMEDIATE``; Postgres takes every checked thread's lock first).
    """

    heads: dict[Scope, str | None] = field(default_factory=dict)
    refs: dict[tuple[str, str, str], dict[str, BlobRef]] = field(default_factory=dict)
    # The saver's refs of checkpoints committed before this transaction (see _head_refs).
    committed: HeadRefs | None = None
    # Scopes whose step asks for a seal, when the saver seals after the commit instead of
    # inside it (Postgres: the seal's reads would hold the group's locks); None: inside.
    seals: list[Scope] | None = None
    blob_rows: list[tuple[Any, ...]] = field(default_factory=list)
    checkpoint_rows: list[tuple[Any, ...]] = field(default_factory=list)
    write_upserts: list[tuple[Any, ...]] = field(default_factory=list)
    write_inserts: list[tuple[Any, ...]] = field(default_factory=list)

    def flush_blobs(self, dialect: Dialect) -> plans.Plan[None]:
        """Insert the collected blob rows (before anything reads blobs)."""
        if self.blob_rows:
            q = plans._queries(dialect)
            yield _rows(q, q.upsert_blob, self.blob_rows)
            self.blob_rows = []

    def flush(self, dialect: Dialect) -> plans.Plan[None]:
        """Insert every collected row, in the order the single-op plans would."""
        q = plans._queries(dialect)
        yield from self.flush_blobs(dialect)
        for sql, rows in (
            (q.upsert_checkpoint, self.checkpoint_rows),
            (q.upsert_write, self.write_upserts),
            (q.insert_write, self.write_inserts),
        ):
            if rows:
                yield _rows(q, sql, rows)
        self.checkpoint_rows, self.write_upserts, self.write_inserts = [], [], []


def _rows(q: Any, sql: str, rows: list[tuple[Any, ...]]) -> plans.Query:
    """Insert ``rows`` with ``sql``: one execution per row, or one for all (``q.bulk``)."""
    bulk = q.bulk.get(sql)
    if bulk is None or len(rows) == 1:
        return plans.Query(sql, rows, many=True)
    # why: one statement may not touch a row twice with DO UPDATE, and sequential inserts
    # keep the last of a key's rows (DO UPDATE) or the first (DO NOTHING)
    width, unique = bulk.key_width, {}
    for row in rows:
        if bulk.last_wins:
            unique[row[:width]] = row
        else:
            unique.setdefault(row[:width], row)
    return plans.Query(bulk.sql, [list(column) for column in zip(*unique.values(), strict=True)])


def batch_plan(
    dialect: Dialect,
    serde: SerializerProtocol,
    lists: Any,
    ops: Sequence[tuple[Any, ...]],
    *,
    state: BatchState | None = None,
) -> plans.Plan[list[Any]]:
    """Run ``ops`` (``("put", config, checkpoint, metadata, new_versions)`` or
    ``("put_writes", config, writes, task_id[, task_path])``) in order; return their results.

    ``state`` (a fresh one by default) is where the caller finds what the group wrote."""
    results: list[Any] = []
    state = BatchState() if state is None else state
    for op in ops:
        if op[0] == "put":
            put = plans.put(dialect, serde, *op[1:5], lists=lists, batch=state)
            results.append((yield from put))
        elif op[0] == "put_writes":
            task_path = op[4] if len(op) > 4 else ""
            writes = plans.put_writes(dialect, serde, *op[1:4], task_path, batch=state)
            results.append((yield from writes))
        else:
            raise ValueError(f"batch() takes put and put_writes ops, got {op[0]!r}")
    yield from state.flush(dialect)
    return results
