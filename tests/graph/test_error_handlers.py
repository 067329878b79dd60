"""Node-level error handlers: add_node(error_handler=...) and set_node_defaults(error_handler=...)."""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.errors import NodeError
from stategraph.graph import START, StateGraph
from stategraph.types import Command, RetryPolicy


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def boom(state: State) -> dict[str, Any]:
    raise ValueError("boom")


def note(name: str) -> Any:
    return lambda s: {"log": [name]}


def handler(state: State, error: NodeError) -> dict[str, Any]:
    return {"log": [f"{error.node}: {type(error.error).__name__} {error.error} (x={state['x']})"]}


def test_handler_replaces_the_failed_update_and_its_edges(driver: Any) -> None:
    g = (
        StateGraph(State)
        .add_node("bad", boom, error_handler=handler)
        .add_node("after", note("after"))
    )
    g.add_edge(START, "bad").add_edge("bad", "after")
    app = g.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "h"}}
    chunks = driver.stream(app, {"x": 1}, config, stream_mode="updates")
    # the handler runs in the failed node's step; the failed node's edge to "after" is not followed
    assert chunks == [{"__error_handler__bad": {"log": ["bad: ValueError boom (x=1)"]}}]
    assert list(app.nodes) == ["__start__", "__error_handler__bad", "bad", "after"]
    step0 = next(s for s in driver.history(app, config) if s.metadata["step"] == 0)
    assert [(t.name, t.error) for t in step0.tasks] == [
        ("bad", "ValueError('boom')")
    ]  # the saved repr
    assert driver.get_state(app, config).next == ()


@pytest.mark.filterwarnings("ignore:Nodes \\['after'\\] have no incoming edge")
def test_handler_may_route_with_a_command(driver: Any) -> None:
    def recover(state: State) -> Command[Literal["after"]]:
        return Command(goto="after", update={"log": ["recovered"]})

    g = (
        StateGraph(State)
        .add_node("bad", boom, error_handler=recover)
        .add_node("after", note("after"))
    )
    g.add_edge(START, "bad")
    assert driver.run(g.compile(), {"x": 1}) == {"x": 1, "log": ["recovered", "after"]}


def test_default_handler_covers_nodes_without_their_own(driver: Any) -> None:
    g = StateGraph(State).set_node_defaults(error_handler=handler)
    g.add_node("bad", boom).add_edge(START, "bad")
    app = g.compile()
    assert list(app.nodes) == ["__start__", "bad", "__default_error_handler__"]
    assert driver.run(app, {"x": 3}) == {"x": 3, "log": ["bad: ValueError boom (x=3)"]}


def test_handler_runs_after_the_retries_and_siblings_finish(driver: Any) -> None:
    calls: list[int] = []

    def flaky(state: State) -> dict[str, Any]:
        calls.append(1)
        raise ValueError("again")

    g = StateGraph(State).add_node(
        "flaky",
        flaky,
        retry_policy=RetryPolicy(
            max_attempts=2, initial_interval=0.001, jitter=False, retry_on=ValueError
        ),
        error_handler=handler,
    )
    g.add_node("ok", note("ok")).add_edge(START, "flaky").add_edge(START, "ok")
    out = driver.run(g.compile(), {"x": 0})
    assert len(calls) == 2
    assert sorted(out["log"]) == ["flaky: ValueError again (x=0)", "ok"]


def test_a_failing_handler_fails_the_run(driver: Any) -> None:
    def broken(state: State) -> None:
        raise KeyError("handler")

    g = StateGraph(State).add_node("bad", boom, error_handler=broken).add_edge(START, "bad")
    with pytest.raises(KeyError):
        driver.run(g.compile(), {"x": 1})


def test_async_handler(driver: Any) -> None:
    async def ahandler(state: State, error: NodeError) -> dict[str, Any]:
        return {"log": [f"async {error.node}"]}

    async def abad(state: State) -> None:
        raise ValueError("x")

    g = StateGraph(State).add_node("bad", abad, error_handler=ahandler).add_edge(START, "bad")
    if not driver.is_async:
        with pytest.raises(TypeError):  # async nodes need ainvoke
            driver.run(g.compile(), {"x": 1})
        return
    assert driver.run(g.compile(), {"x": 1}) == {"x": 1, "log": ["async bad"]}


def test_error_handler_must_be_callable() -> None:
    with pytest.raises(TypeError, match="error_handler"):
        StateGraph(State).add_node("bad", boom, error_handler=42)
    err = ValueError("v")
    assert NodeError("n", err) == NodeError("n", err) and NodeError("n", err) != NodeError("m", err)
    assert repr(NodeError("n", KeyError("k"))) == "NodeError(node='n', error=KeyError('k'))"


def test_handler_update_applies_in_the_failed_node_place(driver: Any) -> None:
    g = (
        StateGraph(State)
        .add_node("b_bad", boom, error_handler=handler)
        .add_node("c_ok", note("c_ok"))
    )
    g.add_edge(START, "b_bad").add_edge(START, "c_ok")
    # writes apply in task-path order: the handler sits where "b_bad" would, before "c_ok"
    assert driver.run(g.compile(), {"x": 0})["log"] == ["b_bad: ValueError boom (x=0)", "c_ok"]


def test_resume_after_a_failed_handler_runs_the_handler_not_the_node(driver: Any) -> None:
    calls = {"bad": 0, "handler": 0}

    def bad(state: State) -> None:
        calls["bad"] += 1
        raise ValueError("b")

    def flaky_handler(state: State, error: NodeError) -> dict[str, Any]:
        calls["handler"] += 1
        if calls["handler"] == 1:
            raise KeyError("handler down")
        return {"log": [f"handled {error.node} {error.error!r}"]}

    g = (
        StateGraph(State)
        .add_node("bad", bad, error_handler=flaky_handler)
        .add_node("ok", note("ok"))
    )
    g.add_edge(START, "bad").add_edge(START, "ok")
    app = g.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "resume"}}
    with pytest.raises(KeyError):
        driver.run(app, {"log": []}, config)
    out = driver.run(app, None, config)
    assert calls == {"bad": 1, "handler": 2}
    # the saved failure comes back as its repr, as LangGraph hands it over
    assert out["log"] == ["handled bad \"ValueError('b')\"", "ok"]
