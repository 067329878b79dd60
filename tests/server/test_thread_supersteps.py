"""``threads.create(supersteps=..., graph_id=...)`` through the SDK, in both server modes."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_client

pytestmark = pytest.mark.anyio


async def test_supersteps_build_the_threads_history(server_url: str) -> None:
    client = get_client(url=server_url)
    supersteps = [
        {"updates": [{"values": {"items": ["seed"]}, "as_node": "first"}]},
        {"updates": [{"values": {"items": ["one"]}, "as_node": "first"}]},
    ]
    thread = await client.threads.create(graph_id="agent", supersteps=supersteps)
    tid = thread["thread_id"]
    assert thread["values"] == {"items": ["seed", "one"]} and thread["status"] == "idle"
    assert thread["metadata"] == {"graph_id": "agent"}
    state = await client.threads.get_state(tid)
    assert state["values"] == {"items": ["seed", "one"]} and state["next"] == ["second"]
    history = await client.threads.get_history(tid)
    assert [h["values"].get("items") for h in history][:2] == [["seed", "one"], ["seed"]]
    done = await client.runs.wait(tid, "agent", input=None)
    assert done["items"] == ["seed", "one", "second"]


async def test_superstep_command_stands_for_values(server_url: str) -> None:
    client = get_client(url=server_url)
    update = {"values": None, "command": {"update": {"items": ["x"]}}, "as_node": "first"}
    thread = await client.threads.create(graph_id="agent", supersteps=[{"updates": [update]}])
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"] == {"items": ["x"]} and state["next"] == ["second"]
    async with httpx.AsyncClient(base_url=server_url) as http:
        bad = {"values": None, "command": {"jump": "second"}, "as_node": "first"}
        body = {"metadata": {"graph_id": "agent"}, "supersteps": [{"updates": [bad]}]}
        response = await http.post("/threads", json=body)
    assert response.status_code == 422 and "supersteps[0].updates[0]" in response.text


async def test_superstep_errors_create_nothing(server_url: str) -> None:
    client = get_client(url=server_url)
    cases = [
        ({"graph_id": "nope"}, 404, "Graph 'nope' not found"),
        ({}, 422, "graph_id"),
        ({"graph_id": "agent", "as_node": "missing"}, 422, "missing"),
        ({"graph_id": "agent", "values": "not a dict"}, 422, "supersteps"),
    ]
    for options, status, message in cases:
        update = {"values": options.get("values", {"items": ["a"]})}
        update["as_node"] = options.get("as_node", "first")
        with pytest.raises(httpx.HTTPStatusError) as exc:
            await client.threads.create(
                thread_id="t-1",
                graph_id=options.get("graph_id"),
                supersteps=[{"updates": [update]}],
            )
        assert exc.value.response.status_code == status, exc.value.response.text
        assert message in exc.value.response.text
    async with httpx.AsyncClient(base_url=server_url) as http:
        empty = await http.post("/threads", json={"supersteps": [{"updates": []}]})
        assert empty.status_code == 422 and "'supersteps[0].updates'" in empty.text
        shape = await http.post("/threads", json={"supersteps": [{"updates": [{"x": 1}]}]})
        assert shape.status_code == 422 and "unknown key(s) ['x']" in shape.text
    assert await client.threads.count() == 0
