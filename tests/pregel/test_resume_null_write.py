"""A single Command(resume=value) is recorded on the resumed checkpoint under the null task."""

from __future__ import annotations

import operator
from typing import Annotated

from typing_extensions import TypedDict

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.constants import NULL_TASK_ID
from stategraph.graph import START, StateGraph
from stategraph.types import Command, interrupt


class S(TypedDict):
    v: Annotated[list, operator.add]


def two_questions(state: S) -> S:
    return {"v": [interrupt("first"), interrupt("second")]}


def ask_p(state: S) -> S:
    return {"v": [interrupt("p")]}


def ask_q(state: S) -> S:
    return {"v": [interrupt("q")]}


def _null_writes(saver: InMemorySaver, config: dict) -> list[list[tuple[str, str]]]:
    return [
        sorted((ch, repr(v)) for tid, ch, v in (t.pending_writes or []) if tid == NULL_TASK_ID)
        for t in saver.list(config)
    ]


def test_a_scalar_resume_is_kept_with_the_checkpoint_it_resumed(driver) -> None:
    saver = InMemorySaver()
    graph = (
        StateGraph(S)
        .add_node("ask", two_questions)
        .add_edge(START, "ask")
        .compile(checkpointer=saver)
    )
    config = {"configurable": {"thread_id": "scalar"}}
    driver.run(graph, {"v": []}, config)
    driver.run(graph, Command(resume="A", update={"v": ["U"]}), config)
    # newest first: the paused step's checkpoint holds the update and the resume value
    assert _null_writes(saver, config) == [[("__resume__", "'A'"), ("v", "['U']")], []]
    assert driver.run(graph, Command(resume="B"), config)["v"] == ["U", "A", "B"]


def test_a_resume_map_is_not_recorded_under_the_null_task(driver) -> None:
    saver = InMemorySaver()
    graph = (
        StateGraph(S)
        .add_node("p", ask_p)
        .add_node("q", ask_q)
        .add_edge(START, "p")
        .add_edge(START, "q")
        .compile(checkpointer=saver)
    )
    config = {"configurable": {"thread_id": "map"}}
    driver.run(graph, {"v": []}, config)
    pending = graph.get_state(config).interrupts
    out = driver.run(graph, Command(resume={i.id: i.value.upper() for i in pending}), config)
    assert sorted(out["v"]) == ["P", "Q"]
    assert all(not writes for writes in _null_writes(saver, config))
