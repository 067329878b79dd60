"""Thread events on a real Redis: appended by any process, followed, expiring; reaped runs."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

import pytest

from _services import redis_url
from stategraph.server._run_request import parse_run_request
from stategraph.server._runs import new_run_row
from stategraph.server._scale import _queue as queue
from stategraph.server._scale._bus import Bus
from stategraph.server._scale._pg_resources import PgResources
from stategraph.server._scale._reaper import reap_forever
from stategraph.server._scale._thread_stream import ScaleThreadEvents
from stategraph.server._threads import Threads

from .conftest import drop_keys
from .test_scale_queue import _thread_row

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


async def test_the_reaper_tells_the_thread_that_a_lost_run_failed(scale: dict[str, Any]) -> None:
    settings = replace(scale["settings"], reap_seconds=0.05, max_attempts=1)
    resources = PgResources(scale["dsn"])
    bus = Bus(settings.redis_uri, settings.key_prefix, settings.keep_seconds)
    threads = ScaleThreadEvents(bus, poll=0.1)
    reaper = None
    try:
        resources.insert("threads", _thread_row("t1"))
        assistant = {"assistant_id": "a1", "graph_id": "steps"}
        row = new_run_row("t1", assistant, parse_run_request({"assistant_id": "a1"}))
        queue.admit(resources, row, "enqueue", assistant)
        assert queue.claim(resources, "w1", 0.05) is not None  # then the worker vanishes
        thread_rows = Threads(resources, checkpointer=None)  # type: ignore[arg-type]
        reaper = asyncio.ensure_future(reap_forever(resources, thread_rows, bus, settings))
        done = await asyncio.wait_for(_take(threads.follow("t1", (0, 0)), 1), 10)
    finally:
        if reaper is not None:
            reaper.cancel()
        await threads.close()
        await bus.close()
        resources.close()
    assert [item[1:] for item in done] == [
        ("run_done", {"run_id": row["run_id"], "thread_id": "t1", "status": "error"})
    ]
