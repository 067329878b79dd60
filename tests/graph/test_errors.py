"""Run-time errors: what is raised, with which code, naming which node/key/step."""

from __future__ import annotations

import dataclasses
import operator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import EmptyInputError, ErrorCode, InvalidUpdateError
from stategraph.graph import START, StateGraph
from stategraph.runtime import get_runtime
from stategraph.types import Command, Send


class State(TypedDict, total=False):
    x: int
    total: Annotated[int, operator.add]


def single(node: Any, **graph_kw: Any) -> Any:
    g = StateGraph(State, **graph_kw)
    g.add_node("bad", node).add_edge(START, "bad")
    return g.compile()


@pytest.mark.parametrize("value", [5, "oops", [1, 2], 3.5])
def test_bad_node_return_type(driver: Any, value: Any) -> None:
    with pytest.raises(InvalidUpdateError) as info:
        driver.run(single(lambda s: value), {"x": 1})
    exc = info.value
    assert exc.code is ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE
    assert exc.node == "bad"
    assert f"Expected dict, got {value!r}" in str(exc)
    assert "'bad'" in str(exc)


def test_unknown_returned_key_is_an_error(driver: Any) -> None:
    # deliberate difference: LangGraph silently drops unknown keys
    with pytest.raises(InvalidUpdateError) as info:
        driver.run(single(lambda s: {"x": 2, "y": 1}), {"x": 1})
    exc = info.value
    assert exc.code is ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE
    assert (exc.node, exc.key) == ("bad", "y")
    assert "Node 'bad'" in str(exc) and "'y'" in str(exc)


def test_unknown_key_in_command_update_is_an_error(driver: Any) -> None:
    with pytest.raises(InvalidUpdateError, match="'zz'"):
        driver.run(single(lambda s: Command(update={"zz": 1})), {"x": 1})


def test_concurrent_last_value_writes_name_key_step_and_nodes(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("left", lambda s: {"x": 1}).add_node("right", lambda s: {"x": 2})
    g.add_edge(START, "left").add_edge(START, "right")
    with pytest.raises(InvalidUpdateError) as info:
        driver.run(g.compile(), {"x": 0})
    exc = info.value
    assert exc.code is ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE
    assert (exc.channel, exc.step, exc.nodes) == ("x", 1, ["left", "right"])
    msg = str(exc)
    assert "At key 'x': Can receive only one value per step" in msg
    assert "Step 1" in msg and "'left'" in msg and "'right'" in msg


def test_reducer_raising_keeps_its_type_and_names_the_key(driver: Any) -> None:
    # as LangGraph: the reducer's own exception reaches the caller (a note says where)
    with pytest.raises(TypeError) as info:
        driver.run(single(lambda s: {"total": "not an int"}), {"x": 1})
    note = " ".join(getattr(info.value, "__notes__", []))
    assert "'total'" in note and "[E204]" in note


def test_send_to_unknown_node_from_a_branch(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", lambda s: None).add_edge(START, "a")
    g.add_conditional_edges("a", lambda s: [Send("ghost", 1)])
    with pytest.raises(InvalidUpdateError) as info:
        driver.run(g.compile(), {"x": 1})
    assert info.value.code is ErrorCode.RUN_BAD_SEND
    assert "[E203]" in str(info.value) and "'ghost'" in str(info.value) and "'a'" in str(info.value)


@pytest.mark.parametrize("goto", [Send("ghost", 1), "ghost"])
def test_command_goto_unknown_node(driver: Any, goto: Any) -> None:
    with pytest.raises(InvalidUpdateError) as info:
        driver.run(single(lambda s: Command(goto=goto)), {"x": 1})
    assert info.value.code is ErrorCode.RUN_BAD_SEND
    assert "'ghost'" in str(info.value) and "'bad'" in str(info.value)


def test_async_node_under_sync_invoke_is_a_clear_type_error(driver: Any) -> None:
    async def anode(state: State) -> dict[str, int]:
        return {"x": 2}

    app = single(anode)
    if driver.is_async:
        assert driver.run(app, {"x": 1}) == {"x": 2, "total": 0}
        return
    with pytest.raises(TypeError) as info:  # LangGraph's type
        driver.run(app, {"x": 1})
    assert (
        "[E202]" in str(info.value) and "'bad'" in str(info.value) and "ainvoke" in str(info.value)
    )
    with pytest.raises(TypeError, match="E202"):
        driver.stream(app, {"x": 1})


def test_none_input_on_a_fresh_graph(driver: Any) -> None:
    with pytest.raises(EmptyInputError, match="Received no input for __start__"):
        driver.run(single(lambda s: None), None)
    app = single(lambda s: None)
    app = app.copy({"checkpointer": InMemorySaver()})
    with pytest.raises(EmptyInputError):
        driver.run(app, None, {"configurable": {"thread_id": "fresh"}})


def test_empty_command_is_empty_input(driver: Any) -> None:
    app = single(lambda s: None).copy({"checkpointer": InMemorySaver()})
    with pytest.raises(EmptyInputError):
        driver.run(app, Command(), {"configurable": {"thread_id": "t"}})


@dataclasses.dataclass
class Ctx:
    user: str


def test_context_dict_that_does_not_fit_the_schema(driver: Any) -> None:
    app = single(lambda s: {"x": len(get_runtime().context.user)}, context_schema=Ctx)
    assert driver.run(app, {"x": 0}, context={"user": "ann"})["x"] == 3
    with pytest.raises(TypeError) as info:
        driver.run(app, {"x": 0}, context={"usr": "ann"})
    assert "[E205]" in str(info.value) and "Ctx" in str(info.value) and "usr" in str(info.value)


def test_checkpointer_without_thread_id(driver: Any) -> None:
    app = single(lambda s: None).copy({"checkpointer": InMemorySaver()})
    with pytest.raises(ValueError, match="thread_id"):
        driver.run(app, {"x": 1})


def test_node_exception_propagates_unchanged_and_is_recorded(driver: Any) -> None:
    boom = KeyError("missing")

    def fail(state: State) -> None:
        raise boom

    app = single(fail).copy({"checkpointer": InMemorySaver()})
    config = {"configurable": {"thread_id": "err"}}
    with pytest.raises(KeyError) as info:
        driver.run(app, {"x": 1}, config)
    assert info.value is boom
    snap = driver.get_state(app, config)
    assert snap.next == ("bad",)
    [task] = snap.tasks
    assert task.error == "KeyError('missing')"  # the saved repr, as LangGraph's savers give it back


def test_a_recorded_error_reads_back_as_its_repr_from_every_snapshot(driver: Any) -> None:
    class Boom(Exception):
        pass

    def fail(state: State) -> None:
        raise Boom("kaboom", 2)

    app = single(fail).copy({"checkpointer": InMemorySaver()})
    config = {"configurable": {"thread_id": "err-repr"}}
    with pytest.raises(Boom):
        driver.run(app, {"x": 1}, config)
    assert [t.error for t in driver.get_state(app, config).tasks] == ["Boom('kaboom', 2)"]
    errors = [t.error for s in driver.history(app, config) for t in s.tasks if t.error]
    assert errors == ["Boom('kaboom', 2)"]


def test_failed_step_is_not_applied_and_can_be_retried(driver: Any) -> None:
    calls: list[str] = []

    def flaky(state: State) -> dict[str, int]:
        calls.append("flaky")
        if len(calls) == 1:
            raise ConnectionError("down")
        return {"x": 10}

    g = StateGraph(State)
    g.add_node("ok", lambda s: {"total": 1}).add_node("flaky", flaky)
    g.add_edge(START, "ok").add_edge(START, "flaky")
    app = g.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "retry"}}
    with pytest.raises(ConnectionError):
        driver.run(app, {"x": 1}, config)
    # the failed task's write is not applied; whether the sibling finished (its write shown in the
    # latest state, as LangGraph does) depends on timing
    assert driver.get_state(app, config).values in ({"x": 1, "total": 0}, {"x": 1, "total": 1})
    assert driver.run(app, None, config) == {"x": 10, "total": 1}
    assert calls == ["flaky", "flaky"]


