"""stream_mode="messages": tokens from chat models in nodes, node-output messages, dedupe, subgraphs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, AIMessageChunk
from stategraph.testing import FakeChatModel

lc = pytest.importorskip("langchain_core.messages")
from stategraph.testing.langchain_models import FakeToolCallingChatModel  # noqa: E402


def _graph(call: Any) -> Any:
    return StateGraph(MessagesState).add_node("chat", call).add_edge(START, "chat").compile()


def _messages(chunks: list[Any]) -> list[tuple[Any, dict[str, Any]]]:
    return [payload for mode, payload in chunks if mode == "messages"]


@pytest.mark.parametrize("kind", ["own", "langchain"])
def test_model_tokens_stream_with_node_metadata(kind: str, driver) -> None:
    model = (
        FakeChatModel(["hello big world"])
        if kind == "own"
        else FakeToolCallingChatModel(["hello big world"])
    )

    async def achat(state: MessagesState) -> dict:
        return {"messages": [await model.ainvoke(state["messages"])]}

    def chat(state: MessagesState) -> dict:
        return {"messages": [model.invoke(state["messages"])]}  # no config passed: still streams

    g = _graph(achat if driver.is_async else chat)
    out = _messages(driver.stream(g, {"messages": [("user", "hi")]}, stream_mode=["messages"]))
    texts = [m.content for m, _ in out if m.content]
    assert texts == ["hello", " big", " world"]
    assert all(type(m).__name__ == "AIMessageChunk" for m, _ in out)
    meta = out[0][1]
    assert meta["langgraph_node"] == "chat" and meta["langgraph_step"] == 1
    assert (
        meta["langgraph_checkpoint_ns"].startswith("chat:")
        and meta["checkpoint_ns"] == meta["langgraph_checkpoint_ns"]
    )
    assert "ls_provider" in meta


def test_node_output_messages_are_emitted_once_and_inputs_are_not(driver) -> None:
    def echo(state: MessagesState) -> dict:
        return {
            "messages": [
                *state["messages"],
                AIMessage("new", id="n1"),
                ("ai", "tuple is not a message"),
            ]
        }

    out = _messages(
        driver.stream(
            _graph(echo), {"messages": [AIMessage("old", id="o1")]}, stream_mode=["messages"]
        )
    )
    assert [(m.id, m.content) for m, _ in out] == [("n1", "new")]


def test_output_and_pushed_messages_carry_the_config_metadata_only(driver) -> None:
    from stategraph.graph.message import push_message

    def chat(state: MessagesState) -> dict:
        push_message(AIMessage("pushed", id="p1"))
        return {"messages": [AIMessage("out", id="o1")]}

    g = (
        StateGraph(MessagesState)
        .add_node("chat", chat, metadata={"nm": 1})
        .add_edge(START, "chat")
        .compile()
    )
    out = _messages(
        driver.stream(g, {"messages": [("user", "hi")]}, {"tags": ["t1"]}, stream_mode=["messages"])
    )
    pushed, output = (meta for _, meta in out)
    # LangGraph's shape: no checkpoint_ns copy and no tags; output messages are marked ls_integration
    assert "checkpoint_ns" not in pushed and "tags" not in pushed and "ls_integration" not in pushed
    assert (
        pushed["nm"] == 1
        and pushed["langgraph_node"] == "chat"
        and pushed["langgraph_checkpoint_ns"].startswith("chat:")
    )
    assert output == {**pushed, "ls_integration": "langgraph"}


def test_streamed_message_is_not_emitted_again_at_node_end(driver) -> None:
    model = FakeChatModel([AIMessage("a b", id="fixed")])
    out = _messages(
        driver.stream(
            _graph(lambda s: {"messages": [model.invoke(s["messages"])]}),
            {"messages": [("user", "x")]},
            stream_mode=["messages"],
        )
    )
    assert [m.content for m, _ in out] == ["a", " b"]
    assert all(isinstance(m, AIMessageChunk) and m.id == "fixed" for m, _ in out)


def test_nostream_tag_skips_tokens_but_not_the_node_output() -> None:
    quiet = FakeChatModel(["quiet words"], tags=["nostream"])
    loud = FakeToolCallingChatModel(["x y"]).with_config(tags=["nostream"])

    def chat(state: MessagesState) -> dict:
        return {"messages": [quiet.invoke(state["messages"]), loud.invoke(state["messages"])]}

    out = list(_graph(chat).stream({"messages": [("user", "q")]}, stream_mode="messages"))
    assert [type(m).__name__ for m, _ in out] == ["AIMessage", "AIMessage"]
    assert [m.content for m, _ in out] == ["quiet words", "x y"]


def test_other_modes_do_not_collect_messages() -> None:
    model = FakeChatModel(["a"])
    chunks = list(
        _graph(lambda s: {"messages": [model.invoke(s["messages"])]}).stream(
            {"messages": [("user", "x")]}, stream_mode="updates"
        )
    )
    assert list(chunks[0]) == ["chat"]


def test_subgraph_tokens_need_subgraphs_true() -> None:
    def inner_graph() -> Any:
        model = FakeChatModel(["inner reply"])
        return _graph(lambda s: {"messages": [model.invoke(s["messages"])]})

    def outer(inner: Any) -> Any:
        return StateGraph(MessagesState).add_node("sub", inner).add_edge(START, "sub").compile()

    flat = list(outer(inner_graph()).stream({"messages": [("user", "x")]}, stream_mode="messages"))
    assert [type(m).__name__ for m, _ in flat] == ["AIMessage"]  # the subgraph node's output, whole
    assert flat[0][1]["langgraph_node"] == "sub"
    nested = list(
        outer(inner_graph()).stream(
            {"messages": [("user", "x")]}, stream_mode="messages", subgraphs=True
        )
    )
    tokens = [(ns, m.content) for ns, (m, meta) in nested]
    assert [t for _, t in tokens] == ["inner", " reply"]  # no duplicate at the parent node's end
    assert tokens[0][0][0].startswith("sub:")


def test_a_subgraph_token_names_the_root_task_as_its_checkpoint_ns(driver) -> None:
    # langgraph_checkpoint_ns is the chunk's own task; checkpoint_ns (set once, at the root
    # graph's task) stays the outermost segment, as in LangGraph
    model = FakeChatModel(["deep"])
    leaf = _graph(lambda s: {"messages": [model.invoke(s["messages"])]})
    mid = StateGraph(MessagesState).add_node("sub", leaf).add_edge(START, "sub").compile()
    top = StateGraph(MessagesState).add_node("mid", mid).add_edge(START, "mid").compile()
    chunks = driver.stream(
        top, {"messages": [("user", "x")]}, stream_mode="messages", subgraphs=True
    )
    ns, (_, meta) = chunks[0]
    own = meta["langgraph_checkpoint_ns"].split("|")
    assert [p.split(":")[0] for p in own] == ["mid", "sub", "chat"]
    assert list(ns) == own[:2]
    assert meta["checkpoint_ns"] == own[0]


def test_messages_mode_never_imports_langchain() -> None:
    code = textwrap.dedent("""
        import sys
        from stategraph.graph import StateGraph, START, MessagesState
        from stategraph.testing import FakeChatModel
        m = FakeChatModel(["one two"])
        g = StateGraph(MessagesState).add_node("c", lambda s: {"messages": [m.invoke(s["messages"])]}).add_edge(START, "c").compile()
        print([c[0].content for c in g.stream({"messages": "hi"}, stream_mode="messages")], "langchain_core" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['one', ' two'] False"
