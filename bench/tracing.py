"""What OpenTelemetry tracing costs: seq_100 with tracing off and on (stategraph only).

LangGraph has no local tracing to compare with (its tracing goes to LangSmith), so its
column stays empty.  The floor is the same stategraph code with the tracing hooks taken
out (the run, task and step checks patched back to direct calls): "x floor" on the "off"
row is what the idle hooks cost, on the "on" row what recording every span costs
(OpenTelemetry SDK, a simple processor into an in-memory exporter, cleared per sample).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench._spec import Metrics, Settings, Workload, expect, metric
from bench._timing import median_seconds
from bench.graphs import build_seq

__all__ = ["WORKLOADS"]

LENGTH = 100
LABELS = (f"trace_seq_{LENGTH} tracing off (per step)", f"trace_seq_{LENGTH} tracing on (per step)")


def _per_step_us(settings: Settings, before: Any = None) -> float:
    graph = build_seq("stategraph", LENGTH)
    config = {"recursion_limit": LENGTH + 10}
    out = graph.invoke({"x": 0}, config)
    expect(out == {"x": LENGTH}, f"expected {{'x': {LENGTH}}}, got {out!r}")

    def once() -> None:
        if before is not None:
            before()
        graph.invoke({"x": 0}, config)

    return median_seconds(once, repeats=settings.pick(9, 3)) / LENGTH * 1e6


@contextmanager
def _hooks_removed() -> Iterator[None]:
    """Run the engine as it was before tracing: no checks, no extra frames."""
    from stategraph.pregel import _loop, _runner, _sync_driver

    saved = (_loop.PregelLoop._run, _runner.run_task_sync, _sync_driver.run_task_sync)
    _loop.PregelLoop._run = _loop.PregelLoop._steps  # type: ignore[method-assign]
    _runner.run_task_sync = _sync_driver.run_task_sync = _runner._run_sync
    try:
        yield
    finally:
        _loop.PregelLoop._run, _runner.run_task_sync, _sync_driver.run_task_sync = saved


def _run(lib: str, settings: Settings) -> Metrics:
    if lib != "stategraph":
        return {}
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from stategraph.tracing import disable_tracing, enable_tracing

    off = _per_step_us(settings)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    enable_tracing(provider)
    try:
        on = _per_step_us(settings, before=exporter.clear)
        expect(len(exporter.get_finished_spans()) > 2 * LENGTH, "tracing recorded no spans")
    finally:
        disable_tracing()
    return {LABELS[0]: metric(off, "us/step"), LABELS[1]: metric(on, "us/step")}


def _floor(settings: Settings) -> Metrics:
    with _hooks_removed():
        base = _per_step_us(settings)
    return {label: metric(base, "us/step") for label in LABELS}


WORKLOADS = [
    Workload(
        "trace_seq_100",
        f"seq_{LENGTH} (no checkpointer) with OpenTelemetry tracing off and on, against the "
        "same engine with the tracing hooks removed (the floor).",
        _run,
        _floor,
    )
]
