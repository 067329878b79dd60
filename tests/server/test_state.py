"""Thread state routes through the SDK: by checkpoint, subgraphs, update_state, history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import BadRequestError, NotFoundError

from .conftest import serve_in_mode
from .extra_graphs import write_extra_config

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


@pytest.fixture
def nested_url(tmp_path: Path, server_mode: str) -> Iterator[str]:
    """The extra graphs (``nested_asker`` among them), served in both modes."""
    with serve_in_mode(write_extra_config(tmp_path), server_mode) as (url, _):
        yield url


async def test_subgraphs_true_nests_the_interrupted_subgraphs_state(nested_url: str) -> None:
    client = get_client(url=nested_url)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "nested_asker", input={"items": []})
    flat = await client.threads.get_state(tid)
    (task,) = flat["tasks"]
    assert task["name"] == "inner" and task["state"] is None
    namespace = task["checkpoint"]["checkpoint_ns"]  # where the subgraph's checkpoints are
    assert namespace.startswith("inner:")
    deep = await client.threads.get_state(tid, subgraphs=True)
    (task,) = deep["tasks"]
    inner = task["state"]
    assert inner["values"] == {"items": ["step"]} and inner["next"] == ["ask"]
    assert inner["checkpoint"]["checkpoint_ns"] == namespace and task["checkpoint"] is None
    assert [t["name"] for t in inner["tasks"]] == ["ask"]
    assert inner["tasks"][0]["interrupts"][0]["value"] == {"question": "name?"}
    assert inner["interrupts"] == deep["interrupts"] == task["interrupts"]
    # the same at the parent's checkpoint, by id (GET) and by object (POST)
    at = deep["checkpoint"]
    by_id = await client.threads.get_state(tid, checkpoint_id=at["checkpoint_id"], subgraphs=True)
    by_object = await client.threads.get_state(tid, checkpoint=at, subgraphs=True)
    assert by_id["tasks"][0]["state"] == by_object["tasks"][0]["state"] == inner
    done = await client.runs.wait(tid, "nested_asker", command={"resume": "ada"})
    assert done["items"] == ["step", "hello ada", "step"]
    assert (await client.threads.get_state(tid, subgraphs=True))["tasks"] == []


async def test_a_bad_subgraphs_flag_is_422(nested_url: str) -> None:
    client = get_client(url=nested_url)
    tid = (await client.threads.create())["thread_id"]
    async with httpx.AsyncClient(base_url=nested_url) as http:
        response = await http.get(f"/threads/{tid}/state", params={"subgraphs": "maybe"})
        assert response.status_code == 422 and "'subgraphs'" in response.json()["detail"]
        response = await http.post(
            f"/threads/{tid}/state/checkpoint", json={"checkpoint": {}, "subgraphs": "yes"}
        )
        assert response.status_code == 422 and "'subgraphs'" in response.json()["detail"]
