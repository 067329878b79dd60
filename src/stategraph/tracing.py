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
    """Start recording spans through ``tracer_provider`` (default: the global one)."""
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
    """Stop recording spans (runs already under way finish their open spans)."""
    _trace.TRACER = None


def tracing_enabled() -> bool:
    """Whether runs record spans."""
    return _trace.TRACER is not None
