"""Thread join streams in scale-out mode: follow a thread's Redis Stream from any API process.

Workers and API processes append to the stream (``Bus.add_event``/``add_thread_events``);
a follower reads it with short blocking ``XREAD``s on its own connection pool, so a stream
whose client left gives its connection back within one read (``statistics`` shows it).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from .._thread_events import EventId, format_event_id
from ._bus import Bus

__all__ = ["ScaleThreadEvents", "ScaleThreadStreamStatistics"]

_ERRORS = (RedisError, OSError)


@dataclass(frozen=True, slots=True)
class ScaleThreadStreamStatistics:
    """``followers``: join streams open in this process; ``connections``: Redis ones in use."""

    followers: int
    connections: int


class ScaleThreadEvents:
    """Record thread events through ``bus`` and follow them; ``poll``: longest blocking read."""

    def __init__(self, bus: Bus, poll: float) -> None:
        self._bus = bus
        # why: its own pool, so long blocking reads never wait behind (or starve) the bus
        self._redis = aioredis.Redis.from_url(bus.url, socket_connect_timeout=2)
        self._poll = poll
        self._followers = 0

    async def announce(self, thread_id: str, event: str, data: Any) -> None:
        """Record one event of ``thread_id``."""
        await self._bus.add_thread_events(thread_id, [(event, data)])

    async def follow(
        self, thread_id: str, after: EventId | None, *, idle: float | None = None
    ) -> AsyncIterator[tuple[str, str, Any] | None]:
        """Yield ``(id, event, data)`` after ``after`` (None: from now on), never ending.

        With ``idle`` (seconds), yield ``None`` whenever that long passes without an event.
        """
        self._followers += 1
        try:
            key = self._bus.thread_key(thread_id)
            cursor = format_event_id(after) if after is not None else await self._last_id(key)
            block = self._poll if idle is None else min(self._poll, idle)
            quiet = 0.0
            while True:
                entries = await self._read(key, cursor, block)
                for entry_id, event, data in entries:
                    yield entry_id, event, data
                    cursor = entry_id
                quiet = 0.0 if entries else quiet + block
                if idle is not None and quiet >= idle:
                    quiet = 0.0
                    yield None
        finally:
            self._followers -= 1

    async def _last_id(self, key: str) -> str:
        try:
            last = await self._redis.xrevrange(key, count=1)
        except _ERRORS:
            return format_event_id((0, 0))  # Redis away: whatever comes later is new
        return last[0][0].decode() if last else format_event_id((0, 0))

    async def _read(self, key: str, cursor: str, block: float) -> list[tuple[str, str, Any]]:
        try:
            found = await self._redis.xread({key: cursor}, block=max(int(block * 1000), 1))
        except _ERRORS:
            await asyncio.sleep(block)  # Redis away: try again, the client keeps its stream
            return []
        return [
            (entry_id.decode(), fields[b"event"].decode(), json.loads(fields[b"data"]))
            for _, items in found or []
            for entry_id, fields in items
        ]

    def statistics(self) -> ScaleThreadStreamStatistics:
        """Open join streams, and Redis connections lent out for reading them."""
        # why: redis-py exposes no public count of the connections a pool has lent out
        in_use = len(self._redis.connection_pool._in_use_connections)  # type: ignore[attr-defined]
        return ScaleThreadStreamStatistics(followers=self._followers, connections=in_use)

    async def close(self) -> None:
        """Close the reading connections."""
        await self._redis.aclose()
