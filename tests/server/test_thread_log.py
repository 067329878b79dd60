"""The embedded thread event log: ordered ids, retention, followers, forgetting idle threads."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stategraph.server._thread_events import parse_last_event_id
from stategraph.server._thread_log import ThreadEvents

pytestmark = pytest.mark.anyio


async def _take(events: Any, count: int) -> list[Any]:
    taken = []
    async for item in events:
        taken.append(item)
        if len(taken) == count:
            break
    await events.aclose()
    return taken


async def test_ids_increase_and_replay_resumes_after_an_id() -> None:
    log = ThreadEvents()
    for n in range(5):
        log.publish("t", "custom", n)
    everything = await _take(log.follow("t", (0, 0)), 5)
    ids = [parse_last_event_id(item[0]) for item in everything]
    assert ids == sorted(ids) and len(set(ids)) == 5
    rest = await _take(log.follow("t", ids[2]), 2)
    assert [item[2] for item in rest] == [3, 4]


async def test_a_follower_from_now_gets_only_later_events_of_its_thread() -> None:
    log = ThreadEvents()
    log.publish("t", "custom", "old")
    follower = asyncio.ensure_future(_take(log.follow("t", None), 1))
    await asyncio.sleep(0.01)
    log.publish("other", "custom", "elsewhere")
    log.publish("t", "custom", "new")
    assert [item[1:] for item in await follower] == [("custom", "new")]


async def test_retention_keeps_the_newest_events_within_bounds() -> None:
    log = ThreadEvents(keep_seconds=60, max_events=3)
    for n in range(5):
        log.publish("t", "custom", n)
    assert [item[2] for item in await _take(log.follow("t", (0, 0)), 3)] == [2, 3, 4]
    expiring = ThreadEvents(keep_seconds=0.05)
    expiring.publish("t", "custom", "old")
    await asyncio.sleep(0.1)
    expiring.publish("t", "custom", "new")
    assert [item[2] for item in await _take(expiring.follow("t", (0, 0)), 1)] == ["new"]


async def test_idle_threads_are_forgotten_and_heartbeats_come_when_quiet() -> None:
    log = ThreadEvents(keep_seconds=0.05)
    log.publish("gone", "custom", 1)
    await asyncio.sleep(0.1)
    log.publish("t", "custom", 2)  # sweeps: "gone" has neither events nor followers
    assert log.statistics().threads == 1
    assert await _take(log.follow("t", None, idle=0.01), 1) == [None]
    assert log.statistics().followers == 0
