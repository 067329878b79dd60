"""Several put / put_writes ops as one plan, so a saver commits them in one transaction.

The engine hands a saver a group of steps at once (``durability="async"``, see
``pregel._writer``).  The ops' rows are collected in a ``plans.BatchState`` and inserted
together at the end; a put reads the head and the parent's refs from that state when an
earlier op of the group wrote them.  That is exact only while no other writer can move
those heads until the commit: SQLite's write transaction shuts every other writer out,
and a Postgres group takes the head lock of every scope it checks before anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..serde.base import SerializerProtocol
from . import plans
from .dialect import Dialect

__all__ = ["batch_plan"]


def batch_plan(
    dialect: Dialect,
    serde: SerializerProtocol,
    lists: Any,
    ops: Sequence[tuple[Any, ...]],
    *,
    state: plans.BatchState | None = None,
) -> plans.Plan[list[Any]]:
    """Run ``ops`` (``("put", config, checkpoint, metadata, new_versions)`` or
    ``("put_writes", config, writes, task_id[, task_path])``) in order; return their results.

    ``state`` (a fresh one by default) is where the caller finds what the group wrote."""
    results: list[Any] = []
    state = plans.BatchState() if state is None else state
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