@pytest.mark.parametrize("case", ["E202", "E205", "E206"])
def test_builtin_errors_carry_a_code_attribute(driver: Any, case: str) -> None:
    async def anode(state: State) -> None:
        return None

    with pytest.raises(Exception) as info:
        if case == "E202":
            single(anode).invoke({"x": 1})
        elif case == "E205":
            driver.run(single(lambda s: None, context_schema=Ctx), {"x": 1}, context={"bad": 1})
        else:
            get_runtime()
    assert getattr(info.value, "code", None) is not None
    assert info.value.code.value == case


@pytest.mark.parametrize("durability", ["sync", "async", "exit"])
def test_a_quick_sibling_of_a_failing_node_still_runs_and_is_saved(
    driver: Any, durability: str
) -> None:
    class Log(TypedDict):
        log: Annotated[list, operator.add]

    calls: list[str] = []

    def ok(state: Log) -> dict[str, list[str]]:
        calls.append("ok")
        return {"log": ["ok"]}

    def bad(state: Log) -> None:
        raise RuntimeError("boom")

    async def aok(state: Log) -> dict[str, list[str]]:
        return ok(state)

    async def abad(state: Log) -> None:
        bad(state)

    # async runs use async nodes: sync nodes there go to threads, racing as in LangGraph
    g = StateGraph(Log).add_node("bad", abad if driver.is_async else bad)
    g = g.add_node("ok", aok if driver.is_async else ok)
    app = g.add_edge(START, "bad").add_edge(START, "ok").compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": f"sib-{durability}"}}
    for _ in range(5):  # the sibling started with the failing node: never dropped
        calls.clear()
        with pytest.raises(RuntimeError):
            driver.run(app, {"log": []}, config, durability=durability)
        snap = driver.get_state(app, config)
        assert calls == ["ok"] and snap.next == ("bad",) and snap.values == {"log": ["ok"]}
