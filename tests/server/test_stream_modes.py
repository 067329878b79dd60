"""Every stream mode of a run through the official SDK: messages, tuples, debug, tasks,
checkpoints, and subgraph namespaces in event names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.errors import UnprocessableEntityError

from stategraph.server import create_app

from .conftest import serve
from .extra_graphs import write_extra_config

pytestmark = pytest.mark.anyio

_HUMAN = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def extra_url(tmp_path: Path) -> Iterator[str]:
    app = create_app(write_extra_config(tmp_path), database=str(tmp_path / "server.db"))
    with serve(app) as url:
        yield url


async def _events(stream: Any) -> list[tuple[str, Any]]:
    """The (event, data) pairs between ``metadata`` and ``end`` (both checked, dropped)."""
    parts = [(part.event, part.data) async for part in stream]
    assert parts[0][0] == "metadata" and parts[-1] == ("end", None)
    return parts[1:-1]


async def test_messages_mode_folds_chunks_into_partial_and_complete(extra_url: str) -> None:
    client = get_client(url=extra_url)
    parts = await _events(client.runs.stream(None, "talker", input=_HUMAN, stream_mode="messages"))
    # without stream_subgraphs the subgraph's tokens stay inside it: its reply arrives whole,
    # as the output of the parent's node 'inner'
    assert [event for event, _ in parts] == [
        "messages/metadata",
        "messages/complete",
        "messages/metadata",
        "messages/partial",
        "messages/partial",
        "messages/partial",
        "messages/metadata",
        "messages/complete",
    ]
    ((inner_id, inner_meta),) = parts[0][1].items()
    assert inner_meta["metadata"]["langgraph_node"] == "inner"
    assert [(m["type"], m["content"], m["id"]) for m in parts[1][1]] == [
        ("ai", "Hello from langchain", inner_id)
    ]
    ((spoken_id, meta),) = parts[2][1].items()
    assert meta["metadata"]["langgraph_node"] == "speak"
    partials = [data for event, data in parts if event == "messages/partial"]
    assert [p[0]["content"] for p in partials] == ["own", "own model", "own model words"]
    assert {(p[0]["type"], p[0]["id"]) for p in partials} == {("ai", spoken_id)}
    assert parts[6][1]["announce-1"]["metadata"]["langgraph_node"] == "announce"
    assert [(m["type"], m["content"], m["id"]) for m in parts[7][1]] == [
        ("ai", "done", "announce-1")
    ]


async def test_messages_and_tuples_with_subgraphs(extra_url: str) -> None:
    client = get_client(url=extra_url)
    parts = await _events(
        client.runs.stream(
            None,
            "talker",
            input=_HUMAN,
            stream_mode=["messages-tuple", "messages"],
            stream_subgraphs=True,
        )
    )
    inner = [(event, data) for event, data in parts if "|inner:" in event]
    assert {event.split("|")[0] for event, _ in inner} == {
        "messages",
        "messages/metadata",
        "messages/partial",
    }
    assert len({event.split("|", 1)[1] for event, _ in inner}) == 1  # one namespace
    tuples = [data for event, data in inner if event.startswith("messages|")]
    assert "".join(chunk["content"] for chunk, _ in tuples) == "Hello from langchain"
    assert {chunk["type"] for chunk, _ in tuples} == {"AIMessageChunk"}
    assert {meta["langgraph_node"] for _, meta in tuples} == {"think"}
    last_partial = [data for event, data in inner if event.startswith("messages/partial")][-1]
    assert (last_partial[0]["type"], last_partial[0]["content"]) == ("ai", "Hello from langchain")
    root_tuples = [data for event, data in parts if event == "messages"]
    assert [chunk["content"] for chunk, _ in root_tuples] == ["own", " model", " words", "done"]


async def test_debug_mode_wraps_checkpoints_and_tasks(extra_url: str) -> None:
    client = get_client(url=extra_url)
    parts = await _events(
        client.runs.stream(None, "typed", input={"items": []}, stream_mode="debug")
    )
    assert {event for event, _ in parts} == {"debug"}
    assert [(d["step"], d["type"]) for _, d in parts] == [
        (-1, "checkpoint"),
        (0, "checkpoint"),
        (1, "task"),
        (1, "task_result"),
        (1, "checkpoint"),
        (2, "task"),
        (2, "task_result"),
        (2, "checkpoint"),
    ]
    result = parts[6][1]["payload"]
    assert (result["name"], result["result"], result["error"]) == (
        "after",
        {"items": ["after"]},
        None,
    )
    assert parts[-1][1]["payload"]["values"] == {"items": ["leaf", "after"]}
    assert all(isinstance(d["timestamp"], str) for _, d in parts)


async def test_tasks_mode(extra_url: str) -> None:
    client = get_client(url=extra_url)
    parts = await _events(
        client.runs.stream(None, "typed", input={"items": []}, stream_mode="tasks")
    )
    starts = [d for _, d in parts if "input" in d]
    results = [d for _, d in parts if "result" in d]
    assert [(d["name"], d["triggers"]) for d in starts] == [
        ("middle", ["branch:to:middle"]),
        ("after", ["branch:to:after"]),
    ]
    assert [(d["name"], d["result"], d["interrupts"]) for d in results] == [
        ("middle", {"items": ["leaf"]}, []),
        ("after", {"items": ["after"]}, []),
    ]
    assert [d["id"] for d in starts] == [d["id"] for d in results]


async def test_checkpoints_mode(extra_url: str) -> None:
    client = get_client(url=extra_url)
    thread = await client.threads.create()
    tid = thread["thread_id"]
    stream = client.runs.stream(tid, "typed", input={"items": []}, stream_mode="checkpoints")
    parts = await _events(stream)
    assert {event for event, _ in parts} == {"checkpoints"}
    payloads = [d for _, d in parts]
    assert [(p["metadata"]["source"], p["metadata"]["step"]) for p in payloads] == [
        ("input", -1),
        ("loop", 0),
        ("loop", 1),
        ("loop", 2),
    ]
    assert [p["next"] for p in payloads] == [["__start__"], ["middle"], ["after"], []]
    assert payloads[-1]["values"] == {"items": ["leaf", "after"]}
    assert {p["config"]["configurable"]["thread_id"] for p in payloads} == {tid}
    state = await client.threads.get_state(tid)
    assert (
        payloads[-1]["config"]["configurable"]["checkpoint_id"]
        == state["checkpoint"]["checkpoint_id"]
    )


async def test_subgraph_events_name_every_namespace_level(extra_url: str) -> None:
    client = get_client(url=extra_url)
    parts = await _events(
        client.runs.stream(
            None,
            "typed",
            input={"items": []},
            stream_mode=["updates", "custom"],
            stream_subgraphs=True,
        )
    )
    names = [event.split("|") for event, _ in parts]
    assert [n[0] for n in names] == ["custom", "updates", "updates", "updates", "updates"]
    assert [len(n) for n in names] == [3, 3, 2, 1, 1]
    assert names[0][1].startswith("middle:") and names[0][2].startswith("leafy:")
    assert parts[0][1] == {"at": "leaf"}
    assert parts[1][1] == {"leaf": {"items": ["leaf"]}}
    assert parts[2][1] == {"leafy": {"items": ["leaf"]}}
    assert parts[-1][1] == {"after": {"items": ["after"]}}


async def test_join_stream_filters_by_messages_mode(extra_url: str) -> None:
    client = get_client(url=extra_url)
    tid = (await client.threads.create())["thread_id"]
    run = await client.runs.create(
        tid, "talker", input=_HUMAN, stream_mode=["messages", "values"], stream_resumable=True
    )
    await client.runs.join(tid, run["run_id"])
    joined = [
        part.event
        async for part in client.runs.join_stream(
            tid, run["run_id"], stream_mode="messages", last_event_id="0"
        )
    ]
    assert joined[0] == "metadata" and joined[-1] == "end"
    assert set(joined[1:-1]) == {"messages/metadata", "messages/partial", "messages/complete"}


async def test_unsupported_mode_is_refused_with_the_supported_list(extra_url: str) -> None:
    client = get_client(url=extra_url)
    with pytest.raises(UnprocessableEntityError, match="'tools'.*checkpoints"):
        await client.runs.create(None, "typed", input={}, stream_mode="tools")  # type: ignore[arg-type]
