"""A two-step drafting graph with a human review, served by examples/server/langgraph.json.

Run ``stategraph dev --config examples/server/langgraph.json`` and drive it with the
``langgraph-sdk`` client: the run pauses at ``review``; resume with
``command={"resume": "ok"}``.
"""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

from stategraph.graph import END, START, StateGraph
from stategraph.types import interrupt


class Draft(TypedDict, total=False):
    topic: str
    draft: str
    log: Annotated[list[str], operator.add]


def write(state: Draft) -> Draft:
    return {"draft": f"A short note about {state['topic']}.", "log": ["drafted"]}


def review(state: Draft) -> Draft:
    verdict = interrupt({"draft": state["draft"], "question": "approve?"})
    return {"log": [f"review: {verdict}"]}


builder = StateGraph(Draft)
builder.add_node("write", write)
builder.add_node("review", review)
builder.add_edge(START, "write")
builder.add_edge("write", "review")
builder.add_edge("review", END)
graph = builder.compile()
