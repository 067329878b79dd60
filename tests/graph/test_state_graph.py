"""StateGraph behaviour end to end, under both drivers."""

# why: over 400 lines: StateGraph's behaviours under both drivers, one test each.

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import operator
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Literal, TypedDict

import pytest
from pydantic import BaseModel, ValidationError

from stategraph.cache.memory import InMemoryCache
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.config import get_config, get_store, get_stream_writer
from stategraph.errors import GraphRecursionError, InvalidUpdateError
from stategraph.graph import END, START, StateGraph
from stategraph.managed import IsLastStep, RemainingSteps
from stategraph.runtime import Runtime, get_runtime
from stategraph.types import CachePolicy, Command, GraphOutput, Overwrite, Send


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def cfg(thread: str = "t") -> dict[str, Any]:
    return {"configurable": {"thread_id": thread}}


def logger(name: str) -> Any:
    return lambda state: {"log": [name]}


# -- schemas -----------------------------------------------------------------------------------


def test_typed_dict_state_with_reducer(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"x": s["x"] + 1, "log": ["a"]}).add_node("b", logger("b"))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)
    assert driver.run(g.compile(), {"x": 1, "log": ["in"]}) == {"x": 2, "log": ["in", "a", "b"]}


class PState(BaseModel):
    x: int
    label: str = "default"


def test_pydantic_state_nodes_receive_models_and_output_is_set_keys(driver: Any) -> None:
    seen: list[Any] = []

    def node(state: PState) -> dict[str, int]:
        seen.append(state)
        return {"x": state.x + 1}

    g = StateGraph(PState)
    g.add_node("n", node).add_edge(START, "n")
    app = g.compile()
    assert driver.run(app, {"x": 1}) == {"x": 2}
    assert isinstance(seen[0], PState) and seen[0].label == "default"
    with pytest.raises(ValidationError):
        driver.run(app, {"x": "not a number"})


class Inner(BaseModel):
    a: int = 0


class Nested(BaseModel):
    inner: Inner = Inner()
    n: int = 0


def test_pydantic_writes_are_checked_but_kept_as_written(driver: Any) -> None:
    seen: list[Any] = []
    g = StateGraph(Nested)
    g.add_node("w", lambda s: {"inner": {"a": s.inner.a + 1}})
    g.add_node("r", lambda s: seen.append(s.inner) or {})
    app = g.add_edge(START, "w").add_edge("w", "r").compile()
    out = driver.run(app, {"inner": {"a": 1}})
    # the channel keeps the dict the node wrote (LangGraph's output); nodes still read a model
    assert out == {"inner": {"a": 2}} and seen == [Inner(a=2)]
    bad = StateGraph(Nested).add_node("w", lambda s: {"n": "not a number"}).add_edge(START, "w")
    with pytest.raises(ValidationError):
        driver.run(bad.compile(), {})


def test_v2_output_is_coerced_to_the_model(driver: Any) -> None:
    g = StateGraph(PState)
    g.add_node("n", lambda s: {"x": s.x + 1}).add_edge(START, "n")
    out = driver.run(g.compile(), {"x": 1}, version="v2")
    assert isinstance(out, GraphOutput)
    assert out.value == PState(x=2)


@dataclasses.dataclass
class DState:
    x: int
    tags: Annotated[list, operator.add] = dataclasses.field(default_factory=list)


def test_dataclass_state(driver: Any) -> None:
    seen: list[Any] = []

    def node(state: DState) -> dict[str, Any]:
        seen.append(state)
        return {"x": state.x * 2, "tags": ["n"]}

    g = StateGraph(DState)
    g.add_node("n", node).add_edge(START, "n")
    assert driver.run(g.compile(), {"x": 3}) == {"x": 6, "tags": ["n"]}
    assert driver.run(g.compile(), DState(x=4)) == {"x": 8, "tags": ["n"]}
    assert isinstance(seen[0], DState) and seen[0].tags == []


