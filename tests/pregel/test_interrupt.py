"""interrupt() and resume, static breakpoints (interrupt_before/after), with InMemorySaver."""

# why: over 400 lines: interrupts, resumes and breakpoints, one behaviour per test.

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import GraphInterrupt, NodeInterrupt
from stategraph.graph import END, START, StateGraph
from stategraph.types import Command, Interrupt, interrupt


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def cfg(thread: str = "t") -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def values_of(interrupts: list[Interrupt]) -> list[Any]:
    return [i.value for i in interrupts]


def two_questions(calls: list[str]) -> Any:
    def ask(state: State) -> dict[str, Any]:
        calls.append("run")
        first = interrupt("q1")
        second = interrupt("q2")
        return {"log": [first, second]}

    g = StateGraph(State)
    g.add_node("ask", ask).add_edge(START, "ask").add_edge("ask", END)
    return g.compile(checkpointer=InMemorySaver())


def test_single_interrupt_then_resume(driver: Any) -> None:
    def ask(state: State) -> dict[str, Any]:
        return {"log": [f"answer={interrupt({'question': 'ok?'})}"]}

    g = StateGraph(State)
    g.add_node("ask", ask).add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    out = driver.run(app, {"x": 1}, cfg())
    assert out["x"] == 1 and out["log"] == []
    [intr] = out["__interrupt__"]
    assert isinstance(out["__interrupt__"], list)
    assert intr.value == {"question": "ok?"}
    assert len(intr.id) == 32
    snap = driver.get_state(app, cfg())
    assert snap.next == ("ask",)
    assert snap.interrupts == (intr,)
    assert snap.tasks[0].interrupts == (intr,)
    assert driver.run(app, Command(resume="yes"), cfg()) == {"x": 1, "log": ["answer=yes"]}
    assert driver.get_state(app, cfg()).next == ()


def test_two_interrupts_in_one_node_need_two_resumes(driver: Any) -> None:
    calls: list[str] = []
    app = two_questions(calls)
    first = driver.run(app, {"x": 0}, cfg())
    assert values_of(first["__interrupt__"]) == ["q1"]
    second = driver.run(app, Command(resume="A1"), cfg())
    assert values_of(second["__interrupt__"]) == ["q2"]
    assert first["__interrupt__"][0].id != second["__interrupt__"][0].id
    assert driver.run(app, Command(resume="A2"), cfg()) == {"x": 0, "log": ["A1", "A2"]}
    assert calls == ["run", "run", "run"]  # the node re-runs from its start on every resume
    snap = driver.get_state(app, cfg())
    assert snap.next == () and snap.interrupts == () and snap.tasks == ()


def test_interrupt_shows_in_updates_and_values_streams(driver: Any) -> None:
    app = two_questions([])
    chunks = driver.stream(app, {"x": 0}, cfg(), stream_mode=["updates", "values"])
    assert chunks[0] == ("values", {"x": 0, "log": []})
    mode, payload = chunks[1]
    assert mode == "updates" and list(payload) == ["__interrupt__"]
    assert isinstance(payload["__interrupt__"], tuple)
    assert values_of(list(payload["__interrupt__"])) == ["q1"]
    assert chunks[2][0] == "values" and values_of(list(chunks[2][1]["__interrupt__"])) == ["q1"]
    assert len(chunks) == 3


def parallel_askers(ran: list[str]) -> Any:
    def b(state: State) -> dict[str, Any]:
        ran.append("b")
        return {"log": ["b:" + interrupt("qb")]}

    def c(state: State) -> dict[str, Any]:
        ran.append("c")
        return {"log": ["c:" + interrupt("qc")]}

    def d(state: State) -> dict[str, Any]:
        ran.append("d")
        return {"log": ["d"]}

    g = StateGraph(State)
    g.add_node("b", b).add_node("c", c).add_node("d", d)
    for n in "bcd":
        g.add_edge(START, n)
    return g.compile(checkpointer=InMemorySaver())


def test_parallel_interrupts_resumed_one_at_a_time_by_id(driver: Any) -> None:
    ran: list[str] = []
    app = parallel_askers(ran)
    out = driver.run(app, {"x": 1, "log": []}, cfg())
    assert out["log"] == ["d"]  # the finished sibling's writes show in the output
    ids = {i.value: i.id for i in out["__interrupt__"]}
    assert set(ids) == {"qb", "qc"} and ids["qb"] != ids["qc"]
    out = driver.run(app, Command(resume={ids["qb"]: "B"}), cfg())
    assert out["log"] == ["b:B", "d"]
    assert values_of(out["__interrupt__"]) == ["qc"]
    out = driver.run(app, Command(resume={ids["qc"]: "C"}), cfg())
    assert out == {"x": 1, "log": ["b:B", "c:C", "d"]}
    assert ran.count("d") == 1  # a task that finished in the interrupted step is not re-run
    assert ran.count("c") == 3


