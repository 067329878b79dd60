"""Thread rows: create (with ``if_exists``), look up, search, delete with their checkpoints.

A thread may carry a TTL (``_thread_ttl``); :meth:`Threads.expired` and :meth:`Threads.expire`
are what the sweeper uses.  :func:`public` is the row as the API shows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ._db import Resources, now_iso
from ._http import ApiError, reuse_or_conflict
from ._thread_ttl import expires_at, ttl_view

__all__ = ["Threads", "matches_metadata", "public"]

THREAD_STATUSES = ("idle", "busy", "interrupted", "error")
_SORT_KEYS = ("thread_id", "status", "created_at", "updated_at")


def public(row: dict[str, Any], *, with_ttl: bool = False) -> dict[str, Any]:
    """The thread as responses show it: no sweeper columns; ``ttl`` only if asked for."""
    shown = {k: v for k, v in row.items() if k not in ("ttl", "ttl_swept_at")}
    if with_ttl:
        shown["ttl"] = ttl_view(row)
    return shown


def matches_metadata(metadata: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Return True when every key of ``wanted`` is in ``metadata`` with an equal value."""
    return all(k in metadata and metadata[k] == v for k, v in wanted.items())


class Threads:
    """Thread rows; deleting a thread also deletes its runs and checkpoints."""

    def __init__(
        self, resources: Resources, checkpointer: Any, default_ttl: dict[str, Any] | None = None
    ) -> None:
        self._resources = resources
        self._checkpointer = checkpointer
        self.default_ttl = default_ttl  # {"strategy", "ttl_minutes"} for new threads, or None

    def create(
        self,
        thread_id: str | None,
        metadata: dict[str, Any],
        *,
        if_exists: str = "raise",
        ttl: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Insert a thread (``ttl``, else the default); an existing id: 409 or that row."""
        thread_id = thread_id or str(uuid.uuid4())
        existing = self._resources.get("threads", "thread_id", thread_id)
        if existing is not None:
            return reuse_or_conflict(existing, if_exists, f"Thread {thread_id!r}")
        stamp = now_iso()
        row = {
            "thread_id": thread_id,
            "metadata": metadata,
            "status": "idle",
            "values": None,
            "interrupts": {},
            "config": {},
            "created_at": stamp,
            "updated_at": stamp,
        }
        if ttl or self.default_ttl:
            row["ttl"] = ttl or self.default_ttl
        self._resources.insert("threads", row)
        return self.get(thread_id)

    def get(self, thread_id: str) -> dict[str, Any]:
        """Return the thread row, or answer 404."""
        row = self._resources.get("threads", "thread_id", thread_id)
        if row is None:
            raise ApiError(404, f"Thread {thread_id!r} not found.")
        return row

    def exists(self, thread_id: str) -> bool:
        """Return True when a thread row with this id exists."""
        return self._resources.get("threads", "thread_id", thread_id) is not None

    def record(self, thread_id: str, **fields: Any) -> None:
        """Update status/values/interrupts/metadata of a thread."""
        self._resources.update("threads", "thread_id", thread_id, **fields)

    def delete(self, thread_id: str) -> None:
        """Delete the thread, its runs and its checkpoints; answer 404 if unknown."""
        if not self._resources.delete("threads", "thread_id", thread_id):
            raise ApiError(404, f"Thread {thread_id!r} not found.")
        self._resources.delete("runs", "thread_id", thread_id)
        self._checkpointer.delete_thread(thread_id)

    def forget_runs(self, thread_id: str, run_ids: list[str]) -> None:
        """Delete every checkpoint the runs ``run_ids`` of ``thread_id`` wrote (a rollback)."""
        self._checkpointer.delete_for_runs(run_ids, thread_id=thread_id)

    def expired(self, now: datetime) -> list[dict[str, Any]]:
        """Threads whose TTL has passed by ``now`` and that were not pruned since."""
        rows = self._resources.select("threads", "ttl IS NOT NULL")
        return [r for r in rows if _expired(r, now) and not _pruned_since_update(r)]

    def expire(self, row: dict[str, Any]) -> bool:
        """Apply ``row``'s TTL strategy if the row is unchanged and idle; return if it did."""
        thread_id = row["thread_id"]
        if row["ttl"]["strategy"] == "delete":
            # why: one conditional statement, so a run admitted meanwhile (which marks the
            # thread busy and moves updated_at) or another sweeper wins cleanly
            where = "thread_id = ? AND updated_at = ? AND status <> 'busy'"
            if not self._resources.delete_where("threads", where, [thread_id, row["updated_at"]]):
                return False
            self._resources.delete("runs", "thread_id", thread_id)
            self._checkpointer.delete_thread(thread_id)
            return True
        self._checkpointer.prune([thread_id], strategy="keep_latest")
        self.record(thread_id, ttl_swept_at=now_iso(), updated_at=row["updated_at"])
        return True

    def matching(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the threads matching metadata/values (subset match), status and ids."""
        status = query.get("status")
        if status is not None and status not in THREAD_STATUSES:
            raise ApiError(422, f"Body key 'status' must be one of {THREAD_STATUSES}.")
        return [r for r in self._resources.select("threads") if _keep(r, query)]

    def copy(self, thread_id: str) -> dict[str, Any]:
        """Copy a thread (row and checkpoints) under a new id; return the new row."""
        source = self.get(thread_id)
        copy = self.create(None, source["metadata"])
        self._checkpointer.copy_thread(thread_id, copy["thread_id"])
        fields = {k: source[k] for k in ("status", "values", "interrupts")}
        self.record(copy["thread_id"], **fields)
        return self.get(copy["thread_id"])

    def prune(self, thread_ids: list[str], strategy: str) -> int:
        """Delete threads, or keep only their latest checkpoints; return how many existed."""
        existing = [t for t in dict.fromkeys(thread_ids) if self.exists(t)]
        if strategy == "delete":
            for thread_id in existing:
                self.delete(thread_id)
        elif existing:
            self._checkpointer.prune(existing, strategy="keep_latest")
        return len(existing)

    def search(self, query: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return :meth:`matching` threads sorted, then sliced by offset/limit."""
        sort_by = query.get("sort_by") or "created_at"
        if sort_by not in _SORT_KEYS:
            raise ApiError(422, f"Body key 'sort_by' must be one of {_SORT_KEYS}.")
        rows = self.matching(query)
        rows.sort(key=lambda r: r[sort_by], reverse=query.get("sort_order", "desc") != "asc")
        offset, limit = query.get("offset") or 0, query.get("limit")
        return rows[offset : offset + (10 if limit is None else limit)]


def _expired(row: dict[str, Any], now: datetime) -> bool:
    when = expires_at(row)
    return when is not None and when <= now


def _pruned_since_update(row: dict[str, Any]) -> bool:
    swept = row.get("ttl_swept_at")
    if swept is None:
        return False
    return datetime.fromisoformat(swept) >= datetime.fromisoformat(row["updated_at"])


def _keep(row: dict[str, Any], query: Mapping[str, Any]) -> bool:
    if query.get("status") and row["status"] != query["status"]:
        return False
    if query.get("ids") and row["thread_id"] not in query["ids"]:
        return False
    if query.get("metadata") and not matches_metadata(row["metadata"], query["metadata"]):
        return False
    values = row["values"] if isinstance(row["values"], dict) else {}
    return not query.get("values") or matches_metadata(values, query["values"])
