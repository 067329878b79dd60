"""OpenTelemetry spans for runs, supersteps and tasks; nothing at all until enabled.

``stategraph.tracing.enable_tracing`` sets ``TRACER``.  While it is None (the default) the
engine checks one module global per run and one attribute per step, and imports nothing
from OpenTelemetry.  The spans follow the GenAI semantic conventions where they apply:

- a run: ``invoke_workflow {graph}`` (``gen_ai.operation.name``, ``gen_ai.workflow.name``,
  ``gen_ai.conversation.id`` = thread id), child of whatever span is current when it
  starts, so a subgraph's run nests under the task that called it;
- a superstep: ``superstep {step}``, child of its run;
- a task: ``task {node}``, child of its superstep, current while the node runs (spans
  the node's code opens nest under it); a failed attempt records its exception.

- a prebuilt agent's run is ``invoke_agent {name}`` instead; its tool calls are
  ``execute_tool {tool}`` and its model calls ``chat {model}`` (a client span with the
  response's token counts when it reports them).

Our own attributes use the ``langgraph.`` prefix (thread_id, checkpoint_ns, run_id, step,
node, task_id).  State values and messages are never recorded.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "TRACER",
    "chat_span",
    "end_step",
    "gen_ai_span",
    "model_name",
    "record_usage",
    "start_step",
    "task_scope",
    "tool_span",
    "traced_run",
]

TRACER: Any = None  # an opentelemetry Tracer while tracing is enabled


def traced_run(loop: Any, body: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Drive ``body`` (the loop's run) inside a run span."""
    from opentelemetry import trace

    name = getattr(loop.graph, "name", None) or "LangGraph"
    agent = getattr(loop.graph, "trace_agent", None)  # set by the prebuilt agents
    operation = "invoke_workflow" if agent is None else "invoke_agent"
    attributes = {
        "gen_ai.operation.name": operation,
        "langgraph.run_id": loop.run_id,
        "langgraph.checkpoint_ns": loop.checkpoint_ns,
    }
    if agent is None:
        attributes["gen_ai.workflow.name"] = name
    else:
        attributes["gen_ai.agent.name"] = name = agent
    if loop.thread_id is not None:
        attributes["gen_ai.conversation.id"] = attributes["langgraph.thread_id"] = str(
            loop.thread_id
        )
    span = TRACER.start_span(f"{operation} {name}", attributes=attributes)
    loop.trace_span = span
    try:
        status = yield from body
    except BaseException as exc:
        _fail(span, exc, trace)
        raise
    else:
        span.set_attribute("langgraph.status", str(status))
        return status
    finally:
        end_step(loop)  # a step the run left by an exception
        loop.trace_span = None
        span.end()


def start_step(loop: Any, tasks: list[Any]) -> None:
    """Open the span of the superstep about to run ``tasks``."""
    from opentelemetry import trace

    end_step(loop)
    parent = trace.set_span_in_context(loop.trace_span)
    loop.trace_step = TRACER.start_span(
        f"superstep {loop.step}",
        context=parent,
        attributes={"langgraph.step": loop.step, "langgraph.tasks": len(tasks)},
    )


def end_step(loop: Any) -> None:
    """Close the open superstep span, if any."""
    step = getattr(loop, "trace_step", None)
    if step is not None:
        loop.trace_step = None
        step.end()


@contextmanager
def task_scope(task: Any) -> Iterator[None]:
    """Run a task inside its span, made current for the node's own code."""
    from opentelemetry import trace

    loop = task.loop
    parent = getattr(loop, "trace_step", None) or getattr(loop, "trace_span", None)
    span = TRACER.start_span(
        f"task {task.name}",
        context=trace.set_span_in_context(parent) if parent is not None else None,
        attributes={
            "langgraph.node": task.name,
            "langgraph.task_id": str(getattr(task, "id", "")),
            "langgraph.step": task.step,
        },
    )
    with _current(span):
        yield
        error = getattr(task, "error", None)  # a node's failure is kept, not raised
        if error is not None:
            _fail(span, error, trace)


def gen_ai_span(name: str, attributes: dict[str, Any], *, client: bool = False) -> Any:
    """A span current for its block (``execute_tool ...``, ``chat ...``); errors recorded."""
    from opentelemetry import trace

    kind = trace.SpanKind.CLIENT if client else trace.SpanKind.INTERNAL
    return _current(TRACER.start_span(name, kind=kind, attributes=attributes))


@contextmanager
def _current(span: Any) -> Iterator[Any]:
    """Make ``span`` current for the block, record an exception leaving it, then end it."""
    from opentelemetry import context, trace

    token = context.attach(trace.set_span_in_context(span))
    try:
        yield span
    except BaseException as exc:
        _fail(span, exc, trace)
        raise
    finally:
        context.detach(token)
        span.end()


def tool_span(call: dict[str, Any]) -> Any:
    """The span of one tool call (GenAI ``execute_tool``)."""
    name = str(call.get("name"))
    attributes = {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": name,
        "gen_ai.tool.type": "function",
    }
    if call.get("id") is not None:
        attributes["gen_ai.tool.call.id"] = str(call["id"])
    return gen_ai_span(f"execute_tool {name}", attributes)


def chat_span(model: Any) -> Any:
    """The span of one chat model call (GenAI ``chat``, a client span)."""
    name = model_name(model)
    attributes = {"gen_ai.operation.name": "chat"}
    if name is not None:
        attributes["gen_ai.request.model"] = name
    return gen_ai_span(f"chat {name or type(model).__name__}", attributes, client=True)


def model_name(model: Any) -> str | None:
    """The model name a chat model (or a model with bound tools) carries, if any."""
    for candidate in (model, getattr(model, "bound", None)):
        for attribute in ("model_name", "model", "model_id"):
            value = getattr(candidate, attribute, None)
            if isinstance(value, str) and value:
                return value
    return None


def record_usage(span: Any, response: Any) -> None:
    """Token counts of a model response (``usage_metadata``), when it has them."""
    usage = getattr(response, "usage_metadata", None) or {}
    for key, attribute in (("input_tokens", "input"), ("output_tokens", "output")):
        if isinstance(usage.get(key), int):
            span.set_attribute(f"gen_ai.usage.{attribute}_tokens", usage[key])


def _fail(span: Any, exc: BaseException, trace: Any) -> None:
    span.record_exception(exc)
    span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
