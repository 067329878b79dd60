"""Server-sent events framing for run streams (server_api.md 1.4)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["frame", "joined_events", "run_events"]


def frame(event: str, data: Any, event_id: int | None = None) -> bytes:
    """Encode one SSE event; ``data`` is JSON (``null`` for None); ``id:`` when given."""
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}event: {event}\ndata: {json.dumps(data)}\n\n".encode()


async def run_events(run_id: str, events: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[bytes]:
    """Frame a run: ``metadata`` first, then each ``(event, data)``, then ``end``."""
    yield frame("metadata", {"run_id": run_id, "attempt": 1})
    async for event, data in events:
        yield frame(event, data)
    yield frame("end", None)


async def joined_events(
    run_id: str, events: AsyncIterator[tuple[int, str, Any]]
) -> AsyncIterator[bytes]:
    """Frame a joined run: like :func:`run_events`, each chunk with its ``id:`` for resuming."""
    yield frame("metadata", {"run_id": run_id, "attempt": 1})
    async for index, event, data in events:
        yield frame(event, data, index)
    yield frame("end", None)
