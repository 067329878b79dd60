"""add_messages / MessagesState / push_message on both message models."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import stategraph.graph.message as message_mod
from stategraph.graph import START, StateGraph
from stategraph.graph.message import (
    REMOVE_ALL_MESSAGES,
    MessageGraph,
    MessagesState,
    add_messages,
    push_message,
)
from stategraph.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, RemoveMessage

lc = pytest.importorskip("langchain_core.messages")


@pytest.fixture(params=["own", "langchain"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(message_mod, "langchain_loaded", lambda: request.param == "langchain")
    return request.param


def _classes(backend: str) -> tuple[type, type, type]:
    if backend == "own":
        return HumanMessage, AIMessage, RemoveMessage
    return lc.HumanMessage, lc.AIMessage, lc.RemoveMessage


def test_appends_new_ids_and_assigns_missing_ids(backend: str) -> None:
    human, ai, _ = _classes(backend)
    out = add_messages([human("a", id="1")], [("ai", "b"), "c"])
    assert [type(m) for m in out] == [human, ai, human]
    assert out[0].id == "1" and all(isinstance(m.id, str) and m.id for m in out)
    assert len({m.id for m in out}) == 3


def test_replaces_by_id_in_place_and_removes(backend: str) -> None:
    human, ai, remove = _classes(backend)
    left = [human("a", id="1"), ai("b", id="2"), human("c", id="3")]
    out = add_messages(left, [ai("B", id="2"), remove(id="3")])
    assert [(m.id, m.content) for m in out] == [("1", "a"), ("2", "B")]


def test_a_message_after_its_removal_brings_the_id_back_in_place(backend: str) -> None:
    human, ai, remove = _classes(backend)
    left = [human("a", id="1"), ai("b", id="2")]
    out = add_messages(left, [remove(id="1"), human("again", id="1")])
    assert [(m.id, m.content) for m in out] == [("1", "again"), ("2", "b")]
    assert [m.id for m in add_messages(left, [human("x", id="1"), remove(id="1")])] == ["2"]


def test_remove_all_keeps_only_what_follows_the_marker(backend: str) -> None:
    human, _, remove = _classes(backend)
    out = add_messages([human("a", id="1")], [human("x", id="9"), remove(id=REMOVE_ALL_MESSAGES), human("z", id="2")])
    assert [m.id for m in out] == ["2"]


def test_removing_an_unknown_id_fails(backend: str) -> None:
    human, _, remove = _classes(backend)
    with pytest.raises(ValueError, match="doesn't exist"):
        add_messages([human("a", id="1")], [remove(id="nope")])


def test_chunks_become_messages_and_ids_are_written_in_place(backend: str) -> None:
    chunk = AIMessageChunk("x", id="c") if backend == "own" else lc.AIMessageChunk(content="x", id="c")
    out = add_messages([], chunk)
    assert out[0].type == "ai" and out[0].id == "c"
    fresh = HumanMessage("no id") if backend == "own" else lc.HumanMessage("no id")
    add_messages([], [fresh])
    assert fresh.id is not None  # as LangGraph: the node's own update shows the id the state got


def test_partial_form_and_argument_errors() -> None:
    reducer = add_messages(format="langchain-openai")
    out = reducer([], [lc.HumanMessage([{"type": "text", "text": "hi"}], id="1")])
    assert isinstance(out[0], lc.HumanMessage) and out[0].id == "1"
    with pytest.raises(ValueError, match="needs both lists"):
        add_messages([], None)
    with pytest.raises(ValueError, match="Unrecognized format"):
        add_messages([], [], format="xml")


def test_own_messages_become_langchain_messages_once_langchain_is_loaded(backend: str) -> None:
    out = add_messages([HumanMessage("a", id="1")], [])
    assert isinstance(out[0], BaseMessage if backend == "own" else lc.HumanMessage)


def test_messages_state_graph_counts_messages(backend: str, driver) -> None:
    def reply(state: MessagesState) -> dict:
        return {"messages": [("ai", f"seen {len(state['messages'])}")]}

    g = StateGraph(MessagesState).add_node("reply", reply).add_edge(START, "reply").compile()
    out = driver.run(g, {"messages": [("user", "a"), ("user", "b")]})
    assert [m.content for m in out["messages"]] == ["a", "b", "seen 2"]
    assert type(out["messages"][2]) is _classes(backend)[1]


def test_push_message_streams_now_and_writes_state(driver) -> None:
    def node(state: MessagesState) -> None:
        push_message(AIMessage("pushed", id="p1"))

    g = StateGraph(MessagesState).add_node("node", node).add_edge(START, "node").compile()
    chunks = driver.stream(g, {"messages": [("user", "hi")]}, stream_mode=["messages", "values"])
    streamed = [payload for mode, payload in chunks if mode == "messages"]
    assert [m.content for m, _ in streamed] == ["pushed"]  # once: the node-end dedupe skips it
    assert streamed[0][1]["langgraph_node"] == "node"
    assert chunks[-1][1]["messages"][-1].content == "pushed"


def test_push_message_metadata_and_write_as_langgraph(driver) -> None:
    def node(state: MessagesState) -> None:
        push_message(AIMessage("pushed", id="p1"))

    g = StateGraph(MessagesState).add_node("node", node).add_edge(START, "node").compile()
    chunks = driver.stream(g, {"messages": []}, stream_mode=["messages", "updates"])
    ((_, (message, meta)), (_, update)) = chunks
    # the task's config metadata: no checkpoint_ns (a model-chunk key), no ls_integration
    assert sorted(meta) == [
        "langgraph_checkpoint_ns",
        "langgraph_node",
        "langgraph_path",
        "langgraph_step",
        "langgraph_triggers",
    ]
    # the write is the bare message, not a one-item list
    assert update["node"]["messages"].id == "p1"


def test_push_message_requires_an_id_and_a_running_node() -> None:
    def node(state: MessagesState) -> None:
        push_message(AIMessage("no id"))

    g = StateGraph(MessagesState).add_node("node", node).add_edge(START, "node").compile()
    with pytest.raises(ValueError, match="needs a message with an id"):
        g.invoke({"messages": []})
    with pytest.raises(RuntimeError, match="outside of a running graph"):
        push_message(AIMessage("x", id="1"))


def test_message_graph_is_a_list_of_messages() -> None:
    g = MessageGraph().add_node("n", lambda msgs: [AIMessage(str(len(msgs)))]).add_edge(START, "n").compile()
    assert [m.content for m in g.invoke([("user", "a")])] == ["a", "1"]


def test_without_langchain_the_reducer_uses_stategraph_messages() -> None:
    code = textwrap.dedent("""
        import sys
        sys.modules["langchain_core"] = None
        from stategraph.graph import StateGraph, START, MessagesState
        g = StateGraph(MessagesState).add_node("r", lambda s: {"messages": [("ai", "ok")]}).add_edge(START, "r").compile()
        out = g.invoke({"messages": "hi"})
        print([type(m).__module__ for m in out["messages"]], "langchain_core" in {k.split(".")[0] for k, v in sys.modules.items() if v})
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['stategraph.messages._model', 'stategraph.messages._model'] False"


