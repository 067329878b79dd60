"""The embedded server's thread events: an in-process log per thread that join streams follow.

Events stay ``keep_seconds`` (and at most ``max_events`` per thread), so a client that
reconnects within that time with ``Last-Event-ID`` gets exactly what it missed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from ._thread_events import EventId, format_event_id

__all__ = ["ThreadEvents", "ThreadStreamStatistics"]

KEEP_SECONDS = 120.0
MAX_EVENTS = 10_000


@dataclass(frozen=True, slots=True)
class ThreadStreamStatistics:
    """``followers``: join streams open now; ``threads``: threads with kept events."""

    followers: int
    threads: int


@dataclass(slots=True)
class _Entry:
    event_id: EventId
    stamp: float  # monotonic time of the append, for the retention window
    event: str
    data: Any


@dataclass(slots=True)
class _Log:
    entries: deque[_Entry] = field(default_factory=deque)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    followers: int = 0

    def after(self, cursor: EventId) -> list[_Entry]:
        """The entries newer than ``cursor``, oldest first (new ones are at the right)."""
        newer: list[_Entry] = []
        for entry in reversed(self.entries):
            if entry.event_id <= cursor:
                break
            newer.append(entry)
        return newer[::-1]


class ThreadEvents:
    """Record thread events (``publish``) and follow them (``follow``), in one process."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS, max_events: int = MAX_EVENTS) -> None:
        self._keep = keep_seconds
        self._max = max_events
        self._logs: dict[str, _Log] = {}
        self._last_id: EventId = (0, 0)
        self._swept = time.monotonic()

    def _next_id(self) -> EventId:
        millis = time.time_ns() // 1_000_000
        last_millis, count = self._last_id
        # why: ids keep increasing within a millisecond and if the wall clock steps back
        self._last_id = (millis, 0) if millis > last_millis else (last_millis, count + 1)
        return self._last_id

    def publish(self, thread_id: str, event: str, data: Any) -> None:
        """Record one event of ``thread_id`` and wake its followers."""
        log = self._logs.setdefault(thread_id, _Log())
        now = time.monotonic()
        log.entries.append(_Entry(self._next_id(), now, event, data))
        self._trim(log, now)
        changed, log.changed = log.changed, asyncio.Event()
        changed.set()
        if now - self._swept > self._keep:
            self._sweep(now)

    async def announce(self, thread_id: str, event: str, data: Any) -> None:
        """``publish`` for callers that may also hold the scale-out (async) kind."""
        self.publish(thread_id, event, data)

    def _trim(self, log: _Log, now: float) -> None:
        while log.entries and (
            len(log.entries) > self._max or now - log.entries[0].stamp > self._keep
        ):
            log.entries.popleft()

    def _sweep(self, now: float) -> None:
        """Forget threads whose events all expired and that nobody follows."""
        self._swept = now
        for thread_id, log in list(self._logs.items()):
            self._trim(log, now)
            if not log.entries and not log.followers:
                del self._logs[thread_id]

    async def follow(
        self, thread_id: str, after: EventId | None, *, idle: float | None = None
    ) -> AsyncIterator[tuple[str, str, Any] | None]:
        """Yield ``(id, event, data)`` after ``after`` (None: from now on), never ending.

        With ``idle`` (seconds), yield ``None`` whenever that long passes without an event.
        """
        log = self._logs.setdefault(thread_id, _Log())
        log.followers += 1
        try:
            self._trim(log, time.monotonic())
            cursor = after if after is not None else self._current(log)
            while True:
                changed = log.changed  # taken before reading: an append during yields sets it
                for entry in log.after(cursor):
                    yield format_event_id(entry.event_id), entry.event, entry.data
                    cursor = entry.event_id
                try:
                    await asyncio.wait_for(changed.wait(), idle)
                except TimeoutError:
                    yield None
        finally:
            log.followers -= 1

    def _current(self, log: _Log) -> EventId:
        return log.entries[-1].event_id if log.entries else self._last_id

    def statistics(self) -> ThreadStreamStatistics:
        """How many join streams are open, and for how many threads events are kept."""
        followers = sum(log.followers for log in self._logs.values())
        return ThreadStreamStatistics(followers=followers, threads=len(self._logs))
