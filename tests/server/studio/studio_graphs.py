"""Graphs the Studio end-to-end tests serve (loaded through a langgraph.json, not imported).

``pipeline``: three slow-enough steps with a conditional edge and a custom event, so a
browser sees the running node and the streamed updates; ``approval``: an ``interrupt()``
answered from the inbox; ``agent``: a ReAct agent on the scripted fake model; ``nested``: a
compiled subgraph as a node, for the expandable graph view.
"""

from __future__ import annotations

import operator
import time
from typing import Annotated, TypedDict

from stategraph.config import get_stream_writer
from stategraph.graph import END, START, StateGraph
from stategraph.prebuilt import create_react_agent
from stategraph.testing import FakeChatModel, ai, call, fake_embed
from stategraph.types import interrupt

STEP_SECONDS = 0.8  # long enough for a polling browser to see each node running


class Numbers(TypedDict, total=False):
    n: int
    label: str
    log: Annotated[list[str], operator.add]


def double(state: Numbers) -> Numbers:
    time.sleep(STEP_SECONDS)
    get_stream_writer()({"progress": f"doubling {state['n']}"})
    return {"n": state["n"] * 2, "log": ["double"]}


def big(state: Numbers) -> Numbers:
    time.sleep(STEP_SECONDS)
    return {"label": f"big {state['n']}", "log": ["big"]}


def small(state: Numbers) -> Numbers:
    time.sleep(STEP_SECONDS)
    return {"label": f"small {state['n']}", "log": ["small"]}


def _size(state: Numbers) -> str:
    return "big" if state["n"] >= 10 else "small"


def _pipeline() -> StateGraph:
    builder = StateGraph(Numbers)
    builder.add_node("double", double)
    builder.add_node("big", big)
    builder.add_node("small", small)
    builder.add_edge(START, "double")
    builder.add_conditional_edges("double", _size, ["big", "small"])
    builder.add_edge("big", END)
    builder.add_edge("small", END)
    return builder


pipeline = _pipeline().compile()


class Approval(TypedDict, total=False):
    request: str
    decision: str


def ask(state: Approval) -> Approval:
    answer = interrupt({"question": f"Approve {state['request']!r}?"})
    return {"decision": f"{state['request']}: {answer}"}


def _approval() -> StateGraph:
    builder = StateGraph(Approval)
    builder.add_node("ask", ask)
    builder.add_edge(START, "ask")
    builder.add_edge("ask", END)
    return builder


approval = _approval().compile()


def get_weather(city: str) -> str:
    """Look up the current weather of a city.

    Args:
        city: The city name.
    """
    return {"paris": "sunny, 24 C"}.get(city.lower(), "unknown")


_model = FakeChatModel(
    [ai("", call("get_weather", {"city": "Paris"}, "w1")), "It is sunny in Paris, 24 C."],
    cycle=True,
)
agent = create_react_agent(_model, [get_weather], prompt="You are a concise weather bot.")


def _nested() -> StateGraph:
    builder = StateGraph(Numbers)
    builder.add_node("inner", _pipeline().compile())
    builder.add_edge(START, "inner")
    builder.add_edge("inner", END)
    return builder


nested = _nested().compile()


def embed(texts: list[str]) -> list[list[float]]:
    """The store index's embedding: the deterministic fake (words hashed into 64 dims)."""
    return fake_embed(texts, 64)
