"""The run queue's SQL on Postgres: admission, claim, lease, finish, reaper.

Invariants, each held by the database rather than by one process:
- at most one ``running`` run per thread (a partial unique index; a claim that would break
  it fails and is retried later);
- a thread's runs start in creation order (``seq``): a run is claimable only when no run of
  its thread is running and none older is pending;
- only the worker named on a running run (whose lease is live) may finish it; the reaper puts
  a run whose lease expired back to ``pending`` (``error`` after ``max_attempts``).
Every statement is short; no transaction stays open while a graph runs.
"""

from __future__ import annotations

from typing import Any

from psycopg import errors

from .._runs import check_strategy
from ._pg_resources import PgResources, encode, table_name

__all__ = [
    "active_among",
    "active_runs",
    "admit",
    "cancel_pending",
    "delete_rolled_back",
    "ensure_thread",
    "claim",
    "finish",
    "has_active",
    "heartbeat",
    "reap",
    "release",
    "request_cancel",
    "rollback_requested",
]

RUNS = table_name("runs")
THREADS = table_name("threads")
# a cancel's action (a %s parameter) never downgrades a rollback already asked for
_KEEP_ROLLBACK = "CASE WHEN cancel_action = 'rollback' THEN cancel_action ELSE %s END"


def ensure_thread(
    res: PgResources, thread_id: str, *, create: bool, ttl: dict[str, Any] | None = None
) -> bool:
    """Whether thread ``thread_id`` exists, creating it (idle, empty, ``ttl``) when ``create``."""
    if not create:
        return bool(
            res.execute(f"SELECT 1 AS found FROM {THREADS} WHERE thread_id = %s", [thread_id])
        )
    res.execute(
        f"""INSERT INTO {THREADS} (thread_id, metadata, status, "values", interrupts, config,
            created_at, updated_at, ttl)
        VALUES (%s, '{{}}', 'idle', NULL, '{{}}', '{{}}', now(), now(), %s)
        ON CONFLICT (thread_id) DO NOTHING""",
        [thread_id, encode("ttl", ttl)],
    )
    return True


