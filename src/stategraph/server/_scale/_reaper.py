"""The reaper every scale-out instance (API or worker) runs: expired leases go back.

Idempotent SQL (``_queue.reap``), so any number of instances may run it at once: a run whose
worker stopped heartbeating is put back to ``pending`` and a worker woken, or, after
``max_attempts`` claims, failed (its thread marked ``error``, its waiters told).
"""

from __future__ import annotations

import asyncio
import logging

from .._thread_events import lifecycle_event
from .._threads import Threads
from . import _queue as queue
from ._bus import Bus
from ._pg_resources import PgResources
from .settings import ScaleSettings

__all__ = ["reap_forever"]

logger = logging.getLogger("stategraph.server")


async def reap_forever(
    resources: PgResources, threads: Threads, bus: Bus, settings: ScaleSettings
) -> None:
    """Reap every ``reap_seconds`` until cancelled."""
    while True:
        await asyncio.sleep(settings.reap_seconds)
        try:
            reaped = queue.reap(resources, settings.max_attempts)
        except Exception:
            logger.exception("Reaper failed; trying again later")
            continue
        for run in reaped:
            if run["status"] == "pending":
                await bus.wake()
                continue
            busy = queue.has_active(resources, run["thread_id"])
            threads.record(run["thread_id"], status="busy" if busy else "error")
            await bus.add_thread_events(
                run["thread_id"], [("run_done", lifecycle_event(run, "error"))]
            )
            await bus.publish(bus.done_channel, run["run_id"])
