"""Crons through the SDK, in both server modes: create, search, count, update, delete, and
firing on an injected clock; in scale-out mode, two schedulers fire each due time once."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from stategraph.server import create_app

from .conftest import (
    drop_keys,
    scale_schema,
    scale_settings,
    serve,
    serve_in_mode,
    write_config,
)

pytestmark = pytest.mark.anyio

START = datetime(2030, 1, 1, 0, 0, 30, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Served:
    url: str
    clock: Clock
    app: Any

    def cron_runs(self, cron_id: str) -> list[dict[str, Any]]:
        runs = self.app.state.server.resources.select("runs")
        return [r for r in runs if r["metadata"].get("cron_id") == cron_id]

    async def wait_runs(self, cron_id: str, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            runs = self.cron_runs(cron_id)
            if len(runs) >= count and all(r["status"] == "success" for r in runs):
                return runs
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"cron {cron_id} did not start {count} runs: {self.cron_runs(cron_id)}"
        )


@contextmanager
def serve_with_clock(app: Any, clock: Clock) -> Iterator[Served]:
    """Serve ``app`` with its cron scheduler on ``clock``, ticking every 50 ms."""
    on_clock(app, clock)
    with serve(app) as url:
        yield Served(url, clock, app)


def on_clock(app: Any, clock: Clock) -> None:
    app.state.crons.clock = clock
    app.state.crons.poll_seconds = 0.05


@pytest.fixture
def served(tmp_path: Path, server_mode: str) -> Iterator[Served]:
    """One server per mode: embedded (SQLite) and scale-out (Postgres + Redis, a worker)."""
    clock = Clock()
    prepare = functools.partial(on_clock, clock=clock)
    with serve_in_mode(write_config(tmp_path), server_mode, prepare) as (url, app):
        yield Served(url, clock, app)


async def test_create_search_count_update_delete(served: Served) -> None:
    client = get_client(url=served.url)
    tid = (await client.threads.create())["thread_id"]
    cron = await client.crons.create("agent", schedule="*/5 * * * *", input={"items": []},
                                     metadata={"team": "a"})  # fmt: skip
    assert cron["enabled"] is True and cron["thread_id"] is None
    assert cron["on_run_completed"] == "delete"
    assert cron["next_run_date"] == "2030-01-01T00:05:00+00:00"
    assert cron["payload"] == {"input": {"items": []}, "metadata": {"team": "a"}}
    on_thread = await client.crons.create_for_thread(tid, "agent", schedule="@daily",
                                                     timezone="Europe/Paris")  # fmt: skip
    assert on_thread["thread_id"] == tid and on_thread["on_run_completed"] is None
    assert on_thread["next_run_date"] == "2030-01-01T23:00:00+00:00"
    assert await client.crons.count() == 2
    assert await client.crons.count(thread_id=tid) == 1
    assert await client.crons.count(metadata={"team": "a"}) == 1
    found = await client.crons.search(assistant_id="agent", sort_by="created_at", sort_order="asc")
    assert [c["cron_id"] for c in found] == [cron["cron_id"], on_thread["cron_id"]]
    picked = await client.crons.search(select=["cron_id", "schedule"], limit=1, offset=1)
    assert len(picked) == 1 and set(picked[0]) == {"cron_id", "schedule"}
    updated = await client.crons.update(cron["cron_id"], schedule="0 * * * *", enabled=False)
    assert updated["schedule"] == "0 * * * *" and updated["enabled"] is False
    assert updated["next_run_date"] == "2030-01-01T01:00:00+00:00"
    assert [c["cron_id"] for c in await client.crons.search(enabled=False)] == [cron["cron_id"]]
    await client.crons.delete(cron["cron_id"])
    assert await client.crons.count() == 1
    with pytest.raises(httpx.HTTPStatusError) as exc:
        await client.crons.delete(cron["cron_id"])
    assert exc.value.response.status_code == 404


async def test_a_thread_cron_fires_on_schedule(served: Served) -> None:
    client = get_client(url=served.url)
    tid = (await client.threads.create())["thread_id"]
    cron = await client.crons.create_for_thread(tid, "agent", schedule="* * * * *",
                                                input={"items": []})  # fmt: skip
    await asyncio.sleep(0.3)
    assert served.cron_runs(cron["cron_id"]) == []  # not due yet
    served.clock.advance(minutes=1)
    (run,) = await served.wait_runs(cron["cron_id"], 1)
    assert run["thread_id"] == tid
    state = await client.threads.get_state(tid)
    assert state["values"]["items"] == ["first", "second"]
    (row,) = await client.crons.search()
    assert row["next_run_date"] == "2030-01-01T00:02:00+00:00"
    served.clock.advance(minutes=10)  # ten missed slots fire once
    await served.wait_runs(cron["cron_id"], 2)
    await asyncio.sleep(0.3)
    assert len(served.cron_runs(cron["cron_id"])) == 2


async def test_a_thread_cron_follows_its_multitask_strategy(served: Served) -> None:
    client = get_client(url=served.url)
    tid = (await client.threads.create())["thread_id"]
    cron = await client.crons.create_for_thread(tid, "agent", schedule="* * * * *",
                                                input={"items": []},
                                                multitask_strategy="reject")  # fmt: skip
    slow = await client.runs.create(tid, "slowpoke", input={"items": []})
    served.clock.advance(minutes=1)  # due while the thread is busy: refused, not queued
    deadline = time.monotonic() + 10
    while (await client.crons.search())[0]["next_run_date"] != "2030-01-01T00:02:00+00:00":
        assert time.monotonic() < deadline, "the busy-thread slot was never passed"
        await asyncio.sleep(0.05)
    assert served.cron_runs(cron["cron_id"]) == []
    await client.runs.join(tid, slow["run_id"])
    served.clock.advance(minutes=1)  # idle now: the next slot fires
    (run,) = await served.wait_runs(cron["cron_id"], 1)
    assert run["multitask_strategy"] == "reject" and run["thread_id"] == tid


async def test_stateless_cron_threads_are_deleted_unless_kept(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    client = get_client(url=served.url)
    dropped = await client.crons.create("agent", schedule="* * * * *", input={"items": []})
    kept = await client.crons.create("agent", schedule="* * * * *", input={"items": []},
                                     on_run_completed="keep")  # fmt: skip
    served.clock.advance(minutes=1)
    (kept_run,) = await served.wait_runs(kept["cron_id"], 1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # the dropped run's thread (and its run rows) go
        fired = await client.crons.search(enabled=True, sort_by="next_run_date")
        if (
            await client.threads.count() == 1
            and all(c["next_run_date"] == "2030-01-01T00:02:00+00:00" for c in fired)
            and served.cron_runs(dropped["cron_id"]) == []
        ):
            break
        await asyncio.sleep(0.05)
    (thread,) = await client.threads.search()
    assert thread["thread_id"] == kept_run["thread_id"]
    assert thread["values"]["items"] == ["first", "second"]
    assert served.cron_runs(dropped["cron_id"]) == []
    assert "did not start a run" not in caplog.text and "tick failed" not in caplog.text


async def test_disabled_and_ended_crons_do_not_fire(served: Served) -> None:
    client = get_client(url=served.url)
    off = await client.crons.create("agent", schedule="* * * * *", enabled=False)
    ended = await client.crons.create("agent", schedule="* * * * *",
                                      end_time=START + timedelta(seconds=10))  # fmt: skip
    served.clock.advance(minutes=1)
    await asyncio.sleep(0.5)
    assert served.cron_runs(off["cron_id"]) == served.cron_runs(ended["cron_id"]) == []
    (row,) = await client.crons.search(enabled=False, select=["cron_id"], limit=1,
                                       sort_by="created_at", sort_order="desc")  # fmt: skip
    assert row["cron_id"] == ended["cron_id"]  # the ended cron switched itself off


async def test_a_cron_whose_thread_is_gone_switches_off(served: Served) -> None:
    client = get_client(url=served.url)
    tid = (await client.threads.create())["thread_id"]
    cron = await client.crons.create_for_thread(tid, "agent", schedule="* * * * *")
    await client.threads.delete(tid)
    served.clock.advance(minutes=1)
    deadline = time.monotonic() + 10
    while (await client.crons.search())[0]["enabled"] and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    (row,) = await client.crons.search()
    assert row["cron_id"] == cron["cron_id"] and row["enabled"] is False
    assert served.cron_runs(cron["cron_id"]) == []


@pytest.mark.parametrize(
    ("body", "status", "named"),
    [
        ({"assistant_id": "agent", "schedule": "61 * * * *"}, 422, "minute field"),
        ({"assistant_id": "agent"}, 422, "'schedule' is required"),
        ({"assistant_id": "agent", "schedule": "@hourly", "timezone": "Nowhere"}, 422, "Nowhere"),
        ({"assistant_id": "agent", "schedule": "@hourly", "end_time": "soon"}, 422, "end_time"),
        ({"assistant_id": "agent", "schedule": "@hourly", "enabled": "yes"}, 422, "enabled"),
        ({"assistant_id": "agent", "schedule": "@hourly", "stream_mode": "x"}, 422, "stream_mode"),
        ({"assistant_id": "ghost", "schedule": "@hourly"}, 404, "ghost"),
    ],
)
async def test_bad_cron_requests_store_nothing(
    served: Served, body: dict[str, Any], status: int, named: str
) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.post("/runs/crons", json=body)
        assert response.status_code == status
        assert named in response.json()["detail"]
        missing = await http.post("/threads/nope/runs/crons", json={**body, "schedule": "@daily"})
        assert missing.status_code == 404
    assert await get_client(url=served.url).crons.count() == 0


async def test_two_scale_out_instances_fire_each_due_time_once(tmp_path: Path) -> None:
    config, clock = write_config(tmp_path), Clock()
    with scale_schema() as (dsn, redis):
        settings = scale_settings(dsn, redis)
        try:
            with (
                serve_with_clock(create_app(config, scale=settings), clock) as one,
                serve_with_clock(create_app(config, scale=settings), clock) as two,
            ):
                for app in (one.app, two.app):
                    app.state.crons.poll_seconds = 0.01  # why: tick often, so claims collide
                client = get_client(url=one.url)
                threads = [(await client.threads.create())["thread_id"] for _ in range(3)]
                crons = [
                    await client.crons.create_for_thread(t, "agent", schedule="* * * * *",
                                                         input={"items": []})  # fmt: skip
                    for t in threads
                ] + [await client.crons.create("agent", schedule="* * * * *", input={"items": []},
                                               on_run_completed="keep")]  # fmt: skip
                for minute in (1, 2, 3):
                    clock.advance(minutes=1)
                    for cron in crons:
                        await one.wait_runs(cron["cron_id"], minute)
                await asyncio.sleep(0.5)  # a duplicate would have been admitted by now
                for cron in crons:
                    runs = one.cron_runs(cron["cron_id"])
                    assert len(runs) == 3, runs
                assert await get_client(url=two.url).crons.count() == 4
        finally:
            drop_keys(redis, settings.key_prefix)
