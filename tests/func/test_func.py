"""@entrypoint / @task on the engine: results, parallel tasks, previous, final, interrupts, replay."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.func import entrypoint, task
from stategraph.types import Command, interrupt


def test_tasks_run_in_parallel_and_return_results(driver: Any) -> None:
    @task
    def slow_double(x: int) -> int:
        time.sleep(0.05)
        return 2 * x

    @entrypoint()
    def flow(xs: list[int]) -> list[int]:
        futures = [slow_double(x) for x in xs]
        return [f.result() for f in futures]

    started = time.perf_counter()
    assert driver.run(flow, [1, 2, 3, 4]) == [2, 4, 6, 8]
    assert time.perf_counter() - started < 0.18  # four 50 ms tasks overlapped


def test_async_tasks_are_awaitable() -> None:
    @task
    async def fetch(i: int) -> str:
        await asyncio.sleep(0)
        return f"item{i}"

    @entrypoint()
    async def agg(n: int) -> list[str]:
        return list(await asyncio.gather(*[fetch(i) for i in range(n)]))

    assert asyncio.run(agg.ainvoke(3)) == ["item0", "item1", "item2"]


def test_async_task_from_sync_entrypoint_is_a_clear_error() -> None:
    @task
    async def fetch(i: int) -> int:
        return i

    @entrypoint()
    def flow(n: int) -> int:
        return fetch(n).result()

    with pytest.raises(RuntimeError, match="async"):
        flow.invoke(1)


def test_previous_and_final(driver: Any) -> None:
    @entrypoint(checkpointer=InMemorySaver())
    def counter(step: int, *, previous: Any = None) -> entrypoint.final[int, int]:
        total = (previous or 0) + step
        return entrypoint.final(value=total * 10, save=total)

    cfg = {"configurable": {"thread_id": "c"}}
    assert driver.run(counter, 1, cfg) == 10
    assert driver.run(counter, 2, cfg) == 30
    assert driver.get_state(counter, cfg).values == 30


def test_task_result_is_replayed_not_recomputed_on_resume(driver: Any) -> None:
    calls: list[str] = []

    @task
    def expensive(topic: str) -> str:
        calls.append(topic)
        return f"essay on {topic}"

    @entrypoint(checkpointer=InMemorySaver())
    def flow(topic: str) -> dict[str, str]:
        essay = expensive(topic).result()
        verdict = interrupt({"essay": essay})
        return {"essay": essay, "verdict": verdict}

    cfg = {"configurable": {"thread_id": "r"}}
    first = driver.run(flow, "cats", cfg)
    assert first["__interrupt__"][0].value == {"essay": "essay on cats"}
    assert driver.run(flow, Command(resume="ok"), cfg) == {
        "essay": "essay on cats",
        "verdict": "ok",
    }
    assert calls == ["cats"]


def test_updates_stream_shows_tasks_then_entrypoint(driver: Any) -> None:
    @task
    def inc(x: int) -> int:
        return x + 1

    @entrypoint()
    def flow(x: int) -> int:
        return inc(inc(x).result()).result()

    assert driver.stream(flow, 1) == [{"inc": 2}, {"inc": 3}, {"flow": 3}]


def test_task_error_propagates_and_retry_policy_applies(driver: Any) -> None:
    from stategraph.types import RetryPolicy

    attempts: list[int] = []

    @task(
        retry_policy=RetryPolicy(
            max_attempts=3, initial_interval=0.001, jitter=False, retry_on=KeyError
        )
    )
    def flaky() -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise KeyError("transient")
        return "ok"

    @entrypoint()
    def flow(_: Any) -> str:
        return flaky().result()

    assert driver.run(flow, None if False else 0) == "ok"
    assert len(attempts) == 3


def test_task_outside_a_run_is_a_clear_error() -> None:
    @task
    def t() -> int:
        return 1

    with pytest.raises(RuntimeError, match="outside of a running graph"):
        t()


def test_entrypoint_needs_an_input_parameter_and_no_generators() -> None:
    with pytest.raises(ValueError, match="at least one parameter"):
        entrypoint()(lambda: 1)

    def gen(x: int):
        yield x

    with pytest.raises(NotImplementedError):
        entrypoint()(gen)

    def keyword_only(*, x: int) -> int:
        return x

    flow = entrypoint()(keyword_only)  # accepted when decorated; the input is passed positionally
    with pytest.raises(TypeError):
        flow.invoke(1)


def test_entrypoint_graph_keeps_the_default_name_and_tasks_take_their_name() -> None:
    @task(name="renamed")
    def original(x: int) -> int:
        return x

    @entrypoint()
    def flow(x: int) -> int:
        return original(x).result()

    assert flow.name == "LangGraph" and original.__name__ == "renamed"
    assert list(flow.stream(1, stream_mode="updates")) == [{"renamed": 1}, {"flow": 1}]


def test_final_is_keyword_only_and_frozen() -> None:
    import dataclasses

    done = entrypoint.final(value=1, save=2)
    assert (done.value, done.save) == (1, 2)
    with pytest.raises(TypeError):
        entrypoint.final(1, 2)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        done.value = 3  # type: ignore[misc]


def test_entrypoint_timeout_needs_an_async_function(driver: Any) -> None:
    with pytest.raises(ValueError, match="async"):
        entrypoint(timeout=1.0)(lambda x: x)

    @entrypoint(timeout=5.0)
    async def quick(x: int) -> int:
        return x + 1

    assert quick.nodes["quick"].timeout is not None
    if driver.is_async:
        assert driver.run(quick, 1) == 2


def test_task_cache_policy_skips_repeated_calls(driver: Any) -> None:
    from stategraph.cache.memory import InMemoryCache
    from stategraph.types import CachePolicy

    calls: list[int] = []

    @task(cache_policy=CachePolicy(key_func=lambda x: str(x)))
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    @entrypoint(cache=InMemoryCache())
    def flow(xs: list[int]) -> list[int]:
        return [square(x).result() for x in xs]

    assert driver.run(flow, [2, 3]) == [4, 9]
    chunks = driver.stream(flow, [2, 4])
    assert calls == [2, 3, 4]
    assert {"square": 4, "__metadata__": {"cached": True}} in chunks


def test_changed_call_order_on_resume_is_reported(driver: Any) -> None:
    order = {"first": "a"}

    @task
    def a() -> str:
        return "a"

    @task
    def b() -> str:
        return "b"

    @entrypoint(checkpointer=InMemorySaver())
    def flow(_: Any) -> str:
        first = (a if order["first"] == "a" else b)().result()
        return first + interrupt("go?")

    cfg = {"configurable": {"thread_id": "nd"}}
    driver.run(flow, 0, cfg)
    order["first"] = "b"
    with pytest.raises(RuntimeError, match=r"Task call #0 in 'flow' was 'a' .* is 'b' now") as info:
        driver.run(flow, Command(resume="!"), cfg)
    assert info.value.code.value == "E210"


def test_tasks_called_from_state_graph_nodes_and_from_tasks(driver: Any) -> None:
    from typing import TypedDict

    from stategraph.graph import END, START, StateGraph

    @task
    def leaf(x: int) -> int:
        return x + 1

    @task
    def branch(x: int) -> int:
        return leaf(x).result() * 10

    class S(TypedDict):
        x: int

    def node(state: S) -> dict:
        return {"x": branch(state["x"]).result()}

    g = StateGraph(S).add_node("node", node).add_edge(START, "node").add_edge("node", END).compile()
    assert driver.run(g, {"x": 1}) == {"x": 20}


def test_values_before_the_entrypoint_returns_read_as_none(driver: Any) -> None:
    @entrypoint(checkpointer=InMemorySaver())
    def ask(x: int) -> int:
        return interrupt("go?")

    config = {"configurable": {"thread_id": "none-yet"}}
    chunks = driver.stream(ask, 1, config, stream_mode=["values", "checkpoints"])
    # the input checkpoint has no output yet: None (not {}), and the interrupt chunk holds only it
    assert [(mode, p["values"]) for mode, p in chunks if mode == "checkpoints"] == [
        ("checkpoints", None)
    ]
    [(_, values)] = [c for c in chunks if c[0] == "values"]
    assert list(values) == ["__interrupt__"]
    assert driver.get_state(ask, config).values is None


def test_debug_and_tasks_streams_announce_each_task_call(driver: Any) -> None:
    @task
    def sq(x: int) -> int:
        return x * x

    @entrypoint(checkpointer=InMemorySaver())
    def flow(x: int) -> int:
        return sq(x).result() + sq(x + 1).result()

    debug = driver.stream(flow, 2, {"configurable": {"thread_id": "dbg"}}, stream_mode="debug")
    assert [(c["type"], c["payload"].get("name")) for c in debug] == [
        ("checkpoint", None),
        ("task", "flow"),
        ("task", "sq"),
        ("task_result", "sq"),
        ("task", "sq"),
        ("task_result", "sq"),
        ("task_result", "flow"),
        ("checkpoint", None),
    ]
    assert debug[2]["payload"]["input"] == ((2,), {}) and debug[0]["payload"]["values"] is None
    tasks = driver.stream(flow, 3, {"configurable": {"thread_id": "tsk"}}, stream_mode="tasks")
    assert [("input" in t, t["name"]) for t in tasks][:3] == [
        (True, "flow"),
        (True, "sq"),
        (False, "sq"),
    ]


def test_entrypoint_json_schemas_come_from_its_annotations() -> None:
    @entrypoint()
    def flow(x: int) -> str:
        return str(x)

    @entrypoint()
    def final(x: dict, *, previous: Any = None) -> entrypoint.final[list[str], int]:
        return entrypoint.final(value=[], save=1)

    @entrypoint()
    def plain(x):
        return x

    assert flow.get_input_jsonschema() == {"title": "LangGraphInput", "type": "integer"}
    assert flow.get_output_jsonschema() == {"title": "LangGraphOutput", "type": "string"}
    assert final.get_input_jsonschema() == {
        "additionalProperties": True,
        "title": "LangGraphInput",
        "type": "object",
    }
    assert final.get_output_jsonschema() == {
        "items": {"type": "string"},
        "title": "LangGraphOutput",
        "type": "array",
    }
    assert plain.get_input_jsonschema() == {"title": "LangGraphInput"}


def test_entrypoint_drawing_ends_dotted() -> None:
    @entrypoint()
    def flow(x: int) -> str:
        return str(x)

    # one node and nothing after it: it ends the run dotted, as LangGraph draws an entrypoint
    edges = sorted((e.source, e.target, e.conditional) for e in flow.get_graph().edges)
    assert edges == [("__start__", "flow", False), ("flow", "__end__", True)]
