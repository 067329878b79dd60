"""Under durability="exit" a subgraph that runs to its end saves no checkpoint of its own."""

from __future__ import annotations

import operator
from typing import Annotated, Any

from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph
from stategraph.types import Command, interrupt


class S(TypedDict):
    v: Annotated[list, operator.add]


def _saved(saver: InMemorySaver, thread: str) -> list[tuple[str, int]]:
    return sorted(
        (t.config["configurable"]["checkpoint_ns"].split(":")[0], t.metadata["step"])
        for t in saver.list({"configurable": {"thread_id": thread}})
    )


def test_only_the_paused_subgraph_run_is_saved(driver: Any) -> None:
    child = (
        StateGraph(S)
        .add_node("ask", lambda s: {"v": [interrupt("q")]})
        .add_edge(START, "ask")
        .compile()
    )
    saver = InMemorySaver()
    graph = StateGraph(S).add_node("sub", child).add_edge(START, "sub").compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config, durability="exit")
    assert _saved(saver, "t") == [("", 0), ("sub", 0)]
    assert driver.run(graph, Command(resume="R"), config, durability="exit") == {"v": ["R"]}
    # the resumed subgraph finished: only the parent saved its final checkpoint
    assert _saved(saver, "t") == [("", 0), ("", 1), ("sub", 0)]
