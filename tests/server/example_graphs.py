"""Small graphs the server tests serve (loaded through a langgraph.json, not imported)."""

from __future__ import annotations

import operator
import time
from typing import Annotated, TypedDict

from stategraph.config import get_config, get_store, get_stream_writer
from stategraph.graph import END, START, MessagesState, StateGraph
from stategraph.testing import FakeChatModel
from stategraph.types import interrupt


class ItemsState(TypedDict, total=False):
    items: Annotated[list[str], operator.add]
    answer: str


def first(state: ItemsState) -> ItemsState:
    get_stream_writer()({"progress": "first"})
    return {"items": ["first"]}


def second(state: ItemsState) -> ItemsState:
    return {"items": ["second"]}


def ask(state: ItemsState) -> ItemsState:
    answer = interrupt({"question": "name?"})
    return {"answer": answer, "items": [f"hello {answer}"]}


def fail(state: ItemsState) -> ItemsState:
    raise ValueError("boom in node 'fail'")


def slow(state: ItemsState) -> ItemsState:
    time.sleep(1.0)
    return {"items": ["slow"]}


def _chain(*nodes) -> StateGraph:
    builder = StateGraph(ItemsState)
    previous = START
    for node in nodes:
        builder.add_node(node.__name__, node)
        builder.add_edge(previous, node.__name__)
        previous = node.__name__
    builder.add_edge(previous, END)
    return builder


agent = _chain(first, second).compile()  # a compiled graph
asker = _chain(first, ask)  # a builder: the server compiles it
failing = _chain(first, fail).compile()
slowpoke = _chain(slow).compile()


def _nested() -> StateGraph:
    builder = StateGraph(ItemsState)
    builder.add_node("inner", _chain(first).compile())
    builder.add_node("second", second)
    builder.add_edge(START, "inner")
    builder.add_edge("inner", "second")
    builder.add_edge("second", END)
    return builder


nested = _nested().compile()  # a compiled subgraph as node 'inner'


def _chat() -> StateGraph:
    model = FakeChatModel(["Hello there friend"], cycle=True)

    def reply(state: MessagesState) -> MessagesState:
        return {"messages": [model.invoke(state["messages"])]}

    builder = StateGraph(MessagesState)
    builder.add_node("reply", reply)
    builder.add_edge(START, "reply")
    builder.add_edge("reply", END)
    return builder


chat = _chat().compile()  # a fake chat model that streams tokens


def greet(state: ItemsState) -> ItemsState:
    return {"items": [get_config()["configurable"].get("greeting", "hi")]}


greeter = _chain(greet).compile()  # reads its assistant's configurable


def remember(state: ItemsState) -> ItemsState:
    get_store().put(("memos", "user-1"), "last", {"items": state.get("items", [])})
    return {"items": ["remembered"]}


memo = _chain(remember).compile()  # writes the long-term store the /store routes read
