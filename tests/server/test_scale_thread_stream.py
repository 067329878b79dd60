"""Thread events on a real Redis: appended by any process, followed, trimmed and expiring."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from _services import redis_url
from stategraph.server._scale._bus import Bus
from stategraph.server._scale._thread_stream import ScaleThreadEvents

from .conftest import drop_keys

pytestmark = pytest.mark.anyio


@pytest.fixture
async def bus() -> Any:
    url, prefix = redis_url(), f"sgtest:{uuid.uuid4().hex[:12]}"
    bus = Bus(url, prefix, keep_seconds=5)
    yield bus
    await bus.close()
    drop_keys(url, prefix)


async def _take(events: Any, count: int) -> list[Any]:
    taken = []
    async for item in events:
        taken.append(item)
        if len(taken) == count:
            break
    await events.aclose()
    return taken


async def test_followers_replay_after_an_id_and_tail_new_events(bus: Bus) -> None:
    threads = ScaleThreadEvents(bus, poll=0.1)
    try:
        await bus.add_thread_events("t", [("run_created", {"n": 0}), ("metadata", {"n": 1})])
        await bus.add_event("run", 0, "values", {"n": 2}, thread_id="t")
        replay = await _take(threads.follow("t", (0, 0)), 3)
        assert [(event, data) for _, event, data in replay] == [
            ("run_created", {"n": 0}),
            ("metadata", {"n": 1}),
            ("values", {"n": 2}),
        ]
        first_id = tuple(int(part) for part in replay[0][0].split("-"))
        assert [item[2] for item in await _take(threads.follow("t", first_id), 2)] == [
            {"n": 1},
            {"n": 2},
        ]
        follower = asyncio.ensure_future(_take(threads.follow("t", None), 1))
        await asyncio.sleep(0.3)
        await threads.announce("t", "run_done", {"n": 3})
        assert [item[1:] for item in await follower] == [("run_done", {"n": 3})]
        ttl = await bus.redis.ttl(bus.thread_key("t"))
        assert 0 < ttl <= 5
        stats = threads.statistics()
        assert (stats.followers, stats.connections) == (0, 0)
    finally:
        await threads.close()


async def test_a_quiet_thread_yields_heartbeats(bus: Bus) -> None:
    threads = ScaleThreadEvents(bus, poll=0.05)
    try:
        assert await _take(threads.follow("quiet", None, idle=0.1), 2) == [None, None]
    finally:
        await threads.close()
