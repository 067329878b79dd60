"""Single writer per thread: ``put`` compares and sets the head of (thread, namespace).

The engine passes ``config["configurable"]["__pregel_expected_head"]``: the id of the
checkpoint it believes is the newest of (thread_id, checkpoint_ns), or ``""`` for "no
checkpoint yet".  A backend reads the actual head (the max id: ids sort by time) in the
same transaction or lock as its insert and calls ``check_head``; on a mismatch nothing is
stored.  An absent or None key skips the check (LangGraph's behaviour, for other callers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import CheckpointError, ConcurrentRunError, ErrorCode

__all__ = ["EXPECTED_HEAD_KEY", "check_head", "expected_head"]

EXPECTED_HEAD_KEY = "__pregel_expected_head"


def expected_head(config: Mapping[str, Any]) -> str | None:
    """Return the expected head from a put config; None means "do not check"."""
    value = (config.get("configurable") or {}).get(EXPECTED_HEAD_KEY)
    if value is None or isinstance(value, str):
        return value
    raise CheckpointError(
        f"configurable.{EXPECTED_HEAD_KEY} must be a checkpoint id string, '' (no checkpoint "
        f"yet) or None (no check), not a {type(value).__name__}.",
        code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
    )


def _describe(head: str | None) -> str:
    return "none (no checkpoint yet)" if not head else repr(head)


def check_head(
    thread_id: str, checkpoint_ns: str, checkpoint_id: str, expected: str, actual: str | None
) -> None:
    """Raise ``ConcurrentRunError`` unless ``checkpoint_id`` may become the new head."""
    if (actual or "") == expected and (actual is None or checkpoint_id > actual):
        return  # why: the per-step case; the messages below are built only on a refusal
    where = f"thread {thread_id!r} (namespace {checkpoint_ns!r})"
    context = {
        "thread_id": thread_id,
        "checkpoint_ns": checkpoint_ns,
        "checkpoint_id": checkpoint_id,
        "expected_head": expected,
        "actual_head": actual,
    }
    if (actual or "") != expected:
        raise ConcurrentRunError(
            f"Another run advanced {where} concurrently: this run expected its newest "
            f"checkpoint to be {_describe(expected)}, but it is {_describe(actual)}. Checkpoint "
            f"{checkpoint_id!r} was not saved. Run one writer per thread: wait for the other "
            "run, reload the thread's state and retry (or use another thread_id).",
            **context,
        )
    if actual is not None and checkpoint_id <= actual:
        raise ConcurrentRunError(
            f"Checkpoint {checkpoint_id!r} is not newer than the head {actual!r} of {where}: "
            "a new checkpoint must sort after the head it extends, so another run (or a "
            "process whose clock is behind) wrote the thread concurrently. Nothing was saved. "
            "Reload the thread's state and retry, and keep the clocks of processes that "
            "share the storage in sync.",
            **context,
        )
