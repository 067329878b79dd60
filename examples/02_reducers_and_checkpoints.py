"""A reducer, a checkpointer, and a human-in-the-loop pause resumed on the same thread."""

import operator
from typing import Annotated, TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import END, START, StateGraph
from stategraph.types import Command, interrupt


class State(TypedDict):
    log: Annotated[list[str], operator.add]


def draft(state: State) -> dict:
    return {"log": ["drafted"]}


def review(state: State) -> dict:
    verdict = interrupt({"question": "approve the draft?", "log": state["log"]})
    return {"log": [f"review: {verdict}"]}


graph = (
    StateGraph(State)
    .add_node("draft", draft)
    .add_node("review", review)
    .add_edge(START, "draft")
    .add_edge("draft", "review")
    .add_edge("review", END)
    .compile(checkpointer=InMemorySaver())
)

config = {"configurable": {"thread_id": "example-2"}}
first = graph.invoke({"log": []}, config)
print("paused with:", first["__interrupt__"][0].value)
print("resumed:", graph.invoke(Command(resume="yes"), config))
