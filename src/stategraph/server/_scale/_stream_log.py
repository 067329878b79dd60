"""A run's events read back from its Redis Stream, from any API process.

``follow`` yields ``(index, event, data)`` like the embedded ``RunLog`` does, ``None`` after
each ``idle`` quiet period (a heartbeat), and returns at the stream's end marker.  Postgres
decides when a run has ended if the marker never comes (Redis lost the stream, or it
expired): then whatever the stream still holds is read, and a failed run whose events are
gone is answered with its recorded error.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

from redis.exceptions import RedisError

from ._bus import Bus

__all__ = ["StreamLog"]

_TERMINAL = ("success", "error", "interrupted", "timeout")


class StreamLog:
    """Follow run ``run_id``'s events; ``run_row`` reads its Postgres row (None if gone)."""

    def __init__(
        self, bus: Bus, run_id: str, run_row: Callable[[], dict[str, Any] | None], poll: float
    ) -> None:
        self._bus = bus
        self._run_id = run_id
        self._run_row = run_row
        self._poll = poll

    def follow_after(
        self, last: int | None, *, idle: float | None = None
    ) -> AsyncIterator[tuple[int, str, Any] | None]:
        """Follow the events after id ``last`` (None: only those added from now on)."""
        return self.follow(None if last is None else last + 1, idle=idle)

    async def follow(
        self, start: int | None = 0, *, idle: float | None = None
    ) -> AsyncIterator[tuple[int, str, Any] | None]:
        """Yield events from index ``start`` (None: the current end) until the run ends."""
        index = await self._bus.event_count(self._run_id) if start is None else start
        block = self._poll if idle is None else min(self._poll, idle)
        quiet, seen = 0.0, False
        while True:
            entries = await self._read(index, block)
            for entry_index, entry in entries or []:
                if entry is None:
                    return
                seen = True
                yield entry_index, entry["event"], entry["data"]
                index = entry_index + 1
            if entries:
                quiet = 0.0
                continue
            quiet += block
            row = self._run_row()
            if row is None or row["status"] in _TERMINAL:
                async for item in self._drain(index, row, seen):
                    yield item
                return
            if idle is not None and quiet >= idle:
                quiet = 0.0
                yield None

    async def _read(self, index: int, block: float) -> list[Any] | None:
        try:
            return await self._bus.read(self._run_id, index, block)
        except (RedisError, OSError):
            await asyncio.sleep(block)  # Redis away: Postgres still tells when the run ends
            return None

    async def _drain(
        self, index: int, row: dict[str, Any] | None, seen: bool
    ) -> AsyncIterator[tuple[int, str, Any]]:
        """The run ended: yield what the stream still holds, or its recorded error."""
        entries = await self._read(index, 0.0) if await self._bus.has_stream(self._run_id) else None
        for entry_index, entry in entries or []:
            if entry is None:
                return
            yield entry_index, entry["event"], entry["data"]
        if not entries and not seen and row is not None and row.get("error"):
            yield index, "error", row["error"]
