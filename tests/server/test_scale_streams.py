"""Scale-out streams and cancellation across processes (real Postgres, Redis, workers).

A client that drops a resumable stream on one API instance and reconnects to another with
``Last-Event-ID`` gets every event exactly once; a cancel sent to an API instance stops the
run in a worker process; a finished run whose Redis stream is gone still reports its error.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import redis
from langgraph_sdk import get_client

from stategraph.server import create_app

from ._scale_processes import workers
from .conftest import serve
from .scale_graphs import NODES, executions

pytestmark = pytest.mark.anyio


async def _read_until(response: httpx.Response, last_id: int) -> list[tuple[int, str]]:
    """Read SSE frames up to the one with id ``last_id``; return (id, data) pairs."""
    seen: list[tuple[int, str]] = []
    frame: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line:
            key, _, value = line.partition(": ")
            frame[key] = value
            continue
        if "id" in frame:
            seen.append((int(frame["id"]), frame["data"]))
            if int(frame["id"]) == last_id:
                return seen
        frame = {}
    return seen


async def test_reconnect_to_another_api_instance_gets_each_event_once(
    scale: dict[str, Any],
) -> None:
    settings = scale["settings"]
    first = create_app(scale["config"], scale=settings, run_worker=False)
    second = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_STEP_SECONDS": "0.3"}
    with (
        workers(scale["config"], settings, 1, **env),
        serve(first) as url_a,
        serve(second) as url_b,
    ):
        tid = (await get_client(url=url_a).threads.create())["thread_id"]
        body = {
            "assistant_id": "steps",
            "input": {"items": []},
            "stream_resumable": True,
            "on_disconnect": "continue",
        }
        async with httpx.AsyncClient(base_url=url_a, timeout=30) as http:
            path = f"/threads/{tid}/runs/stream"
            async with http.stream("POST", path, json=body) as response:
                run_id = response.headers["content-location"].rsplit("/", 1)[1]
                before = await _read_until(response, 1)  # then the client drops
        client_b = get_client(url=url_b)
        after = [
            (int(part.id), part.data)
            async for part in client_b.runs.join_stream(tid, run_id, last_event_id="1")
            if part.event == "values"
        ]
        status = (await client_b.runs.get(tid, run_id))["status"]
    ids = [event_id for event_id, _ in before] + [event_id for event_id, _ in after]
    assert ids == list(range(len(NODES) + 1))  # the input's values, then one per node
    assert after[-1][1] == {"items": list(NODES)}
    assert status == "success"


async def test_cancel_on_one_instance_stops_the_run_in_a_worker_process(
    scale: dict[str, Any],
) -> None:
    settings, counter = scale["settings"], scale["counter"]
    app = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_COUNTER_FILE": str(counter), "SG_STEP_SECONDS": "0.5"}
    with workers(scale["config"], settings, 1, **env), serve(app) as url:
        client = get_client(url=url)
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "steps", input={"items": []})
        while (run["run_id"], "n1") not in executions(counter):
            await asyncio.sleep(0.05)
        cancelled = await asyncio.wait_for(client.runs.cancel(tid, run["run_id"], wait=True), 30)
        thread = await client.threads.get(tid)
        await asyncio.sleep(1.0)  # a run that went on would finish more nodes meanwhile
    assert cancelled["status"] == "interrupted"
    assert thread["status"] != "busy"
    assert len([key for key in executions(counter) if key[0] == run["run_id"]]) < len(NODES)


async def test_an_expired_stream_is_answered_from_the_run_row(
    scale: dict[str, Any],
) -> None:
    settings = scale["settings"]
    app = create_app(scale["config"], scale=settings)
    with serve(app) as url:
        client = get_client(url=url)
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "breaking", input={"items": []}, stream_resumable=True)
        run_id = run["run_id"]
        assert "__error__" in await client.runs.join(tid, run_id)
        replay = [p async for p in client.runs.join_stream(tid, run_id, last_event_id="1")]
        connection = redis.Redis.from_url(settings.redis_uri)
        connection.delete(f"{settings.key_prefix}:run:{run_id}:events")  # as if it expired
        connection.close()
        synthesized = [p async for p in client.runs.join_stream(tid, run_id, last_event_id="1")]
    assert [p.event for p in replay] == ["metadata", "error", "end"]
    assert replay[1].data["message"] == "node 'explode' failed on purpose"
    assert [(p.event, p.data) for p in synthesized][1:] == [(e.event, e.data) for e in replay[1:]]


async def _thread_events(stream: Any, last_event: str) -> list[Any]:
    """Read a thread join stream up to the first ``last_event``; close it."""
    seen = []
    try:
        async for part in stream:
            seen.append(part)
            if part.event == last_event:
                return seen
    finally:
        await stream.aclose()
    return seen


async def test_thread_stream_on_other_api_instances_than_the_worker(
    scale: dict[str, Any],
) -> None:
    settings = scale["settings"]
    first = create_app(scale["config"], scale=settings, run_worker=False)
    second = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_STEP_SECONDS": "0.3"}
    with (
        workers(scale["config"], settings, 1, **env),
        serve(first) as url_a,
        serve(second) as url_b,
    ):
        client_a, client_b = get_client(url=url_a), get_client(url=url_b)
        tid = (await client_a.threads.create())["thread_id"]
        run = await client_a.runs.create(tid, "steps", input={"items": []}, stream_mode="updates")
        modes: Any = ["run_modes", "lifecycle"]
        stream = await client_b.threads.join_stream(tid, stream_mode=modes, last_event_id="-")
        before = await asyncio.wait_for(_thread_events(stream, "updates"), 30)  # then drops
        stream = await client_a.threads.join_stream(
            tid, stream_mode=modes, last_event_id=before[-1].id
        )
        after = await asyncio.wait_for(_thread_events(stream, "run_done"), 30)
        stream = await client_b.threads.join_stream(tid, stream_mode=modes, last_event_id="-")
        every = await asyncio.wait_for(_thread_events(stream, "run_done"), 30)
    events = [p.event for p in every]
    assert events == ["run_created", "run_started", "metadata", *["updates"] * len(NODES)] + [
        "run_done"
    ]
    assert every[-1].data == {"run_id": run["run_id"], "thread_id": tid, "status": "success"}
    assert [(p.id, p.data) for p in before + after] == [(p.id, p.data) for p in every]


async def test_rollback_on_one_instance_is_done_by_the_worker_process(
    scale: dict[str, Any],
) -> None:
    settings, counter = scale["settings"], scale["counter"]
    app = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_COUNTER_FILE": str(counter), "SG_STEP_SECONDS": "0.3"}
    with workers(scale["config"], settings, 1, **env), serve(app) as url:
        client = get_client(url=url)
        tid = (await client.threads.create())["thread_id"]
        done = await client.runs.wait(tid, "steps", input={"items": ["a"]})
        before = [s["checkpoint"]["checkpoint_id"] for s in await client.threads.get_history(tid)]
        rolled = await client.runs.create(tid, "steps", input={"items": ["b"]})
        while (rolled["run_id"], "n2") not in executions(counter):
            await asyncio.sleep(0.05)
        await asyncio.wait_for(
            client.runs.cancel(tid, rolled["run_id"], wait=True, action="rollback"), 30
        )
        state = await client.threads.get_state(tid)
        history = await client.threads.get_history(tid)
        runs = [r["run_id"] for r in await client.runs.list(tid)]
        # multitask rollback across processes: the new run starts from the state before
        active = await client.runs.create(tid, "steps", input={"items": ["c"]})
        while (active["run_id"], "n1") not in executions(counter):
            await asyncio.sleep(0.05)
        after = await asyncio.wait_for(
            client.runs.wait(tid, "steps", input={"items": ["d"]}, multitask_strategy="rollback"),
            30,
        )
        statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert state["values"] == done and state["next"] == []
    assert [s["checkpoint"]["checkpoint_id"] for s in history] == before
    assert rolled["run_id"] not in runs and len(runs) == 1
    assert after == {"items": [*done["items"], "d", *NODES]}
    assert active["run_id"] not in statuses and set(statuses.values()) == {"success"}
