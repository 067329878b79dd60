"""get_state / get_state_history / update_state / bulk_update_state (both drivers)."""

# why: over 400 lines: get_state / history / update_state behaviours under both drivers.

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import InvalidUpdateError
from stategraph.graph import END, START, StateGraph
from stategraph.types import StateSnapshot, StateUpdate


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def cfg(thread: str = "t") -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def chain(**compile_kw: Any) -> Any:
    """START -> a -> b -> c -> END, each appending its name to log."""
    g = StateGraph(State)
    for name in "abc":
        g.add_node(name, lambda s, name=name: {"log": [name]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
    return g.compile(checkpointer=InMemorySaver(), **compile_kw)


def diamond(**compile_kw: Any) -> Any:
    """START -> a -> (b, c) -> d (waiting edge)."""
    g = StateGraph(State)
    for name in "abcd":
        g.add_node(name, lambda s, name=name: {"log": [name]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c").add_edge(["b", "c"], "d")
    return g.compile(checkpointer=InMemorySaver(), **compile_kw)


def test_get_state_after_a_run(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    snap = driver.get_state(app, cfg())
    assert isinstance(snap, StateSnapshot)
    assert snap.values == {"x": 1, "log": ["a", "b", "c"]}
    assert snap.next == () and snap.tasks == () and snap.interrupts == ()
    assert snap.metadata["source"] == "loop" and snap.metadata["step"] == 3
    assert snap.config["configurable"]["thread_id"] == "t"
    assert snap.config["configurable"]["checkpoint_ns"] == ""
    assert isinstance(snap.created_at, str) and "T" in snap.created_at
    assert (
        snap.parent_config["configurable"]["checkpoint_id"]
        != snap.config["configurable"]["checkpoint_id"]
    )


def test_get_state_of_unknown_thread_is_empty(driver: Any) -> None:
    snap = driver.get_state(chain(), cfg("never"))
    assert snap.values == {} and snap.next == () and snap.metadata is None


def test_state_methods_need_a_checkpointer(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", lambda s: None).add_edge(START, "a")
    with pytest.raises(ValueError, match="No checkpointer set"):
        driver.get_state(g.compile(), cfg())
    with pytest.raises(ValueError, match="No checkpointer set"):
        driver.update_state(g.compile(), cfg(), {"x": 1})


def test_history_is_newest_first_with_next_tasks(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    history = driver.history(app, cfg())
    assert [(s.metadata["source"], s.metadata["step"], s.next) for s in history] == [
        ("loop", 3, ()),
        ("loop", 2, ("c",)),
        ("loop", 1, ("b",)),
        ("loop", 0, ("a",)),
        ("input", -1, ("__start__",)),
    ]
    assert history[1].values == {"x": 1, "log": ["a", "b"]}
    for newer, older in zip(history, history[1:], strict=False):
        assert newer.parent_config == older.config


@pytest.mark.parametrize(
    ("durability", "expected"),
    [
        ("exit", [("loop", 3)]),
        ("sync", [("loop", 3), ("loop", 2), ("loop", 1), ("loop", 0), ("input", -1)]),
        ("async", [("loop", 3), ("loop", 2), ("loop", 1), ("loop", 0), ("input", -1)]),
    ],
)
def test_durability_decides_which_checkpoints_are_kept(
    driver: Any, durability: str, expected: list[Any]
) -> None:
    app = chain()
    assert driver.run(app, {"x": 1, "log": []}, cfg(), durability=durability) == {
        "x": 1,
        "log": ["a", "b", "c"],
    }
    assert [
        (s.metadata["source"], s.metadata["step"]) for s in driver.history(app, cfg())
    ] == expected
    assert driver.get_state(app, cfg()).values == {"x": 1, "log": ["a", "b", "c"]}


def test_history_filter_before_and_limit(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    everything = driver.history(app, cfg())
    assert [s.metadata["step"] for s in driver.history(app, cfg(), limit=2)] == [3, 2]
    assert [s.metadata["step"] for s in driver.history(app, cfg(), filter={"source": "input"})] == [
        -1
    ]
    assert [s.metadata["step"] for s in driver.history(app, cfg(), filter={"step": 1})] == [1]
    before = driver.history(app, cfg(), before=everything[1].config)
    assert [s.metadata["step"] for s in before] == [1, 0, -1]
    assert [
        s.metadata["step"] for s in driver.history(app, cfg(), before=everything[1].config, limit=1)
    ] == [1]


def test_update_state_infers_the_last_node_and_applies_reducers(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    latest = driver.get_state(app, cfg())
    new_config = driver.update_state(app, cfg(), {"log": ["patched"], "x": 2})
    assert (
        new_config["configurable"]["checkpoint_id"]
        != latest.config["configurable"]["checkpoint_id"]
    )
    snap = driver.get_state(app, cfg())
    assert snap.values == {"x": 2, "log": ["a", "b", "c", "patched"]}
    assert snap.metadata["source"] == "update" and snap.metadata["step"] == 4
    assert snap.next == ()  # as c: c -> END
    assert snap.parent_config == latest.config


def test_update_state_as_node_decides_next(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.update_state(app, cfg(), {"x": 7}, as_node="a")
    snap = driver.get_state(app, cfg())
    assert snap.next == ("b",)
    assert driver.run(app, None, cfg()) == {"x": 7, "log": ["a", "b", "c", "b", "c"]}


def test_update_of_a_past_checkpoint_forks_history(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    past = next(s for s in driver.history(app, cfg()) if s.metadata["step"] == 1)
    assert past.next == ("b",)
    fork_config = driver.update_state(app, past.config, {"x": 99}, as_node="a")
    fork = driver.get_state(app, fork_config)
    assert fork.metadata["source"] == "update" and fork.metadata["step"] == 2
    assert fork.parent_config == past.config
    assert fork.values == {"x": 99, "log": ["a"]}
    assert fork.next == ("b",)
    chunks = driver.stream(app, None, fork_config, stream_mode="updates")
    assert chunks == [{"b": {"log": ["b"]}}, {"c": {"log": ["c"]}}]
    assert driver.get_state(app, cfg()).values == {"x": 99, "log": ["a", "b", "c"]}


def test_update_on_a_fresh_thread_acts_as_start(driver: Any) -> None:
    app = chain()
    driver.update_state(app, cfg("fresh"), {"x": 5, "log": ["seed"]})
    snap = driver.get_state(app, cfg("fresh"))
    assert snap.values == {"x": 5, "log": ["seed"]}
    assert snap.next == ("a",)
    assert driver.run(app, None, cfg("fresh")) == {"x": 5, "log": ["seed", "a", "b", "c"]}


def test_update_before_a_lone_first_node_is_written_as_start(driver: Any) -> None:
    # the writer inferred is the node that read last (here START), not "the only user node"
    g = StateGraph(State)
    g.add_node("a", lambda s: {"log": ["a"]}).add_edge(START, "a").add_edge("a", END)
    app = g.compile(checkpointer=InMemorySaver(), interrupt_before=["a"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.update_state(app, cfg(), {"x": 7})
    assert driver.get_state(app, cfg()).next == ("a",)
    assert driver.run(app, None, cfg()) == {"x": 7, "log": ["a"]}


def test_ambiguous_and_unknown_as_node(driver: Any) -> None:
    app = diamond(interrupt_before=["d"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    assert driver.get_state(app, cfg()).next == ("d",)
    with pytest.raises(InvalidUpdateError, match="Ambiguous update, specify as_node"):
        driver.update_state(app, cfg(), {"x": 3})
    with pytest.raises(InvalidUpdateError, match="Node zzz does not exist"):
        driver.update_state(app, cfg(), {"x": 3}, as_node="zzz")


def test_update_as_end_clears_pending_tasks(driver: Any) -> None:
    app = diamond(interrupt_before=["d"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.update_state(app, cfg(), None, as_node=END)
    snap = driver.get_state(app, cfg())
    assert snap.next == ()
    assert snap.values == {"x": 1, "log": ["a", "b", "c"]}


def test_replay_from_a_past_checkpoint_re_executes_and_branches(driver: Any) -> None:
    app = diamond()
    driver.run(app, {"x": 1, "log": []}, cfg())
    past = next(s for s in driver.history(app, cfg()) if s.metadata["step"] == 1)
    assert past.next == ("b", "c")
    chunks = driver.stream(app, None, past.config, stream_mode="updates")
    assert chunks == [{"b": {"log": ["b"]}}, {"c": {"log": ["c"]}}, {"d": {"log": ["d"]}}]
    sources = [(s.metadata["source"], s.metadata["step"]) for s in driver.history(app, cfg())]
    # the fork is numbered one past the replayed checkpoint and the replay runs after it
    assert sources[:3] == [("loop", 4), ("loop", 3), ("fork", 2)]
    assert len(sources) == 8  # the old branch is kept


def test_bulk_update_applies_supersteps_in_order(driver: Any) -> None:
    app = chain()
    driver.bulk_update_state(
        app,
        cfg("bulk"),
        [
            [StateUpdate({"x": 1, "log": ["i"]}, "a")],
            [StateUpdate({"log": ["B"]}, "b")],
        ],
    )
    snap = driver.get_state(app, cfg("bulk"))
    assert snap.values == {"x": 1, "log": ["i", "B"]}
    assert snap.next == ("c",)
    history = [(s.metadata["source"], s.metadata["step"]) for s in driver.history(app, cfg("bulk"))]
    # on a new thread the first update is step 0 (an input would be step -1, as a run's)
    assert history == [("update", 1), ("update", 0)]


def test_update_as_input_fills_the_input_channel_for_the_next_run(driver: Any) -> None:
    app = chain()
    driver.update_state(app, cfg("in"), {"x": 1, "log": ["i"]}, as_node="__input__")
    snap = driver.get_state(app, cfg("in"))
    assert (snap.values, snap.next) == ({"log": []}, ("__start__",))
    assert (snap.metadata["source"], snap.metadata["step"]) == ("input", -1)
    driver.update_state(app, cfg("in"), {"x": 2, "log": ["j"]}, as_node="__input__")
    assert driver.run(app, None, cfg("in")) == {"x": 2, "log": ["j", "a", "b", "c"]}
    with pytest.raises(InvalidUpdateError):
        driver.update_state(app, cfg("in"), None, as_node="__input__")


def test_bulk_update_several_nodes_in_one_superstep(driver: Any) -> None:
    app = diamond(interrupt_before=["d"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.bulk_update_state(
        app, cfg(), [[StateUpdate({"log": ["B"]}, "b"), StateUpdate({"log": ["C"]}, "c")]]
    )
    snap = driver.get_state(app, cfg())
    assert snap.values["log"] == ["a", "b", "c", "B", "C"]
    assert snap.metadata["source"] == "update"


def test_update_keeps_pending_tasks_it_does_not_touch(driver: Any) -> None:
    app = diamond(interrupt_before=["d"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.update_state(app, cfg(), {"x": 5}, as_node="b")
    assert driver.get_state(app, cfg()).next == ("d",)
    assert driver.run(app, None, cfg()) == {"x": 5, "log": ["a", "b", "c", "d"]}


def test_bulk_update_rejects_ambiguous_and_concurrent_updates(driver: Any) -> None:
    app = diamond(interrupt_before=["d"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    with pytest.raises(InvalidUpdateError, match="as_node"):
        driver.bulk_update_state(app, cfg(), [[StateUpdate({"x": 1}), StateUpdate({"x": 2})]])
    with pytest.raises(InvalidUpdateError, match="At key 'x'"):
        driver.bulk_update_state(
            app, cfg(), [[StateUpdate({"x": 1}, "b"), StateUpdate({"x": 2}, "c")]]
        )


def test_bulk_update_with_no_supersteps_is_a_value_error(driver: Any) -> None:
    with pytest.raises(ValueError):
        driver.bulk_update_state(chain(), cfg(), [])


def test_bulk_update_with_an_empty_superstep_is_a_value_error(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    with pytest.raises(ValueError):
        driver.bulk_update_state(app, cfg(), [[]])


def test_update_as_copy_forks_a_sibling(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    latest = driver.get_state(app, cfg())
    copied = driver.get_state(app, driver.update_state(app, cfg(), None, as_node="__copy__"))
    assert copied.metadata["source"] == "fork"
    assert (
        copied.metadata["step"] == latest.metadata["step"] + 1
    )  # numbered one past, as in LangGraph
    assert copied.values == latest.values
    assert copied.parent_config == latest.parent_config


# -- subgraph tasks in snapshots ------------------------------------------------------------------


def _pausing_child(**compile_kw: Any) -> Any:
    from stategraph.types import interrupt

    child = StateGraph(State)
    child.add_node("ask", lambda s: {"log": [interrupt("sub?")]}).add_edge(START, "ask")
    return child.compile(**compile_kw)


def test_a_subgraph_task_not_started_yet_shows_an_empty_snapshot(driver: Any) -> None:
    parent = StateGraph(State)
    parent.add_node("sub", _pausing_child()).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver(), interrupt_before=["sub"])
    driver.run(app, {"log": []}, cfg())
    (task,) = driver.get_state(app, cfg(), subgraphs=True).tasks
    # LangGraph's shape: a snapshot at the child's namespace with nothing in it yet
    assert isinstance(task.state, StateSnapshot)
    assert (task.state.values, task.state.next, task.state.tasks, task.state.interrupts) == (
        {},
        (),
        (),
        (),
    )
    assert (
        task.state.metadata is None
        and task.state.created_at is None
        and task.state.parent_config is None
    )
    assert task.state.config["configurable"]["checkpoint_ns"] == f"sub:{task.id}"
    (plain,) = driver.get_state(app, cfg()).tasks  # without subgraphs=True: the child's config
    assert plain.state == {"configurable": {"thread_id": "t", "checkpoint_ns": f"sub:{task.id}"}}


def test_snapshot_of_a_persistent_subgraph_is_found_without_task_ids(driver: Any) -> None:
    parent = StateGraph(State)
    parent.add_node("sub", _pausing_child(checkpointer=True)).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    driver.run(app, {"log": []}, cfg())
    (task,) = driver.get_state(app, cfg(), subgraphs=True).tasks
    assert isinstance(task.state, StateSnapshot)
    assert task.state.config["configurable"]["checkpoint_ns"] == "sub"
    assert task.state.next == ("ask",)


def test_subgraph_without_checkpointer_is_not_a_subgraph_of_the_snapshot(driver: Any) -> None:
    parent = StateGraph(State)
    parent.add_node("sub", _pausing_child(checkpointer=False)).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    driver.run(app, {"log": []}, cfg())
    (task,) = driver.get_state(app, cfg()).tasks
    assert task.state is None
    assert list(app.get_subgraphs()) == []


def test_subgraph_called_inside_a_node_function_is_a_subgraph(driver: Any) -> None:
    child = _pausing_child()

    def call_child(state: State) -> dict[str, Any]:
        return {"log": child.invoke({"log": []})["log"]}

    parent = StateGraph(State)
    parent.add_node("call_child", call_child).add_edge(START, "call_child")
    app = parent.compile(checkpointer=InMemorySaver())
    driver.run(app, {"log": []}, cfg())
    assert [name for name, _ in app.get_subgraphs()] == ["call_child"]
    (task,) = driver.get_state(app, cfg(), subgraphs=True).tasks
    assert isinstance(task.state, StateSnapshot)
    assert task.state.next == ("ask",)


def test_send_tasks_in_snapshots_carry_the_no_call_flag(driver: Any) -> None:
    from stategraph.types import Send

    g = StateGraph(State)
    g.add_node("w", lambda s: {"log": [s["x"]]})
    g.add_conditional_edges(START, lambda s: [Send("w", {"x": 1}), Send("w", {"x": 2})])
    app = g.compile(checkpointer=InMemorySaver(), interrupt_before=["w"])
    driver.run(app, {"log": []}, cfg())
    assert [t.path for t in driver.get_state(app, cfg()).tasks] == [
        ("__pregel_push", 0, False),
        ("__pregel_push", 1, False),
    ]


# -- update_state details as LangGraph ------------------------------------------------------------


def test_update_without_as_node_before_the_only_node_ran_is_made_as_start(driver: Any) -> None:
    from stategraph.errors import NodeInterrupt

    def gate(state: State) -> dict[str, Any]:
        if state.get("x", 0) < 5:
            raise NodeInterrupt("too small")
        return {"log": ["passed"]}

    g = StateGraph(State)
    g.add_node("gate", gate).add_edge(START, "gate")
    app = g.compile(checkpointer=InMemorySaver())
    driver.run(app, {"x": 1}, cfg())
    driver.update_state(app, cfg(), {"x": 10})  # as START: the gate runs again
    assert driver.run(app, None, cfg()) == {"x": 10, "log": ["passed"]}


def test_update_writes_show_as_the_task_result_of_the_checkpoint_they_build_on(driver: Any) -> None:
    app = chain(interrupt_before=["b"])
    driver.run(app, {"x": 1, "log": []}, cfg())
    driver.update_state(app, cfg(), {"log": ["by hand"]}, as_node="b")
    before_update = driver.history(app, cfg())[1]
    assert [(t.name, t.result) for t in before_update.tasks] == [("b", {"log": ["by hand"]})]


def test_snapshot_lists_next_tasks_in_node_order(driver: Any) -> None:
    g = StateGraph(State)
    for name in ("a", "zeta", "alpha"):
        g.add_node(name, lambda s, name=name: {"log": [name]})
    g.add_edge(START, "a").add_edge("a", "zeta").add_edge("a", "alpha")
    app = g.compile(checkpointer=InMemorySaver(), interrupt_before=["zeta"])
    driver.run(app, {"log": []}, cfg())
    assert driver.get_state(app, cfg()).next == ("zeta", "alpha")


def test_state_api_without_thread_id_is_a_key_error(driver: Any) -> None:
    app = chain()
    for call in (
        lambda: driver.get_state(app, {"configurable": {}}),
        lambda: driver.history(app, {"configurable": {}}),
        lambda: driver.update_state(app, {}, {"x": 1}),
    ):
        with pytest.raises(KeyError, match="thread_id"):
            call()


def test_history_keeps_the_interrupts_a_finished_task_raised(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    def two_questions(state: State) -> dict[str, Any]:
        return {"log": [interrupt("first"), interrupt("second")]}

    g = StateGraph(State)
    g.add_node("ask", two_questions).add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    driver.run(app, {"log": []}, cfg())
    driver.run(app, Command(resume="A"), cfg())
    driver.run(app, Command(resume="B"), cfg())
    step0 = next(s for s in driver.history(app, cfg()) if s.metadata["step"] == 0)
    (task,) = step0.tasks
    # a record of the step: the last question asked, though answered since
    assert [i.value for i in task.interrupts] == ["second"] and task.result == {"log": ["A", "B"]}
    assert [i.value for i in step0.interrupts] == ["second"]
    assert driver.get_state(app, cfg()).interrupts == ()


def test_exit_durability_checkpoint_events_keep_the_starting_parent(driver: Any) -> None:
    app = chain()
    driver.run(app, {"x": 1, "log": []}, cfg())
    start = driver.get_state(app, cfg())
    events = driver.stream(app, {"x": 2}, cfg(), stream_mode="checkpoints", durability="exit")
    assert {str(e["parent_config"]) for e in events} == {str(start.parent_config)}


def test_a_subgraph_config_addresses_the_subgraph(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    class Child(TypedDict, total=False):
        items: Annotated[list, operator.add]

    child = StateGraph(Child)
    child.add_node("first", lambda s: {"items": ["first"]})
    child.add_node("ask", lambda s: {"items": [interrupt("q")]})
    child.add_edge(START, "first").add_edge("first", "ask")
    parent = StateGraph(Child)
    parent.add_node("sub", child.compile()).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    driver.run(app, {"items": []}, cfg())
    sub_config = driver.get_state(app, cfg(), subgraphs=True).tasks[0].state.config
    assert sub_config["configurable"]["checkpoint_map"][""]  # the parent's checkpoint is named
    assert driver.get_state(app, sub_config).next == ("ask",)
    # the update is made with the subgraph's nodes (as "first": its edge to "ask" is followed)
    new_config = driver.update_state(app, sub_config, {"items": ["patched"]})
    assert (
        new_config["configurable"]["checkpoint_ns"] == sub_config["configurable"]["checkpoint_ns"]
    )
    assert driver.get_state(app, new_config).next == ("ask",)
    assert driver.run(app, Command(resume="R"), cfg()) == {"items": ["first", "patched", "R"]}
    # a namespace naming no subgraph: read with the parent's channels (nothing saved there),
    # but an update to it is refused
    unknown = {"configurable": {"thread_id": "t", "checkpoint_ns": "nope:1"}}
    empty = driver.get_state(app, unknown)
    assert (empty.values, empty.next, empty.metadata, empty.created_at) == ({}, (), None, None)
    assert driver.history(app, unknown) == []
    with pytest.raises(ValueError, match="nope"):
        driver.update_state(app, unknown, {"items": ["x"]})


def test_update_checkpoint_records_the_callers_metadata_and_configurable(driver: Any) -> None:
    app = chain()
    config = {
        "configurable": {"thread_id": "md", "user_id": "u1", "obj": {"no": 1}},
        "metadata": {"m": "v"},
    }
    driver.run(app, {"x": 1, "log": []}, config)
    driver.update_state(app, config, {"x": 5})
    md = driver.get_state(app, cfg("md")).metadata
    assert (md["source"], md["user_id"], md["m"]) == ("update", "u1", "v") and "obj" not in md
    # checkpoint events carry only the checkpoint's own metadata (a saver adds the rest)
    events = driver.stream(app, {"x": 2}, config, stream_mode="checkpoints")
    assert {k for e in events for k in e["metadata"]} == {"source", "step", "parents"}


def test_a_cache_hit_is_saved_as_the_task_result(driver: Any) -> None:
    from stategraph.cache.memory import InMemoryCache
    from stategraph.types import CachePolicy

    calls: list[int] = []

    def slow(state: State) -> dict[str, Any]:
        calls.append(state["x"])
        return {"log": [state["x"]]}

    g = StateGraph(State)
    g.add_node("slow", slow, cache_policy=CachePolicy()).add_edge(START, "slow")
    app = g.compile(checkpointer=InMemorySaver(), cache=InMemoryCache())
    driver.run(app, {"x": 1}, cfg("first"))
    driver.run(app, {"x": 1}, cfg("second"))
    assert calls == [1]
    step0 = next(s for s in driver.history(app, cfg("second")) if s.metadata["step"] == 0)
    assert [(t.name, t.result) for t in step0.tasks] == [("slow", {"log": [1]})]
