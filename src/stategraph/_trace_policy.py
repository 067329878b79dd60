"""``TracePolicy`` and ``omit_payload``: per-node trace settings, re-exported by ``stategraph.types``.

LangGraph passes a node's input and output to its trace run (LangSmith) and ``TracePolicy``
transforms them first.  stategraph's tracing (``stategraph.tracing``, OpenTelemetry) never
records state values, only names, ids and timings, so there is no payload to transform:
``add_node(..., trace_policy=...)`` is accepted and has nothing to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["TracePolicy", "omit_payload"]


@dataclass(frozen=True, kw_only=True, slots=True)
class TracePolicy:
    """How a node's input/output would be recorded on its trace run (see the module docstring).

    Examples:
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import TracePolicy, omit_payload
        >>> policy = TracePolicy(process_inputs=omit_payload)
        >>> policy.process_inputs({"messages": ["long history"]}), policy.process_outputs
        ({}, None)
        >>> builder = StateGraph(dict).add_node("chat", lambda s: {"reply": "hi"}, trace_policy=policy)
        >>> builder.add_edge(START, "chat").compile().invoke({"messages": []})  # runs unchanged
        {'reply': 'hi'}
    """

    process_inputs: Callable[[Any], Any] | None = None
    process_outputs: Callable[[Any], Any] | None = None


def omit_payload(value: Any) -> dict[str, Any]:
    """Record an empty payload instead of ``value`` (a ``TracePolicy`` processor).

    Examples:
        >>> from stategraph.types import TracePolicy, omit_payload
        >>> omit_payload({"password": "hunter2"})
        {}
        >>> policy = TracePolicy(process_inputs=omit_payload, process_outputs=omit_payload)
        >>> policy.process_outputs([1, 2, 3])
        {}
    """
    return {}
