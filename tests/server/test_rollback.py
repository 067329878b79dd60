"""Rollback through the official SDK: the cancel action and the multitask strategy.

A rolled-back run is stopped, then deleted with every checkpoint it wrote: ``runs.get``
answers 404 and the thread's state and history are what they were before it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

pytestmark = pytest.mark.anyio

BEFORE = ["a", "first", "second"]  # the thread's values after the run every test starts with


async def _thread_with_history(client: Any) -> tuple[str, list[str]]:
    """A thread that ran ``agent`` once; its id and its checkpoint ids, newest first."""
    tid = (await client.threads.create())["thread_id"]
    assert (await client.runs.wait(tid, "agent", input={"items": ["a"]}))["items"] == BEFORE
    return tid, await _checkpoint_ids(client, tid)


async def _checkpoint_ids(client: Any, tid: str) -> list[str]:
    history = await client.threads.get_history(tid, limit=100)
    return [state["checkpoint"]["checkpoint_id"] for state in history]


async def _running_with_checkpoints(client: Any, tid: str, run_id: str, known: int) -> None:
    """Wait until run ``run_id`` runs and has written a checkpoint past the ``known`` ones."""
    for _ in range(400):
        run = await client.runs.get(tid, run_id)
        if run["status"] == "running" and len(await _checkpoint_ids(client, tid)) > known:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"run {run_id} never wrote a checkpoint")


async def _gone(client: Any, tid: str, run_id: str) -> None:
    for _ in range(400):
        try:
            await client.runs.get(tid, run_id)
        except NotFoundError:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"run {run_id} was not rolled back")


async def _assert_as_before(client: Any, tid: str, checkpoints: list[str], gone: str) -> None:
    state = await client.threads.get_state(tid)
    assert state["values"]["items"] == BEFORE and state["next"] == []
    assert await _checkpoint_ids(client, tid) == checkpoints
    history = await client.threads.get_history(tid, limit=100)
    assert all(s["metadata"].get("run_id") != gone for s in history)
    thread = await client.threads.get(tid)
    assert thread["status"] == "idle" and thread["values"]["items"] == BEFORE
    with pytest.raises(NotFoundError):
        await client.runs.get(tid, gone)
    assert gone not in [r["run_id"] for r in await client.runs.list(tid)]


async def test_cancel_rollback_with_wait_deletes_a_streaming_run(server_url: str) -> None:
    client = get_client(url=server_url)
    tid, checkpoints = await _thread_with_history(client)
    stream = client.runs.stream(tid, "slowpoke", input={"items": ["b"]})
    run_id = (await anext(stream)).data["run_id"]
    await _running_with_checkpoints(client, tid, run_id, len(checkpoints))
    assert await client.runs.cancel(tid, run_id, wait=True, action="rollback") is None
    await _assert_as_before(client, tid, checkpoints, run_id)
    assert [part.event async for part in stream][-1] == "end"
    with pytest.raises(httpx.HTTPStatusError, match="404"):
        await client.runs.join(tid, run_id)


async def test_cancel_rollback_without_wait_finishes_in_the_background(server_url: str) -> None:
    client = get_client(url=server_url)
    tid, checkpoints = await _thread_with_history(client)
    run = await client.runs.create(tid, "slowpoke", input={"items": ["b"]})
    await _running_with_checkpoints(client, tid, run["run_id"], len(checkpoints))
    assert await client.runs.cancel(tid, run["run_id"], action="rollback") is None
    await _gone(client, tid, run["run_id"])
    await _assert_as_before(client, tid, checkpoints, run["run_id"])
    after = await client.runs.wait(tid, "agent", input={"items": ["c"]})
    assert after["items"] == [*BEFORE, "c", "first", "second"]


async def test_rollback_of_a_pending_run_removes_it(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    first = await client.runs.create(tid, "slowpoke", input={"items": ["a"]})
    queued = await client.runs.create(tid, "slowpoke", input={"items": ["b"]})
    assert (await client.runs.get(tid, queued["run_id"]))["status"] == "pending"
    await client.runs.cancel(tid, queued["run_id"], wait=True, action="rollback")
    with pytest.raises(NotFoundError):
        await client.runs.get(tid, queued["run_id"])
    assert await client.runs.join(tid, first["run_id"]) == {"items": ["a", "slow"]}
    assert [r["run_id"] for r in await client.runs.list(tid)] == [first["run_id"]]
    assert (await client.threads.get(tid))["status"] == "idle"


async def test_multitask_rollback_starts_from_the_state_before_the_active_run(
    server_url: str,
) -> None:
    client = get_client(url=server_url)
    tid, checkpoints = await _thread_with_history(client)
    active = await client.runs.create(tid, "slowpoke", input={"items": ["b"]})
    queued = await client.runs.create(tid, "slowpoke", input={"items": ["q"]})
    await _running_with_checkpoints(client, tid, active["run_id"], len(checkpoints))
    result = await client.runs.wait(
        tid, "agent", input={"items": ["c"]}, multitask_strategy="rollback"
    )
    assert result["items"] == [*BEFORE, "c", "first", "second"]
    for gone in (active["run_id"], queued["run_id"]):
        with pytest.raises(NotFoundError):
            await client.runs.get(tid, gone)
    runs = await client.runs.list(tid)
    assert len(runs) == 2 and all(r["status"] == "success" for r in runs)
    history = await client.threads.get_history(tid, limit=100)
    assert await _checkpoint_ids(client, tid) == [
        *[s["checkpoint"]["checkpoint_id"] for s in history[: len(history) - len(checkpoints)]],
        *checkpoints,
    ]
    assert {s["metadata"]["run_id"] for s in history} == {r["run_id"] for r in runs}


async def test_cancel_many_rollback(server_url: str) -> None:
    client = get_client(url=server_url)
    tid, checkpoints = await _thread_with_history(client)
    run = await client.runs.create(tid, "slowpoke", input={"items": ["b"]})
    await _running_with_checkpoints(client, tid, run["run_id"], len(checkpoints))
    await client.runs.cancel_many(thread_id=tid, action="rollback")
    await _gone(client, tid, run["run_id"])
    await _assert_as_before(client, tid, checkpoints, run["run_id"])


async def test_rollback_refuses_a_finished_run_and_an_unknown_action(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(tid, "agent", input={"items": []})
    await client.runs.join(tid, run["run_id"])
    with pytest.raises(ConflictError, match="only a pending or running run can be rolled back"):
        await client.runs.cancel(tid, run["run_id"], action="rollback")
    assert (await client.runs.get(tid, run["run_id"]))["status"] == "success"
    with pytest.raises(UnprocessableEntityError, match="'action' must be one of"):
        await client.runs.cancel_many(thread_id=tid, action="undo")  # type: ignore[arg-type]
