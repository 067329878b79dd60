"""The graph the server load bench serves: five nodes in a chain, each noting it ran.

``SG_COUNTER_FILE`` (when set) gets one ``<run_id> <node>`` line per finished node from
whichever process ran it, so the bench can tell a run that executed twice.
"""

from __future__ import annotations

import operator
import os
from typing import Annotated, TypedDict

from stategraph.config import get_config
from stategraph.graph import END, START, StateGraph

NODES = ("n1", "n2", "n3", "n4", "n5")


class ChainState(TypedDict, total=False):
    items: Annotated[list[str], operator.add]


def _node(name: str):
    def node(state: ChainState) -> ChainState:
        counter = os.environ.get("SG_COUNTER_FILE")
        if counter:
            run_id = get_config()["metadata"]["run_id"]
            with open(counter, "a", encoding="utf-8") as file:
                file.write(f"{run_id} {name}\n")
        return {"items": [name]}

    node.__name__ = name
    return node


def _chain() -> StateGraph:
    builder = StateGraph(ChainState)
    previous = START
    for name in NODES:
        builder.add_node(name, _node(name))
        builder.add_edge(previous, name)
        previous = name
    return builder.add_edge(previous, END)


chain = _chain().compile()
