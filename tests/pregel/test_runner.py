"""Retries: which failures are retried, how often, how long to wait (both drivers)."""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

import pytest

from stategraph.errors import NodeTimeoutError
from stategraph.graph import END, START, StateGraph
from stategraph.pregel._retry import retry_delay
from stategraph.types import RetryPolicy, default_retry_on


class State(TypedDict, total=False):
    x: int


def fast(**kw: Any) -> RetryPolicy:
    return RetryPolicy(initial_interval=0.001, backoff_factor=1.0, jitter=False, **kw)


def flaky_graph(
    errors: list[BaseException], policy: Any, calls: list[int], *, is_async: bool = False
) -> Any:
    """A node that raises errors[i] on attempt i, then returns x+1."""

    def body(state: State) -> dict[str, int]:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return {"x": state["x"] + 1}

    async def abody(state: State) -> dict[str, int]:
        await asyncio.sleep(0)
        return body(state)

    g = StateGraph(State)
    g.add_node("work", abody if is_async else body, retry_policy=policy)
    g.add_edge(START, "work").add_edge("work", END)
    return g.compile()


class Transient(Exception):
    pass


def test_default_policy_retries_generic_errors(driver: Any) -> None:
    calls: list[int] = []
    app = flaky_graph([Transient("1"), Transient("2")], fast(), calls, is_async=driver.is_async)
    assert driver.run(app, {"x": 1}) == {"x": 2}
    assert len(calls) == 3


def test_default_policy_does_not_retry_value_error(driver: Any) -> None:
    calls: list[int] = []
    app = flaky_graph([ValueError("bad")], fast(), calls)
    with pytest.raises(ValueError, match="bad"):
        driver.run(app, {"x": 1})
    assert len(calls) == 1


def test_max_attempts_bounds_the_calls(driver: Any) -> None:
    calls: list[int] = []
    app = flaky_graph([ConnectionError(str(i)) for i in range(5)], fast(max_attempts=2), calls)
    with pytest.raises(ConnectionError, match="1"):
        driver.run(app, {"x": 1})
    assert len(calls) == 2


def test_no_policy_means_no_retry(driver: Any) -> None:
    calls: list[int] = []
    app = flaky_graph([ConnectionError("down")], None, calls)
    with pytest.raises(ConnectionError):
        driver.run(app, {"x": 1})
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("retry_on", "error", "retried"),
    [
        (ValueError, ValueError("v"), True),
        (KeyError, ValueError("v"), False),
        ((KeyError, ValueError), ValueError("v"), True),
        ([KeyError, TypeError], ValueError("v"), False),
        (lambda exc: "again" in str(exc), ValueError("again"), True),
        (lambda exc: "again" in str(exc), ValueError("stop"), False),
    ],
)
def test_retry_on_types_sequences_and_callables(
    driver: Any, retry_on: Any, error: Exception, retried: bool
) -> None:
    calls: list[int] = []
    app = flaky_graph([error], fast(retry_on=retry_on), calls)
    if retried:
        assert driver.run(app, {"x": 1}) == {"x": 2}
        assert len(calls) == 2
    else:
        with pytest.raises(type(error)):
            driver.run(app, {"x": 1})
        assert len(calls) == 1


def test_first_matching_policy_wins(driver: Any) -> None:
    calls: list[int] = []
    policies = [fast(retry_on=KeyError, max_attempts=5), fast(retry_on=ValueError, max_attempts=2)]
    app = flaky_graph([ValueError(str(i)) for i in range(4)], policies, calls)
    with pytest.raises(ValueError):
        driver.run(app, {"x": 1})
    assert len(calls) == 2


def test_graph_wide_default_applies_through_set_node_defaults(driver: Any) -> None:
    calls: list[int] = []

    def body(state: State) -> dict[str, int]:
        calls.append(1)
        if len(calls) < 3:
            raise Transient()
        return {"x": 7}

    g = StateGraph(State).set_node_defaults(retry_policy=fast(max_attempts=3))
    g.add_node("work", body).add_edge(START, "work")
    assert driver.run(g.compile(), {"x": 0}) == {"x": 7}
    assert len(calls) == 3


def test_interrupts_are_never_retried(driver: Any) -> None:
    from stategraph.checkpoint.memory import InMemorySaver
    from stategraph.types import interrupt

    calls: list[int] = []

    def ask(state: State) -> dict[str, int]:
        calls.append(1)
        return {"x": interrupt("q")}

    g = StateGraph(State)
    g.add_node("ask", ask, retry_policy=fast(retry_on=lambda e: True, max_attempts=5))
    g.add_edge(START, "ask")
    out = driver.run(
        g.compile(checkpointer=InMemorySaver()), {"x": 0}, {"configurable": {"thread_id": "t"}}
    )
    assert [i.value for i in out["__interrupt__"]] == ["q"]
    assert len(calls) == 1


def test_runtime_reports_node_attempt(driver: Any) -> None:
    attempts: list[int] = []

    def body(state: State, runtime: Any) -> dict[str, int]:
        attempts.append(runtime.execution_info.node_attempt)
        if len(attempts) < 2:
            raise Transient()
        return {"x": 1}

    g = StateGraph(State)
    g.add_node("work", body, retry_policy=fast()).add_edge(START, "work")
    driver.run(g.compile(), {"x": 0})
    assert attempts == [1, 2]