def test_node_may_return_a_dataclass_update(driver: Any) -> None:
    g = StateGraph(DState)
    g.add_node("n", lambda s: DState(x=s.x + 10)).add_edge(START, "n")
    assert driver.run(g.compile(), {"x": 1}) == {"x": 11, "tags": []}


class In(TypedDict):
    q: str


class Out(TypedDict):
    ans: str


class Priv(TypedDict):
    secret: str


class Overall(TypedDict, total=False):
    q: str
    ans: str


def test_private_keys_and_input_output_schemas(driver: Any) -> None:
    def first(state: In) -> Priv:
        return {"secret": state["q"] + "!"}

    def second(state: Priv) -> Out:
        return {"ans": state["secret"] * 2}

    g = StateGraph(Overall, input_schema=In, output_schema=Out)
    g.add_node("first", first).add_node("second", second)
    g.add_edge(START, "first").add_edge("first", "second").add_edge("second", END)
    app = g.compile()
    assert "secret" in app.channels
    assert driver.run(app, {"q": "hi", "ans": "ignored-input-key"}) == {"ans": "hi!hi!"}


def test_input_schema_filters_input_keys(driver: Any) -> None:
    seen: list[Any] = []
    g = StateGraph(Overall, input_schema=In)
    g.add_node("n", lambda s: seen.append(dict(s))).add_edge(START, "n")
    driver.run(g.compile(), {"q": "x", "ans": "dropped"})
    assert seen == [{"q": "x"}]


# -- building helpers -------------------------------------------------------------------------


def test_add_sequence_and_entry_finish_points(driver: Any) -> None:
    g = StateGraph(State)
    g.add_sequence([logger("one"), ("two", logger("two")), ("three", logger("three"))])
    g.set_entry_point("<lambda>").set_finish_point("three")
    assert driver.run(g.compile(), {"log": []}) == {"log": ["one", "two", "three"]}


def test_add_sequence_rejects_empty_and_duplicates() -> None:
    with pytest.raises(ValueError, match="at least one"):
        StateGraph(State).add_sequence([])
    with pytest.raises(ValueError, match="'a'"):
        StateGraph(State).add_sequence([("a", logger("a")), ("a", logger("b"))])


def test_add_node_infers_name_from_function(driver: Any) -> None:
    def greet(state: State) -> dict[str, Any]:
        return {"log": ["hello"]}

    g = StateGraph(State).add_node(greet)
    g.set_entry_point("greet")
    assert list(g.nodes) == ["greet"]
    assert driver.run(g.compile(), {"log": []}) == {"log": ["hello"]}


# -- conditional edges ------------------------------------------------------------------------


def router_graph(path: Any, path_map: Any = None) -> Any:
    g = StateGraph(State)
    g.add_node("start", logger("start")).add_node("left", logger("left")).add_node(
        "right", logger("right")
    )
    g.add_edge(START, "start").add_conditional_edges("start", path, path_map)
    return g.compile()


def test_conditional_edge_with_dict_path_map(driver: Any) -> None:
    app = router_graph(lambda s: s["x"] > 0, {True: "right", False: "left"})
    assert driver.run(app, {"x": 1, "log": []})["log"] == ["start", "right"]
    assert driver.run(app, {"x": -1, "log": []})["log"] == ["start", "left"]


def test_conditional_edge_with_list_path_map_and_fan_out(driver: Any) -> None:
    app = router_graph(lambda s: ["left", "right"], ["left", "right"])
    assert driver.run(app, {"log": []})["log"] == ["start", "left", "right"]


def test_conditional_edge_with_literal_annotation(driver: Any) -> None:
    def route(state: State) -> Literal["left", "__end__"]:
        return "left" if state["x"] else END

    app = router_graph(route)
    assert app.builder.branches["start"]["route"].ends == ["left", "__end__"]
    assert driver.run(app, {"x": 1, "log": []})["log"] == ["start", "left"]
    assert driver.run(app, {"x": 0, "log": []})["log"] == ["start"]


