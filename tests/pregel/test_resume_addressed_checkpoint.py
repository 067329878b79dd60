"""Command(resume=...) addressed at an older checkpoint continues from it: no fork.

The tasks that had finished there run again, and their interrupts return the answers
recorded on that checkpoint (the new resume value is not used for them).
"""

from __future__ import annotations

import operator
from typing import Annotated

from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.graph import START, StateGraph
from stategraph.types import Command, interrupt


class S(TypedDict):
    v: Annotated[list, operator.add]


def _graph(calls: list[str]):
    def a(state: S) -> S:
        calls.append("a")
        return {"v": ["a"]}

    def b(state: S) -> S:
        calls.append("b")
        return {"v": ["b-" + interrupt("b?")]}

    def c(state: S) -> S:
        calls.append("c")
        return {"v": ["c"]}

    return (
        StateGraph(S)
        .add_node("a", a)
        .add_node("b", b)
        .add_node("c", c)
        .add_edge(START, "a")
        .add_edge("a", "b")
        .add_edge("b", "c")
        .compile(checkpointer=InMemorySaver())
    )


def test_a_resume_at_a_superseded_checkpoint_reruns_with_its_recorded_answer(driver) -> None:
    calls: list[str] = []
    graph = _graph(calls)
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config)
    paused = graph.get_state(config)
    driver.run(graph, Command(resume="one"), config)
    calls.clear()
    out = driver.run(graph, Command(resume="two"), paused.config)
    assert out == {"v": ["a", "b-one", "c"]}
    assert calls == ["b", "c"]
    newest = graph.get_state(config)
    assert newest.metadata["source"] == "loop"
    assert "fork" not in [s.metadata["source"] for s in graph.get_state_history(config)]


def test_invoke_none_at_an_old_checkpoint_still_forks(driver) -> None:
    calls: list[str] = []
    graph = _graph(calls)
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config)
    paused = graph.get_state(config)
    driver.run(graph, Command(resume="one"), config)
    out = driver.run(graph, None, paused.config)
    assert [i.value for i in out["__interrupt__"]] == ["b?"]
    assert graph.get_state(config).metadata["source"] == "fork"


def test_an_unused_resume_value_does_not_answer_a_later_step(driver) -> None:
    def b(state: S) -> S:
        return {"v": ["b-" + interrupt("q")]}

    def c(state: S) -> S:
        return {"v": ["c-" + interrupt("r")]}

    graph = (
        StateGraph(S)
        .add_node("b", b)
        .add_node("c", c)
        .add_edge(START, "b")
        .add_edge("b", "c")
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "t"}}
    driver.run(graph, {"v": []}, config)
    at_b = graph.get_state(config)
    driver.run(graph, Command(resume="1"), config)
    # b reruns with its recorded answer; "2" is left unused and c, a step later, asks again
    out = driver.run(graph, Command(resume="2"), at_b.config)
    assert [i.value for i in out["__interrupt__"]] == ["r"]
    assert driver.run(graph, Command(resume="3"), config) == {"v": ["b-1", "c-3"]}
