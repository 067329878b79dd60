"""Several put / put_writes ops as one plan, so a saver commits them in one transaction.

The engine hands a saver a group of steps at once (``durability="async"``, see
``pregel._writer``).  The ops' rows are collected in a ``plans.BatchState`` and inserted
together at the end; a put reads the head and the parent's refs from that state when an
earlier op of the group wrote them.  That is exact only while no other writer can move
those heads until the commit: SQLite's write transaction shuts every other writer out,
so only the SQLite savers batch (Postgres savers put op by op).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import _records as records
from ..serde.base import SerializerProtocol
from . import plans
from .dialect import Dialect
from .queries import queries_for

__all__ = ["batch_plan"]


def batch_plan(
    dialect: Dialect, serde: SerializerProtocol, lists: Any, ops: Sequence[tuple[Any, ...]]
) -> plans.Plan[list[Any]]:
    """Run ``ops`` (``("put", config, checkpoint, metadata, new_versions)`` or
    ``("put_writes", config, writes, task_id[, task_path])``) in order; return their results."""
    results: list[Any] = []
    state = plans.BatchState()
    yield from _prefetch(dialect, ops, state)
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


def _prefetch(
    dialect: Dialect, ops: Sequence[tuple[Any, ...]], state: plans.BatchState
) -> plans.Plan[None]:
    """Read the heads of the group's scopes and the refs of the parents it does not put
    itself, two queries in all, so its puts ask nothing one by one.

    why: the puts of a group of many threads asked for each head and parent on their
    own, a round trip each; on a busy client each round trip also waits for the GIL.
    """
    scopes: dict[tuple[str, str], None] = {}
    parents: dict[tuple[str, str, str], None] = {}
    own: set[tuple[str, str, str]] = set()
    for op in ops:
        if op[0] != "put":
            continue
        thread_id, checkpoint_ns, parent_id = records.config_target(op[1])
        scopes[(thread_id, checkpoint_ns)] = None
        if parent_id is not None and (thread_id, checkpoint_ns, parent_id) not in own:
            parents[(thread_id, checkpoint_ns, parent_id)] = None
        own.add((thread_id, checkpoint_ns, op[2]["id"]))
    if len(scopes) < 2:  # why: one scope's puts ask once each anyway (the state keeps it)
        return
    q = queries_for(dialect)
    params = [value for scope in scopes for value in scope]
    heads = dict.fromkeys(scopes)
    for thread_id, checkpoint_ns, head in (yield plans.Query(q.select_heads(len(scopes)), params)):
        heads[(thread_id, checkpoint_ns)] = None if head is None else dialect.id_text(head)
    state.heads.update(heads)
    if not parents:
        return
    params = [v for t, ns, p in parents for v in (t, ns, dialect.id_key(p))]
    for thread_id, checkpoint_ns, key, refs, grandparent in (
        yield plans.Query(q.select_refs_of(len(parents)), params)
    ):
        checkpoint_id = dialect.id_text(key)
        parent_id = None if grandparent is None else dialect.id_text(grandparent)
        with records.loading(thread_id, checkpoint_ns, checkpoint_id):
            decoded = records.decode_refs(refs, checkpoint_id, parent_id)
        state.refs[(thread_id, checkpoint_ns, checkpoint_id)] = decoded
