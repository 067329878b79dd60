"""``astream_events`` / ``stream_events``: langchain-core's event stream over a graph run.

The events themselves are langchain-core's: its v2 (or v1) implementation adds its
event handler to the config's callbacks and drives ``graph.astream``; the engine reports
the run and every task to those callbacks (see ``_callbacks``), and chat models, tools
and runnables called inside nodes report as children.  Sync ``stream_events`` refuses
v1/v2, as LangGraph's does (langchain-core has no synchronous event stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ..errors import ErrorCode, coded

__all__ = ["astream_events", "check_version"]

_V3 = (
    "{method}(version='v3') is not supported by stategraph: the v3 streaming protocol is not "
    "implemented. Use version='v2' (the default)."
)


def check_version(method: str, version: Any) -> None:
    """Raise at call time for v3; an unknown version raises on first iteration (as LangGraph)."""
    if version == "v3":
        raise coded(NotImplementedError, _V3.format(method=method), ErrorCode.RUN_BAD_INPUT)
    if method == "stream_events" and version in ("v1", "v2"):
        raise coded(
            NotImplementedError,
            f"stream_events(version={version!r}) is not supported. Use astream_events() for v1/v2 "
            "(langchain-core has no synchronous event stream), or stream(..., stream_mode=...) for chunks.",
            ErrorCode.RUN_BAD_INPUT,
        )


def _implementation(version: Any) -> Any:
    try:
        from langchain_core.tracers import event_stream
    except ImportError as exc:
        raise ImportError(
            "astream_events() needs langchain-core (its event schema and callback handlers): "
            "pip install 'stategraph[langchain]'."
        ) from exc
    if version == "v2":
        return event_stream._astream_events_implementation_v2
    if version == "v1":
        from langchain_core._api import warn_deprecated

        # the warning langchain-core's own Runnable.astream_events gives
        warn_deprecated(
            since="1.3.3",
            message="astream_events version='v1' is deprecated. "
            "Use version='v2' or astream instead.",
            removal="2.0.0",
        )
        return event_stream._astream_events_implementation_v1
    raise coded(
        NotImplementedError,
        f"Unsupported version: {version!r}. Expected 'v1', 'v2', or 'v3'.",
        ErrorCode.RUN_BAD_INPUT,
    )


async def astream_events(
    graph: Any,
    input: Any,
    config: Any,
    *,
    version: Any,
    filters: dict[str, Any],
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    """Yield langchain-core ``StreamEvent`` dicts for one run of ``graph``."""
    impl = _implementation(version)
    events = impl(graph, input, config, **filters, **kwargs)
    try:
        async for event in events:
            yield event
    finally:
        await events.aclose()