def test_task_finished_by_an_earlier_resume_is_not_re_run(driver: Any) -> None:
    ran: list[str] = []
    app = parallel_askers(ran)
    out = driver.run(app, {"x": 1, "log": []}, cfg())
    ids = {i.value: i.id for i in out["__interrupt__"]}
    driver.run(app, Command(resume={ids["qb"]: "B"}), cfg())
    driver.run(app, Command(resume={ids["qc"]: "C"}), cfg())
    assert ran.count("b") == 2


def test_parallel_interrupts_resumed_together(driver: Any) -> None:
    app = parallel_askers([])
    out = driver.run(app, {"x": 1, "log": []}, cfg())
    resume = {i.id: i.value.upper() for i in out["__interrupt__"]}
    assert driver.run(app, Command(resume=resume), cfg()) == {"x": 1, "log": ["b:QB", "c:QC", "d"]}


def test_plain_resume_with_two_pending_interrupts_is_an_error(driver: Any) -> None:
    app = parallel_askers([])
    driver.run(app, {"x": 1, "log": []}, cfg())
    with pytest.raises(RuntimeError, match="multiple pending interrupts"):
        driver.run(app, Command(resume="same"), cfg())


def test_plain_resume_answers_the_one_interrupt_left_after_a_partial_resume(driver: Any) -> None:
    app = parallel_askers([])
    out = driver.run(app, {"x": 1, "log": []}, cfg())
    ids = {i.value: i.id for i in out["__interrupt__"]}
    driver.run(app, Command(resume={ids["qb"]: "B"}), cfg())
    assert values_of(list(driver.get_state(app, cfg()).interrupts)) == ["qc"]
    assert driver.run(app, Command(resume="C"), cfg()) == {"x": 1, "log": ["b:B", "c:C", "d"]}


def test_latest_state_applies_finished_siblings_after_partial_resume(driver: Any) -> None:
    app = parallel_askers([])
    out = driver.run(app, {"x": 1, "log": []}, cfg())
    ids = {i.value: i.id for i in out["__interrupt__"]}
    driver.run(app, Command(resume={ids["qb"]: "B"}), cfg())
    snap = driver.get_state(app, cfg())
    assert snap.values == {"x": 1, "log": ["b:B", "d"]}
    assert snap.next == ("c",)
    assert values_of(list(snap.interrupts)) == ["qc"]


def test_resume_without_checkpointer_is_an_error(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"x": 1}).add_edge(START, "a")
    with pytest.raises(RuntimeError, match="checkpointer"):
        driver.run(g.compile(), Command(resume=1))


def test_interrupt_outside_a_run_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="interrupt"):
        interrupt("nobody listens")


def test_deprecated_node_interrupt_pauses_the_run(driver: Any) -> None:
    def legacy(state: State) -> None:
        raise NodeInterrupt("stop here")

    g = StateGraph(State)
    g.add_node("legacy", legacy).add_edge(START, "legacy")
    out = driver.run(g.compile(checkpointer=InMemorySaver()), {"x": 1}, cfg())
    assert values_of(out["__interrupt__"]) == ["stop here"]
    assert issubclass(NodeInterrupt, GraphInterrupt)


def test_interrupt_inside_subgraph_propagates_and_resumes(driver: Any) -> None:
    class Child(TypedDict, total=False):
        x: int

    def inner(state: Child) -> dict[str, int]:
        return {"x": state["x"] + int(interrupt("how much?"))}

    child = StateGraph(Child)
    child.add_node("inner", inner).add_edge(START, "inner")
    parent = StateGraph(Child)
    parent.add_node("sub", child.compile()).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    out = driver.run(app, {"x": 1}, cfg())
    assert values_of(out["__interrupt__"]) == ["how much?"]
    assert driver.get_state(app, cfg()).next == ("sub",)
    assert driver.run(app, Command(resume="41"), cfg()) == {"x": 42}


def _child_asking_after_a_step(calls: list[str], **compile_kw: Any) -> Any:
    def first(state: State) -> dict[str, Any]:
        calls.append("first")
        return {"log": ["first"]}

    def ask(state: State) -> dict[str, Any]:
        return {"log": [f"answer={interrupt('sub?')}"]}

    child = StateGraph(State)
    child.add_node("first", first).add_node("ask", ask)
    child.add_edge(START, "first").add_edge("first", "ask")
    return child.compile(**compile_kw)


