"""Graphs for the schema, subgraph, stream-mode and RemoteGraph tests (served via langgraph.json)."""

from __future__ import annotations

import json
import operator
import typing
from pathlib import Path
from typing import Annotated

import typing_extensions

from stategraph.config import get_stream_writer
from stategraph.graph import END, START, MessagesState, StateGraph
from stategraph.messages import AIMessage
from stategraph.runtime import Runtime
from stategraph.testing import FakeChatModel
from stategraph.testing.langchain_models import FakeToolCallingChatModel
from stategraph.types import interrupt


class TypedState(typing.TypedDict):
    """Declared with typing.TypedDict: its JSON Schema once failed on Python 3.11."""

    items: Annotated[list[str], operator.add]
    note: typing_extensions.NotRequired[str]


class Context(typing.TypedDict):
    user: str


def _one_node(name: str, fn: typing.Any, **kwargs: typing.Any) -> StateGraph:
    builder = StateGraph(TypedState, **kwargs)
    builder.add_node(name, fn)
    builder.add_edge(START, name)
    builder.add_edge(name, END)
    return builder


def leaf(state: TypedState) -> dict:
    get_stream_writer()({"at": "leaf"})
    return {"items": ["leaf"]}


def after(state: TypedState) -> dict:
    return {"items": ["after"]}


def _typed() -> StateGraph:
    middle = _one_node("leafy", _one_node("leaf", leaf).compile())
    builder = StateGraph(TypedState, context_schema=Context)
    builder.add_node("middle", middle.compile())
    builder.add_node("after", after)
    builder.add_edge(START, "middle")
    builder.add_edge("middle", "after")
    builder.add_edge("after", END)
    return builder


typed = _typed().compile()  # outer -> middle (subgraph) -> leafy (subgraph) -> leaf


def think(state: MessagesState) -> dict:
    # a fresh model per call: every run streams the same tokens
    return {"messages": [FakeToolCallingChatModel(["Hello from langchain"]).invoke("hi")]}


def speak(state: MessagesState) -> dict:
    return {"messages": [FakeChatModel(["own model words"]).invoke(state["messages"])]}


def announce(state: MessagesState) -> dict:
    # returned whole, never streamed: the messages mode sends it at the node's end
    return {"messages": [AIMessage("done", id="announce-1")]}


def _talker() -> StateGraph:
    inner = StateGraph(MessagesState)
    inner.add_node("think", think)
    inner.add_edge(START, "think")
    builder = StateGraph(MessagesState)
    builder.add_node("inner", inner.compile())
    builder.add_node("speak", speak)
    builder.add_node("announce", announce)
    builder.add_edge(START, "inner")
    builder.add_edge("inner", "speak")
    builder.add_edge("speak", "announce")
    builder.add_edge("announce", END)
    return builder


talker = _talker().compile()  # langchain-core tokens in a subgraph, stategraph tokens at the top


def step(state: TypedState) -> dict:
    return {"items": ["step"]}


chain = _one_node("step", step).compile()  # one node: appends "step"


def ask(state: TypedState) -> dict:
    answer = interrupt({"question": "name?"})
    return {"items": [f"hello {answer}"]}


asker = _one_node("ask", ask).compile()  # interrupts once, resumes with the name


def ask_twice(state: TypedState) -> dict:
    first = interrupt("first?")
    second = interrupt("second?")
    return {"items": [f"{first}+{second}"]}


twice = _one_node("ask_twice", ask_twice).compile()  # two interrupts in one node


def ask_a(state: TypedState) -> dict:
    return {"items": [f"a={interrupt('a?')}"]}


def ask_b(state: TypedState) -> dict:
    return {"items": [f"b={interrupt('b?')}"]}


def _pair() -> StateGraph:
    builder = StateGraph(TypedState)
    builder.add_node("ask_a", ask_a)
    builder.add_node("ask_b", ask_b)
    builder.add_edge(START, "ask_a")
    builder.add_edge(START, "ask_b")
    return builder


pair = _pair().compile()  # two parallel nodes pause at once


def explode(state: TypedState) -> dict:
    raise ValueError("remote boom")


failing = _one_node("explode", explode).compile()


def _chain_of(*nodes: tuple[str, typing.Any]) -> StateGraph:
    builder = StateGraph(TypedState)
    previous = START
    for name, node in nodes:
        builder.add_node(name, node)
        builder.add_edge(previous, name)
        previous = name
    builder.add_edge(previous, END)
    return builder


# node 'inner' is a subgraph (step -> ask) that interrupts; 'after' runs once it resumes
nested_asker = _chain_of(
    ("inner", _chain_of(("step", step), ("ask", ask)).compile()), ("after", step)
).compile()


def whoami(state: TypedState, runtime: Runtime) -> dict:
    info = runtime.server_info
    user = info.user if info is not None else None
    seen = [info.assistant_id, info.graph_id, user and user.identity, user and user["identity"]]
    return {"items": [json.dumps(seen if info is not None else None)]}


served_info = _one_node("whoami", whoami).compile()  # reports Runtime.server_info

SERVED = (
    "typed",
    "talker",
    "chain",
    "asker",
    "twice",
    "pair",
    "failing",
    "nested_asker",
    "served_info",
)


def write_extra_config(directory: Path) -> Path:
    """Write a langgraph.json serving this module's graphs; return its path."""
    here = Path(__file__).resolve()
    path = directory / "langgraph.json"
    path.write_text(json.dumps({"graphs": {name: f"{here}:{name}" for name in SERVED}}))
    return path
