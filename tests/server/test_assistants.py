"""Assistants through the SDK: create, versioned update, set_latest, delete, errors."""

from __future__ import annotations

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

pytestmark = pytest.mark.anyio


async def test_created_assistant_configures_runs(server_url: str) -> None:
    client = get_client(url=server_url)
    assistant = await client.assistants.create(
        "greeter",
        config={"configurable": {"greeting": "ahoy"}},
        metadata={"team": "a"},
        name="Pirate",
    )
    aid = assistant["assistant_id"]
    assert (assistant["graph_id"], assistant["name"], assistant["version"]) == (
        "greeter",
        "Pirate",
        1,
    )
    assert await client.assistants.get(aid) == assistant
    assert await client.runs.wait(None, aid, input={}) == {"items": ["ahoy"]}
    assert await client.runs.wait(None, "greeter", input={}) == {"items": ["hi"]}
    body_wins = await client.runs.wait(
        None, aid, input={}, config={"configurable": {"greeting": "yo"}}
    )
    assert body_wins == {"items": ["yo"]}
    assert [a["name"] for a in await client.assistants.search(metadata={"team": "a"})] == ["Pirate"]


async def test_update_versions_and_set_latest(server_url: str) -> None:
    client = get_client(url=server_url)
    aid = (
        await client.assistants.create(
            "greeter", config={"configurable": {"greeting": "v1"}}, metadata={"a": 1}
        )
    )["assistant_id"]
    updated = await client.assistants.update(
        aid, config={"configurable": {"greeting": "v2"}}, metadata={"b": 2}
    )
    assert updated["version"] == 2 and updated["metadata"] == {"a": 1, "b": 2}
    assert await client.runs.wait(None, aid, input={}) == {"items": ["v2"]}
    versions = await client.assistants.get_versions(aid)
    assert [v["version"] for v in versions] == [2, 1]
    latest = await client.assistants.set_latest(aid, 1)
    assert latest["version"] == 1 and latest["config"]["configurable"]["greeting"] == "v1"
    assert await client.runs.wait(None, aid, input={}) == {"items": ["v1"]}
    with pytest.raises(NotFoundError, match="no version 7"):
        await client.assistants.set_latest(aid, 7)


async def test_create_conflicts_and_errors(server_url: str) -> None:
    client = get_client(url=server_url)
    first = await client.assistants.create(
        "agent", assistant_id="11111111-1111-4111-8111-111111111111"
    )
    with pytest.raises(ConflictError, match="already exists"):
        await client.assistants.create("agent", assistant_id=first["assistant_id"])
    same = await client.assistants.create(
        "agent", assistant_id=first["assistant_id"], if_exists="do_nothing"
    )
    assert same == first
    with pytest.raises(NotFoundError, match="Graph 'nope' not found"):
        await client.assistants.create("nope")
    with pytest.raises(UnprocessableEntityError, match="'config' must be an object"):
        await client.assistants.create("agent", config=[1])  # type: ignore[arg-type]
    await client.assistants.delete(first["assistant_id"])
    with pytest.raises(NotFoundError):
        await client.assistants.get(first["assistant_id"])
    with pytest.raises(NotFoundError):
        await client.assistants.delete(first["assistant_id"])


async def test_get_graph_with_and_without_xray(server_url: str) -> None:
    client = get_client(url=server_url)
    flat = await client.assistants.get_graph("nested")
    assert [n["id"] for n in flat["nodes"]] == ["__start__", "inner", "second", "__end__"]
    assert {"source": "inner", "target": "second"} in [
        {"source": e["source"], "target": e["target"]} for e in flat["edges"]
    ]
    deep = await client.assistants.get_graph("nested", xray=True)
    assert "inner:first" in [n["id"] for n in deep["nodes"]]
    with pytest.raises(UnprocessableEntityError, match="'xray'"):
        await client.assistants.get_graph("nested", xray="deep")  # type: ignore[arg-type]


async def test_search_pages_with_the_next_cursor(server_url: str) -> None:
    client = get_client(url=server_url)
    first = await client.assistants.search(limit=5, response_format="object")
    assert len(first["assistants"]) == 5 and first["next"] == "5"
    rest = await client.assistants.search(limit=5, offset=5, response_format="object")
    assert rest["next"] is None
    ids = [a["assistant_id"] for a in first["assistants"] + rest["assistants"]]
    assert len(set(ids)) == len(ids) == await client.assistants.count()
    picked = await client.assistants.search(graph_id="agent", select=["assistant_id", "name"])
    assert picked == [{"assistant_id": picked[0]["assistant_id"], "name": "agent"}]
