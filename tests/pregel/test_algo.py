"""prepare_tasks / apply_writes, driven by hand through a tiny compiled graph (no threads)."""

from __future__ import annotations

import operator
import random
from typing import Annotated, Any, TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stategraph.constants import PULL, PUSH, START, TASKS
from stategraph.errors import ErrorCode, InvalidUpdateError
from stategraph.graph import END, StateGraph
from stategraph.pregel._algo import apply_writes, prepare_tasks, read_channels
from stategraph.pregel._prepare import make_loop
from stategraph.pregel._runner import run_task_sync
from stategraph.pregel._task import Task, path_sort_key
from stategraph.types import Send


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def fanout_graph(sends: int = 12) -> Any:
    """START -> a; a -> b, a -> c (plain edges); a also Sends `sends` packets to w."""
    g = StateGraph(State)
    g.add_node("a", lambda s: {"log": ["a"]})
    g.add_node("b", lambda s: {"log": ["b"]})
    g.add_node("c", lambda s: {"log": ["c"]})
    g.add_node("w", lambda i: {"log": [i]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c")
    g.add_conditional_edges("a", lambda s: [Send("w", i) for i in range(sends)])
    g.add_edge("b", END).add_edge("c", END)
    return g.compile()


def new_loop(graph: Any, inp: Any) -> Any:
    loop = make_loop(graph, inp, None, modes=set(), put=None, subgraphs=False, context=None,
                     durability=None, interrupt_before=None, interrupt_after=None)
    assert list(loop._start()) == []  # no saver: restoring and saving the input yield no effects
    return loop


def run_step(loop: Any, order: Any = None) -> list[Task]:
    tasks = prepare_tasks(loop, loop.step)
    for t in tasks:
        run_task_sync(t)
        assert t.error is None, t.error
    applied = list(tasks) if order is None else order(list(tasks))
    loop.updated_channels = apply_writes(loop, applied, loop._next_version())
    loop.step += 1
    return tasks


def test_input_prepares_the_hidden_start_task() -> None:
    loop = new_loop(fanout_graph(), {"x": 1})
    assert loop.step == 0
    tasks = prepare_tasks(loop, loop.step)
    assert [(t.name, t.path, t.triggers, t.input) for t in tasks] == [
        (START, (PULL, START), (START,), {"x": 1})
    ]


def test_steps_follow_edges_and_sends() -> None:
    loop = new_loop(fanout_graph(sends=3), {"x": 1})
    assert [t.name for t in run_step(loop)] == [START]
    assert [t.name for t in run_step(loop)] == ["a"]
    third = run_step(loop)
    # PUSH tasks (by index) and PULL tasks (by name) run in the same step
    assert sorted((t.name, t.path) for t in third) == sorted(
        [("w", (PUSH, 0, False)), ("w", (PUSH, 1, False)), ("w", (PUSH, 2, False)), ("b", (PULL, "b")), ("c", (PULL, "c"))]
    )
    push = [t for t in third if t.path[0] == PUSH]
    assert [t.input for t in push] == [0, 1, 2]
    assert all(t.triggers == (PUSH,) for t in push)
    assert prepare_tasks(loop, loop.step) == []
    assert loop.channels["log"].get() == ["a", "b", "c", 0, 1, 2]
    assert not loop.channels[TASKS].is_available()  # delivered Sends are cleared


def test_apply_writes_bumps_changed_channels_to_one_shared_version() -> None:
    loop = new_loop(fanout_graph(), {"x": 5})
    before = dict(loop.versions)
    tasks = prepare_tasks(loop, loop.step)
    run_task_sync(tasks[0])
    nv = loop._next_version()
    updated = apply_writes(loop, tasks, nv)
    assert updated == {"x", "branch:to:a"}
    assert loop.versions["x"] == loop.versions["branch:to:a"] == nv
    assert nv > max(before.values())
    # the start task saw the version of its trigger that it consumed
    assert loop.versions_seen[START] == {START: before[START]}
    # __start__ is ephemeral: cleared because it was not written again
    assert not loop.channels[START].is_available()
    assert loop.versions[START] == nv


def test_node_is_not_triggered_twice_by_the_same_version() -> None:
    loop = new_loop(fanout_graph(sends=0), {"x": 1})
    run_step(loop)
    run_step(loop)  # a
    names = sorted(t.name for t in run_step(loop))
    assert names == ["b", "c"]
    loop.updated_channels = None  # force a full scan of every node
    assert prepare_tasks(loop, loop.step) == []


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_apply_writes_is_independent_of_finish_order(rnd: random.Random) -> None:
    def shuffled(tasks: list[Task]) -> list[Task]:
        rnd.shuffle(tasks)
        return tasks

    reference = new_loop(fanout_graph(), {"x": 1})
    for _ in range(3):
        run_step(reference)
    loop = new_loop(fanout_graph(), {"x": 1})
    for _ in range(3):
        run_step(loop, order=shuffled)
    # PULL tasks by name, then PUSH tasks by index (10 and 11 after 2: zero-padded)
    assert loop.channels["log"].get() == ["a", "b", "c", *range(12)]
    assert loop.channels["log"].get() == reference.channels["log"].get()
    assert loop.versions == reference.versions
    assert loop.versions_seen == reference.versions_seen


def test_path_sort_key_pads_integers() -> None:
    paths = [(PUSH, 10), (PUSH, 2), (PULL, "b"), (PULL, "a"), (PUSH, 0)]
    assert sorted(paths, key=path_sort_key) == [(PULL, "a"), (PULL, "b"), (PUSH, 0), (PUSH, 2), (PUSH, 10)]


class Plain(TypedDict, total=False):
    x: int


@pytest.mark.parametrize("reverse", [False, True])
def test_concurrent_last_value_writes_name_key_step_and_nodes(reverse: bool) -> None:
    g = StateGraph(Plain)
    g.add_node("left", lambda s: {"x": 1}).add_node("right", lambda s: {"x": 2})
    g.add_edge(START, "left").add_edge(START, "right")
    loop = new_loop(g.compile(), {"x": 0})
    run_step(loop)
    tasks = prepare_tasks(loop, loop.step)
    assert [t.name for t in tasks] == ["left", "right"]
    for t in tasks:
        run_task_sync(t)
    with pytest.raises(InvalidUpdateError) as info:
        apply_writes(loop, tasks[::-1] if reverse else tasks, loop._next_version())
    msg = str(info.value)
    assert "At key 'x'" in msg
    assert f"Step {loop.step}" in msg
    assert "'left'" in msg and "'right'" in msg
    assert info.value.code is ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE


def test_read_channels_omits_empty_channels() -> None:
    loop = new_loop(fanout_graph(), {"x": 3})
    assert read_channels(loop.channels, ["x", "log"]) == {"log": []}  # x not applied until step runs
    run_step(loop)
    assert read_channels(loop.channels, ["x", "log", "nope"]) == {"x": 3, "log": []}
    assert read_channels(loop.channels, "x") == 3


def test_task_ids_are_deterministic_and_distinct() -> None:
    first = new_loop(fanout_graph(sends=2), {"x": 1})
    second = new_loop(fanout_graph(sends=2), {"x": 1})
    second.id_seed = first.id_seed  # same checkpoint -> same ids
    ids = []
    for _ in range(3):
        a, b = run_step(first), run_step(second)
        assert [t.id for t in a] == [t.id for t in b]
        ids.extend(t.id for t in a)
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 36 and i.count("-") == 4 for i in ids)
