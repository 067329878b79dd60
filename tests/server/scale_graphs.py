"""Graphs for the scale-out tests: every node notes that it finished in a shared file.

``SG_COUNTER_FILE`` names the file (one ``<run_id> <node>`` line per finished node, appended
by whichever process ran it); ``SG_STEP_SECONDS`` how long each node takes.
"""

from __future__ import annotations

import operator
import os
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, TypedDict

from stategraph.config import get_config
from stategraph.graph import END, START, StateGraph

NODES = ("n1", "n2", "n3", "n4", "n5")


class StepsState(TypedDict, total=False):
    items: Annotated[list[str], operator.add]


def _node(name: str):
    def node(state: StepsState) -> StepsState:
        time.sleep(float(os.environ.get("SG_STEP_SECONDS", "0")))
        counter = os.environ.get("SG_COUNTER_FILE")
        if counter:
            run_id = get_config()["metadata"]["run_id"]
            with open(counter, "a", encoding="utf-8") as file:
                file.write(f"{run_id} {name}\n")
        return {"items": [name]}

    node.__name__ = name
    return node


def _steps() -> StateGraph:
    builder = StateGraph(StepsState)
    previous = START
    for name in NODES:
        builder.add_node(name, _node(name))
        builder.add_edge(previous, name)
        previous = name
    builder.add_edge(previous, END)
    return builder


steps = _steps().compile()


def _explode(state: StepsState) -> StepsState:
    raise RuntimeError("node 'explode' failed on purpose")


breaking = (
    StateGraph(StepsState)
    .add_node("n1", _node("n1"))
    .add_node("explode", _explode)
    .add_edge(START, "n1")
    .add_edge("n1", "explode")
    .add_edge("explode", END)
    .compile()
)


def executions(counter: Path) -> Counter[tuple[str, str]]:
    """How many times each (run id, node) finished, from the shared counter file."""
    if not counter.exists():
        return Counter()
    lines = counter.read_text(encoding="utf-8").splitlines()
    return Counter(tuple(line.split()) for line in lines)  # type: ignore[misc]
