"""Tracing with OpenTelemetry: one span per run, superstep and task (off by default).

    from opentelemetry.sdk.trace import TracerProvider
    from stategraph.tracing import enable_tracing

    enable_tracing(TracerProvider())  # or no argument: the global provider

Needs ``opentelemetry-api`` (the ``otel`` extra).  While tracing is off the engine does
one check per run and per step.  See ``stategraph.pregel._trace`` for the spans and their
attributes (GenAI semantic conventions; state values are never recorded).
"""

from __future__ import annotations

from typing import Any

from .pregel import _trace

__all__ = ["disable_tracing", "enable_tracing", "tracing_enabled"]


def enable_tracing(tracer_provider: Any = None) -> None:
    """Start recording spans through ``tracer_provider`` (default: the global one).

    Raises ``ImportError`` (saying what to install) when OpenTelemetry is missing.

    Examples:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        >>> from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.tracing import disable_tracing, enable_tracing
        >>> exporter = InMemorySpanExporter()
        >>> provider = TracerProvider()
        >>> provider.add_span_processor(SimpleSpanProcessor(exporter))
        >>> enable_tracing(provider)
        >>> builder = StateGraph(dict).add_node("greet", lambda s: {"msg": "hi"})
        >>> graph = builder.add_edge(START, "greet").compile(name="hello")
        >>> graph.invoke({})
        {'msg': 'hi'}
        >>> [span.name for span in exporter.get_finished_spans()]
        ['task __start__', 'superstep 0', 'task greet', 'superstep 1', 'invoke_workflow hello']
        >>> disable_tracing()
    """
    try:
        from opentelemetry import trace
    except ImportError as exc:
        raise ImportError(
            "Tracing needs OpenTelemetry: pip install 'stategraph[otel]' "
            "(or opentelemetry-api plus an SDK to export the spans)."
        ) from exc
    provider = tracer_provider if tracer_provider is not None else trace.get_tracer_provider()
    _trace.TRACER = provider.get_tracer("stategraph")


def disable_tracing() -> None:
    """Stop recording spans (runs already under way finish their open spans).

    Examples:
        >>> from opentelemetry.sdk.trace import TracerProvider
        >>> from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        >>> from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.tracing import disable_tracing, enable_tracing, tracing_enabled
        >>> exporter = InMemorySpanExporter()
        >>> provider = TracerProvider()
        >>> provider.add_span_processor(SimpleSpanProcessor(exporter))
        >>> enable_tracing(provider)
        >>> disable_tracing()
        >>> tracing_enabled()
        False
        >>> StateGraph(dict).add_node("a", lambda s: s).add_edge(START, "a").compile().invoke({"x": 1})
        {'x': 1}
        >>> exporter.get_finished_spans()  # nothing recorded
        ()
    """
    _trace.TRACER = None


def tracing_enabled() -> bool:
    """Whether runs record spans.

    Examples:
        >>> from stategraph.tracing import disable_tracing, enable_tracing, tracing_enabled
        >>> tracing_enabled()
        False
        >>> enable_tracing()  # the global tracer provider
        >>> tracing_enabled()
        True
        >>> disable_tracing()
        >>> tracing_enabled()
        False
    """
    return _trace.TRACER is not None
