"""astream_events / stream_events: the event sequences LangGraph 1.2 produces for the same graphs.

Each expected sequence below was observed on LangGraph 1.2.22 with langchain-core 1.8.3 for
the same graph; run ids are replaced by their order of first appearance.
"""

# why: over 400 lines: one event sequence per case, asserted in full.

from __future__ import annotations

import operator
import subprocess
import sys
import textwrap
from typing import Annotated, Any, TypedDict

import pytest

pytest.importorskip(
    "langchain_core", reason="astream_events needs langchain-core (the 'langchain' extra)"
)

from langchain_core.language_models.fake_chat_models import (
    FakeMessagesListChatModel,
    GenericFakeChatModel,
)
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.tools import tool

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.prebuilt import create_react_agent
from stategraph.types import Command, Send, interrupt

pytestmark = pytest.mark.anyio


class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]


async def _events(
    graph: Any, value: Any, config: Any = None, **kwargs: Any
) -> list[dict[str, Any]]:
    return [e async for e in graph.astream_events(value, config, **kwargs)]


def _shape(events: list[dict[str, Any]]) -> list[tuple[str, str, list[str], list[int]]]:
    """(event, name, tags, parent run indexes) with run ids numbered by first appearance."""
    ids: dict[str, int] = {}
    out = []
    for e in events:
        ids.setdefault(e["run_id"], len(ids))
        out.append((e["event"], e["name"], e["tags"], [ids[p] for p in e["parent_ids"]]))
    return out


def _node_meta(e: dict[str, Any]) -> dict[str, Any]:
    meta = dict(e["metadata"])
    ns = meta.pop("langgraph_checkpoint_ns")
    assert ns.startswith(f"{meta['langgraph_node']}:") or "|" in ns
    return meta


