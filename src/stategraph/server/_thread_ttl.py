"""Thread time-to-live: the ``ttl`` body key, its view on a thread, and the sweeper.

A thread's TTL is ``{"strategy": "delete" | "keep_latest", "ttl_minutes": n}`` (stored in its
``ttl`` column).  It expires ``ttl_minutes`` after its last update (``updated_at``: creation,
``PATCH``, a run starting or ending, a state update), as LangGraph measures it.  The sweeper
then deletes it with its runs and checkpoints (``delete``) or prunes it to its latest
checkpoint (``keep_latest``, once per expiry: ``ttl_swept_at`` records the prune).  A thread
that is busy, or whose row changed since the sweeper read it, is left alone (conditional
SQL), so any number of instances may sweep the same database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ._http import ApiError

__all__ = [
    "STRATEGIES",
    "ThreadSweeper",
    "default_ttl",
    "expires_at",
    "parse_ttl",
    "sweeper_for",
    "ttl_view",
]

STRATEGIES = ("delete", "keep_latest")
DEFAULT_SWEEP_MINUTES = 5.0  # LangGraph's documented default interval
DEFAULT_SWEEP_LIMIT = 1000  # threads handled per sweep

_log = logging.getLogger("stategraph.server.thread_ttl")


def parse_ttl(raw: Any, key: str = "ttl") -> dict[str, Any] | None:
    """Validate a request's ``ttl`` (minutes, or ``{"ttl", "strategy"}``); answer 422 if bad."""
    if raw is None:
        return None
    if _is_number(raw):
        raw = {"ttl": raw}
    if not isinstance(raw, Mapping):
        raise ApiError(
            422, f"Body key {key!r} must be minutes or an object {{'ttl': minutes, 'strategy'}}."
        )
    unknown = set(raw) - {"ttl", "strategy"}
    if unknown:
        raise ApiError(422, f"Body key {key!r} has unknown key(s) {sorted(unknown)}.")
    minutes = raw.get("ttl")
    if not _is_number(minutes) or minutes <= 0:
        raise ApiError(
            422, f"Body key '{key}.ttl' must be a positive number of minutes, got {minutes!r}."
        )
    strategy = raw.get("strategy") or "delete"
    if strategy not in STRATEGIES:
        raise ApiError(
            422, f"Body key '{key}.strategy' must be one of {STRATEGIES}, got {strategy!r}."
        )
    return {"strategy": strategy, "ttl_minutes": minutes}


def default_ttl(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """New threads' TTL from a validated ``checkpointer.ttl`` config, or None."""
    if not config or config.get("default_ttl") is None:
        return None
    return {"strategy": config.get("strategy") or "delete", "ttl_minutes": config["default_ttl"]}


def sweeper_for(server: Any, config: Mapping[str, Any] | None) -> ThreadSweeper:
    """The sweeper of ``server``, paced by ``checkpointer.ttl`` (LangGraph's defaults else)."""
    config = config or {}
    minutes = config.get("sweep_interval_minutes") or DEFAULT_SWEEP_MINUTES
    limit = config.get("sweep_limit") or DEFAULT_SWEEP_LIMIT
    return ThreadSweeper(server, interval_seconds=minutes * 60, limit=limit)


def expires_at(row: Mapping[str, Any]) -> datetime | None:
    """When the thread ``row`` expires (its last update plus its TTL), or None."""
    ttl = row.get("ttl")
    if not ttl:
        return None
    updated = datetime.fromisoformat(row["updated_at"])
    return updated + timedelta(minutes=ttl["ttl_minutes"])


def ttl_view(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``ttl`` a thread response carries: strategy, ttl_minutes, expires_at (or None)."""
    when = expires_at(row)
    if when is None:
        return None
    return {**row["ttl"], "expires_at": when.isoformat()}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class ThreadSweeper:
    """Expire threads whose TTL has passed, every ``interval_seconds`` until cancelled."""

    def __init__(
        self,
        server: Any,
        *,
        interval_seconds: float = DEFAULT_SWEEP_MINUTES * 60,
        limit: int = DEFAULT_SWEEP_LIMIT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._server = server
        self.interval_seconds = interval_seconds
        self.limit = limit
        self.clock = clock or (lambda: datetime.now(UTC))

    def sweep(self) -> list[str]:
        """Expire every due thread without a run in progress; return the ids handled."""
        threads, runs = self._server.threads, self._server.runs
        handled = []
        for row in threads.expired(self.clock())[: self.limit]:
            thread_id = row["thread_id"]
            if runs.is_busy(thread_id):
                continue  # why: never pull a thread from under its run; swept once it ends
            if threads.expire(row):
                handled.append(thread_id)
        return handled

    async def run(self) -> None:
        """Sweep every ``interval_seconds``; a failing sweep is logged, not fatal."""
        while True:
            await asyncio.sleep(self.interval_seconds)
            try:
                self.sweep()
            except Exception:  # why: a database hiccup must not end thread expiry for good
                _log.exception("Thread TTL sweep failed")
