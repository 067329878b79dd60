"""Thread state routes through the SDK: by checkpoint, update_state, history filters."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import BadRequestError, NotFoundError

pytestmark = pytest.mark.anyio


async def test_state_by_checkpoint_id_and_object(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"items": []})
    history = await client.threads.get_history(tid)
    middle = next(h for h in history if h["values"].get("items") == ["first"])
    checkpoint_id = middle["checkpoint"]["checkpoint_id"]
    by_id = await client.threads.get_state(tid, checkpoint_id=checkpoint_id)
    assert by_id["values"] == {"items": ["first"]} and by_id["next"] == ["second"]
    by_object = await client.threads.get_state(tid, checkpoint=middle["checkpoint"])
    assert by_object["checkpoint"] == middle["checkpoint"]
    older = await client.threads.get_history(tid, before=middle["checkpoint"])
    assert all(h["checkpoint"]["checkpoint_id"] < checkpoint_id for h in older)
    assert len(older) == len(history) - history.index(middle) - 1
    with pytest.raises(NotFoundError, match="Checkpoint 'nope' not found"):
        await client.threads.get_state(tid, checkpoint_id="nope")


async def test_update_state_then_resume(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "asker", input={"items": []})
    updated = await client.threads.update_state(tid, {"items": ["edited"]}, as_node="first")
    state = await client.threads.get_state(tid)
    assert updated["checkpoint"] == state["checkpoint"]
    assert state["values"]["items"] == ["first", "edited"]
    assert (await client.threads.get(tid))["values"]["items"] == ["first", "edited"]
    done = await client.runs.wait(tid, "asker", command={"resume": "bo"})
    assert done["items"] == ["first", "edited", "hello bo"]


async def test_update_state_needs_a_graph(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create())["thread_id"]
    assert (await client.threads.get_state(tid))["values"] == {}
    assert await client.threads.get_history(tid) == []
    with pytest.raises(BadRequestError, match="has no graph yet"):
        await client.threads.update_state(tid, {"items": ["x"]})
    tid = (await client.threads.create(graph_id="agent"))["thread_id"]
    await client.threads.update_state(tid, {"items": ["x"]}, as_node="first")
    assert (await client.threads.get_state(tid))["next"] == ["second"]


async def test_thread_update_and_count(server_url: str) -> None:
    client = get_client(url=server_url)
    tid = (await client.threads.create(metadata={"a": 1}))["thread_id"]
    await client.threads.create(metadata={"a": 2})
    updated = await client.threads.update(tid, metadata={"b": 2})
    assert updated["metadata"] == {"a": 1, "b": 2}
    assert await client.threads.count() == 2
    assert await client.threads.count(metadata={"b": 2}) == 1
    async with httpx.AsyncClient(base_url=server_url) as http:
        assert (await http.patch("/threads/nope", json={})).status_code == 404
