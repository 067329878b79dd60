"""Server-sent events framing for run streams (server_api.md 1.4)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["HEARTBEAT_SECONDS", "frame", "joined_events", "run_events"]

# A comment line after this many silent seconds keeps proxies from closing a long, quiet run.
HEARTBEAT_SECONDS = 15.0
_HEARTBEAT = b": heartbeat\n\n"


def frame(event: str, data: Any, event_id: int | str | None = None) -> bytes:
    """Encode one SSE event; ``data`` is JSON (``null`` for None); ``id:`` when given."""
    head = "" if event_id is None else f"id: {event_id}\n"
    return f"{head}event: {event}\ndata: {json.dumps(data)}\n\n".encode()


async def run_events(
    run_id: str, events: AsyncIterator[tuple[int, str, Any] | None]
) -> AsyncIterator[bytes]:
    """Frame a run: ``metadata`` first, then each event (``None``: a heartbeat), then ``end``."""
    yield frame("metadata", {"run_id": run_id, "attempt": 1})
    async for item in events:
        yield _HEARTBEAT if item is None else frame(item[1], item[2])
    yield frame("end", None)


async def joined_events(
    run_id: str, events: AsyncIterator[tuple[int, str, Any] | None]
) -> AsyncIterator[bytes]:
    """Frame a joined run: like :func:`run_events`, each chunk with its ``id:`` for resuming."""
    yield frame("metadata", {"run_id": run_id, "attempt": 1})
    async for item in events:
        yield _HEARTBEAT if item is None else frame(item[1], item[2], item[0])
    yield frame("end", None)