def admit(
    res: PgResources, row: dict[str, Any], strategy: str, assistant: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """Insert a pending run, applying the multitask strategy; mark its thread busy.

    The thread's metadata gains ``graph_id`` and ``assistant_id`` unless it has them.
    Returns the running runs the new one interrupts or rolls back (their cancel, with its
    action, is requested here; the caller publishes it) and the pending runs a rollback
    deleted (the caller deletes their checkpoints).  A busy thread answers 409
    (``reject``) or 422 (unknown strategy).
    """
    thread_id = row["thread_id"]
    columns = ", ".join(f'"{k}"' for k in row)
    insert = f"INSERT INTO {RUNS} ({columns}) VALUES ({', '.join('%s' for _ in row)})"
    values = [encode(k, v) for k, v in row.items()]
    names = {"graph_id": assistant["graph_id"], "assistant_id": assistant["assistant_id"]}
    busy = (
        f"UPDATE {THREADS} SET status = 'busy', metadata = %s || metadata, updated_at = now() "
        "WHERE thread_id = %s"
    )
    if strategy == "enqueue":  # nothing to decide: one statement (seq keeps the order)
        res.execute(
            f"WITH run AS ({insert} RETURNING thread_id) {busy}",
            [*values, encode("metadata", names), thread_id],
        )
        return [], []

    def work(cur: Any) -> tuple[list[str], list[str]]:
        cur.execute(f"SELECT 1 FROM {THREADS} WHERE thread_id = %s FOR UPDATE", (thread_id,))
        active = cur.execute(
            f"SELECT run_id FROM {RUNS} WHERE thread_id = %s "
            "AND status IN ('pending', 'running') ORDER BY seq",
            (thread_id,),
        ).fetchall()
        interrupted: list[str] = []
        dropped: list[str] = []
        if active and strategy != "enqueue":
            check_strategy(thread_id, strategy, active[0]["run_id"])
            if strategy == "rollback":
                gone = cur.execute(
                    f"DELETE FROM {RUNS} WHERE thread_id = %s AND status = 'pending' "
                    "RETURNING run_id",
                    (thread_id,),
                ).fetchall()
                dropped = [r["run_id"] for r in gone]
            else:
                cur.execute(
                    f"UPDATE {RUNS} SET status = 'interrupted', updated_at = now() "
                    "WHERE thread_id = %s AND status = 'pending'",
                    (thread_id,),
                )
            action = "rollback" if strategy == "rollback" else None
            found = cur.execute(
                f"UPDATE {RUNS} SET cancel_requested = TRUE, cancel_action = {_KEEP_ROLLBACK} "
                "WHERE thread_id = %s AND status = 'running' RETURNING run_id",
                (action, thread_id),
            ).fetchall()
            interrupted = [r["run_id"] for r in found]
        cur.execute(insert, values)
        cur.execute(busy, [encode("metadata", names), thread_id])
        return interrupted, dropped

    return res.in_transaction(work)


def claim(res: PgResources, worker_id: str, lease_seconds: float) -> dict[str, Any] | None:
    """Claim the oldest claimable pending run for ``worker_id``; None when there is none."""
    try:
        rows = res.execute(
            f"""UPDATE {RUNS} SET status = 'running', worker_id = %s, attempt = attempt + 1,
                lease_expires_at = now() + make_interval(secs => %s),
                cancel_requested = FALSE, updated_at = now()
            WHERE status = 'pending' AND run_id = (
                SELECT r.run_id FROM {RUNS} r
                WHERE r.status = 'pending' AND NOT EXISTS (
                    SELECT 1 FROM {RUNS} b WHERE b.thread_id = r.thread_id
                    AND (b.status = 'running' OR (b.status = 'pending' AND b.seq < r.seq)))
                ORDER BY r.seq LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING *""",
            (worker_id, lease_seconds),
        )
    except errors.UniqueViolation:
        return None  # another worker started a run of that thread first: look again later
    return rows[0] if rows else None


def heartbeat(
    res: PgResources, worker_id: str, run_ids: list[str], lease_seconds: float
) -> dict[str, bool]:
    """Extend the leases this worker still holds: ``{run_id: cancel_requested}``."""
    rows = res.execute(
        f"""UPDATE {RUNS} SET lease_expires_at = now() + make_interval(secs => %s)
        WHERE worker_id = %s AND status = 'running' AND run_id = ANY(%s)
        RETURNING run_id, cancel_requested""",
        (lease_seconds, worker_id, run_ids),
    )
    return {r["run_id"]: r["cancel_requested"] for r in rows}


def finish(
    res: PgResources, run_id: str, worker_id: str, status: str, error: dict[str, str] | None
) -> bool:
    """Record a run's end if ``worker_id`` still holds it; False when it lost the run."""
    rows = res.execute(
        f"""UPDATE {RUNS} SET status = %s, error = %s, lease_expires_at = NULL,
            updated_at = now()
        WHERE run_id = %s AND worker_id = %s AND status = 'running' RETURNING run_id""",
        (status, encode("error", error), run_id, worker_id),
    )
    return bool(rows)


def release(res: PgResources, run_id: str, worker_id: str, *, count_attempt: bool = False) -> None:
    """Put a run this worker holds back to pending.

    A drain does not count the attempt; a transient failure (``count_attempt``) does, so
    ``max_attempts`` bounds how often it is tried.
    """
    res.execute(
        f"""UPDATE {RUNS} SET status = 'pending', worker_id = NULL, lease_expires_at = NULL,
            attempt = CASE WHEN %s THEN attempt ELSE greatest(attempt - 1, 0) END,
            updated_at = now()
        WHERE run_id = %s AND worker_id = %s AND status = 'running'""",
        (count_attempt, run_id, worker_id),
    )


def reap(res: PgResources, max_attempts: int) -> list[dict[str, Any]]:
    """Put back (or fail, after ``max_attempts``) the running runs whose lease expired.

    Idempotent: concurrent reapers each see a run at most once.  Returns the changed runs
    (``run_id``, ``thread_id``, ``status``).
    """
    message = (
        "Run was claimed %s times and its worker stopped each time before finishing "
        "(lease expired). Check the worker logs for crashes or runs killed for memory."
    )
    return res.execute(
        f"""UPDATE {RUNS} SET
            status = CASE WHEN attempt >= %s THEN 'error' ELSE 'pending' END,
            error = CASE WHEN attempt >= %s THEN jsonb_build_object(
                'error', 'WorkerLost', 'message', format(%s, attempt)) ELSE error END,
            worker_id = NULL, lease_expires_at = NULL, updated_at = now()
        WHERE status = 'running' AND lease_expires_at < now()
        RETURNING run_id, thread_id, status""",
        (max_attempts, max_attempts, message),
    )


def cancel_pending(res: PgResources, run_id: str, action: str = "interrupt") -> str | None:
    """End ``run_id`` if no worker has it yet; return its thread id, else None.

    ``interrupt`` marks it interrupted; ``rollback`` deletes its row (the caller deletes
    the checkpoints an earlier attempt may have written).
    """
    if action == "rollback":
        sql = f"DELETE FROM {RUNS} WHERE run_id = %s AND status = 'pending' RETURNING thread_id"
    else:
        sql = f"""UPDATE {RUNS} SET status = 'interrupted', updated_at = now()
        WHERE run_id = %s AND status = 'pending' RETURNING thread_id"""
    rows = res.execute(sql, (run_id,))
    return rows[0]["thread_id"] if rows else None


def request_cancel(res: PgResources, run_id: str, action: str = "interrupt") -> bool:
    """Flag a running run for cancellation (its worker sees it at the latest on heartbeat).

    The action is kept on the row for the worker to apply once the run has stopped.
    """
    rows = res.execute(
        f"UPDATE {RUNS} SET cancel_requested = TRUE, cancel_action = {_KEEP_ROLLBACK} "
        "WHERE run_id = %s AND status = 'running' RETURNING run_id",
        (None if action == "interrupt" else action, run_id),
    )
    return bool(rows)


def rollback_requested(res: PgResources, run_id: str) -> bool:
    """Whether a rollback of ``run_id`` was asked for (read by its worker once it stopped)."""
    rows = res.execute(f"SELECT cancel_action FROM {RUNS} WHERE run_id = %s", (run_id,))
    return bool(rows) and rows[0]["cancel_action"] == "rollback"


def delete_rolled_back(res: PgResources, run_id: str, worker_id: str) -> bool:
    """Delete a rolled-back run's row if ``worker_id`` still holds it; False if it lost it."""
    rows = res.execute(
        f"""DELETE FROM {RUNS} WHERE run_id = %s AND worker_id = %s AND status = 'running'
        RETURNING run_id""",
        (run_id, worker_id),
    )
    return bool(rows)


def active_among(res: PgResources, run_ids: list[str]) -> set[str]:
    """The ids among ``run_ids`` whose runs are still pending or running."""
    rows = res.execute(
        f"SELECT run_id FROM {RUNS} WHERE run_id = ANY(%s) AND status IN ('pending', 'running')",
        (run_ids,),
    )
    return {r["run_id"] for r in rows}


def has_active(res: PgResources, thread_id: str) -> bool:
    """Whether a run of ``thread_id`` is pending or running."""
    rows = res.execute(
        f"SELECT 1 AS busy FROM {RUNS} WHERE thread_id = %s "
        "AND status IN ('pending', 'running') LIMIT 1",
        (thread_id,),
    )
    return bool(rows)


def active_runs(
    res: PgResources, thread_id: str | None, run_ids: list[str] | None, status: str
) -> list[dict[str, Any]]:
    """Unfinished runs matching a thread, ids and status (pending|running|all)."""
    statuses = ["pending", "running"] if status == "all" else [status]
    rows = res.execute(
        f"""SELECT run_id, thread_id, status FROM {RUNS}
        WHERE status = ANY(%s) AND (%s::text IS NULL OR thread_id = %s)
        AND (%s::text[] IS NULL OR run_id = ANY(%s)) ORDER BY seq""",
        (statuses, thread_id, thread_id, run_ids, run_ids),
    )
    return rows
