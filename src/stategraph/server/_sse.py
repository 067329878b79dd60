"""Server-sent events framing for run streams (server_api.md 1.4)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["frame", "run_events"]


def frame(event: str, data: Any) -> bytes:
    """Encode one SSE event; ``data`` is JSON (``null`` for None)."""
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


async def run_events(run_id: str, events: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[bytes]:
    """Frame a run: ``metadata`` first, then each ``(event, data)``, then ``end``."""
    yield frame("metadata", {"run_id": run_id, "attempt": 1})
    async for event, data in events:
        yield frame(event, data)
    yield frame("end", None)