async def test_two_nodes_give_graph_and_node_runs_with_langgraph_metadata() -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: {"x": s["x"] + 1, "log": ["a"]})
    g.add_node("b", lambda s: {"x": s["x"] * 2, "log": ["b"]})
    g.add_edge(START, "a").add_edge("a", "b")
    events = await _events(g.compile(), {"x": 1})
    assert _shape(events) == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "a", ["graph:step:1"], [0]),
        ("on_chain_stream", "a", ["graph:step:1"], [0]),
        ("on_chain_end", "a", ["graph:step:1"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_start", "b", ["graph:step:2"], [0]),
        ("on_chain_stream", "b", ["graph:step:2"], [0]),
        ("on_chain_end", "b", ["graph:step:2"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    assert [e["data"] for e in events] == [
        {"input": {"x": 1}},
        {"input": {"x": 1, "log": []}},
        {"chunk": {"x": 2, "log": ["a"]}},
        {"output": {"x": 2, "log": ["a"]}, "input": {"x": 1, "log": []}},
        {"chunk": {"a": {"x": 2, "log": ["a"]}}},
        {"input": {"x": 2, "log": ["a"]}},
        {"chunk": {"x": 4, "log": ["b"]}},
        {"output": {"x": 4, "log": ["b"]}, "input": {"x": 2, "log": ["a"]}},
        {"chunk": {"b": {"x": 4, "log": ["b"]}}},
        {"output": {"x": 4, "log": ["a", "b"]}},
    ]
    assert events[0]["metadata"] == {"ls_integration": "langgraph"}
    assert _node_meta(events[5]) == {
        "langgraph_step": 2,
        "langgraph_node": "b",
        "langgraph_triggers": ("branch:to:b",),
        "langgraph_path": ("__pregel_pull", "b"),
        "ls_integration": "langgraph",
    }


async def test_config_tags_metadata_run_name_and_run_id_reach_the_events() -> None:
    import uuid

    g = StateGraph(S)
    g.add_node("a", lambda s: {"x": s["x"] + 1}, metadata={"k": "v"})
    g.add_edge(START, "a")
    graph = g.compile().with_config(tags=["gtag"], run_name="myrun")
    run_id = uuid.uuid4()
    config = {"tags": ["ctag"], "metadata": {"user": "u"}, "run_id": run_id}
    events = await _events(graph, {"x": 1}, config)
    assert _shape(events)[:2] == [
        ("on_chain_start", "myrun", ["gtag", "ctag"], []),
        ("on_chain_start", "a", ["graph:step:1", "gtag", "ctag"], [0]),
    ]
    assert events[0]["run_id"] == str(run_id)
    assert events[0]["metadata"] == {"user": "u", "ls_integration": "langgraph"}
    assert _node_meta(events[1])["k"] == "v" and _node_meta(events[1])["user"] == "u"


async def test_subgraph_node_runs_as_a_child_graph_run() -> None:
    inner = StateGraph(S).add_node("inner", lambda s: {"x": s["x"] + 10}).add_edge(START, "inner")
    g = StateGraph(S)
    g.add_node("outer", lambda s: {"log": ["o"]})
    g.add_node("sub", inner.compile())
    g.add_edge(START, "outer").add_edge("outer", "sub")
    events = await _events(g.compile(), {"x": 1})
    assert _shape(events) == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "outer", ["graph:step:1"], [0]),
        ("on_chain_stream", "outer", ["graph:step:1"], [0]),
        ("on_chain_end", "outer", ["graph:step:1"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_start", "sub", ["graph:step:2"], [0]),
        ("on_chain_start", "LangGraph", ["seq:step:1"], [0, 2]),
        ("on_chain_start", "inner", ["graph:step:1"], [0, 2, 3]),
        ("on_chain_stream", "inner", ["graph:step:1"], [0, 2, 3]),
        ("on_chain_end", "inner", ["graph:step:1"], [0, 2, 3]),
        ("on_chain_end", "LangGraph", ["seq:step:1"], [0, 2]),
        ("on_chain_stream", "sub", ["graph:step:2"], [0]),
        ("on_chain_end", "sub", ["graph:step:2"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    sub_ns = events[5]["metadata"]["langgraph_checkpoint_ns"]
    assert events[6]["metadata"]["checkpoint_ns"] == sub_ns  # the child graph's namespace
    assert events[7]["metadata"]["checkpoint_ns"] == sub_ns
    assert events[7]["metadata"]["langgraph_checkpoint_ns"].startswith(f"{sub_ns}|inner:")
    assert events[10]["data"] == {
        "output": {"x": 11, "log": ["o"]},
        "input": {"x": 1, "log": ["o"]},
    }


async def test_graph_invoked_inside_a_node_is_a_child_of_that_node() -> None:
    inner = (
        StateGraph(S)
        .add_node("inner", lambda s: {"x": s["x"] + 10})
        .add_edge(START, "inner")
        .compile()
    )

    def call(s: S) -> dict:
        return {"x": inner.invoke({"x": s["x"]})["x"]}  # no config passed on

    g = StateGraph(S).add_node("call", call).add_edge(START, "call")
    events = await _events(g.compile(), {"x": 1})
    # a sync run inside the node: its node outputs are not streamed (as in LangGraph)
    assert _shape(events) == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "call", ["graph:step:1"], [0]),
        ("on_chain_start", "LangGraph", ["seq:step:1"], [0, 1]),
        ("on_chain_start", "inner", ["graph:step:1"], [0, 1, 2]),
        ("on_chain_end", "inner", ["graph:step:1"], [0, 1, 2]),
        ("on_chain_end", "LangGraph", ["seq:step:1"], [0, 1]),
        ("on_chain_stream", "call", ["graph:step:1"], [0]),
        ("on_chain_end", "call", ["graph:step:1"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]


@pytest.mark.parametrize("node_kind", ["sync", "async"])
async def test_chat_model_in_a_node_streams_its_tokens_as_a_child(node_kind: str) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage(content="hello there world", id="ai-1")]))

    def call(state: MessagesState) -> dict:
        return {"messages": [model.invoke(state["messages"])]}

    async def acall(state: MessagesState) -> dict:
        return {"messages": [await model.ainvoke(state["messages"])]}

    g = StateGraph(MessagesState).add_node("call", call if node_kind == "sync" else acall)
    events = await _events(
        g.add_edge(START, "call").compile(), {"messages": [HumanMessage("hi", id="h-1")]}
    )
    model_run = ("GenericFakeChatModel", ["seq:step:1"], [0, 1])
    assert _shape(events) == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "call", ["graph:step:1"], [0]),
        ("on_chat_model_start", *model_run),
        *[("on_chat_model_stream", *model_run)] * 5,
        ("on_chat_model_end", *model_run),
        ("on_chain_stream", "call", ["graph:step:1"], [0]),
        ("on_chain_end", "call", ["graph:step:1"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    tokens = [e["data"]["chunk"].content for e in events if e["event"] == "on_chat_model_stream"]
    assert tokens == ["hello", " ", "there", " ", "world"]
    meta = events[2]["metadata"]
    assert (
        meta["checkpoint_ns"]
        == meta["langgraph_checkpoint_ns"]
        == events[1]["metadata"]["langgraph_checkpoint_ns"]
    )
    assert meta["langgraph_node"] == "call" and meta["ls_model_type"] == "chat"
    assert events[-1]["data"]["output"]["messages"][-1].content == "hello there world"


async def test_react_agent_tool_call_is_a_child_of_the_tools_node() -> None:
    @tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    class Model(FakeMessagesListChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
            return self

    calls = [{"name": "add", "args": {"a": 1, "b": 2}, "id": "call-1"}]
    model = Model(responses=[AIMessage("", id="ai-1", tool_calls=calls), AIMessage("3", id="ai-2")])
    agent = create_react_agent(model, [add])
    events = await _events(agent, {"messages": [HumanMessage("add", id="h-1")]})
    # the graph, node and tool runs as in LangGraph (its agent adds runs of its own internals
    # inside the 'agent' node: call_model, a prompt sequence, should_continue)
    outer = [s for s in _shape(events) if s[1] in ("LangGraph", "agent", "tools", "add")]
    assert outer == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "agent", ["graph:step:1"], [0]),
        ("on_chain_stream", "agent", ["graph:step:1"], [0]),
        ("on_chain_end", "agent", ["graph:step:1"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_start", "tools", ["graph:step:2"], [0]),
        ("on_tool_start", "add", ["seq:step:1"], [0, 3]),
        ("on_tool_end", "add", ["seq:step:1"], [0, 3]),
        ("on_chain_stream", "tools", ["graph:step:2"], [0]),
        ("on_chain_end", "tools", ["graph:step:2"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_start", "agent", ["graph:step:3"], [0]),
        ("on_chain_stream", "agent", ["graph:step:3"], [0]),
        ("on_chain_end", "agent", ["graph:step:3"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    tool_events = [e for e in events if e["event"].startswith("on_tool")]
    assert tool_events[0]["data"] == {"input": {"a": 1, "b": 2}}
    assert tool_events[1]["data"]["output"].content == "3"
    assert tool_events[1]["data"]["output"].tool_call_id == "call-1"
    models = [e for e in events if e["event"] == "on_chat_model_end"]
    assert [e["metadata"]["langgraph_step"] for e in models] == [1, 3]


async def test_functional_task_is_a_child_of_the_entrypoint_task() -> None:
    @task
    def double(x: int) -> int:
        return x * 2

    @entrypoint()
    def main(x: int) -> int:
        return double(x).result() + 1

    events = await _events(main, 3)
    shape = [(ev, name, tags, parents) for ev, name, tags, parents in _shape(events)]
    assert [s[0::2] + (s[3],) for s in shape] == [
        ("on_chain_start", [], []),
        ("on_chain_start", ["graph:step:0"], [0]),
        ("on_chain_start", ["seq:step:1"], [0, 1]),
        ("on_chain_stream", ["seq:step:1"], [0, 1]),
        ("on_chain_end", ["seq:step:1"], [0, 1]),
        ("on_chain_stream", [], []),
        ("on_chain_stream", ["graph:step:0"], [0]),
        ("on_chain_end", ["graph:step:0"], [0]),
        ("on_chain_stream", [], []),
        ("on_chain_end", [], []),
    ]
    assert [s[1] for s in shape[1:5]] == ["main", "double", "double", "double"]
    assert [e["data"] for e in events[2:]] == [
        {"input": {"x": 3}},
        {"chunk": 6},
        {"output": 6, "input": {"x": 3}},
        {"chunk": {"double": 6}},
        {"chunk": 7},
        {"output": 7, "input": 3},
        {"chunk": {"main": 7}},
        {"output": 7},
    ]


async def test_interrupted_node_has_no_end_and_the_run_ends_with_its_values() -> None:
    def ask(s: S) -> dict:
        return {"x": interrupt("q?")}

    g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
    graph = g.add_edge(START, "pre").add_edge("pre", "ask").compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t1"}}
    events = await _events(graph, {"x": 1}, config)
    assert _shape(events)[5:] == [
        ("on_chain_start", "ask", ["graph:step:2"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    assert events[0]["metadata"] == {"ls_integration": "langgraph", "thread_id": "t1"}
    assert [i.value for i in events[6]["data"]["chunk"]["__interrupt__"]] == ["q?"]
    assert events[7]["data"] == {"output": {"x": 1, "log": ["pre"]}}

    resumed = await _events(graph, Command(resume=42), config)
    assert _shape(resumed) == [
        ("on_chain_start", "LangGraph", [], []),
        ("on_chain_start", "ask", ["graph:step:2"], [0]),
        ("on_chain_stream", "ask", ["graph:step:2"], [0]),
        ("on_chain_end", "ask", ["graph:step:2"], [0]),
        ("on_chain_stream", "LangGraph", [], []),
        ("on_chain_end", "LangGraph", [], []),
    ]
    assert resumed[3]["data"] == {"output": {"x": 42}, "input": {"x": 1, "log": ["pre"]}}


async def test_start_with_a_conditional_edge_runs_as_a_hidden_task() -> None:
    g = StateGraph(S).add_node("w", lambda s: {"log": [s["x"]]})
    g.add_conditional_edges(START, lambda s: [Send("w", {"x": i, "log": []}) for i in range(2)])
    events = await _events(g.compile(), {"x": 0})
    start = [e for e in events if e["name"] == "__start__"]
    assert [e["event"] for e in start] == ["on_chain_start", "on_chain_stream", "on_chain_end"]
    assert start[0]["tags"] == ["graph:step:0", "langsmith:hidden"]
    workers = [e for e in events if e["name"] == "w" and e["event"] == "on_chain_end"]
    assert sorted(e["data"]["output"]["log"][0] for e in workers) == [0, 1]
    assert all(e["metadata"]["langgraph_triggers"] == ("__pregel_push",) for e in workers)


async def test_failing_node_ends_the_stream_with_its_error() -> None:
    def bad(s: S) -> dict:
        raise ValueError("nope")

    g = StateGraph(S).add_node("ok", lambda s: {"x": 1}).add_node("bad", bad)
    graph = g.add_edge(START, "ok").add_edge("ok", "bad").compile()
    seen: list[tuple[str, str]] = []
    with pytest.raises(ValueError, match="nope"):
        async for e in graph.astream_events({"x": 0}):
            seen.append((e["event"], e["name"]))
    assert seen[-1] == ("on_chain_start", "bad")  # v2 has no error events


async def test_filters_and_stream_mode_are_passed_on() -> None:
    g = StateGraph(S).add_node("a", lambda s: {"x": 5}).add_edge(START, "a").compile()
    only_a = await _events(g, {"x": 1}, include_names=["a"])
    assert {e["name"] for e in only_a} == {"a"}
    values = await _events(g, {"x": 1}, stream_mode="values")
    chunks = [
        e["data"]["chunk"]
        for e in values
        if e["event"] == "on_chain_stream" and e["name"] == "LangGraph"
    ]
    assert chunks == [{"x": 1, "log": []}, {"x": 5, "log": []}]


async def test_version_v1_is_deprecated_but_streams() -> None:
    g = StateGraph(S).add_node("a", lambda s: {"x": 5}).add_edge(START, "a").compile()
    with pytest.warns(DeprecationWarning, match="version='v1' is deprecated"):
        events = await _events(g, {"x": 1}, version="v1")
    assert [(e["event"], e["name"]) for e in events] == [
        ("on_chain_start", "LangGraph"),
        ("on_chain_start", "a"),
        ("on_chain_stream", "a"),
        ("on_chain_end", "a"),
        ("on_chain_stream", "LangGraph"),
        ("on_chain_end", "LangGraph"),
    ]


async def test_unsupported_versions_raise_not_implemented() -> None:
    g = StateGraph(S).add_node("a", lambda s: {"x": 5}).add_edge(START, "a").compile()
    with pytest.raises(NotImplementedError, match="version='v3'"):
        g.astream_events({"x": 1}, version="v3")
    stream = g.astream_events({"x": 1}, version="v9")  # as in LangGraph: raised when iterated
    with pytest.raises(NotImplementedError, match="Unsupported version: 'v9'"):
        await stream.__anext__()


@pytest.mark.parametrize("version", ["v1", "v2", "v3", "v9"])
def test_sync_stream_events_is_not_available(version: str) -> None:
    g = StateGraph(S).add_node("a", lambda s: {"x": 5}).add_edge(START, "a").compile()
    with pytest.raises(NotImplementedError, match="stream_events|Unsupported version"):
        g.stream_events({"x": 1}, version=version)


def test_without_langchain_core_runs_work_and_astream_events_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import asyncio, sys
        sys.modules["langchain_core"] = None  # as if not installed
        from stategraph.graph import START, StateGraph
        from typing import TypedDict
        class S(TypedDict):
            x: int
        g = StateGraph(S).add_node("a", lambda s: {"x": 2}).add_edge(START, "a").compile()
        assert g.invoke({"x": 1}, {"callbacks": []}) == {"x": 2}
        async def main():
            async for _ in g.astream_events({"x": 1}):
                pass
        try:
            asyncio.run(main())
        except ImportError as exc:
            print(exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "stategraph[langchain]" in done.stdout
