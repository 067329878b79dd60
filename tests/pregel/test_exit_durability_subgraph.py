"""durability="exit": what a run saves when it pauses, resumes or runs a subgraph to its end."""

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


def test_a_resume_that_pauses_again_keeps_its_answers(driver: Any) -> None:
    def ask_thrice(state: S) -> S:
        return {"v": [interrupt("a"), interrupt("b"), interrupt("c")]}

    graph = (
        StateGraph(S)
        .add_node("ask", ask_thrice)
        .add_edge(START, "ask")
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config, durability="exit")
    out = driver.run(graph, Command(resume="A"), config, durability="exit")
    assert [i.value for i in out["__interrupt__"]] == ["b"]
    # the paused step's checkpoint now shows the new question (and keeps the answer "A")
    assert [i.value for i in driver.get_state(graph, config).interrupts] == ["b"]
    driver.run(graph, Command(resume="B"), config, durability="exit")
    assert driver.run(graph, Command(resume="C"), config, durability="exit") == {
        "v": ["A", "B", "C"]
    }
