"""The events of one background run, kept while it executes so join streams can follow it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["RunLog"]


class RunLog:
    """An append-only list of ``(event, data)``; followers wake on every append and on close."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.done = False
        self._changed = asyncio.Event()

    def append(self, event: str, data: Any) -> None:
        """Record one event and wake the followers."""
        self.events.append((event, data))
        self._wake()

    def close(self) -> None:
        """Mark the run ended; followers return once they have read every event."""
        self.done = True
        self._wake()

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def follow_after(
        self, last: int | None, *, idle: float | None = None
    ) -> AsyncIterator[tuple[int, str, Any] | None]:
        """Follow the events after id ``last`` (None: only those appended from now on)."""
        return self.follow(len(self.events) if last is None else last + 1, idle=idle)

    async def follow(
        self, start: int = 0, *, idle: float | None = None
    ) -> AsyncIterator[tuple[int, str, Any] | None]:
        """Yield ``(index, event, data)`` from ``start`` on, waiting for new ones until close.

        With ``idle`` (seconds), yield ``None`` whenever that long passes without an event.
        """
        index = start
        while True:
            # why: taken before reading, so an append during our yields sets it and wait() returns
            changed = self._changed
            while index < len(self.events):
                event, data = self.events[index]
                yield index, event, data
                index += 1
            if self.done:
                return
            try:
                await asyncio.wait_for(changed.wait(), idle)
            except TimeoutError:
                yield None
