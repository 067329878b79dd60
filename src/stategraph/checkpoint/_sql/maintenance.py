"""Thread-wide checkpoint plans: delete, copy and prune a thread's rows.

Split from ``plans`` (the per-step plans); ``plans`` re-exports them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ...constants import INTERRUPT
from .. import _records as records
from .._retention import CheckpointNode, all_old, keep_count, select_kept, with_bases
from . import seal
from .dialect import Dialect
from .plans import Plan, Query
from .queries import queries_for as _queries

__all__ = ["copy_thread", "delete_for_runs", "delete_thread", "prune", "threads_of_runs"]


def delete_thread(dialect: Dialect, thread_id: str) -> Plan[None]:
    """Delete all rows of one thread."""
    for sql in _queries(dialect).delete_thread:
        yield Query(sql, (str(thread_id),))


def copy_thread(dialect: Dialect, source_thread_id: str, target_thread_id: str) -> Plan[None]:
    """Copy all rows of one thread to another; rows the target has are kept."""
    for sql in _queries(dialect).copy_thread:
        yield Query(sql, (str(target_thread_id), str(source_thread_id)))


def prune(
    dialect: Dialect,
    thread_ids: Sequence[str],
    keep_last: int | None,
    strategy: str,
    cutoff: datetime | None = None,
) -> Plan[None]:
    """Apply the retention rule of ``_retention`` to each thread, then drop dead blobs.

    ``cutoff`` is ``_retention.age_cutoff(max_age)``, taken by the caller once per call
    (so a retried plan compares with the same time).
    """
    keep = keep_count(keep_last, strategy)
    for thread_id in thread_ids:
        if keep is None and cutoff is not None:
            yield from _delete_if_idle(dialect, str(thread_id), cutoff)
        elif keep is None:
            yield from delete_thread(dialect, thread_id)
        else:
            yield from _prune_thread(dialect, str(thread_id), keep, cutoff)


def _delete_if_idle(dialect: Dialect, thread_id: str, cutoff: datetime) -> Plan[None]:
    """Delete a thread if every checkpoint of it is older than ``cutoff``."""
    q = _queries(dialect)
    # why: one recent row (or one of unknown age) in the tables spares the thread, and a
    # scope's newest rows are never sealed; only a thread whose table rows are all old is
    # unsealed, to check its sealed history too (and sealed again if it stays)
    hot = yield Query(q.select_nodes, (thread_id,))
    if not all_old((_text(dialect, key) for _, key, _ in hot), cutoff):
        return
    yield from seal.unseal_thread(dialect, thread_id)
    every = yield Query(q.select_nodes, (thread_id,))
    if all_old((_text(dialect, key) for _, key, _ in every), cutoff):
        yield from delete_thread(dialect, thread_id)
    else:
        yield from seal.seal_thread(dialect, thread_id)


def _text(dialect: Dialect, key: Any) -> Any:
    return None if key is None else dialect.id_text(key)


def _prune_thread(
    dialect: Dialect, thread_id: str, keep: int, cutoff: datetime | None
) -> Plan[None]:
    # why: ids are compared and ordered as text here; keys convert at the queries
    q = _queries(dialect)
    # why: retention decides on every checkpoint; sealed history moves back to the tables
    # first (the next puts seal what is kept again)
    yield from seal.unseal_thread(dialect, thread_id)
    nodes = yield Query(q.select_nodes, (thread_id,))
    interrupted = {
        (checkpoint_ns, _text(dialect, key))
        for checkpoint_ns, key in (yield Query(q.select_interrupted, (thread_id, INTERRUPT)))
    }
    by_scope: dict[str, list[CheckpointNode]] = {}
    for checkpoint_ns, key, parent_key in nodes:
        checkpoint_id = _text(dialect, key)
        node = CheckpointNode(
            checkpoint_id, _text(dialect, parent_key), (checkpoint_ns, checkpoint_id) in interrupted
        )
        by_scope.setdefault(checkpoint_ns, []).append(node)
    doomed = [
        (thread_id, checkpoint_ns, dialect.id_key(node.checkpoint_id))
        for checkpoint_ns, scope_nodes in by_scope.items()
        for kept in [select_kept(scope_nodes, keep, cutoff)]
        for node in scope_nodes
        if node.checkpoint_id not in kept
    ]
    if doomed:
        yield Query(q.delete_writes_of, doomed, many=True)
        yield Query(q.delete_checkpoint, doomed, many=True)
    yield from _drop_dead_blobs(dialect, thread_id)
    yield from seal.seal_thread(dialect, thread_id)


def _drop_dead_blobs(dialect: Dialect, thread_id: str) -> Plan[None]:
    """Delete the blobs of a thread no remaining checkpoint refers to (nor builds on)."""
    q = _queries(dialect)
    live = set()
    for checkpoint_ns, key, parent_key, blob_refs in (
        yield Query(q.select_thread_refs, (thread_id,))
    ):
        checkpoint_id, parent_id = _text(dialect, key), _text(dialect, parent_key)
        with records.loading(thread_id, checkpoint_ns, checkpoint_id):
            refs = records.decode_refs(blob_refs, checkpoint_id, parent_id)
        live.update((checkpoint_ns, channel, ref.origin) for channel, ref in refs.items())
    blobs = yield Query(q.select_blob_keys, (thread_id,))
    bases = {
        (ns, channel, _text(dialect, origin)): (ns, channel, _text(dialect, base))
        for ns, channel, origin, base in blobs
    }
    live = with_bases(live, {key: base for key, base in bases.items() if base[2] is not None})
    dead = [
        (thread_id, ns, channel, dialect.id_key(origin))
        for ns, channel, origin in bases
        if (ns, channel, origin) not in live
    ]
    if dead:
        yield Query(q.delete_blob, dead, many=True)


def threads_of_runs(dialect: Dialect, run_ids: Sequence[str]) -> Plan[list[str]]:
    """The threads holding a checkpoint whose metadata ``run_id`` is one of ``run_ids``.

    Only unsealed rows are searched: a scope's newest checkpoints are never sealed, so a
    run is found unless every checkpoint it wrote was sealed under newer ones.
    """
    found: set[str] = set()
    for run_id in dict.fromkeys(map(str, run_ids)):
        condition, params = dialect.metadata_equals("run_id", json.dumps(run_id))
        sql = dialect.render(f"SELECT DISTINCT thread_id FROM checkpoints WHERE {condition}")
        found.update(thread_id for (thread_id,) in (yield Query(sql, params)))
    return sorted(found)


def delete_for_runs(
    dialect: Dialect, run_ids: Sequence[str], thread_ids: Sequence[str] | None = None
) -> Plan[list[str]]:
    """Delete the checkpoints (and their writes) of ``run_ids``, then the blobs left dead.

    ``thread_ids`` are the threads to look in (``threads_of_runs`` when None); returns
    those that held rows of the runs.  Each of them is unsealed first, so sealed rows of
    the runs go too, and sealed again.
    """
    run_ids = list(dict.fromkeys(map(str, run_ids)))
    if thread_ids is None:
        thread_ids = yield from threads_of_runs(dialect, run_ids)
    touched = []
    for thread_id in thread_ids:
        if not (yield from _rows_of_runs(dialect, thread_id, run_ids)):
            continue  # nothing of the runs in this thread's tables (see threads_of_runs)
        touched.append(thread_id)
        yield from seal.unseal_thread(dialect, thread_id)
        doomed = yield from _rows_of_runs(dialect, thread_id, run_ids)
        yield Query(_queries(dialect).delete_writes_of, doomed, many=True)
        yield Query(_queries(dialect).delete_checkpoint, doomed, many=True)
        yield from _drop_dead_blobs(dialect, thread_id)
        yield from seal.seal_thread(dialect, thread_id)
    return touched


def _rows_of_runs(
    dialect: Dialect, thread_id: str, run_ids: list[str]
) -> Plan[list[tuple[str, str, Any]]]:
    """The (thread, namespace, id key) of the thread's table rows written by ``run_ids``."""
    found = []
    for run_id in run_ids:
        condition, params = dialect.metadata_equals("run_id", json.dumps(run_id))
        sql = dialect.render(
            f"SELECT checkpoint_ns, checkpoint_id FROM checkpoints WHERE thread_id = ? AND {condition}"
        )
        rows = yield Query(sql, [thread_id, *params])
        found.extend((thread_id, checkpoint_ns, key) for checkpoint_ns, key in rows)
    return found
