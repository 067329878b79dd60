"""RunLog: followers see every event from their start index, waiting until close."""

from __future__ import annotations

import asyncio

import pytest

from stategraph.server._run_log import RunLog

pytestmark = pytest.mark.anyio


async def test_followers_wait_for_appends_and_stop_at_close() -> None:
    log = RunLog()
    log.append("values", 0)

    async def read(start: int) -> list[tuple[int, str, object]]:
        return [item async for item in log.follow(start)]

    early, late = asyncio.create_task(read(0)), asyncio.create_task(read(1))
    await asyncio.sleep(0)
    log.append("updates", 1)
    await asyncio.sleep(0)
    log.append("values", 2)
    assert not early.done()
    log.close()
    assert await early == [(0, "values", 0), (1, "updates", 1), (2, "values", 2)]
    assert await late == [(1, "updates", 1), (2, "values", 2)]
    assert await read(3) == []


async def test_idle_followers_get_none_between_events() -> None:
    log = RunLog()
    follower = log.follow(0, idle=0.01)
    assert await anext(follower) is None
    log.append("values", 1)
    assert await anext(follower) == (0, "values", 1)
    log.close()
    assert [item async for item in follower] == []
