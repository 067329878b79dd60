"""Claim due crons on Postgres, so any number of instances may run the cron scheduler.

One transaction locks the due rows with ``FOR UPDATE SKIP LOCKED`` (a row another instance
is firing is skipped, not waited for), admits each one's run through the normal admission
path (``ScaleRuns.start``, whose statements join this transaction on the same connection)
and moves its ``next_run_date`` past now.  Invariant: a cron's due time is claimed by the
one transaction that advances it, so each due time admits at most one run across every
instance, and exactly one unless admission refused it (a busy thread under ``reject``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .._crons import Admitted, next_run_date
from ._pg_resources import PgResources, decode_row, table_name

__all__ = ["claim_due_locked"]

CRONS = table_name("crons")
BATCH = 50  # crons claimed per transaction; the rest wait for the next tick

_log = logging.getLogger("stategraph.server.crons")


def claim_due_locked(
    res: PgResources, now: datetime, admit: Callable[[dict[str, Any]], Admitted | None]
) -> list[Admitted]:
    """Admit the due enabled crons no other instance holds; advance each past ``now``."""

    def work(cur: Any) -> list[Admitted]:
        rows = cur.execute(
            f"""SELECT * FROM {CRONS} WHERE enabled = 1 AND next_run_date <= %s
            ORDER BY next_run_date LIMIT %s FOR UPDATE SKIP LOCKED""",
            (now, BATCH),
        ).fetchall()
        admitted = []
        for cron in map(decode_row, rows):
            started = _admit_one(res, cron, admit)
            if started is not None:
                admitted.append(started)
            cur.execute(
                f"UPDATE {CRONS} SET next_run_date = %s, updated_at = now() WHERE cron_id = %s",
                (next_run_date(cron["schedule"], cron["timezone"], now), cron["cron_id"]),
            )
        return admitted

    return res.in_transaction(work)


def _admit_one(
    res: PgResources, cron: dict[str, Any], admit: Callable[[dict[str, Any]], Admitted | None]
) -> Admitted | None:
    """``admit`` inside a savepoint: a failing cron is logged and undone, the others go on."""
    try:
        with res.transaction():  # nested: a savepoint of the claim's transaction
            return admit(cron)
    except Exception:  # why: one bad cron row must not stop the others' schedules
        _log.exception(
            "Cron %s failed to start a run; skipped until its next time", cron["cron_id"]
        )
        return None
