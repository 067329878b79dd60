"""Crons: stored schedules that start runs, and the scheduler task that fires them.

A cron row holds the run request to send (``payload``), its schedule and time zone, and
``next_run_date`` (UTC).  :meth:`Crons.tick` claims the enabled crons that are due (``claim``:
:func:`claim_due` in the embedded server; in scale-out mode ``_scale._crons.claim_due_locked``,
which lets any number of instances tick), admits each one's run through ``runs.start`` (the
path ``POST /threads/{id}/runs`` takes) and moves its ``next_run_date`` past now in the same
claim, then launches the runs; a missed slot (server down) fires once, not once per slot.
A cron without a thread runs on a new thread each time, deleted after the run unless
``on_run_completed`` is ``keep``.  ``clock`` is injectable, so tests never wait for minutes.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from ._cron_schedule import CronSyntaxError, parse_schedule, parse_timezone
from ._db import now_iso
from ._http import ApiError
from ._run_request import parse_run_request
from ._runs import ActiveRun
from ._threads import matches_metadata

__all__ = ["Admitted", "ClaimDue", "Crons", "claim_due", "next_run_date"]

# a started (not yet launched) run and what to call once it has ended
Admitted = tuple[ActiveRun, Callable[[], None]]
# claim(resources, now, admit): run admit on every due cron and advance its next_run_date
ClaimDue = Callable[[Any, datetime, Callable[[dict[str, Any]], Admitted | None]], list[Admitted]]

_log = logging.getLogger("stategraph.server.crons")
SORT_KEYS = (
    "cron_id",
    "assistant_id",
    "thread_id",
    "next_run_date",
    "end_time",
    "created_at",
    "updated_at",
)


def next_run_date(schedule: str, timezone: str | None, after: datetime) -> str:
    """Return the next firing time after ``after`` as a UTC ISO string, or answer 422."""
    try:
        return parse_schedule(schedule).next_after(after, parse_timezone(timezone)).isoformat()
    except CronSyntaxError as exc:
        raise ApiError(422, str(exc)) from None


class Crons:
    """Cron rows over the server's resource tables, and the scheduler that fires them."""

    def __init__(
        self,
        server: Any,
        *,
        clock: Callable[[], datetime] | None = None,
        poll_seconds: float = 2.0,
        claim: ClaimDue | None = None,
    ) -> None:
        self._server = server
        self._resources = server.resources
        self._claim = claim or claim_due
        self.clock = clock or (lambda: datetime.now(UTC))
        self.poll_seconds = poll_seconds

    # ------------------------------------------------------------------ rows
    def create(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Insert a cron from validated ``fields`` (see ``routes/crons.py``); return its row."""
        stamp = now_iso()
        row = {
            "cron_id": str(uuid.uuid4()),
            **fields,
            "enabled": int(fields["enabled"]),
            "next_run_date": next_run_date(fields["schedule"], fields["timezone"], self.clock()),
            "created_at": stamp,
            "updated_at": stamp,
        }
        self._resources.insert("crons", row)
        return self.get(row["cron_id"])

    def get(self, cron_id: str) -> dict[str, Any]:
        """Return the cron, or answer 404."""
        row = self._resources.get("crons", "cron_id", cron_id)
        if row is None:
            raise ApiError(404, f"Cron {cron_id!r} not found.")
        return {**row, "enabled": bool(row["enabled"])}

    def update(self, cron_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply validated ``changes`` (payload keys merged); recompute the next run date."""
        current = self.get(cron_id)
        fields = {k: v for k, v in changes.items() if k != "payload"}
        if "payload" in changes:
            fields["payload"] = {**current["payload"], **changes["payload"]}
        if "metadata" in changes:
            fields["metadata"] = {**current["metadata"], **changes["metadata"]}
        if "enabled" in fields:
            fields["enabled"] = int(fields["enabled"])
        merged = {**current, **fields}
        fields["next_run_date"] = next_run_date(
            merged["schedule"], merged["timezone"], self.clock()
        )
        self._resources.update("crons", "cron_id", cron_id, **fields)
        return self.get(cron_id)

    def delete(self, cron_id: str) -> None:
        """Delete the cron, or answer 404."""
        if not self._resources.delete("crons", "cron_id", cron_id):
            raise ApiError(404, f"Cron {cron_id!r} not found.")

    def matching(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return crons matching assistant_id, thread_id, enabled and metadata (subset)."""
        rows = [{**r, "enabled": bool(r["enabled"])} for r in self._resources.select("crons")]
        return [r for r in rows if _keep(r, query)]

    def search(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return :meth:`matching` crons sorted, sliced by offset/limit, projected by select."""
        sort_by = query.get("sort_by") or "created_at"
        rows = self.matching(query)
        rows.sort(key=lambda r: r[sort_by] or "", reverse=query.get("sort_order") != "asc")
        offset, limit = query.get("offset") or 0, query.get("limit")
        page = rows[offset : offset + (10 if limit is None else limit)]
        select = query.get("select")
        return [{k: r[k] for k in select} for r in page] if select else page

    # ------------------------------------------------------------- scheduling
    async def tick(self) -> list[ActiveRun]:
        """Start every enabled cron that is due now; return the runs started."""
        now = self.clock()
        started = self._claim(self._resources, now, lambda cron: self._admit(cron, now))
        for active, on_done in started:  # why: after the claim committed, so workers see it
            self._server.runs.launch(active, on_done)
        return [active for active, _ in started]

    def _admit(self, cron: dict[str, Any], now: datetime) -> Admitted | None:
        """Admit the run of a due cron; switch off an ended cron or one whose thread went."""
        cron_id = cron["cron_id"]
        if cron["end_time"] and datetime.fromisoformat(cron["end_time"]) < now:
            self._resources.update("crons", "cron_id", cron_id, enabled=0)
            return None
        try:
            return self._start(cron)
        except ApiError as exc:  # e.g. its thread was deleted, or is busy under 'reject'
            _log.warning("Cron %s did not start a run: %s", cron_id, exc.detail)
            if cron["thread_id"] and not self._server.threads.exists(cron["thread_id"]):
                self._resources.update("crons", "cron_id", cron_id, enabled=0)
            return None

    def _start(self, cron: dict[str, Any]) -> Admitted:
        request = parse_run_request({**cron["payload"], "assistant_id": cron["assistant_id"]})
        request.metadata = {**request.metadata, "cron_id": cron["cron_id"]}
        runs, threads = self._server.runs, self._server.threads
        if cron["thread_id"] is not None:
            return runs.start(cron["thread_id"], request), lambda: None
        request.if_not_exists = "create"
        active = runs.start(str(uuid.uuid4()), request)
        if cron["on_run_completed"] == "keep":
            return active, lambda: None

        def drop_thread() -> None:
            # why: a watcher stopped early (its process shutting down) must not delete the
            # thread of a run still queued or executing elsewhere
            if not runs.is_busy(active.thread_id) and threads.exists(active.thread_id):
                threads.delete(active.thread_id)

        return active, drop_thread

    async def run(self) -> None:
        """Tick every ``poll_seconds`` until cancelled; a failing tick is logged, not fatal."""
        while True:
            try:
                await self.tick()
            except Exception:  # why: one bad cron row must not stop every other schedule
                _log.exception("Cron scheduler tick failed")
            await asyncio.sleep(self.poll_seconds)


def claim_due(
    resources: Any, now: datetime, admit: Callable[[dict[str, Any]], Admitted | None]
) -> list[Admitted]:
    """Admit the due enabled crons of one process's database, each then moved past ``now``.

    The embedded server is the only scheduler of its database, so no lock is needed; the
    scale-out claim (``_scale._crons``) does the same under ``FOR UPDATE SKIP LOCKED``.
    """
    admitted = []
    for cron in resources.select("crons", "enabled = ?", [1]):
        due = cron["next_run_date"] and datetime.fromisoformat(cron["next_run_date"]) <= now
        if not due:
            continue
        try:
            started = admit(cron)
        finally:
            after = next_run_date(cron["schedule"], cron["timezone"], now)
            resources.update("crons", "cron_id", cron["cron_id"], next_run_date=after)
        if started is not None:
            admitted.append(started)
    return admitted


def _keep(row: dict[str, Any], query: Mapping[str, Any]) -> bool:
    for key in ("assistant_id", "thread_id", "enabled"):
        if query.get(key) is not None and row[key] != query[key]:
            return False
    return not query.get("metadata") or matches_metadata(row["metadata"], query["metadata"])
