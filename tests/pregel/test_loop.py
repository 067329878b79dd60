"""PregelLoop.run() driven by hand: scripted replies to its effects, no threads, no event loop."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.checkpoint.base import CheckpointTuple
from stategraph.constants import START
from stategraph.errors import EmptyInputError, GraphRecursionError
from stategraph.graph import END, StateGraph
from stategraph.pregel._loop import PregelLoop
from stategraph.pregel._runner import run_task_sync
from stategraph.pregel._stream import StreamSink
from stategraph.runtime import Runtime
from stategraph.types import Command


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


class FakeSaver:
    """Answers the loop's effects from a script; records nothing by itself."""

    def __init__(self, saved: Any = None) -> None:
        self.saved = saved

    def get_next_version(self, current: int | None, channel: Any = None) -> int:
        return 1 if current is None else current + 1


def two_node_graph() -> Any:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"x": s["x"] + 1, "log": ["a"]})
    g.add_node("b", lambda s: {"x": s["x"] * 10, "log": ["b"]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)
    return g.compile()


def new_loop(graph: Any, inp: Any, *, saver: Any = None, modes: set[str] | None = None,
             chunks: list[Any] | None = None, **kw: Any) -> PregelLoop:
    config = {"configurable": {"thread_id": "t1"}, "recursion_limit": kw.pop("recursion_limit", 25)}
    sink = StreamSink(modes or set(), chunks.append if chunks is not None else None)
    opts = {"durability": "sync", "interrupt_before": (), "interrupt_after": (), **kw}
    return PregelLoop(graph, input=inp, config=config, saver=saver, cache=None, sink=sink,
                      runtime=Runtime(), **opts)


def drive(loop: PregelLoop) -> tuple[list[tuple[Any, ...]], Any]:
    """Interpret effects: get_tuple -> saver.saved, put -> config with the new id, run -> run inline."""
    effects: list[tuple[Any, ...]] = []
    gen = loop.run()
    reply: Any = None
    while True:
        try:
            effect = gen.send(reply)
        except StopIteration as stop:
            return effects, stop.value
        effects.append(effect)
        kind = effect[0]
        if kind == "get_tuple":
            reply = loop.saver.saved
        elif kind == "put":
            conf = effect[1]["configurable"]
            reply = {"configurable": {"thread_id": conf["thread_id"], "checkpoint_ns": "",
                                      "checkpoint_id": effect[2]["id"]}}
        elif kind == "run":
            for task in effect[1]:
                run_task_sync(task)
                follow_up = loop.task_done(task)
                if follow_up is not None:
                    effects.append(follow_up)
            reply = None
        else:  # pragma: no cover - the test would be wrong
            raise AssertionError(effect)


def summary(effects: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for e in effects:
        if e[0] == "put":
            out.append(("put", e[3]["source"], e[3]["step"]))
        elif e[0] == "run":
            out.append(("run", tuple(t.name for t in e[1])))
        elif e[0] == "put_writes":
            out.append(("put_writes", tuple(ch for ch, _ in e[2])))
        else:
            out.append((e[0],))
    return out


def test_effect_sequence_of_a_two_node_graph_with_a_saver() -> None:
    loop = new_loop(two_node_graph(), {"x": 1}, saver=FakeSaver())
    effects, status = drive(loop)
    assert status == "done"
    assert summary(effects) == [
        ("get_tuple",),
        ("put", "input", -1),
        ("run", (START,)),
        ("put_writes", ("x", "branch:to:a")),
        ("put", "loop", 0),
        ("run", ("a",)),
        ("put_writes", ("x", "log", "branch:to:b")),
        ("put", "loop", 1),
        ("run", ("b",)),
        ("put_writes", ("x", "log")),
        ("put", "loop", 2),
    ]
    assert loop.read_output() == {"x": 20, "log": ["a", "b"]}


def test_puts_chain_parent_configs_and_send_only_new_versions() -> None:
    loop = new_loop(two_node_graph(), {"x": 1}, saver=FakeSaver())
    effects, _ = drive(loop)
    puts = [e for e in effects if e[0] == "put"]
    assert "checkpoint_id" not in puts[0][1]["configurable"]  # first checkpoint has no parent
    for prev, cur in zip(puts, puts[1:], strict=False):
        assert cur[1]["configurable"]["checkpoint_id"] == prev[2]["id"]
    ids = [p[2]["id"] for p in puts]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # uuid6: creation order
    last_cp, new_versions = puts[-1][2], puts[-1][4]
    assert last_cp["channel_values"]["x"] == 20
    assert set(new_versions) == {"x", "log", "branch:to:b"}
    assert all(last_cp["channel_versions"][k] == v for k, v in new_versions.items())
    # write effects name the checkpoint they belong to (the one the step started from)
    writes = [e for e in effects if e[0] == "put_writes"]
    assert writes[1][1]["configurable"]["checkpoint_id"] == puts[1][2]["id"]


def test_without_saver_only_runs_are_yielded() -> None:
    loop = new_loop(two_node_graph(), {"x": 2})
    effects, status = drive(loop)
    assert status == "done"
    assert summary(effects) == [("run", (START,)), ("run", ("a",)), ("run", ("b",))]
    assert loop.read_output() == {"x": 30, "log": ["a", "b"]}


def test_values_are_emitted_to_the_sink_after_each_step() -> None:
    chunks: list[Any] = []
    drive(new_loop(two_node_graph(), {"x": 1}, modes={"values", "updates"}, chunks=chunks))
    assert chunks == [
        ((), "values", {"x": 1, "log": []}),
        ((), "updates", {"a": {"x": 2, "log": ["a"]}}),
        ((), "values", {"x": 2, "log": ["a"]}),
        ((), "updates", {"b": {"x": 20, "log": ["b"]}}),
        ((), "values", {"x": 20, "log": ["a", "b"]}),
    ]


def test_interrupt_before_stops_after_saving_and_resume_runs_the_rest() -> None:
    graph = two_node_graph()
    loop = new_loop(graph, {"x": 1}, saver=FakeSaver(), interrupt_before=["b"])
    effects, status = drive(loop)
    assert status == "interrupt"
    assert summary(effects)[-1] == ("put", "loop", 1)
    assert [t.name for t in loop.tasks] == ["b"]
    last = [e for e in effects if e[0] == "put"][-1]
    saved = CheckpointTuple(
        config={"configurable": {"thread_id": "t1", "checkpoint_ns": "", "checkpoint_id": last[2]["id"]}},
        checkpoint=last[2], metadata=last[3], parent_config=last[1], pending_writes=[],
    )
    resumed = new_loop(graph, None, saver=FakeSaver(saved), interrupt_before=["b"])
    effects, status = drive(resumed)
    assert status == "done"
    assert summary(effects) == [
        ("get_tuple",),
        ("run", ("b",)),
        ("put_writes", ("x", "log")),
        ("put", "loop", 2),
    ]
    assert resumed.read_output() == {"x": 20, "log": ["a", "b"]}


def test_durability_exit_writes_one_checkpoint_at_the_end() -> None:
    loop = new_loop(two_node_graph(), {"x": 1}, saver=FakeSaver(), durability="exit")
    effects, status = drive(loop)
    assert status == "done"
    assert summary(effects) == [
        ("get_tuple",), ("run", (START,)), ("run", ("a",)), ("run", ("b",)), ("put", "loop", 2),
    ]
    assert effects[-1][2]["channel_values"]["x"] == 20


def test_recursion_limit_raises_from_the_generator() -> None:
    g = StateGraph(State)
    g.add_node("spin", lambda s: {"log": ["s"]})
    g.add_edge(START, "spin").add_edge("spin", "spin")
    loop = new_loop(g.compile(), {"x": 0}, recursion_limit=3)
    with pytest.raises(GraphRecursionError):
        drive(loop)
    assert loop.status == "out_of_steps"
    # steps 0 (__start__) .. 3 run; step 4 > stop = -1 + 3 + 1
    assert loop.channels["log"].get() == ["s"] * 3


def test_none_input_on_fresh_thread_raises_empty_input() -> None:
    with pytest.raises(EmptyInputError, match="__start__"):
        drive(new_loop(two_node_graph(), None, saver=FakeSaver()))


def test_empty_command_and_resume_without_saver_are_rejected() -> None:
    with pytest.raises(EmptyInputError):
        drive(new_loop(two_node_graph(), Command(), saver=FakeSaver()))
    with pytest.raises(RuntimeError, match="checkpointer"):
        drive(new_loop(two_node_graph(), Command(resume="yes")))
