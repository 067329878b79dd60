"""The thread join stream (``GET /threads/{id}/stream``) through the official SDK client.

Each test runs on the embedded and the scale-out server (see ``conftest.server_url``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import NotFoundError, UnprocessableEntityError

pytestmark = pytest.mark.anyio


def _id(part: Any) -> tuple[int, int]:
    millis, _, count = part.id.partition("-")
    return int(millis), int(count)


async def _read(stream: Any, until: Callable[[list[Any]], bool], seen: list[Any]) -> None:
    """Append the stream's parts to ``seen`` until ``until(seen)``; then close the stream."""
    try:
        async for part in stream:
            seen.append(part)
            if until(seen):
                return
    finally:
        await stream.aclose()


def _done_count(seen: list[Any]) -> int:
    return sum(part.event == "run_done" for part in seen)


async def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_one_open_stream_sees_two_successive_runs(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    seen: list[Any] = []
    stream = await client.threads.join_stream(
        tid, stream_mode=["run_modes", "lifecycle"], last_event_id="-"
    )
    reader = asyncio.create_task(_read(stream, lambda s: _done_count(s) == 2, seen))
    first = await client.runs.wait(tid, "agent", input={"items": ["a"]})
    await _wait_for(lambda: _done_count(seen) == 1)  # the second run starts after it
    second = await client.runs.create(tid, "agent", input={"items": ["b"]}, stream_mode="updates")
    await asyncio.wait_for(reader, 30)

    assert first == {"items": ["a", "first", "second"]}
    lifecycle = ["run_created", "run_started", "metadata"]
    assert [part.event for part in seen] == [
        *lifecycle,
        *["values"] * 3,
        "run_done",
        *lifecycle,
        "updates",
        "updates",
        "run_done",
    ]
    run_ids = [part.data["run_id"] for part in seen if part.event == "metadata"]
    assert run_ids[1] == second["run_id"] and run_ids[0] != run_ids[1]
    done = [part.data for part in seen if part.event == "run_done"]
    assert done == [
        {"run_id": run_ids[0], "thread_id": tid, "status": "success"},
        {"run_id": run_ids[1], "thread_id": tid, "status": "success"},
    ]
    assert seen[0].data == {"run_id": run_ids[0], "thread_id": tid, "status": "pending"}
    assert seen[1].data["status"] == "running"
    assert seen[-2].data == {"second": {"items": ["second"]}}
    ids = [_id(part) for part in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_lifecycle_only(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "failing", input={"items": []}, raise_error=False)
    seen: list[Any] = []
    stream = await client.threads.join_stream(tid, stream_mode="lifecycle", last_event_id="-")
    await asyncio.wait_for(_read(stream, lambda s: _done_count(s) == 1, seen), 30)
    assert [(part.event, part.data["status"]) for part in seen] == [
        ("run_created", "pending"),
        ("run_started", "running"),
        ("run_done", "error"),
    ]


async def test_state_update_sends_the_values_after_each_step(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    seen: list[Any] = []
    stream = await client.threads.join_stream(
        tid, stream_mode=["state_update", "run_modes"], last_event_id="-"
    )
    reader = asyncio.create_task(_read(stream, lambda s: _done_count(s) == 1, seen))
    # the run streams updates only: its values reach the thread stream as state_update
    run = await client.runs.create(tid, "agent", input={"items": ["x"]}, stream_mode="updates")
    await asyncio.wait_for(reader, 30)
    updates = [part.data for part in seen if part.event == "state_update"]
    assert updates == [
        {"run_id": run["run_id"], "values": {"items": ["x"]}},
        {"run_id": run["run_id"], "values": {"items": ["x", "first"]}},
        {"run_id": run["run_id"], "values": {"items": ["x", "first", "second"]}},
    ]
    assert "values" not in {part.event for part in seen}
    assert [part.event for part in seen if part.event == "updates"] == ["updates"] * 2


async def test_a_state_update_through_the_api_is_sent_too(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create(graph_id="agent"))["thread_id"]
    await client.threads.update_state(tid, {"items": ["edited"]}, as_node="second")
    seen: list[Any] = []
    stream = await client.threads.join_stream(tid, stream_mode="state_update", last_event_id="-")
    await asyncio.wait_for(_read(stream, lambda s: len(s) == 1, seen), 30)
    assert [(p.event, p.data) for p in seen] == [
        ("state_update", {"run_id": None, "values": {"items": ["edited"]}})
    ]


async def test_reconnecting_with_last_event_id_gets_each_event_once(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "slowpoke", input={"items": ["in"]})
    before: list[Any] = []
    stream = await client.threads.join_stream(tid, last_event_id="-")
    # leave after the run's first event (its metadata), while the slow node executes
    await asyncio.wait_for(_read(stream, lambda s: s[-1].event == "metadata", before), 30)
    await client.runs.join(tid, run["run_id"])  # what follows happens while disconnected
    after: list[Any] = []
    stream = await client.threads.join_stream(tid, last_event_id=before[-1].id)
    await asyncio.wait_for(_read(stream, lambda s: _done_count(s) == 1, after), 30)
    every: list[Any] = []
    stream = await client.threads.join_stream(tid, last_event_id="-")
    await asyncio.wait_for(_read(stream, lambda s: _done_count(s) == 1, every), 30)

    assert [p.event for p in before] == ["metadata"]
    assert [p.event for p in after] == ["values", "values", "run_done"]
    assert [(p.id, p.event, p.data) for p in before + after] == [
        (p.id, p.event, p.data) for p in every
    ]


async def test_a_stream_without_last_event_id_starts_from_now(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})  # before the stream: not sent
    seen: list[Any] = []
    stream = await client.threads.join_stream(tid, stream_mode="lifecycle")
    reader = asyncio.create_task(_read(stream, lambda s: _done_count(s) == 1, seen))
    await asyncio.sleep(0.5)  # let the stream open before the run
    run = await client.runs.create(tid, "agent", input={"items": []})
    await asyncio.wait_for(reader, 30)
    assert {part.data["run_id"] for part in seen} == {run["run_id"]}


async def test_unknown_thread_is_404_and_bad_input_422(server_url: str) -> None:
    client = get_client(url=server_url)
    with pytest.raises(NotFoundError, match="not found"):
        async for _ in await client.threads.join_stream("00000000-0000-0000-0000-000000000000"):
            pass
    tid = (await client.threads.create())["thread_id"]
    with pytest.raises(UnprocessableEntityError, match="'values'"):
        async for _ in await client.threads.join_stream(tid, stream_mode="values"):  # type: ignore[arg-type]
            pass
    with pytest.raises(UnprocessableEntityError, match="Last-Event-ID"):
        async for _ in await client.threads.join_stream(tid, last_event_id="seven"):
            pass


async def test_wire_format_and_reconnect_location(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as http:
        path = f"/threads/{tid}/stream"
        query = {"stream_mode": "lifecycle"}
        async with http.stream("GET", path, params=query, headers={"Last-Event-ID": "-"}) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["location"] == f"/threads/{tid}/stream?stream_mode=lifecycle"
            lines = []
            async for line in r.aiter_lines():
                lines.append(line)
                if line.startswith("event: run_done"):
                    break
    assert lines[0].startswith("id: ") and lines[1] == "event: run_created"


async def test_a_client_that_leaves_leaves_nothing_open(served: tuple[str, Any]) -> None:
    url, app = served
    thread_events = app.state.server.thread_events
    client = get_client(url=url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})
    streams = [await client.threads.join_stream(tid, last_event_id="-") for _ in range(3)]
    for stream in streams:
        assert (await anext(stream)).event == "metadata"
    assert thread_events.statistics().followers == 3
    for stream in streams:
        await stream.aclose()

    def closed() -> bool:
        stats = thread_events.statistics()
        return stats.followers == 0 and getattr(stats, "connections", 0) == 0

    await _wait_for(closed, 10)


async def test_a_quiet_thread_gets_heartbeat_comments(
    server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stategraph.server import _sse

    monkeypatch.setattr(_sse, "HEARTBEAT_SECONDS", 0.2)
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    async with httpx.AsyncClient(base_url=server_url, timeout=10) as http:
        async with http.stream("GET", f"/threads/{tid}/stream") as response:
            lines = response.aiter_lines()
            first = await asyncio.wait_for(anext(lines), 5)
    assert first == ": heartbeat"


async def test_a_queued_run_cancelled_before_it_starts_is_done_interrupted(
    server_url: str,
) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    running = await client.runs.create(tid, "slowpoke", input={"items": []})
    queued = await client.runs.create(tid, "agent", input={"items": []})  # enqueued behind it
    await client.runs.cancel(tid, queued["run_id"])
    seen: list[Any] = []
    stream = await client.threads.join_stream(tid, stream_mode="lifecycle", last_event_id="-")
    await asyncio.wait_for(_read(stream, lambda s: _done_count(s) == 2, seen), 30)
    names = {running["run_id"]: "running", queued["run_id"]: "queued"}
    assert sorted((names[p.data["run_id"]], p.event, p.data["status"]) for p in seen) == [
        ("queued", "run_created", "pending"),
        ("queued", "run_done", "interrupted"),
        ("running", "run_created", "pending"),
        ("running", "run_done", "success"),
        ("running", "run_started", "running"),
    ]