@pytest.mark.parametrize("saved", [False, True])
def test_execution_info_names_the_task_checkpoint_and_first_attempt(
    driver: Any, saved: bool
) -> None:
    from stategraph.checkpoint.memory import InMemorySaver

    seen: list[Any] = []

    def body(state: State, runtime: Any, config: Any) -> dict[str, int]:
        seen.append((runtime.execution_info, config))
        if len(seen) < 2:
            raise Transient()
        return {"x": 1}

    def after(state: State, runtime: Any, config: Any) -> dict[str, int]:
        seen.append((runtime.execution_info, config))
        return {}

    g = StateGraph(State)
    g.add_node("work", body, retry_policy=fast()).add_node("after", after)
    g.add_edge(START, "work").add_edge("work", "after")
    app = g.compile(checkpointer=InMemorySaver() if saved else None)
    driver.run(app, {"x": 0}, {"configurable": {"thread_id": "t"}} if saved else None)
    (first, conf1), (retry, _), (later, conf2) = seen
    # the task's own namespace, the id of the checkpoint it runs from (also without a saver)
    assert (
        first.checkpoint_ns == f"work:{first.task_id}"
        and later.checkpoint_ns == f"after:{later.task_id}"
    )
    assert (
        first.checkpoint_id and later.checkpoint_id and first.checkpoint_id != later.checkpoint_id
    )
    assert conf1["configurable"]["checkpoint_map"] == {"": first.checkpoint_id}
    assert conf2["configurable"]["checkpoint_map"] == {"": later.checkpoint_id}
    # run_id only from config["run_id"]; the first attempt's time survives retries
    assert first.run_id is None and isinstance(first.node_first_attempt_time, float)
    assert (
        retry.node_attempt == 2 and retry.node_first_attempt_time == first.node_first_attempt_time
    )
    assert "tags" not in conf1  # no tags given: no key


def test_execution_info_run_id_comes_from_the_config(driver: Any) -> None:
    seen: list[Any] = []
    g = StateGraph(State)
    g.add_node("n", lambda s, runtime: seen.append(runtime.execution_info.run_id) or {}).add_edge(
        START, "n"
    )
    driver.run(g.compile(), {"x": 0}, {"run_id": "r-1", "tags": []})
    assert seen == ["r-1"]


# -- pure policy decisions --------------------------------------------------------------------


def test_retry_delay_is_exponential_and_capped() -> None:
    p = RetryPolicy(
        initial_interval=1.0, backoff_factor=2.0, max_interval=5.0, max_attempts=10, jitter=False
    )
    assert [retry_delay([p], Transient(), n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert retry_delay([p], Transient(), 10) is None  # attempts exhausted
    assert retry_delay([], Transient(), 1) is None
    assert retry_delay(None, Transient(), 1) is None


def test_jitter_adds_up_to_one_second() -> None:
    p = RetryPolicy(initial_interval=0.5, jitter=True)
    delays = [retry_delay([p], Transient(), 1) for _ in range(50)]
    assert all(0.5 <= d < 1.5 for d in delays)  # type: ignore[operator]
    assert len(set(delays)) > 1


def test_bad_retry_on_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="retry_on"):
        retry_delay([RetryPolicy(retry_on=42)], Transient(), 1)  # type: ignore[arg-type]


class _Response:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


class HTTPStatusError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.response = _Response(status)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ValueError(), False),
        (TypeError(), False),
        (ZeroDivisionError(), False),
        (KeyError(), False),
        (IndexError(), False),
        (NameError(), False),
        (RuntimeError(), False),
        (OSError(), False),
        (ImportError(), False),
        (StopIteration(), False),
        (ConnectionError(), True),
        (ConnectionResetError(), True),
        (Transient(), True),
        (NodeTimeoutError("slow"), True),
        (HTTPStatusError(503), True),
        (HTTPStatusError(404), False),
    ],
)
def test_default_retry_on(exc: Exception, expected: bool) -> None:
    assert default_retry_on(exc) is expected


def test_an_all_async_graph_never_hops_to_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from stategraph.pregel import _runner

    async def refuse(*args: Any) -> Any:
        raise AssertionError("a node body was sent to a worker thread")

    async def add(state: State) -> dict[str, int]:
        return {"x": state["x"] + 1}

    monkeypatch.setattr(_runner, "call_in_thread", refuse)
    g = StateGraph(State)
    g.add_node("a", add).add_node("b", add)
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)
    assert asyncio.run(g.compile().ainvoke({"x": 1})) == {
        "x": 3
    }  # the hidden __start__ node included


def test_a_retried_attempt_is_logged_on_the_pregel_logger(caplog, driver) -> None:
    import logging

    calls: list[int] = []
    graph = flaky_graph([ConnectionError("try again")], fast(), calls)
    caplog.set_level(logging.INFO, "stategraph.pregel")
    assert driver.run(graph, {"x": 1}) == {"x": 2}
    (record,) = [r for r in caplog.records if r.name == "stategraph.pregel"]
    assert "failed on attempt 1 (ConnectionError: try again)" in record.getMessage()