def test_conditional_edge_sees_the_source_nodes_writes(driver: Any) -> None:
    seen: list[Any] = []

    def route(state: State) -> str:
        seen.append(state["x"])
        return "left"

    g = StateGraph(State)
    g.add_node("start", lambda s: {"x": 42}).add_node("left", logger("left"))
    g.add_edge(START, "start").add_conditional_edges("start", route)
    driver.run(g.compile(), {"x": 0, "log": []})
    assert seen == [42]


def test_async_conditional_edge(driver: Any) -> None:
    async def route(state: State) -> str:
        await asyncio.sleep(0)
        return "right"

    app = router_graph(route)
    if driver.is_async:
        assert driver.run(app, {"log": []})["log"] == ["start", "right"]
    else:
        with pytest.raises(TypeError, match="E202"):
            driver.run(app, {"log": []})


def test_path_result_missing_from_path_map_is_a_key_error(driver: Any) -> None:
    app = router_graph(lambda s: "sideways", {"up": "left"})
    with pytest.raises(KeyError, match="sideways"):
        driver.run(app, {"log": []})


def test_conditional_entry_point(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("left", logger("left")).add_node("right", logger("right"))
    g.set_conditional_entry_point(lambda s: "right" if s["x"] else "left")
    assert driver.run(g.compile(), {"x": 1, "log": []})["log"] == ["right"]


# -- Send and Command -------------------------------------------------------------------------


def test_send_fan_out_map_reduce(driver: Any) -> None:
    class MapState(TypedDict, total=False):
        subjects: list[str]
        jokes: Annotated[list, operator.add]

    def fan_out(state: MapState) -> list[Send]:
        return [Send("joke", {"subject": s}) for s in state["subjects"]]

    def joke(arg: dict[str, str]) -> dict[str, list[str]]:
        return {"jokes": [f"joke about {arg['subject']}"]}

    g = StateGraph(MapState)
    g.add_node("joke", joke).add_conditional_edges(START, fan_out)
    subjects = [f"s{i}" for i in range(12)]
    out = driver.run(g.compile(), {"subjects": subjects})
    assert out["jokes"] == [f"joke about {s}" for s in subjects]  # applied in Send order


def test_command_goto_and_update(driver: Any) -> None:
    def decide(state: State) -> Command[Literal["yes", "no"]]:
        return Command(update={"x": state["x"] * 10}, goto="yes" if state["x"] > 0 else "no")

    g = StateGraph(State)
    g.add_node("decide", decide).add_node("yes", logger("yes")).add_node("no", logger("no"))
    g.add_edge(START, "decide")
    app = g.compile()
    assert app.builder.nodes["decide"].ends == ("yes", "no")
    assert driver.run(app, {"x": 2, "log": []}) == {"x": 20, "log": ["yes"]}
    assert driver.run(app, {"x": -1, "log": []}) == {"x": -10, "log": ["no"]}


def test_command_goto_send_and_list_of_commands(driver: Any) -> None:
    def fan(state: State) -> list[Command]:
        return [
            Command(goto=Send("work", 1)),
            Command(update={"log": ["fan"]}, goto=[Send("work", 2), END]),
        ]

    g = StateGraph(State)
    g.add_node("fan", fan).add_node("work", lambda n: {"log": [f"w{n}"]})
    g.add_edge(START, "fan")
    assert driver.run(g.compile(), {"log": []}) == {"log": ["fan", "w1", "w2"]}


def test_command_as_input_on_an_existing_thread(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", logger("a")).add_node("b", logger("b"))
    g.add_edge(START, "a")
    app = g.compile(checkpointer=InMemorySaver())
    driver.run(app, {"x": 1, "log": []}, cfg())
    assert driver.run(app, Command(update={"x": 5}, goto="b"), cfg()) == {"x": 5, "log": ["a", "b"]}


def test_command_as_input_on_a_new_thread_follows_goto_and_start(driver: Any) -> None:
    # as LangGraph: the update lands twice (once as the run's writes, once as START's output),
    # and goto runs beside START's own edge
    g = StateGraph(State)
    g.add_node("a", logger("a")).add_node("b", logger("b")).add_node("c", logger("c"))
    g.add_edge(START, "a").add_edge("a", "b")
    for app, config in (
        (g.compile(checkpointer=InMemorySaver()), cfg("fresh")),
        (g.compile(), None),
    ):
        out = driver.run(app, Command(update={"log": ["u"]}, goto="c"), config)
        assert out == {"log": ["u", "u", "a", "c", "b"]}
    sent = driver.run(g.compile(), Command(goto=Send("c", {"log": []})))
    assert sent == {"log": ["a", "c", "b"]}


def test_overwrite_bypasses_the_reducer(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", logger("a")).add_node("reset", lambda s: {"log": Overwrite(["reset"])})
    g.add_edge(START, "a").add_edge("a", "reset")
    assert driver.run(g.compile(), {"log": ["in"]}) == {"log": ["reset"]}


def test_command_parent_from_a_subgraph_routes_in_the_parent(driver: Any) -> None:
    def child_node(state: State) -> Command:
        return Command(graph=Command.PARENT, goto="other", update={"log": ["from-child"]})

    child = StateGraph(State)
    child.add_node("c", child_node).add_edge(START, "c")
    parent = StateGraph(State)
    parent.add_node("sub", child.compile()).add_node("other", logger("other")).add_edge(
        START, "sub"
    )
    assert driver.run(parent.compile(), {"log": []}) == {"log": ["from-child", "other"]}


def test_command_parent_at_the_root_is_an_error(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("c", lambda s: Command(graph=Command.PARENT, goto="c")).add_edge(START, "c")
    with pytest.raises(InvalidUpdateError, match="no parent graph"):
        driver.run(g.compile(), {"log": []})


# -- subgraphs ----------------------------------------------------------------------------------


class Child(TypedDict, total=False):
    x: int
    note: str


def triple_graph() -> Any:
    sub = StateGraph(Child)
    sub.add_node("inner", lambda s: {"x": s["x"] * 3, "note": "inner"}).add_edge(START, "inner")
    return sub.compile()


def test_compiled_graph_as_a_node(driver: Any) -> None:
    class Parent(TypedDict, total=False):
        x: int
        other: str

    g = StateGraph(Parent)
    g.add_node("sub", triple_graph()).add_node("after", lambda s: {"other": f"x={s['x']}"})
    g.add_edge(START, "sub").add_edge("sub", "after")
    app = g.compile()
    assert [name for name, _ in app.get_subgraphs()] == ["sub"]
    assert driver.run(app, {"x": 2, "other": "-"}) == {"x": 6, "other": "x=6"}


def test_subgraph_invoked_inside_a_node(driver: Any) -> None:
    sub = triple_graph()

    def caller(state: State) -> dict[str, int]:
        return {"x": sub.invoke({"x": state["x"]})["x"] + 1}

    async def acaller(state: State) -> dict[str, int]:
        return {"x": (await sub.ainvoke({"x": state["x"]}))["x"] + 1}

    g = StateGraph(State)
    g.add_node("caller", acaller if driver.is_async else caller).add_edge(START, "caller")
    app = g.compile(checkpointer=InMemorySaver())
    chunks = driver.stream(app, {"x": 2}, cfg(), stream_mode="updates", subgraphs=True)
    assert chunks[-1] == ((), {"caller": {"x": 7}})
    [(child_ns, payload)] = chunks[:-1]
    assert child_ns[0].startswith("caller:") and payload == {"inner": {"x": 6, "note": "inner"}}


# -- scheduling -------------------------------------------------------------------------------


def test_waiting_edge_joins_branches(driver: Any) -> None:
    g = StateGraph(State)
    for name in "abcd":
        g.add_node(name, logger(name))
    g.add_node("b2", logger("b2"))
    g.add_edge(START, "a").add_edge("a", "b").add_edge("a", "c").add_edge("b", "b2")
    g.add_edge(["b2", "c"], "d")
    assert driver.run(g.compile(), {"log": []})["log"] == ["a", "b", "c", "b2", "d"]


def test_deferred_node_runs_last(driver: Any) -> None:
    g = StateGraph(State)
    for name in ("a", "a2", "b"):
        g.add_node(name, logger(name))
    g.add_node("fin", logger("fin"), defer=True)
    g.add_edge(START, "a").add_edge(START, "b").add_edge("a", "a2").add_edge("a2", "fin").add_edge(
        "b", "fin"
    )
    assert driver.run(g.compile(), {"log": []})["log"] == ["a", "b", "a2", "fin"]


def test_node_triggered_by_two_edges_in_one_step_runs_once(driver: Any) -> None:
    g = StateGraph(State)
    for name in "abc":
        g.add_node(name, logger(name))
    g.add_edge(START, "a").add_edge(START, "b").add_edge("a", "c").add_edge("b", "c")
    assert driver.run(g.compile(), {"log": []})["log"] == ["a", "b", "c"]


def test_max_concurrency_bounds_parallel_tasks(driver: Any) -> None:
    active, peak = [0], [0]
    lock = threading.Lock()

    def work(state: State) -> dict[str, Any]:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.03)
        with lock:
            active[0] -= 1
        return {"log": [1]}

    g = StateGraph(State)
    for i in range(5):
        g.add_node(f"n{i}", work).add_edge(START, f"n{i}")
    out = driver.run(g.compile(), {"log": []}, {"max_concurrency": 2})
    assert out == {"log": [1] * 5}
    assert peak[0] == 2


@dataclasses.dataclass
class Item:
    v: int


def test_send_arg_reaches_the_node_as_given(driver: Any) -> None:
    # as LangGraph: the node's schema (here a dataclass) coerces what it reads from the
    # channels, not a Send's argument, which arrives as sent
    seen: list[Any] = []

    def work(item: Item) -> dict[str, Any]:
        seen.append(item)
        return {"log": [item["v"] * 10]}

    g = StateGraph(State)
    g.add_node("work", work).add_conditional_edges(
        START, lambda s: [Send("work", {"v": i}) for i in range(3)]
    )
    assert driver.run(g.compile(), {"log": []}) == {"log": [0, 10, 20]}
    assert sorted(seen, key=lambda i: i["v"]) == [{"v": 0}, {"v": 1}, {"v": 2}]


def test_cache_policy_hit_skips_the_node(driver: Any) -> None:
    calls: list[int] = []

    def slow(state: State) -> dict[str, int]:
        calls.append(state["x"])
        return {"x": state["x"] * 2}

    g = StateGraph(State)
    g.add_node("slow", slow, cache_policy=CachePolicy(ttl=60)).add_edge(START, "slow")
    app = g.compile(cache=InMemoryCache())
    assert driver.stream(app, {"x": 3}, stream_mode="updates") == [{"slow": {"x": 6}}]
    assert driver.stream(app, {"x": 3}, stream_mode="updates") == [
        {"slow": {"x": 6}, "__metadata__": {"cached": True}}
    ]
    assert driver.run(app, {"x": 4}) == {"x": 8, "log": []}
    assert calls == [3, 4]
    app.clear_cache()
    driver.run(app, {"x": 3})
    assert calls == [3, 4, 3]


def test_recursion_limit(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("spin", logger("spin")).add_edge(START, "spin").add_edge("spin", "spin")
    with pytest.raises(GraphRecursionError, match="Recursion limit of 5"):
        driver.run(g.compile(), {"log": []}, {"recursion_limit": 5})
    with pytest.raises(ValueError, match="recursion_limit"):
        driver.run(g.compile(), {"log": []}, {"recursion_limit": 0})
    with pytest.raises(TypeError, match="recursion_limit"):  # LangGraph's type for a non-int
        driver.run(g.compile(), {"log": []}, {"recursion_limit": "5"})


def test_managed_remaining_steps_and_is_last_step(driver: Any) -> None:
    class Managed(TypedDict, total=False):
        log: Annotated[list, operator.add]
        remaining: RemainingSteps
        last: IsLastStep

    def body(state: Managed) -> dict[str, Any]:
        return {"log": [(state["remaining"], state["last"])]}

    g = StateGraph(Managed)
    g.add_node("body", body).add_edge(START, "body")
    g.add_conditional_edges("body", lambda s: END if s["last"] else "body")
    out = driver.run(g.compile(), {"log": []}, {"recursion_limit": 4})
    assert out == {"log": [(3, False), (2, False), (1, True)]}


# -- runtime, config and context ---------------------------------------------------------------


@dataclasses.dataclass
class Ctx:
    user: str
    level: int = 1


def test_context_dict_is_coerced_to_the_dataclass(driver: Any) -> None:
    seen: list[Any] = []

    def node(state: State, runtime: Runtime[Ctx]) -> None:
        seen.append(runtime.context)
        seen.append(get_runtime(Ctx).context)

    g = StateGraph(State, context_schema=Ctx)
    g.add_node("n", node).add_edge(START, "n")
    driver.run(g.compile(), {"x": 1}, context={"user": "bob"})
    assert seen == [Ctx(user="bob"), Ctx(user="bob")]


def test_runtime_helpers_inside_parallel_nodes(driver: Any) -> None:
    seen: dict[str, Any] = {}
    lock = threading.Lock()

    def node(state: State, config: Any) -> dict[str, Any]:
        name = get_config()["metadata"]["langgraph_node"]
        assert config["metadata"]["langgraph_node"] == name
        with ThreadPoolExecutor(2) as pool:
            in_thread = pool.submit(
                contextvars.copy_context().run, lambda: get_config()["metadata"]["langgraph_node"]
            ).result()
        with lock:
            seen[name] = (
                in_thread,
                get_runtime().context,
                get_store(),
                callable(get_stream_writer()),
            )
        return {"log": [name]}

    g = StateGraph(State)
    g.add_node("p1", node).add_node("p2", node).add_edge(START, "p1").add_edge(START, "p2")
    out = driver.run(g.compile(), {"log": []}, context="ctx")
    assert out == {"log": ["p1", "p2"]}
    assert seen == {"p1": ("p1", "ctx", None, True), "p2": ("p2", "ctx", None, True)}


def test_runtime_helpers_inside_asyncio_tasks(driver: Any) -> None:
    async def probe(i: int) -> str:
        await asyncio.sleep(0)
        return f"{get_config()['metadata']['langgraph_node']}:{get_runtime().context}:{i}"

    async def fan() -> list[str]:
        return list(await asyncio.gather(*(asyncio.create_task(probe(i)) for i in range(3))))

    async def anode(state: State) -> dict[str, Any]:
        results = await fan()
        get_stream_writer()(results)
        return {"log": results}

    def snode(state: State) -> dict[str, Any]:
        results = asyncio.run(fan())  # a private event loop inside a sync node
        get_stream_writer()(results)
        return {"log": results}

    g = StateGraph(State)
    g.add_node("anode", anode if driver.is_async else snode).add_edge(START, "anode")
    chunks = driver.stream(g.compile(), {"log": []}, context="c", stream_mode=["custom", "values"])
    expected = ["anode:c:0", "anode:c:1", "anode:c:2"]
    assert ("custom", expected) in chunks
    assert chunks[-1] == ("values", {"log": expected})


@pytest.mark.parametrize("helper", [get_config, get_runtime, get_store, get_stream_writer])
def test_runtime_helpers_outside_a_run_raise(helper: Any) -> None:
    with pytest.raises(RuntimeError, match="outside of a running graph"):
        helper()


def test_config_carries_thread_and_node_metadata(driver: Any) -> None:
    seen: list[Any] = []

    def node(state: State, config: Any) -> None:
        seen.append(
            (
                config["configurable"]["thread_id"],
                config["metadata"]["langgraph_step"],
                config["configurable"]["checkpoint_ns"].split(":")[0],
                config["metadata"]["custom"],
            )
        )

    g = StateGraph(State)
    g.add_node("n", node).add_edge(START, "n")
    app = g.compile(checkpointer=InMemorySaver())
    driver.run(app, {"x": 1}, {"configurable": {"thread_id": "th"}, "metadata": {"custom": 7}})
    assert seen == [("th", 1, "n", 7)]


# -- batch ------------------------------------------------------------------------------------


def test_batch_with_per_input_configs(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("a", lambda s: {"x": s["x"] + 1}).add_edge(START, "a")
    app = g.compile(checkpointer=InMemorySaver())
    configs = [cfg("b1"), cfg("b2"), cfg("b3")]
    expected = [{"x": 2, "log": []}, {"x": 11, "log": []}, {"x": 101, "log": []}]
    assert driver.batch(app, [{"x": 1}, {"x": 10}, {"x": 100}], configs) == expected
    assert [driver.get_state(app, c).values for c in configs] == expected


def test_batch_return_exceptions(driver: Any) -> None:
    def maybe(state: State) -> dict[str, int]:
        if state["x"] < 0:
            raise KeyError("negative")
        return {"x": state["x"]}

    g = StateGraph(State)
    g.add_node("a", maybe).add_edge(START, "a")
    out = driver.batch(g.compile(), [{"x": 1}, {"x": -1}], return_exceptions=True)
    assert out[0] == {"x": 1, "log": []}
    assert isinstance(out[1], KeyError)
    with pytest.raises(KeyError):
        driver.batch(g.compile(), [{"x": 1}, {"x": -1}])


def _as_completed(
    driver: Any, app: Any, inputs: list[Any], config: Any = None, **kw: Any
) -> list[Any]:
    if not driver.is_async:
        return list(app.batch_as_completed(inputs, config, **kw))

    async def collect() -> list[Any]:
        return [pair async for pair in app.abatch_as_completed(inputs, config, **kw)]

    return asyncio.run(collect())


def test_batch_as_completed_yields_index_and_output(driver: Any) -> None:
    def maybe(state: State) -> dict[str, int]:
        if state["x"] < 0:
            raise KeyError("negative")
        return {"x": state["x"] * 2}

    g = StateGraph(State)
    app = g.add_node("a", maybe).add_edge(START, "a").compile(checkpointer=InMemorySaver())
    pairs = _as_completed(driver, app, [{"x": 1}, {"x": 2}], [cfg("c1"), cfg("c2")])
    assert sorted(pairs, key=lambda p: p[0]) == [(0, {"x": 2, "log": []}), (1, {"x": 4, "log": []})]
    assert driver.get_state(app, cfg("c2")).values == {"x": 4, "log": []}
    mixed = dict(
        _as_completed(
            driver, app.copy({"checkpointer": None}), [{"x": 1}, {"x": -1}], return_exceptions=True
        )
    )
    assert mixed[0] == {"x": 2, "log": []} and isinstance(mixed[1], KeyError)
    with pytest.raises(KeyError):
        _as_completed(driver, app.copy({"checkpointer": None}), [{"x": -1}, {"x": 1}])
    assert _as_completed(driver, app, []) == []
    with pytest.raises(ValueError, match="2 inputs but 1 configs"):
        _as_completed(driver, app, [{"x": 1}, {"x": 2}], [cfg("c3")])


def test_default_recursion_limit_is_langgraphs(driver: Any) -> None:
    from stategraph.constants import DEFAULT_RECURSION_LIMIT

    class Counted(TypedDict, total=False):
        left: RemainingSteps
        seen: Annotated[list, operator.add]

    g = StateGraph(Counted)
    g.add_node("n", lambda s: {"seen": [s["left"]]}).add_edge(START, "n")
    import os

    if "LANGGRAPH_DEFAULT_RECURSION_LIMIT" not in os.environ:
        assert DEFAULT_RECURSION_LIMIT == 10007  # LangGraph 1.2's default, not langchain-core's 25
    assert driver.run(g.compile(), {"seen": []}) == {"seen": [DEFAULT_RECURSION_LIMIT - 1]}
