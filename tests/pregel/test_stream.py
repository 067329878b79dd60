"""Stream modes and chunk shapes: values/updates/custom/tasks/debug/checkpoints, lists, subgraphs."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.config import get_stream_writer
from stategraph.graph import END, START, StateGraph
from stategraph.pregel._stream import format_chunk, normalize_modes


class State(TypedDict, total=False):
    x: int
    log: Annotated[list, operator.add]


def chain(*, sub: Any = None) -> Any:
    """START -> a -> b (-> sub) ; a streams a custom chunk through the `writer` parameter."""

    def a(state: State, writer: Any) -> dict[str, Any]:
        writer({"progress": state["x"]})
        return {"x": state["x"] + 1, "log": ["a"]}

    g = StateGraph(State)
    g.add_node("a", a).add_node("b", lambda s: {"log": ["b"]})
    g.add_edge(START, "a").add_edge("a", "b")
    if sub is not None:
        g.add_node("sub", sub).add_edge("b", "sub")
    return g


def child_graph() -> Any:
    class Child(TypedDict, total=False):
        x: int

    def inner(state: Child) -> dict[str, int]:
        get_stream_writer()("from-child")
        return {"x": state["x"] * 100}

    g = StateGraph(Child)
    g.add_node("inner", inner).add_edge(START, "inner")
    return g.compile()


def test_values_mode(driver: Any) -> None:
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode="values")
    assert chunks == [
        {"x": 1, "log": []},
        {"x": 2, "log": ["a"]},
        {"x": 2, "log": ["a", "b"]},
    ]


def test_updates_mode_omits_hidden_start(driver: Any) -> None:
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode="updates")
    assert chunks == [{"a": {"x": 2, "log": ["a"]}}, {"b": {"log": ["b"]}}]


def test_updates_of_a_node_without_writes_is_none(driver: Any) -> None:
    g = StateGraph(State)
    g.add_node("noop", lambda s: None).add_edge(START, "noop")
    assert driver.stream(g.compile(), {"x": 1}, stream_mode="updates") == [{"noop": None}]


def test_default_mode_of_a_state_graph_is_updates(driver: Any) -> None:
    chunks = driver.stream(chain().compile(), {"x": 1})
    assert chunks == [{"a": {"x": 2, "log": ["a"]}}, {"b": {"log": ["b"]}}]


def test_custom_mode_from_writer_param_and_get_stream_writer(driver: Any) -> None:
    def c(state: State) -> None:
        get_stream_writer()("via-helper")

    g = chain()
    g.add_node("c", c).add_edge("b", "c")
    assert driver.stream(g.compile(), {"x": 5}, stream_mode="custom") == [
        {"progress": 5},
        "via-helper",
    ]


def test_writer_is_a_no_op_when_custom_is_not_streamed(driver: Any) -> None:
    assert driver.run(chain().compile(), {"x": 1}) == {"x": 2, "log": ["a", "b"]}


def test_tasks_mode_pairs_start_and_result(driver: Any) -> None:
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode="tasks")
    assert [(c["name"], "result" in c) for c in chunks] == [
        ("a", False),
        ("a", True),
        ("b", False),
        ("b", True),
    ]
    start, result = chunks[0], chunks[1]
    assert start == {
        "id": start["id"],
        "name": "a",
        "input": {"x": 1, "log": []},
        "triggers": ("branch:to:a",),
    }
    assert result == {
        "id": start["id"],
        "name": "a",
        "error": None,
        "interrupts": [],
        "result": {"x": 2, "log": ["a"]},
    }
    assert chunks[2]["id"] != start["id"]


def test_tasks_mode_reports_errors(driver: Any) -> None:
    def boom(state: State) -> None:
        raise KeyError("nope")

    g = StateGraph(State)
    g.add_node("boom", boom).add_edge(START, "boom")
    chunks: list[Any] = []
    with pytest.raises(KeyError):
        if driver.is_async:
            import asyncio

            async def collect() -> None:
                async for c in g.compile().astream({"x": 1}, stream_mode="tasks"):
                    chunks.append(c)

            asyncio.run(collect())
        else:
            for c in g.compile().stream({"x": 1}, stream_mode="tasks"):
                chunks.append(c)
    assert [c["name"] for c in chunks] == ["boom", "boom"]
    # the task_result payload carries the exception itself and an (empty) dict of results
    assert isinstance(chunks[1]["error"], KeyError) and chunks[1]["error"].args == ("nope",)
    assert chunks[1]["result"] == {} and chunks[1]["interrupts"] == []


def test_debug_mode_wraps_task_events_and_checkpoints(driver: Any) -> None:
    app = chain().compile(checkpointer=InMemorySaver())
    chunks = driver.stream(app, {"x": 1}, {"configurable": {"thread_id": "d"}}, stream_mode="debug")
    kinds = [(c["type"], c["step"]) for c in chunks]
    assert kinds == [
        ("checkpoint", -1),
        ("checkpoint", 0),
        ("task", 1),
        ("task_result", 1),
        ("checkpoint", 1),
        ("task", 2),
        ("task_result", 2),
        ("checkpoint", 2),
    ]
    assert all(isinstance(c["timestamp"], str) for c in chunks)
    assert chunks[2]["payload"]["name"] == "a"
    assert chunks[-1]["payload"]["values"] == {"x": 2, "log": ["a", "b"]}
    assert chunks[-1]["payload"]["next"] == []


def test_checkpoints_mode(driver: Any) -> None:
    app = chain().compile(checkpointer=InMemorySaver())
    chunks = driver.stream(
        app, {"x": 1}, {"configurable": {"thread_id": "c"}}, stream_mode="checkpoints"
    )
    assert [(c["metadata"]["source"], c["metadata"]["step"], c["next"]) for c in chunks] == [
        ("input", -1, ["__start__"]),
        ("loop", 0, ["a"]),
        ("loop", 1, ["b"]),
        ("loop", 2, []),
    ]
    assert chunks[0]["parent_config"] is None
    for prev, cur in zip(chunks, chunks[1:], strict=False):
        assert cur["parent_config"] == prev["config"]
    assert chunks[1]["values"] == {"x": 1, "log": []}
    assert [t["name"] for t in chunks[1]["tasks"]] == ["a"]


def test_list_of_modes_yields_mode_payload_pairs(driver: Any) -> None:
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode=["updates", "custom", "values"])
    assert chunks == [
        ("values", {"x": 1, "log": []}),
        ("custom", {"progress": 1}),
        ("updates", {"a": {"x": 2, "log": ["a"]}}),
        ("values", {"x": 2, "log": ["a"]}),
        ("updates", {"b": {"log": ["b"]}}),
        ("values", {"x": 2, "log": ["a", "b"]}),
    ]


def test_only_a_list_of_modes_tags_chunks_a_tuple_streams_bare_payloads(driver: Any) -> None:
    # as LangGraph: the (mode, payload) pairs come with a list only
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode=("updates",))
    assert chunks == [{"a": {"x": 2, "log": ["a"]}}, {"b": {"log": ["b"]}}]
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode=("updates", "values"))
    assert chunks[:2] == [{"x": 1, "log": []}, {"a": {"x": 2, "log": ["a"]}}]
    chunks = driver.stream(chain().compile(), {"x": 1}, stream_mode=("updates",), subgraphs=True)
    assert chunks[0] == ((), {"a": {"x": 2, "log": ["a"]}})
    assert driver.stream(chain().compile(), {"x": 1}, stream_mode=["updates"])[0][0] == "updates"


def test_subgraphs_single_mode_yields_namespace_payload(driver: Any) -> None:
    app = chain(sub=child_graph()).compile()
    chunks = driver.stream(app, {"x": 1}, stream_mode="updates", subgraphs=True)
    namespaces = [ns for ns, _ in chunks]
    assert namespaces[:2] == [(), ()]
    child_ns = namespaces[2]
    assert (
        len(child_ns) == 1
        and child_ns[0].startswith("sub:")
        and len(child_ns[0]) == len("sub:") + 36
    )
    assert chunks[2] == (child_ns, {"inner": {"x": 200}})
    assert chunks[3] == ((), {"sub": {"x": 200}})
    assert len(chunks) == 4


def test_subgraphs_with_list_of_modes_yields_triples(driver: Any) -> None:
    app = chain(sub=child_graph()).compile()
    chunks = driver.stream(app, {"x": 1}, stream_mode=["custom", "updates"], subgraphs=True)
    shapes = [(len(ns), mode) for ns, mode, _ in chunks]
    assert shapes == [
        (0, "custom"),
        (0, "updates"),
        (0, "updates"),
        (1, "custom"),
        (1, "updates"),
        (0, "updates"),
    ]
    assert chunks[3][2] == "from-child"


def test_subgraph_chunks_hidden_without_subgraphs_flag(driver: Any) -> None:
    app = chain(sub=child_graph()).compile()
    chunks = driver.stream(app, {"x": 1}, stream_mode="custom")
    assert chunks == [{"progress": 1}]


def test_nested_namespaces_two_levels(driver: Any) -> None:
    class Child(TypedDict, total=False):
        x: int

    mid = StateGraph(Child)
    mid.add_node("leaf", child_graph()).add_edge(START, "leaf")
    outer = StateGraph(Child)
    outer.add_node("mid", mid.compile()).add_edge(START, "mid").add_edge("mid", END)
    chunks = driver.stream(outer.compile(), {"x": 1}, stream_mode="updates", subgraphs=True)
    deepest = [ns for ns, _ in chunks if len(ns) == 2]
    assert len(deepest) == 1
    assert deepest[0][0].startswith("mid:") and deepest[0][1].startswith("leaf:")
    assert chunks[-1] == ((), {"mid": {"x": 100}})


def test_format_chunk_shapes() -> None:
    chunk = (("p:1",), "updates", {"a": 1})
    assert format_chunk(chunk, single_mode=True, subgraphs=False) == {"a": 1}
    assert format_chunk(chunk, single_mode=False, subgraphs=False) == ("updates", {"a": 1})
    assert format_chunk(chunk, single_mode=True, subgraphs=True) == (("p:1",), {"a": 1})
    assert format_chunk(chunk, single_mode=False, subgraphs=True) == (("p:1",), "updates", {"a": 1})


def test_normalize_modes() -> None:
    assert normalize_modes(None, "updates") == (["updates"], True)
    assert normalize_modes("values", "updates") == (["values"], True)
    assert normalize_modes(["values", "custom"], "updates") == (["values", "custom"], False)
    assert normalize_modes(("values", "custom"), "updates") == (["values", "custom"], True)


def test_a_mode_nothing_emits_yields_no_chunks(driver: Any) -> None:
    app = chain().compile()
    # as LangGraph: no error, the unknown mode simply never produces a chunk
    chunks = driver.stream(app, {"x": 1}, stream_mode=["values", "nope"])
    assert [mode for mode, _ in chunks] == ["values", "values", "values"]
    assert driver.stream(app, {"x": 1}, stream_mode="nope") == []


# -- version="v2": StreamPart dicts -----------------------------------------------------------------


def test_v2_stream_parts_carry_type_namespace_and_data(driver: Any) -> None:
    app = chain().compile()
    parts = driver.stream(app, {"x": 1}, stream_mode=["values", "updates", "custom"], version="v2")
    assert parts[0] == {"type": "values", "ns": (), "data": {"x": 1, "log": []}, "interrupts": ()}
    assert parts[1] == {"type": "custom", "ns": (), "data": {"progress": 1}}
    assert parts[2] == {"type": "updates", "ns": (), "data": {"a": {"x": 2, "log": ["a"]}}}
    assert [p["type"] for p in parts] == [
        "values",
        "custom",
        "updates",
        "values",
        "updates",
        "values",
    ]
    # a single mode is no different: still one dict per chunk
    single = driver.stream(app, {"x": 1}, stream_mode="updates", version="v2")
    assert [p["data"] for p in single] == [{"a": {"x": 2, "log": ["a"]}}, {"b": {"log": ["b"]}}]


def test_v2_values_part_holds_interrupts_in_their_own_field(driver: Any) -> None:
    from stategraph.types import interrupt

    g = StateGraph(State)
    g.add_node("ask", lambda s: {"log": [interrupt("q")]}).add_edge(START, "ask")
    app = g.compile(checkpointer=InMemorySaver())
    parts = driver.stream(
        app, {"x": 1}, {"configurable": {"thread_id": "v2"}}, stream_mode="values", version="v2"
    )
    last = parts[-1]
    assert last["data"] == {"x": 1, "log": []} and "__interrupt__" not in last["data"]
    assert [i.value for i in last["interrupts"]] == ["q"]
    out = driver.run(
        app, None, {"configurable": {"thread_id": "v2"}}, stream_mode="updates", version="v2"
    )
    assert out[0]["type"] == "updates" and "__interrupt__" in out[0]["data"]


def test_unknown_stream_version_is_an_error(driver: Any) -> None:
    with pytest.raises(ValueError, match="v3"):
        driver.stream(chain().compile(), {"x": 1}, version="v3")


# -- output_keys --------------------------------------------------------------------------------


def test_output_keys_select_what_values_updates_and_invoke_show(driver: Any) -> None:
    app = chain().compile()
    # a values chunk only for the steps that wrote a selected key (b writes only log)
    assert driver.stream(app, {"x": 1}, stream_mode="values", output_keys="x") == [1, 2]
    assert driver.stream(app, {"x": 1}, stream_mode="updates", output_keys="x") == [
        {"a": 2},
        {"b": None},
    ]
    assert driver.stream(app, {"x": 1}, stream_mode="updates", output_keys=["log"]) == [
        {"a": {"log": ["a"]}},
        {"b": {"log": ["b"]}},
    ]
    assert driver.run(app, {"x": 1}, output_keys=["log"]) == {"log": ["a", "b"]}
    assert driver.run(app, {"x": 1}, output_keys="x") == 2
    with pytest.raises(ValueError, match="'nope'"):
        driver.run(app, {"x": 1}, output_keys=["nope"])


# -- tasks / checkpoints payloads -------------------------------------------------------------------


def test_task_result_folds_repeated_writes_and_lists_interrupts_as_data(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    g = StateGraph(State)
    g.add_node("twice", lambda s: Command(update=[("log", ["1"]), ("log", ["2"])]))
    g.add_node("ask", lambda s: {"x": interrupt("q")})
    g.add_edge(START, "twice").add_edge("twice", "ask")
    app = g.compile(checkpointer=InMemorySaver())
    chunks = driver.stream(app, {"x": 0}, {"configurable": {"thread_id": "p"}}, stream_mode="tasks")
    results = [c for c in chunks if "result" in c]
    assert results[0]["result"] == {"log": {"$writes": [["1"], ["2"]]}}
    (asked,) = results[1]["interrupts"]
    assert asked == {"value": "q", "id": asked["id"], "response_schema": None}
    assert results[1]["result"] == {} and results[1]["error"] is None


def test_checkpoint_event_tasks_show_saved_interrupts_and_results(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    g = StateGraph(State)
    g.add_node("ask", lambda s: {"log": [interrupt("q")]}).add_node("done", lambda s: {"x": 5})
    g.add_edge(START, "ask").add_edge(START, "done")
    app = g.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "cp"}}
    driver.stream(app, {"x": 0}, config)
    chunks = driver.stream(app, Command(resume="a"), config, stream_mode="checkpoints")
    tasks = {t["name"]: t for t in chunks[0]["tasks"]}
    assert tasks["done"]["result"] == {"x": 5} and tasks["done"]["interrupts"] == ()
    assert [i["value"] for i in tasks["ask"]["interrupts"]] == ["q"]
    assert "result" not in tasks["ask"] and tasks["ask"]["state"] is None


def test_a_task_interrupted_in_its_conditional_edge_reports_no_result(driver: Any) -> None:
    from stategraph.types import Command, interrupt

    def route(state: Any) -> str:
        return "b" if interrupt("where?") == "b" else END

    graph = (
        StateGraph(State)
        .add_node("a", lambda s: {"log": ["a"]})
        .add_node("b", lambda s: {"log": ["b"]})
        .add_edge(START, "a")
        .add_conditional_edges("a", route, ["b", END])
        .compile(checkpointer=InMemorySaver())
    )
    config = {"configurable": {"thread_id": "t"}}
    chunks = driver.stream(graph, {"x": 1}, config, stream_mode=["tasks", "values"])
    done = [p for m, p in chunks if m == "tasks" and "result" in p]
    assert [(p["name"], p["result"], len(p["interrupts"])) for p in done] == [("a", {}, 1)]
    # what it wrote before pausing is kept all the same
    assert chunks[-1] == ("values", {"x": 1, "log": ["a"]})
    resumed = driver.stream(graph, Command(resume="b"), config, stream_mode="tasks")
    # the resume runs "a" again (its edge pauses inside it), then the route it picks
    assert [(p["name"], p["result"]) for p in resumed if "result" in p] == [
        ("a", {"log": ["a"]}),
        ("b", {"log": ["b"]}),
    ]