@pytest.mark.parametrize("child_checkpointer", [None, True])
def test_resumed_subgraph_continues_from_its_checkpoint(driver: Any, child_checkpointer: Any) -> None:
    calls: list[str] = []
    parent = StateGraph(State)
    parent.add_node("p", lambda s: {"log": ["p"]})
    parent.add_node("sub", _child_asking_after_a_step(calls, checkpointer=child_checkpointer))
    parent.add_edge(START, "p").add_edge("p", "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    driver.run(app, {"log": []}, cfg())
    out = driver.run(app, Command(resume="R"), cfg())
    # the child neither re-takes its input nor re-runs the node that finished before the pause
    assert calls == ["first"]
    assert out["log"] == ["p", "p", "first", "answer=R"]


def test_interrupt_in_subgraph_is_streamed_in_its_namespace(driver: Any) -> None:
    parent = StateGraph(State)
    parent.add_node("sub", _child_asking_after_a_step([], checkpointer=True)).add_edge(START, "sub")
    app = parent.compile(checkpointer=InMemorySaver())
    chunks = driver.stream(app, {"log": []}, cfg(), stream_mode=["updates", "values"], subgraphs=True)
    nested = [(mode, payload) for ns, mode, payload in chunks if ns == ("sub",) and "__interrupt__" in payload]
    assert [mode for mode, _ in nested] == ["updates", "values"]
    assert values_of(nested[0][1]["__interrupt__"]) == ["sub?"]
    assert nested[1][1]["log"] == ["first"]
    top = [mode for ns, mode, payload in chunks if ns == () and "__interrupt__" in payload]
    assert top == ["updates", "values"]


# -- static breakpoints ---------------------------------------------------------------------------


def abc_graph() -> StateGraph:
    g = StateGraph(State)
    for name in "abc":
        g.add_node(name, lambda s, name=name: {"log": [name]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
    return g


def test_interrupt_before_at_compile_time(driver: Any) -> None:
    app = abc_graph().compile(checkpointer=InMemorySaver(), interrupt_before=["b"])
    assert driver.run(app, {"log": []}, cfg()) == {"log": ["a"]}
    assert driver.get_state(app, cfg()).next == ("b",)
    assert driver.stream(app, None, cfg(), stream_mode="updates") == [{"b": {"log": ["b"]}}, {"c": {"log": ["c"]}}]
    assert driver.get_state(app, cfg()).values == {"log": ["a", "b", "c"]}


def test_new_input_restarts_and_hits_the_breakpoint_again(driver: Any) -> None:
    app = abc_graph().compile(checkpointer=InMemorySaver(), interrupt_before=["b"])
    driver.run(app, {"log": []}, cfg())
    assert driver.run(app, {"log": ["new"]}, cfg()) == {"log": ["a", "new", "a"]}
    assert driver.get_state(app, cfg()).next == ("b",)
    assert driver.run(app, None, cfg()) == {"log": ["a", "new", "a", "b", "c"]}


def test_interrupt_after_emits_empty_interrupt_update(driver: Any) -> None:
    app = abc_graph().compile(checkpointer=InMemorySaver(), interrupt_after=["a"])
    assert driver.stream(app, {"log": []}, cfg(), stream_mode="updates") == [
        {"a": {"log": ["a"]}}, {"__interrupt__": ()},
    ]
    assert driver.get_state(app, cfg()).next == ("b",)
    assert driver.run(app, None, cfg()) == {"log": ["a", "b", "c"]}


def test_breakpoints_given_per_call(driver: Any) -> None:
    app = abc_graph().compile(checkpointer=InMemorySaver())
    assert driver.run(app, {"log": []}, cfg(), interrupt_before=["c"]) == {"log": ["a", "b"]}
    assert driver.get_state(app, cfg()).next == ("c",)
    assert driver.run(app, None, cfg()) == {"log": ["a", "b", "c"]}
    assert driver.run(app, {"log": []}, cfg("star"), interrupt_after="*") == {"log": ["a"]}
    assert driver.run(app, None, cfg("star"), interrupt_after="*") == {"log": ["a", "b"]}


def test_resume_with_command_passes_a_static_breakpoint(driver: Any) -> None:
    app = abc_graph().compile(checkpointer=InMemorySaver(), interrupt_before=["b"])
    driver.run(app, {"log": []}, cfg())
    assert driver.run(app, Command(resume="go"), cfg()) == {"log": ["a", "b", "c"]}


# -- interrupt(response_schema=...) ---------------------------------------------------------------


def test_response_schema_is_surfaced_and_validates_the_answer(driver: Any) -> None:
    from pydantic import BaseModel, ValidationError

    from stategraph.errors import is_invalid_resume

    class Answer(BaseModel):
        ok: bool

    def ask(state: State) -> dict[str, Any]:
        answer = interrupt("approve?", response_schema=Answer)
        return {"x": int(answer.ok)}

    g = StateGraph(State)
    g.add_node("ask", ask).add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    (asked,) = driver.run(app, {"x": 5}, cfg())["__interrupt__"]
    assert asked.response_schema["properties"]["ok"]["type"] == "boolean"
    with pytest.raises(ValidationError) as info:
        driver.run(app, Command(resume={"ok": "not a bool"}), cfg())
    assert is_invalid_resume(info.value)
    assert driver.get_state(app, cfg()).next == ("ask",)
    assert driver.run(app, Command(resume={"ok": True}), cfg())["x"] == 1


def test_dict_response_schema_is_documentation_only(driver: Any) -> None:
    from stategraph.errors import is_invalid_resume

    g = StateGraph(State)
    g.add_node("ask", lambda s: {"x": len(interrupt("q", response_schema={"type": "string"}))})
    g.add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    (asked,) = driver.run(app, {"x": 0}, cfg())["__interrupt__"]
    assert asked.response_schema == {"type": "string"}
    assert Interrupt("v", "i").response_schema is None
    assert driver.run(app, Command(resume="abc"), cfg())["x"] == 3
    assert not is_invalid_resume(ValueError("unrelated"))


# -- stream shape of parallel interrupts ------------------------------------------------------------


def _two_askers_and_a_worker() -> Any:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"log": [interrupt("qa")]})
    g.add_node("b", lambda s: {"log": [interrupt("qb")]})
    g.add_node("c", lambda s: {"log": ["c"]})
    g.add_edge(START, "a").add_edge(START, "b").add_edge(START, "c")
    return g.compile(checkpointer=InMemorySaver())


def test_each_interrupted_task_streams_its_own_interrupt(driver: Any) -> None:
    app = _two_askers_and_a_worker()
    chunks = driver.stream(app, {"log": []}, cfg(), stream_mode=["updates", "values"])
    paused = [(mode, values_of(p["__interrupt__"])) for mode, p in chunks if "__interrupt__" in p]
    # one updates + values pair per task, each holding that task's interrupt only
    assert sorted(paused) == sorted([("updates", ["qa"]), ("values", ["qa"]), ("updates", ["qb"]), ("values", ["qb"])])
    assert all(p["log"] == [] for mode, p in chunks if mode == "values" and "__interrupt__" in p)
    # the run ends with the values that include what the finished sibling wrote
    assert chunks[-1] == ("values", {"log": ["c"]})


def test_resume_announces_every_task_and_replays_finished_updates_as_cached(driver: Any) -> None:
    app = _two_askers_and_a_worker()
    driver.run(app, {"log": []}, cfg())
    ids = {i.value: i.id for i in driver.get_state(app, cfg()).interrupts}
    chunks = driver.stream(app, Command(resume={ids["qa"]: "A"}), cfg(), stream_mode=["tasks", "updates"])
    started = sorted(p["name"] for mode, p in chunks if mode == "tasks" and "input" in p)
    assert started == ["a", "b", "c"]
    cached = [p for mode, p in chunks if mode == "updates" and "__metadata__" in p]
    assert cached == [{"c": {"log": ["c"]}, "__metadata__": {"cached": True}}]
    finished = [p["name"] for mode, p in chunks if mode == "tasks" and "result" in p]
    assert sorted(finished) == ["a", "b"]  # c finished in the first run: no new result event


def test_interrupt_in_a_conditional_edge_shows_the_node_update_in_the_output(driver: Any) -> None:
    def route(state: State) -> str:
        return END if interrupt("route?") == "end" else "b"

    g = StateGraph(State)
    g.add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]})
    g.add_edge(START, "a").add_conditional_edges("a", route)
    app = g.compile(checkpointer=InMemorySaver())
    out = driver.run(app, {"x": 1}, cfg())
    # as LangGraph: the output shows what the node wrote before its edge paused the run ...
    assert out["log"] == ["a"] and values_of(out["__interrupt__"]) == ["route?"]
    # ... while the saved state does not: the node runs again on resume
    assert driver.get_state(app, cfg()).values == {"x": 1, "log": []}
    assert driver.run(app, Command(resume="go"), cfg())["log"] == ["a", "b"]


def test_command_without_resume_on_a_paused_thread_keeps_the_pause(driver: Any) -> None:
    def ask(state: State) -> dict[str, Any]:
        return {"log": [f"{interrupt('q')} x={state.get('x')}"]}

    g = StateGraph(State)
    g.add_node("ask", ask).add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    driver.run(app, {"x": 1}, cfg())
    # an update without an answer: the pending node runs again and pauses again ...
    chunks = driver.stream(app, Command(update={"x": 7}), cfg(), stream_mode=["updates", "values"])
    assert [mode for mode, p in chunks if "__interrupt__" in p] == ["updates", "values"]
    # ... and the update is kept with the paused step, then applied when it is answered
    snap = driver.get_state(app, cfg())
    assert (snap.next, snap.values["x"]) == (("ask",), 7)
    assert driver.run(app, Command(resume="R"), cfg())["log"] == ["R x=7"]
