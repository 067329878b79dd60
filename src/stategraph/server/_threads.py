"""Thread rows: create (with ``if_exists``), look up, search, delete with their checkpoints."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ._db import Resources, now_iso
from ._http import ApiError, reuse_or_conflict

__all__ = ["Threads", "matches_metadata"]

THREAD_STATUSES = ("idle", "busy", "interrupted", "error")
_SORT_KEYS = ("thread_id", "status", "created_at", "updated_at")


def matches_metadata(metadata: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """Return True when every key of ``wanted`` is in ``metadata`` with an equal value."""
    return all(k in metadata and metadata[k] == v for k, v in wanted.items())


class Threads:
    """Thread rows; deleting a thread also deletes its runs and checkpoints."""

    def __init__(self, resources: Resources, checkpointer: Any) -> None:
        self._resources = resources
        self._checkpointer = checkpointer

    def create(
        self, thread_id: str | None, metadata: dict[str, Any], *, if_exists: str = "raise"
    ) -> dict[str, Any]:
        """Insert a thread; an existing id answers 409 (``raise``) or the existing row."""
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
        self._resources.insert("threads", row)
        return row

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


def _keep(row: dict[str, Any], query: Mapping[str, Any]) -> bool:
    if query.get("status") and row["status"] != query["status"]:
        return False
    if query.get("ids") and row["thread_id"] not in query["ids"]:
        return False
    if query.get("metadata") and not matches_metadata(row["metadata"], query["metadata"]):
        return False
    values = row["values"] if isinstance(row["values"], dict) else {}
    return not query.get("values") or matches_metadata(values, query["values"])
