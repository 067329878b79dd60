"""OpenTelemetry spans: a run, its supersteps and tasks, nested subgraph runs, errors.

Spans are collected with the OpenTelemetry SDK's in-memory exporter through a provider
of the test's own (the global provider is never touched).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Annotated, Any, TypedDict

import pytest

from stategraph.graph import END, START, StateGraph
from stategraph.pregel import _trace
from stategraph.tracing import disable_tracing, enable_tracing, tracing_enabled

otel_sdk = pytest.importorskip("opentelemetry.sdk.trace")
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)


class State(TypedDict):
    log: Annotated[list[str], operator.add]


PROVIDER = otel_sdk.TracerProvider()  # the tests' own; the global provider is never set
EXPORTER = InMemorySpanExporter()
PROVIDER.add_span_processor(SimpleSpanProcessor(EXPORTER))


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    EXPORTER.clear()
    enable_tracing(PROVIDER)
    yield EXPORTER
    disable_tracing()


def _graph() -> Any:
    inner = (
        StateGraph(State)
        .add_node("inner", lambda s: {"log": ["inner"]})
        .add_edge(START, "inner")
        .add_edge("inner", END)
        .compile(name="child")
    )

    def traced_node(state: State) -> dict[str, Any]:
        with PROVIDER.get_tracer("test").start_as_current_span("my work"):
            return {"log": ["a"]}

    return (
        StateGraph(State)
        .add_node("a", traced_node)
        .add_node("sub", inner)
        .add_edge(START, "a")
        .add_edge("a", "sub")
        .add_edge("sub", END)
        .compile(name="parent")
    )


def _paths(exporter: InMemorySpanExporter) -> set[str]:
    """Each finished span as the path of span names from its root."""
    finished = exporter.get_finished_spans()
    by_id = {span.context.span_id: span for span in finished}

    def path(span: Any) -> str:
        parent = by_id.get(span.parent.span_id) if span.parent is not None else None
        return span.name if parent is None else f"{path(parent)} / {span.name}"

    return {path(span) for span in finished}


def test_a_run_records_its_steps_tasks_and_a_nested_subgraph(spans, driver) -> None:
    config = {"configurable": {"thread_id": "t1"}}
    out = driver.run(_graph(), {"log": []}, config)
    assert out == {"log": ["a", "a", "inner"]}  # the subgraph returns its whole log
    run = "invoke_workflow parent"
    child = f"{run} / superstep 2 / task sub / invoke_workflow child"
    assert _paths(spans) == {
        run,
        f"{run} / superstep 0",
        f"{run} / superstep 0 / task __start__",
        f"{run} / superstep 1",
        f"{run} / superstep 1 / task a",
        f"{run} / superstep 1 / task a / my work",  # the node's own span nests under its task
        f"{run} / superstep 2",
        f"{run} / superstep 2 / task sub",
        child,  # the subgraph's run nests under the task that called it
        f"{child} / superstep 0",
        f"{child} / superstep 0 / task __start__",
        f"{child} / superstep 1",
        f"{child} / superstep 1 / task inner",
    }
    finished = spans.get_finished_spans()
    root = next(s for s in finished if s.name == run)
    assert root.attributes["gen_ai.operation.name"] == "invoke_workflow"
    assert root.attributes["gen_ai.workflow.name"] == "parent"
    assert root.attributes["gen_ai.conversation.id"] == "t1"
    assert root.attributes["langgraph.status"] == "done"
    task = next(s for s in finished if s.name == "task a")
    assert task.attributes["langgraph.node"] == "a" and task.attributes["langgraph.step"] == 1


def test_a_failing_node_marks_its_task_and_run_as_errors(spans, driver) -> None:
    def boom(state: State) -> dict[str, Any]:
        raise ValueError("no luck")

    graph = StateGraph(State).add_node("boom", boom).add_edge(START, "boom").compile()
    with pytest.raises(ValueError, match="no luck"):
        driver.run(graph, {"log": []})
    finished = {s.name: s for s in spans.get_finished_spans()}
    for name in ("task boom", "invoke_workflow LangGraph"):
        assert finished[name].status.status_code is trace.StatusCode.ERROR, name
        assert finished[name].events[0].name == "exception"
    assert "superstep 1" in finished  # the step the run left by the error is closed


def test_nothing_is_recorded_once_tracing_is_off(spans, driver) -> None:
    disable_tracing()
    assert not tracing_enabled() and _trace.TRACER is None
    driver.run(_graph(), {"log": []})
    assert [s.name for s in spans.get_finished_spans()] == ["my work"]  # only the node's own


def test_parallel_tasks_each_nest_their_own_work(spans, driver) -> None:
    def worker(name: str) -> Any:
        def node(state: State) -> dict[str, Any]:
            with PROVIDER.get_tracer("test").start_as_current_span(f"work {name}"):
                return {"log": [name]}

        return node

    builder = StateGraph(State)
    for name in ("x", "y", "z"):
        builder.add_node(name, worker(name)).add_edge(START, name).add_edge(name, END)
    out = driver.run(builder.compile(name="fan"), {"log": []})
    assert sorted(out["log"]) == ["x", "y", "z"]
    step = "invoke_workflow fan / superstep 1"
    assert {f"{step} / task {n} / work {n}" for n in "xyz"} <= _paths(spans)


def test_a_run_without_tracing_never_imports_opentelemetry() -> None:
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from typing import TypedDict\n"
        "import stategraph.tracing\n"
        "from stategraph.graph import END, START, StateGraph\n"
        "class S(TypedDict):\n"
        "    x: int\n"
        "g = StateGraph(S).add_node('a', lambda s: {'x': 1}).add_edge(START, 'a')\n"
        "print(g.add_edge('a', END).compile().invoke({'x': 0}))\n"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'x': 1}", "[]"]


def test_a_prebuilt_agent_traces_as_an_agent_with_its_model_and_tool_calls(spans, driver) -> None:
    from stategraph.prebuilt import ToolNode, create_react_agent
    from stategraph.testing import FakeChatModel, ai, call

    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    def boom(a: int) -> int:
        """Always fails."""
        raise ValueError("tool broke")

    model = FakeChatModel(
        [ai("", call("add", {"a": 1, "b": 2}, "c1"), call("boom", {"a": 1}, "c2")), "3"],
        model_name="fake-1",
    )
    tools = ToolNode([add, boom], handle_tool_errors=True)  # boom's error goes to the model
    out = driver.run(create_react_agent(model, tools, name="helper"), {"messages": []})
    assert out["messages"][-1].content == "3"
    run = "invoke_agent helper"
    paths = _paths(spans)
    assert {
        f"{run} / superstep 1 / task agent / chat fake-1",
        f"{run} / superstep 2 / task tools / execute_tool add",
        f"{run} / superstep 2 / task tools / execute_tool boom",
        f"{run} / superstep 3 / task agent / chat fake-1",
    } <= paths
    finished = spans.get_finished_spans()
    root = next(s for s in finished if s.name == run)
    assert root.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert root.attributes["gen_ai.agent.name"] == "helper"
    chat = next(s for s in finished if s.name == "chat fake-1")
    assert chat.kind is trace.SpanKind.CLIENT
    assert chat.attributes["gen_ai.request.model"] == "fake-1"
    tools = {s.name: s for s in finished if s.name.startswith("execute_tool")}
    assert tools["execute_tool add"].attributes["gen_ai.tool.call.id"] == "c1"
    assert tools["execute_tool add"].status.status_code is trace.StatusCode.UNSET
    assert tools["execute_tool boom"].status.status_code is trace.StatusCode.ERROR


def test_an_agent_used_as_a_subgraph_nests_its_tool_calls_under_the_parent(spans, driver) -> None:
    from stategraph.graph.message import MessagesState
    from stategraph.prebuilt import create_react_agent
    from stategraph.testing import FakeChatModel, ai, call

    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    model = FakeChatModel([ai("", call("add", {"a": 2, "b": 2}, "c1")), "4"], model_name="m")
    agent = create_react_agent(model, [add], name="math")
    parent = StateGraph(MessagesState).add_node("math", agent)
    parent = parent.add_edge(START, "math").add_edge("math", END).compile(name="app")
    out = driver.run(parent, {"messages": [("user", "2+2?")]})
    assert out["messages"][-1].content == "4"
    agent_run = "invoke_workflow app / superstep 1 / task math / invoke_agent math"
    assert f"{agent_run} / superstep 2 / task tools / execute_tool add" in _paths(spans)
