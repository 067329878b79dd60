"""Assistants through the SDK: create, versioned update, set_latest, delete, schemas, subgraphs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

from stategraph.server import create_app

from .conftest import serve
from .extra_graphs import write_extra_config

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


@pytest.fixture
def extra_url(tmp_path: Path) -> Iterator[str]:
    app = create_app(write_extra_config(tmp_path), database=str(tmp_path / "server.db"))
    with serve(app) as url:
        yield url


async def test_get_schemas_of_a_typing_typeddict_graph(extra_url: str) -> None:
    client = get_client(url=extra_url)
    schemas = await client.assistants.get_schemas("typed")
    state = {
        "title": "TypedState",
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
        },
        "required": ["items"],
    }
    assert schemas == {
        "graph_id": "typed",
        "input_schema": state,
        "output_schema": state,
        "state_schema": state,
        "config_schema": None,
        "context_schema": {
            "title": "Context",
            "type": "object",
            "properties": {"user": {"type": "string"}},
            "required": ["user"],
        },
    }
    created = await client.assistants.create("typed")
    assert await client.assistants.get_schemas(created["assistant_id"]) == schemas
    with pytest.raises(NotFoundError):
        await client.assistants.get_schemas("no-such-graph")


async def test_get_schemas_of_a_messages_graph_without_context(server_url: str) -> None:
    client = get_client(url=server_url)
    schemas = await client.assistants.get_schemas("chat")
    assert schemas["context_schema"] is None
    assert schemas["state_schema"]["properties"]["messages"]["type"] == "array"


async def test_get_subgraphs_by_namespace_and_recurse(extra_url: str) -> None:
    client = get_client(url=extra_url)
    top = await client.assistants.get_subgraphs("typed")
    assert list(top) == ["middle"]
    assert top["middle"]["graph_id"] == "typed"
    assert top["middle"]["state_schema"]["title"] == "TypedState"
    assert top["middle"]["context_schema"] is None
    assert list(await client.assistants.get_subgraphs("typed", recurse=True)) == [
        "middle",
        "middle|leafy",
    ]
    assert list(await client.assistants.get_subgraphs("typed", namespace="middle")) == ["middle"]
    deep = await client.assistants.get_subgraphs("typed", namespace="middle", recurse=True)
    assert list(deep) == ["middle", "middle|leafy"]
    leafy = await client.assistants.get_subgraphs("typed", namespace="middle|leafy")
    assert list(leafy) == ["middle|leafy"]
    assert await client.assistants.get_subgraphs("talker", namespace="inner") != {}
    with pytest.raises(NotFoundError, match="no subgraph at namespace 'nope'"):
        await client.assistants.get_subgraphs("typed", namespace="nope")
    with pytest.raises(UnprocessableEntityError, match="'recurse'"):
        await client.assistants.get_subgraphs("typed", params={"recurse": "deep"})


async def test_get_graph_xray_depth(extra_url: str) -> None:
    client = get_client(url=extra_url)
    # why: a list, not a dict: True == 1 would merge two depths into one key
    found = [
        {n["id"] for n in (await client.assistants.get_graph("typed", xray=depth))["nodes"]}
        for depth in (False, 1, 2, True)
    ]
    ids = {"none": found[0], 1: found[1], 2: found[2], "all": found[3]}
    assert "middle" in ids["none"] and not any(":" in i for i in ids["none"])
    assert "middle:leafy" in ids[1] and not any(i.count(":") > 1 for i in ids[1])
    assert "middle:leafy:leaf" in ids[2]
    assert ids["all"] == ids[2]
