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

    >>> policy = TracePolicy(process_inputs=omit_payload)
    >>> policy.process_inputs({"messages": ["long history"]})
    {}
    """

    process_inputs: Callable[[Any], Any] | None = None
    process_outputs: Callable[[Any], Any] | None = None


def omit_payload(value: Any) -> dict[str, Any]:
    """Record an empty payload instead of ``value`` (a ``TracePolicy`` processor).

    >>> omit_payload([1, 2, 3])
    {}
    """
    return {}
