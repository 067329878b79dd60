"""Learn in one API process when runs (executed anywhere) have ended.

One Redis subscription to the done channel wakes the local waiters at once; one poll of
Postgres every ``poll`` seconds, for all waited-on runs in one query, catches a notice that
Redis lost.
"""

from __future__ import annotations

import asyncio
import contextlib

import psycopg

from . import _queue as queue
from ._bus import Bus
from ._pg_resources import PgResources

__all__ = ["DoneWatch"]


class DoneWatch:
    """``wait(run_id)`` returns once the run is no longer pending or running."""

    def __init__(self, bus: Bus, resources: PgResources, poll: float) -> None:
        self._bus = bus
        self._resources = resources
        self._poll = poll
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def open(self) -> None:
        """Start listening (call inside the server's event loop)."""
        if not self._tasks:
            loop = asyncio.get_running_loop()
            listen = self._bus.listen(self._bus.done_channel, self.resolve, self._poll)
            self._tasks = [loop.create_task(listen), loop.create_task(self._poll_loop())]

    async def close(self) -> None:
        """Stop listening."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def resolve(self, run_id: str) -> None:
        """Wake the waiters of ``run_id``."""
        for future in self._waiters.pop(run_id, []):
            if not future.done():
                future.set_result(None)

    async def wait(self, run_id: str) -> None:
        """Return once run ``run_id`` has ended (at once if it has, or does not exist)."""
        self.open()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(run_id, []).append(future)
        try:
            if not queue.active_among(self._resources, [run_id]):
                return
            await future
        finally:
            waiting = self._waiters.get(run_id, [])
            if future in waiting:
                waiting.remove(future)
                if not waiting:
                    del self._waiters[run_id]

    async def _poll_loop(self) -> None:
        while True:
            await asyncio.sleep(self._poll)
            waited = list(self._waiters)
            if not waited:
                continue
            try:
                active = queue.active_among(self._resources, waited)
            except psycopg.Error:  # Postgres away: try again at the next poll
                continue
            for run_id in set(waited) - active:
                self.resolve(run_id)
