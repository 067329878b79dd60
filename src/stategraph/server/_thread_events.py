"""What the thread join stream (``GET /threads/{id}/stream``) sends, in both server modes.

Every event a thread's runs produce is recorded once per thread under an id ``<ms>-<n>``
(milliseconds, then a counter within the millisecond: ordered, unique per thread, and
still increasing after a restart).  Each event belongs to one or more thread stream modes:

- ``run_modes``: ``metadata`` ``{run_id, attempt}`` when a run starts executing, then every
  event the run streams in the modes it was started with (named as on its own stream,
  ``error`` included), then ``run_done``;
- ``lifecycle``: ``run_created`` (pending), ``run_started`` (running) and ``run_done``
  (final status), each ``{run_id, thread_id, status}``;
- ``state_update``: ``{run_id, values}``, the thread's values after each step of a run
  (``run_id`` null for a ``POST /threads/{id}/state`` update).
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

from ._http import ApiError
from ._sse import frame

__all__ = [
    "THREAD_STREAM_MODES",
    "EventId",
    "format_event_id",
    "lifecycle_event",
    "modes_of",
    "parse_last_event_id",
    "parse_thread_modes",
    "thread_frames",
]

THREAD_STREAM_MODES = ("run_modes", "lifecycle", "state_update")
EventId = tuple[int, int]  # (milliseconds, counter): compared as a tuple
_ID = re.compile(r"(\d+)-(\d+)")
_LIFECYCLE = {"run_created", "run_started"}
_HEARTBEAT = b": heartbeat\n\n"


def modes_of(event: str) -> frozenset[str]:
    """The thread stream modes an event is sent in."""
    if event in _LIFECYCLE:
        return frozenset({"lifecycle"})
    if event == "run_done":
        return frozenset({"lifecycle", "run_modes"})
    if event == "state_update":
        return frozenset({"state_update"})
    return frozenset({"run_modes"})


def lifecycle_event(run: dict[str, Any], status: str) -> dict[str, Any]:
    """The data of ``run_created``/``run_started``/``run_done`` for a run row."""
    return {"run_id": run["run_id"], "thread_id": run["thread_id"], "status": status}


def format_event_id(event_id: EventId) -> str:
    """The SSE ``id:`` of an event."""
    return f"{event_id[0]}-{event_id[1]}"


def parse_last_event_id(raw: str | None) -> EventId | None:
    """``Last-Event-ID``: None (follow from now), ``-`` (every kept event) or an event id."""
    if raw is None:
        return None
    if raw == "-":
        return (0, 0)
    match = _ID.fullmatch(raw)
    if match is None:
        raise ApiError(
            422,
            f"Header 'Last-Event-ID' must be an event id of this thread's stream (like "
            f"'1732462000000-0') or '-' for every kept event, got {raw!r}.",
        )
    return int(match[1]), int(match[2])


def parse_thread_modes(values: Iterable[str]) -> frozenset[str]:
    """The ``stream_mode`` query values (none: ``run_modes``); unknown ones answer 422."""
    modes = {mode for value in values for mode in value.split(",") if mode}
    unknown = sorted(modes - set(THREAD_STREAM_MODES))
    if unknown:
        raise ApiError(
            422,
            f"Query parameter 'stream_mode' has unknown thread stream mode(s) {unknown}; "
            f"use one or several of {list(THREAD_STREAM_MODES)}.",
        )
    return frozenset(modes or {"run_modes"})


async def thread_frames(
    events: AsyncIterator[tuple[str, str, Any] | None],
    modes: frozenset[str],
    heartbeat: float,
) -> AsyncIterator[bytes]:
    """Frame ``(id, event, data)`` items of the wanted modes; ``None`` is a heartbeat.

    A heartbeat also replaces a skipped event when nothing was sent for ``heartbeat`` seconds.
    """
    sent = time.monotonic()
    async for item in events:
        if item is not None and modes_of(item[1]) & modes:
            yield frame(item[1], item[2], item[0])
        elif item is None or time.monotonic() - sent >= heartbeat:
            yield _HEARTBEAT
        else:
            continue
        sent = time.monotonic()
