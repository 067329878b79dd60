"""What a Postgres saver asks its driver to run: a shared plan plus locking and retry facts.

Both savers build the same ``Operation`` for a call; the drivers (``_async_driver`` and
the ``_sync_driver`` generated from it) run it in one transaction and, if the connection
drops, again on a fresh connection (``_async_driver.RETRIES`` times).  A retry makes a
fresh plan, so it re-reads everything; it is safe because each operation is idempotent or
says how to tell that the dropped attempt committed (``committed``):

- reads, ``put_writes`` (regular writes insert-if-absent, special ones are replaced by
  the same value), ``delete_thread``, ``copy_thread`` (``ON CONFLICT DO NOTHING``),
  ``prune``, ``delete_for_runs`` and ``setup`` simply run again;
- ``batch`` (every put and put_writes) first checks whether its last put's checkpoint id
  is stored: if so the commit went through and only its acknowledgement was lost, so it
  succeeds without writing again (re-running would fail its own head check: the head is
  now that checkpoint); a group of writes only runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from psycopg import errors

from ...errors import ConcurrentRunError
from .. import _records as records
from .._head import check_head, expected_head
from .._head_refs import HeadRefs
from .._list_cache import ListCache
from .._retention import MaxAge, age_cutoff
from .._sql import migrations, plans, seal
from .._sql.batch import BatchState, batch_plan
from .._sql.dialect import POSTGRES
from .._sql.plans import Plan, Query
from ..serde.base import SerializerProtocol

__all__ = [
    "LOCK_SQL",
    "Operation",
    "batch",
    "begin_statements",
    "head_moved",
    "copy_thread",
    "delete_for_runs",
    "delete_thread",
    "get_tuple",
    "list_tuples",
    "prune",
    "returns_rows",
    "seal_scope",
    "setup",
    "thread_lock",
    "threads_of_runs",
]

# pg_advisory_xact_lock(int4, int4): the first number says what is locked, so these keys
# never collide with another component's locks; released at commit or rollback.
LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, %s)"
_BEGIN = "BEGIN"
# why: a read sees one snapshot across its statements.  Under READ COMMITTED a history
# seal committing between reading an old checkpoint and reading its writes would hide
# them (they moved into a segment); a read-only REPEATABLE READ transaction never fails
# to serialize, so only reads use it.
SNAPSHOT_BEGIN = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
_THREAD_LOCKS = 0x53475448  # "SGTH": one thread's checkpoints
_MIGRATION_LOCK = (0x53474D47, 0)  # "SGMG": the checkpoint schema

_SELECT_STORED = POSTGRES.render(
    "SELECT 1 FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)


class Operation(NamedTuple):
    """One saver call for a driver: a fresh plan per attempt, and how to run it safely."""

    make: Callable[[], Plan[Any]]
    # Advisory locks taken (in this order: sorted, so two transactions never deadlock)
    # as the transaction's first statements, before the plan reads: they serialize the
    # head checks and inserts of each thread across processes (see ``thread_lock``).
    locks: tuple[tuple[int, int], ...] = ()
    # For a retry after a dropped connection: a plan telling whether the dropped attempt
    # committed, and the result to return if it did.
    committed: Callable[[], Plan[bool]] | None = None
    result: Any = None
    begin: str = _BEGIN  # the statement opening its transaction
    pipeline: bool = False  # send statements whose rows the plan does not read unawaited


def thread_lock(thread_id: str) -> tuple[int, int]:
    """Return the advisory lock key of one thread (all its namespaces).

    Puts take it before their head check; delete, copy, prune and seals take it too, so
    none of them interleaves with a put of the same thread (a prune deciding a blob is
    dead while a put commits a checkpoint that refers to it).  Two threads sharing a
    32-bit hash only wait for each other; correctness never depends on the key being
    unique.
    """
    digest = hashlib.blake2b(str(thread_id).encode(), digest_size=4).digest()
    return _THREAD_LOCKS, int.from_bytes(digest, "big", signed=True)


def _thread_locks(thread_ids: Sequence[str]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted({thread_lock(thread_id) for thread_id in thread_ids}))


def begin_statements(
    locks: Sequence[tuple[int, int]], *, pipeline: bool, begin: str = _BEGIN
) -> list[tuple[str, tuple[int, int] | None]]:
    """The statements that open a transaction (and take ``locks``), with their parameters.

    Outside pipeline mode BEGIN and the locks go in one message, one round trip: with no
    parameters the server takes several statements at once, so the integer keys are
    written into the text (they are ints, so nothing else can get in).
    """
    if pipeline:  # pipeline mode sends one statement per message, but does not wait
        return [(begin, None), *((LOCK_SQL, lock) for lock in locks)]
    taken = "".join(f"; SELECT pg_advisory_xact_lock({int(a):d}, {int(b):d})" for a, b in locks)
    return [(begin + taken, None)]


def returns_rows(sql: str) -> bool:
    """Whether a statement of the shared plans produces rows the plan reads."""
    return sql.lstrip()[:6].upper() in ("SELECT", "WITH R")


# --- the operations --------------------------------------------------------------------


def setup() -> Operation:
    """Apply missing migrations, serialized across processes by an advisory lock."""
    return Operation(lambda: migrations.setup(POSTGRES), locks=(_MIGRATION_LOCK,))


def get_tuple(serde: SerializerProtocol, lists: ListCache, config: Mapping[str, Any]) -> Operation:
    """See ``BaseCheckpointSaver.get_tuple``."""
    return Operation(
        lambda: plans.get_tuple(POSTGRES, serde, config, lists),
        begin=SNAPSHOT_BEGIN,
        pipeline=True,  # BEGIN goes with the first read, COMMIT with nothing to wait for
    )


def list_tuples(
    serde: SerializerProtocol,
    lists: ListCache,
    config: Mapping[str, Any] | None,
    **options: Any,
) -> Operation:
    """See ``BaseCheckpointSaver.list``; ``options`` are its filter, before and limit."""
    return Operation(
        lambda: plans.list_tuples(POSTGRES, serde, config, lists=lists, **options),
        begin=SNAPSHOT_BEGIN,
    )


def delete_thread(thread_id: str) -> Operation:
    """See ``BaseCheckpointSaver.delete_thread``."""
    return Operation(
        lambda: plans.delete_thread(POSTGRES, thread_id), locks=_thread_locks([thread_id])
    )


def threads_of_runs(run_ids: Sequence[str]) -> Operation:
    """The threads holding checkpoints of ``run_ids`` (a read: no locks)."""
    run_ids = list(run_ids)
    return Operation(lambda: plans.threads_of_runs(POSTGRES, run_ids), begin=SNAPSHOT_BEGIN)


def delete_for_runs(run_ids: Sequence[str], thread_ids: Sequence[str]) -> Operation:
    """See ``BaseCheckpointSaver.delete_for_runs``, in the ``thread_ids`` found first.

    The threads' locks keep a concurrent put from referring to a blob found dead here.
    """
    run_ids, thread_ids = list(run_ids), list(thread_ids)
    return Operation(
        lambda: plans.delete_for_runs(POSTGRES, run_ids, thread_ids),
        locks=_thread_locks(thread_ids),
    )


def copy_thread(source_thread_id: str, target_thread_id: str) -> Operation:
    """See ``BaseCheckpointSaver.copy_thread``."""
    return Operation(
        lambda: plans.copy_thread(POSTGRES, source_thread_id, target_thread_id),
        locks=_thread_locks([source_thread_id, target_thread_id]),
    )


def prune(
    thread_ids: Sequence[str], keep_last: int | None, strategy: str, max_age: MaxAge | None
) -> Operation:
    """See ``BaseCheckpointSaver.prune``; ``max_age`` is checked here, before any I/O."""
    thread_ids = list(thread_ids)  # a retry iterates them again
    cutoff = age_cutoff(max_age)  # once: a retry compares with the same time
    return Operation(
        lambda: plans.prune(POSTGRES, thread_ids, keep_last, strategy, cutoff),
        locks=_thread_locks(thread_ids),
    )


def batch(
    serde: SerializerProtocol, lists: ListCache, committed: HeadRefs, ops: Sequence[Any]
) -> tuple[Operation, list[BatchState]]:
    """See ``BaseCheckpointSaver.batch``: a group of put / put_writes ops, one transaction.

    The statements go in one pipeline, so a group costs one round trip: the heads are
    checked by the server (``dialect.head_check``) under each thread's lock, the parents'
    refs come from the saver's last commits (``committed``), and seals run after the
    commit (``seal_scope``).  Each attempt's ``BatchState`` is appended to the list
    returned with the operation: after the commit, the last one says what was written.
    """
    ops = list(ops)  # a retry iterates them again
    states: list[BatchState] = []
    checked: list[str] = []  # threads whose head a put checks: their locks are taken first
    results: list[Any] = []  # what each op returns (a put: its checkpoint's config)
    last_put = None
    for op in ops:
        if op[0] != "put":
            results.append(None)
            continue
        thread_id, checkpoint_ns, _ = records.config_target(op[1])
        last_put = (thread_id, checkpoint_ns, op[2]["id"])
        results.append(records.checkpoint_config(*last_put))
        if expected_head(op[1]) is not None:
            checked.append(thread_id)

    def make() -> Plan[Any]:
        state = BatchState(committed=committed, seals=[])
        states.append(state)
        return batch_plan(POSTGRES, serde, lists, ops, state=state)

    def stored() -> Plan[bool]:
        return bool((yield Query(_SELECT_STORED, last_put)))

    operation = Operation(
        make,
        locks=_thread_locks(checked),
        committed=stored if last_put is not None else None,
        result=results,
        pipeline=True,
    )
    return operation, states


def seal_scope(thread_id: str, checkpoint_ns: str) -> Operation:
    """Seal a scope whose put asked for it, after that put committed (its own transaction)."""
    return Operation(
        lambda: seal.seal_scope(POSTGRES, thread_id, checkpoint_ns),
        locks=(thread_lock(thread_id),),
    )


def head_moved(exc: BaseException) -> ConcurrentRunError | None:
    """The ``ConcurrentRunError`` a failed server-side head check stands for, or None."""
    if not isinstance(exc, errors.RaiseException) or exc.diag.message_primary != _MOVED:
        return None
    found = json.loads(exc.diag.message_detail or "{}")
    try:
        check_head(
            found["thread_id"],
            found["checkpoint_ns"],
            found["checkpoint_id"],
            found["expected"],
            found["actual"],
        )
    except ConcurrentRunError as moved:
        return moved
    return None  # why: the server and check_head disagree; the server's error then stands


_MOVED = "stategraph_head_moved"  # the message of migrations._HEAD_CHECK's exception
