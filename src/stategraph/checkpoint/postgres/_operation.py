"""What a Postgres saver asks its driver to run: a shared plan plus locking and retry facts.

Both savers build the same ``Operation`` for a call; the drivers (``_async_driver`` and
the ``_sync_driver`` generated from it) run it in one transaction and, if the connection
drops, again on a fresh connection (``_async_driver.RETRIES`` times).  A retry makes a fresh plan, so it re-reads
everything; it is safe because each operation is idempotent or says how to tell that
the dropped attempt committed (``committed``):

- reads, ``put_writes`` (regular writes insert-if-absent, special ones are replaced by
  the same value), ``delete_thread``, ``copy_thread`` (``ON CONFLICT DO NOTHING``),
  ``prune`` and ``setup`` simply run again;
- ``put`` first checks whether its checkpoint id is stored: if so the commit went
  through and only its acknowledgement was lost, so it succeeds without writing again
  (re-running would fail its own head check: the head is now that checkpoint);
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from .. import _records as records
from .._head import expected_head
from .._list_cache import ListCache
from .._sql import migrations, plans
from .._sql.dialect import POSTGRES
from .._sql.plans import Plan, Query
from ..base import ChannelVersions, Checkpoint, CheckpointMetadata
from ..serde.base import SerializerProtocol

__all__ = [
    "LOCK_SQL",
    "Operation",
    "begin_statements",
    "copy_thread",
    "delete_thread",
    "get_tuple",
    "head_lock",
    "list_tuples",
    "prune",
    "put",
    "put_writes",
    "returns_rows",
    "setup",
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
_HEAD_LOCKS = 0x53474350  # "SGCP": the head of one (thread, namespace)
_MIGRATION_LOCK = (0x53474D47, 0)  # "SGMG": the checkpoint schema

_SELECT_STORED = POSTGRES.render(
    "SELECT 1 FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"
)


class Operation(NamedTuple):
    """One saver call for a driver: a fresh plan per attempt, and how to run it safely."""

    make: Callable[[], Plan[Any]]
    # Advisory lock taken as the transaction's first statement, before the plan reads:
    # it serializes the head check and insert of one (thread, ns) across processes.
    lock: tuple[int, int] | None = None
    # For a retry after a dropped connection: a plan telling whether the dropped attempt
    # committed, and the result to return if it did.
    committed: Callable[[], Plan[bool]] | None = None
    result: Any = None
    begin: str = _BEGIN  # the statement opening its transaction


def head_lock(thread_id: str, checkpoint_ns: str) -> tuple[int, int]:
    """Return the advisory lock key of one (thread, namespace) head.

    Two scopes sharing a 32-bit hash only wait for each other; correctness never
    depends on the key being unique.
    """
    digest = hashlib.blake2b(f"{thread_id}\0{checkpoint_ns}".encode(), digest_size=4).digest()
    return _HEAD_LOCKS, int.from_bytes(digest, "big", signed=True)


def begin_statements(
    lock: tuple[int, int] | None, *, pipeline: bool, begin: str = _BEGIN
) -> list[tuple[str, tuple[int, int] | None]]:
    """The statements that open a transaction (and take ``lock``), with their parameters.

    Outside pipeline mode BEGIN and the lock go in one message, one round trip: with no
    parameters the server takes several statements at once, so the two integer keys are
    written into the text (they are ints, so nothing else can get in).
    """
    if lock is None:
        return [(begin, None)]
    if pipeline:  # pipeline mode sends one statement per message, but does not wait
        return [(begin, None), (LOCK_SQL, lock)]
    first, second = (int(key) for key in lock)
    return [(f"{begin}; SELECT pg_advisory_xact_lock({first:d}, {second:d})", None)]


def returns_rows(sql: str) -> bool:
    """Whether a statement of the shared plans produces rows the plan reads."""
    return sql.lstrip()[:6].upper() in ("SELECT", "WITH R")


# --- the operations --------------------------------------------------------------------


def setup() -> Operation:
    """Apply missing migrations, serialized across processes by an advisory lock."""
    return Operation(lambda: migrations.setup(POSTGRES), lock=_MIGRATION_LOCK)


def get_tuple(serde: SerializerProtocol, lists: ListCache, config: Mapping[str, Any]) -> Operation:
    """See ``BaseCheckpointSaver.get_tuple``."""
    return Operation(
        lambda: plans.get_tuple(POSTGRES, serde, config, lists), begin=SNAPSHOT_BEGIN
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


def put(
    serde: SerializerProtocol,
    lists: ListCache,
    config: Mapping[str, Any],
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    new_versions: ChannelVersions,
) -> Operation:
    """See ``BaseCheckpointSaver.put``."""
    thread_id, checkpoint_ns, _ = records.config_target(config)
    checkpoint_id = checkpoint["id"]

    def make() -> Plan[Any]:
        return plans.put(POSTGRES, serde, config, checkpoint, metadata, new_versions, lists=lists)

    def committed() -> Plan[bool]:
        return bool((yield Query(_SELECT_STORED, (thread_id, checkpoint_ns, checkpoint_id))))

    checked = expected_head(config) is not None
    return Operation(
        make,
        lock=head_lock(thread_id, checkpoint_ns) if checked else None,
        committed=committed,
        result=records.checkpoint_config(thread_id, checkpoint_ns, checkpoint_id),
    )


def put_writes(
    serde: SerializerProtocol,
    config: Mapping[str, Any],
    writes: Sequence[tuple[str, Any]],
    task_id: str,
    task_path: str,
) -> Operation:
    """See ``BaseCheckpointSaver.put_writes``."""
    writes = list(writes)  # a retry iterates them again
    return Operation(lambda: plans.put_writes(POSTGRES, serde, config, writes, task_id, task_path))


def delete_thread(thread_id: str) -> Operation:
    """See ``BaseCheckpointSaver.delete_thread``."""
    return Operation(lambda: plans.delete_thread(POSTGRES, thread_id))


def copy_thread(source_thread_id: str, target_thread_id: str) -> Operation:
    """See ``BaseCheckpointSaver.copy_thread``."""
    return Operation(lambda: plans.copy_thread(POSTGRES, source_thread_id, target_thread_id))


def prune(thread_ids: Sequence[str], keep_last: int | None, strategy: str) -> Operation:
    """See ``BaseCheckpointSaver.prune``."""
    thread_ids = list(thread_ids)  # a retry iterates them again
    return Operation(lambda: plans.prune(POSTGRES, thread_ids, keep_last, strategy))
