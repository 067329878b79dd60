"""Redis as the scale-out coordination bus: wake-ups, cancel and done notices, run events.

Nothing here is the truth: Postgres is.  A lost wake-up costs a poll interval, a lost
cancel or done notice the next heartbeat or poll, so every call that fails on a Redis error
is logged and answered as "nothing happened" instead of failing the run or the request.

Each run's events are one Redis Stream whose entry ids are ``0-<n>``: the event with SSE id
``i`` (counted from 0, as the embedded mode counts them) is entry ``0-<i+1>``, so a client's
``Last-Event-ID`` maps straight onto ``XREAD``.  The entry after the last event carries an
``end`` field; the stream expires ``keep_seconds`` after the run ends.

Each thread's events (the thread join stream's, see ``_thread_events``) are one more Redis
Stream with Redis' own ``<ms>-<n>`` ids, appended to by whichever API or worker process
sees the event; entries older than ``keep_seconds`` are trimmed, and the key expires
``keep_seconds`` after its last append.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

__all__ = ["Bus", "StreamEntry"]

logger = logging.getLogger("stategraph.server")
StreamEntry = tuple[int, dict[str, Any] | None]  # (event index, {event, data}) or None: end
_WAKE_LIMIT = 1000  # sentinels kept on the wake list; more would wake no one new
_ERRORS = (RedisError, OSError)


class Bus:
    """The Redis keys of one deployment (``prefix``) and the operations on them."""

    def __init__(self, url: str, prefix: str, keep_seconds: float = 120.0) -> None:
        self.redis = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        self.url = url
        self.keep_seconds = keep_seconds
        self._prefix = prefix
        self.wake_key = f"{prefix}:wake"
        self.cancel_channel = f"{prefix}:cancel"
        self.done_channel = f"{prefix}:done"

    def stream_key(self, run_id: str) -> str:
        """The Redis Stream of run ``run_id``'s events."""
        return f"{self._prefix}:run:{run_id}:events"

    def thread_key(self, thread_id: str) -> str:
        """The Redis Stream of thread ``thread_id``'s join-stream events."""
        return f"{self._prefix}:thread:{thread_id}:events"

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()

    # ---------------------------------------------------------------- notices
    async def wake(self) -> None:
        """Tell one idle worker that a run may be claimable."""
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.lpush(self.wake_key, b"1").ltrim(self.wake_key, 0, _WAKE_LIMIT - 1)
                await pipe.execute()
        except _ERRORS as exc:
            logger.warning("Redis wake-up not sent (workers fall back to polling): %s", exc)

    async def wait_wake(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a wake-up; False on timeout or Redis error."""
        try:
            return await self.redis.blpop([self.wake_key], timeout=max(timeout, 0.01)) is not None
        except _ERRORS:
            await asyncio.sleep(timeout)
            return False

    async def publish(self, channel: str, run_id: str) -> None:
        """Publish ``run_id`` on ``channel`` (cancel or done)."""
        try:
            await self.redis.publish(channel, run_id)
        except _ERRORS as exc:
            logger.warning("Redis notice on %s for run %s not sent: %s", channel, run_id, exc)

    async def listen(
        self, channel: str, on_message: Callable[[str], Awaitable[None] | None], retry: float
    ) -> None:
        """Call ``on_message(run_id)`` for each notice on ``channel``, resubscribing forever."""
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.subscribe(channel)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        result = on_message(message["data"].decode())
                        if result is not None:
                            await result
            except _ERRORS as exc:
                logger.warning("Redis subscription to %s lost, retrying: %s", channel, exc)
            finally:
                try:
                    await pubsub.aclose()
                except _ERRORS:
                    pass
            await asyncio.sleep(retry)

    # ---------------------------------------------------------------- events
    async def add_event(
        self,
        run_id: str,
        index: int,
        event: str,
        data: Any,
        *,
        thread_id: str | None = None,
        thread_first: Sequence[tuple[str, Any]] = (),
    ) -> None:
        """Append event ``index`` of a run, and to thread ``thread_id``'s events when given.

        ``thread_first``: thread-only ``(event, data)`` items appended just before it, in the
        same round trip.  A failed append is logged; the run goes on.
        """
        fields = {"event": event, "data": json.dumps(data)}
        if thread_id is None:
            await self._add(run_id, index, fields)
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for first_event, first_data in thread_first:
                    first = {"event": first_event, "data": json.dumps(first_data)}
                    self._add_thread_entry(pipe, thread_id, first)
                pipe.xadd(self.stream_key(run_id), fields, id=f"0-{index + 1}")
                self._add_thread_entry(pipe, thread_id, fields)
                await pipe.execute()
        except _ERRORS as exc:
            logger.warning("Redis event %d of run %s not recorded: %s", index, run_id, exc)

    async def add_thread_events(self, thread_id: str, events: Sequence[tuple[str, Any]]) -> None:
        """Append ``(event, data)`` items to a thread's events (a failure is logged)."""
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for event, data in events:
                    fields = {"event": event, "data": json.dumps(data)}
                    self._add_thread_entry(pipe, thread_id, fields)
                await pipe.execute()
        except _ERRORS as exc:
            logger.warning("Redis events of thread %s not recorded: %s", thread_id, exc)

    def _add_thread_entry(self, pipe: Any, thread_id: str, fields: dict[str, str]) -> None:
        key = self.thread_key(thread_id)
        oldest = max(int((time.time() - self.keep_seconds) * 1000), 0)
        pipe.xadd(key, fields, minid=f"{oldest}-0", approximate=True)
        pipe.expire(key, max(int(self.keep_seconds), 1))

    async def end_stream(self, run_id: str, index: int, keep_seconds: float) -> None:
        """Append the end marker at ``index`` and let the stream expire after ``keep_seconds``."""
        await self._add(run_id, index, {"end": "1"})
        try:
            await self.redis.expire(self.stream_key(run_id), max(int(keep_seconds), 1))
        except _ERRORS as exc:
            logger.warning("Redis expiry of run %s's events not set: %s", run_id, exc)

    async def _add(self, run_id: str, index: int, fields: dict[str, str]) -> None:
        try:
            await self.redis.xadd(self.stream_key(run_id), fields, id=f"0-{index + 1}")
        except _ERRORS as exc:
            logger.warning("Redis event %d of run %s not recorded: %s", index, run_id, exc)

    async def event_count(self, run_id: str) -> int:
        """How many entries the run's stream holds (the index its next event takes)."""
        try:
            last = await self.redis.xrevrange(self.stream_key(run_id), count=1)
        except _ERRORS:
            return 0
        return _index_of(last[0][0]) + 1 if last else 0

    async def read(self, run_id: str, start: int, block: float | None) -> list[StreamEntry]:
        """Entries from index ``start`` on, waiting up to ``block`` seconds for the first."""
        block_ms = None if block is None else max(int(block * 1000), 1)
        found = await self.redis.xread(
            {self.stream_key(run_id): f"0-{start}"}, block=block_ms, count=500
        )
        entries: list[StreamEntry] = []
        for _, items in found or []:
            for entry_id, fields in items:
                index = _index_of(entry_id)
                if b"end" in fields:
                    entries.append((index, None))
                    continue
                event = fields[b"event"].decode()
                entries.append((index, {"event": event, "data": json.loads(fields[b"data"])}))
        return entries

    async def has_stream(self, run_id: str) -> bool:
        """Whether the run's stream still exists (it expires after the run)."""
        try:
            return bool(await self.redis.exists(self.stream_key(run_id)))
        except _ERRORS:
            return False


def _index_of(entry_id: bytes | str) -> int:
    raw = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(raw.split("-")[1]) - 1
