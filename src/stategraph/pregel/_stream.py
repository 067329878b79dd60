"""Stream plumbing: where chunks go (own consumer, or forwarded to an ancestor with a namespace)
and how the consumer sees them (payload, (mode, payload), (ns, payload) or (ns, mode, payload))."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..constants import INTERRUPT, START

Chunk = tuple[tuple[str, ...], str, Any]


class StreamSink:
    """Routes one run's chunks.  ``put`` delivers to this run's consumer; ``forward`` to an
    ancestor run streaming with ``subgraphs=True``, under the namespace ``ns``."""

    __slots__ = ("modes", "put", "ns", "forward", "subgraphs", "all_modes")

    def __init__(
        self,
        modes: set[str],
        put: Callable[[Any], None] | None,
        *,
        subgraphs: bool = False,
        ns: tuple[str, ...] = (),
        forward: StreamSink | None = None,
    ) -> None:
        self.modes = modes
        self.put = put
        self.subgraphs = subgraphs
        self.ns = ns
        self.forward = forward
        self.all_modes = set(modes) if forward is None else set(modes) | forward.modes

    def wants(self, mode: str) -> bool:
        return mode in self.all_modes

    def emit(self, mode: str, payload: Any) -> None:
        if mode in self.modes and self.put is not None:
            self.put(((), mode, payload))
        fwd = self.forward
        if fwd is not None and mode in fwd.modes and fwd.put is not None:
            fwd.put((self.ns, mode, payload))

    def emit_under(self, ns: tuple[str, ...], mode: str, payload: Any) -> None:
        """Emit a chunk made under ``ns`` (a namespace inside this run, e.g. of the task that
        called a task) instead of this run's own."""
        if mode in self.modes and self.put is not None:
            self.put((ns[len(self.ns) :], mode, payload))
        fwd = self.forward
        if fwd is not None and mode in fwd.modes and fwd.put is not None:
            fwd.put((ns, mode, payload))

    def child_forward(self) -> StreamSink | None:
        """The sink a nested run should forward to (None when nobody wants subgraph chunks)."""
        if self.subgraphs:
            return self
        return self.forward


def format_chunk(chunk: Chunk, *, single_mode: bool, subgraphs: bool) -> Any:
    ns, mode, payload = chunk
    if subgraphs:
        return (ns, payload) if single_mode else (ns, mode, payload)
    return payload if single_mode else (mode, payload)


def make_formatter(
    graph: Any, *, single_mode: bool, subgraphs: bool, version: str | None
) -> Callable[[Chunk], Any]:
    """How the consumer sees each chunk: the v1 shapes, or ``version="v2"`` StreamPart dicts."""
    if version in (None, "v1"):
        return lambda chunk: format_chunk(chunk, single_mode=single_mode, subgraphs=subgraphs)
    if version != "v2":
        raise ValueError(f"Unknown stream version {version!r}: use 'v1' or 'v2'.")
    return lambda chunk: stream_part(graph, chunk)


def stream_part(graph: Any, chunk: Chunk) -> dict[str, Any]:
    """One ``version="v2"`` StreamPart: ``{"type", "ns", "data"}`` (+ ``"interrupts"`` for values).

    A values part carries the pending interrupts in their own field (not under
    ``__interrupt__``) and its data as the output schema's model; checkpoint and debug
    payloads carry their values as the state schema's model, except the input checkpoint.
    """
    ns, mode, payload = chunk
    if mode == "values":
        interrupts: Any = ()
        if isinstance(payload, dict):
            if INTERRUPT in payload:
                payload = dict(payload)
                interrupts = payload.pop(INTERRUPT)
            payload = graph.coerce_output(payload)
        return {"type": mode, "ns": ns, "data": payload, "interrupts": interrupts}
    if mode in ("checkpoints", "debug"):
        _coerce_checkpoint_values(graph, payload)
    return {"type": mode, "ns": ns, "data": payload}


def _coerce_checkpoint_values(graph: Any, payload: Any) -> None:
    if not isinstance(payload, dict):
        return
    if payload.get("type") == "checkpoint" and isinstance(payload.get("payload"), dict):
        payload = payload["payload"]
    values = payload.get("values")
    if isinstance(values, dict) and START not in payload.get("next", ()):
        payload["values"] = graph.coerce_state(values)


def normalize_modes(
    stream_mode: str | Sequence[str] | None, default: str | Sequence[str]
) -> tuple[list[str], bool]:
    mode = default if stream_mode is None else stream_mode
    if isinstance(mode, str):
        return [mode], True
    # why: as in LangGraph, a mode nothing emits (a typo included) just yields no chunks; only a
    # list tags each chunk with its mode (a tuple of modes streams their bare payloads)
    return list(mode), not isinstance(mode, list)
