"""stream_mode="events" through the official SDK: one SSE ``events`` event per astream_events dict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip(
    "langchain_core", reason="the events mode needs langchain-core (the 'langchain' extra)"
)

from langgraph_sdk import get_client

from stategraph.server import create_app

from .conftest import serve
from .extra_graphs import write_extra_config

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("events")
    app = create_app(write_extra_config(directory), database=str(directory / "server.db"))
    with serve(app) as base_url:
        yield base_url


async def _parts(stream: Any) -> tuple[str, list[tuple[str, Any]]]:
    """The run id from ``metadata`` and the (event, data) pairs before ``end``."""
    parts = [(part.event, part.data) async for part in stream]
    assert parts[0][0] == "metadata" and parts[-1] == ("end", None)
    return parts[0][1]["run_id"], parts[1:-1]


async def test_events_mode_streams_each_event_of_the_run(url: str) -> None:
    client = get_client(url=url)
    thread = await client.threads.create()
    run_id, parts = await _parts(
        client.runs.stream(thread["thread_id"], "chain", input={"items": []}, stream_mode="events")
    )
    assert {name for name, _ in parts} == {"events"}
    events = [data for _, data in parts]
    assert [(e["event"], e["name"], e["tags"]) for e in events] == [
        ("on_chain_start", "LangGraph", []),
        ("on_chain_start", "step", ["graph:step:1"]),
        ("on_chain_stream", "step", ["graph:step:1"]),
        ("on_chain_end", "step", ["graph:step:1"]),
        ("on_chain_end", "LangGraph", []),
    ]
    root = events[0]
    assert root["run_id"] == run_id and root["parent_ids"] == []  # the run is the root
    assert root["data"] == {"input": {"items": []}}
    assert root["metadata"]["graph_id"] == "chain" and root["metadata"]["run_id"] == run_id
    assert root["metadata"]["thread_id"] == thread["thread_id"]
    assert events[1]["parent_ids"] == [run_id]
    assert events[1]["metadata"]["langgraph_node"] == "step"
    assert events[1]["metadata"]["langgraph_path"] == ["__pregel_pull", "step"]
    assert events[3]["data"] == {"output": {"items": ["step"]}, "input": {"items": []}}
    assert events[-1]["data"] == {"output": {"items": ["step"]}}


async def test_events_with_other_modes_keep_their_chunks_as_their_own_events(url: str) -> None:
    client = get_client(url=url)
    _, parts = await _parts(
        client.runs.stream(None, "chain", input={"items": []}, stream_mode=["events", "updates"])
    )
    # the graph's own chunks arrive once, under their mode's name, in order with the events
    assert [(name, data["event"] if name == "events" else data) for name, data in parts] == [
        ("events", "on_chain_start"),
        ("events", "on_chain_start"),
        ("events", "on_chain_stream"),
        ("events", "on_chain_end"),
        ("updates", {"step": {"items": ["step"]}}),
        ("events", "on_chain_end"),
    ]


async def test_events_carry_chat_model_tokens_from_a_subgraph(url: str) -> None:
    client = get_client(url=url)
    _, parts = await _parts(
        client.runs.stream(
            None,
            "talker",
            input={"messages": [{"role": "user", "content": "hi"}]},
            stream_mode="events",
        )
    )
    events = [data for _, data in parts]
    tokens = [e for e in events if e["event"] == "on_chat_model_stream"]
    assert "".join(e["data"]["chunk"]["content"] for e in tokens) == "Hello from langchain"
    assert {e["metadata"]["langgraph_node"] for e in tokens} == {"think"}
    assert {len(e["parent_ids"]) for e in tokens} == {4}  # run > inner node > subgraph > think
    assert tokens[0]["tags"] == ["seq:step:1"]
    nodes = [
        e["name"]
        for e in events
        if e["event"] == "on_chain_start" and e["tags"][:1] != ["seq:step:1"]
    ]
    assert nodes == ["LangGraph", "inner", "think", "speak", "announce"]


async def test_events_of_an_interrupted_run(url: str) -> None:
    client = get_client(url=url)
    thread = await client.threads.create()
    _, parts = await _parts(
        client.runs.stream(
            thread["thread_id"], "asker", input={"items": []}, stream_mode=["events", "values"]
        )
    )
    assert [
        (name, data.get("event") if name == "events" else sorted(data)) for name, data in parts
    ] == [
        ("events", "on_chain_start"),
        ("values", ["items"]),
        ("events", "on_chain_start"),
        ("values", ["__interrupt__", "items"]),
        ("events", "on_chain_end"),
    ]
    assert parts[2][1]["name"] == "ask"
    state = await client.threads.get_state(thread["thread_id"])
    assert state["next"] == ["ask"]
