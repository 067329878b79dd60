"""Time-ordered checkpoint ids (UUID version 6).

A uuid6 puts the 60-bit timestamp first, so comparing two id strings compares
their creation times.  Within one process the timestamp is forced to grow by
at least one tick per call, so ids made in the same clock tick (or after the
wall clock stepped back) still sort in creation order.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

__all__ = ["new_checkpoint_id", "uuid6"]

# 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch.
_GREGORIAN_OFFSET = 0x01B21DD213814000
_TIMESTAMP_MASK = (1 << 60) - 1

_lock = threading.Lock()
# Invariant: every id handed out so far has a timestamp <= _last_timestamp.
_last_timestamp = 0


def _next_timestamp() -> int:
    global _last_timestamp
    with _lock:
        now = (time.time_ns() // 100 + _GREGORIAN_OFFSET) & _TIMESTAMP_MASK
        _last_timestamp = max(now, _last_timestamp + 1)
        return _last_timestamp


def uuid6(node: int | None = None, clock_seq: int | None = None) -> uuid.UUID:
    """Return a version-6 UUID whose string form sorts by creation time.

    ``clock_seq`` (the engine passes the step number) fills the 14 clock-sequence
    bits and is masked to them, so -1 and -2 are accepted; ``node`` defaults to 48
    random bits.
    """
    timestamp = _next_timestamp()
    if clock_seq is None:
        clock_seq = int.from_bytes(os.urandom(2), "big")
    if node is None:
        node = int.from_bytes(os.urandom(6), "big")
    time_high_and_mid = timestamp >> 12
    time_low = timestamp & 0x0FFF
    value = (time_high_and_mid << 80) | (0x6 << 76) | (time_low << 64)
    value |= (0b10 << 62) | ((clock_seq & 0x3FFF) << 48) | (node & 0xFFFF_FFFF_FFFF)
    return uuid.UUID(int=value)


def new_checkpoint_id(step: int | None = None) -> str:
    """Return a fresh checkpoint id string (``str(uuid6(clock_seq=step))``)."""
    return str(uuid6(clock_seq=step))