@pytest.mark.parametrize(
    "right",
    [
        [{"role": "user", "content": "new", "id": "n1"}, {"role": "ai", "content": "x", "id": "n2"}],
        [{"role": "user", "content": "twice", "id": "n1"}, {"role": "ai", "content": "y", "id": "n1"}],
        [{"role": "user", "content": "replaces", "id": "a"}, {"role": "ai", "content": "z", "id": "n3"}],
        [RemoveMessage(id="b"), {"role": "user", "content": "after", "id": "n4"}],
    ],
)
def test_a_list_of_ready_messages_merges_as_the_general_path_does(right: list[object]) -> None:
    left = add_messages([], [HumanMessage("a", id="a"), AIMessage("b", id="b")])
    fast = add_messages(left, right)
    lc = message_mod.langchain_loaded()
    general = message_mod._merge(
        message_mod._coerce(list(left), lc), message_mod._coerce(right, lc)
    )
    assert fast == general and fast is not left
    assert [m.id for m in left] == ["a", "b"]  # the input list is never changed


def test_messages_state_graph_has_a_json_schema() -> None:
    pytest.importorskip("pydantic")
    graph = StateGraph(MessagesState).add_node("n", lambda s: {}).add_edge(START, "n").compile()
    schema = graph.get_input_jsonschema()
    assert schema["properties"]["messages"]["type"] == "array"
