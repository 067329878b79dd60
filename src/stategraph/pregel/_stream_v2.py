"""``stream(..., version="v2")``: every chunk as a ``StreamPart`` dict (``type``, ``ns``, ``data``).

``values`` parts also carry ``interrupts`` (taken out of the ``__interrupt__`` key the v1 form
puts in the state dict) and, for the root graph, ``data`` is coerced to the output schema's
model when it has one, as ``invoke(version="v2")`` does.  The state values inside
``checkpoints``/``debug`` payloads stay plain dicts.
"""

from __future__ import annotations

from typing import Any

from ..constants import INTERRUPT

__all__ = ["to_stream_part"]


def to_stream_part(chunk: tuple[tuple[str, ...], str, Any], graph: Any) -> dict[str, Any]:
    """Return the v2 form of one engine chunk ``(namespace, mode, payload)``."""
    ns, mode, payload = chunk
    if mode != "values":
        return {"type": mode, "ns": ns, "data": payload}
    interrupts: tuple[Any, ...] = ()
    if isinstance(payload, dict) and INTERRUPT in payload:
        payload = dict(payload)
        interrupts = tuple(payload.pop(INTERRUPT))
    if not ns:
        payload = graph.coerce_output(payload)
    return {"type": mode, "ns": ns, "data": payload, "interrupts": interrupts}
