"""The whole flow through the official ``langgraph_sdk`` client against a live server."""

from __future__ import annotations

import uuid

import httpx
import pytest
from langgraph_sdk import get_client, get_sync_client

pytestmark = pytest.mark.anyio


async def test_ok_and_info(server_url: str) -> None:
    async with httpx.AsyncClient(base_url=server_url) as http:
        assert (await http.get("/ok")).json() == {"ok": True}
        info = (await http.get("/info")).json()
    assert info["server"] == "stategraph" and "version" in info


async def test_system_assistant_by_graph_name_and_id(server_url: str) -> None:
    client = get_client(url=server_url)
    by_name = await client.assistants.get("agent")
    assert by_name["graph_id"] == "agent"
    assert by_name["assistant_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "agent"))
    by_id = await client.assistants.get(by_name["assistant_id"])
    assert by_id == by_name
    found = await client.assistants.search(graph_id="asker")
    assert [a["graph_id"] for a in found] == ["asker"]
    assert await client.assistants.count() == 8
    assert await client.assistants.count(metadata={"created_by": "system"}, graph_id="agent") == 1


async def test_run_wait_then_state_and_history(server_url: str) -> None:
    client = get_client(url=server_url)
    thread = await client.threads.create(metadata={"user": "ada"})
    tid = thread["thread_id"]
    assert thread["status"] == "idle" and thread["metadata"] == {"user": "ada"}
    result = await client.runs.wait(tid, "agent", input={"items": ["start"]})
    assert result == {"items": ["start", "first", "second"]}
    state = await client.threads.get_state(tid)
    assert state["values"] == result and state["next"] == []
    assert state["checkpoint"]["thread_id"] == tid
    history = await client.threads.get_history(tid)
    assert history[0]["checkpoint"] == state["checkpoint"]
    assert [h["values"].get("items", []) for h in history][-1] == []
    assert len(await client.threads.get_history(tid, limit=2)) == 2
    thread = await client.threads.get(tid)
    assert thread["status"] == "idle" and thread["values"] == result
    assert thread["metadata"]["graph_id"] == "agent"


def test_sync_client_flow(server_url: str) -> None:
    client = get_sync_client(url=server_url)
    thread = client.threads.create()
    result = client.runs.wait(thread["thread_id"], "agent", input={"items": []})
    assert result == {"items": ["first", "second"]}
    runs = client.runs.list(thread["thread_id"])
    assert [r["status"] for r in runs] == ["success"]
    run = client.runs.get(thread["thread_id"], runs[0]["run_id"])
    assert run["assistant_id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "agent"))
    assert run["kwargs"]["input"] == {"items": []}


async def test_stateless_wait_deletes_its_thread(server_url: str) -> None:
    client = get_client(url=server_url)
    created: list[tuple[str, str | None]] = []
    result = await client.runs.wait(
        None,
        "agent",
        input={"items": []},
        on_run_created=lambda meta: created.append((meta["run_id"], meta["thread_id"])),
    )
    assert result == {"items": ["first", "second"]}
    assert len(created) == 1
    assert await client.threads.search() == []


async def test_thread_search_and_delete(server_url: str) -> None:
    client = get_client(url=server_url)
    a = await client.threads.create(metadata={"team": "red"})
    b = await client.threads.create(metadata={"team": "blue"})
    found = await client.threads.search(metadata={"team": "red"})
    assert [t["thread_id"] for t in found] == [a["thread_id"]]
    assert len(await client.threads.search(limit=1)) == 1
    assert len(await client.threads.search(status="idle")) == 2
    await client.threads.delete(a["thread_id"])
    assert len(await client.threads.search()) == 1
    same = await client.threads.create(thread_id=b["thread_id"], if_exists="do_nothing")
    assert same["metadata"] == {"team": "blue"}


def test_create_app_takes_a_mapping_or_a_server_config() -> None:
    from stategraph.server import create_app, load_config

    from .conftest import GRAPHS_FILE

    mapping = {"graphs": {"agent": f"{GRAPHS_FILE}:agent"}}
    for config in (mapping, load_config(mapping)):
        server = create_app(config).state.server
        assert server.assistants.get("agent")["graph_id"] == "agent"
        assert [a["graph_id"] for a in server.assistants.all()] == ["agent"]
        server.close()
