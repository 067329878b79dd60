"""Time-ordered checkpoint ids (UUID version 6).

A uuid6 puts the 60-bit timestamp first, so comparing two id strings compares
their creation times.  Within one process the timestamp is forced to grow by
at least one tick per call, so ids made in the same clock tick (or after the
wall clock stepped back) still sort in creation order.

The random bits (the 48-bit node, and the clock sequence when no step is given) come
from a PRNG seeded once from ``os.urandom`` and reseeded in a forked child, so parent
and child never draw the same bits after a fork.  ``new_checkpoint_id`` (the engine's
per-step id) draws its node once per process, as uuid1 does with a host's address: ids
of one process differ by timestamp, ids of two processes by node.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid

__all__ = ["new_checkpoint_id", "uuid6"]  # and new_checkpoint_id_at, for the engine

# 100-ns intervals between the Gregorian epoch (1582-10-15) and the Unix epoch.
_GREGORIAN_OFFSET = 0x01B21DD213814000
_TIMESTAMP_MASK = (1 << 60) - 1

_lock = threading.Lock()
# Invariant: every id handed out so far has a timestamp <= _last_timestamp.
_last_timestamp = 0
# why: os.urandom is a syscall per call (~10 us in some VMs, twice per id); ids need
# uniqueness, not secrecy, so a PRNG seeded from the OS is enough.
_random = random.Random(os.urandom(32))


# This process's node for new_checkpoint_id, and the id text after the timestamp by clock
# sequence ("-8sss-nnnnnnnnnnnn": variant bits, sequence, node); at most 2**14 entries.
_node = _random.getrandbits(48)
_tails: dict[int, str] = {}


def _after_fork_in_child() -> None:
    global _lock, _node
    _lock = threading.Lock()  # another thread may have held it at the fork
    _random.seed(os.urandom(32))  # else parent and child would draw the same node bits
    _node = _random.getrandbits(48)
    _tails.clear()


if hasattr(os, "register_at_fork"):  # absent on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _next_timestamp() -> int:
    global _last_timestamp
    now = (time.time_ns() // 100 + _GREGORIAN_OFFSET) & _TIMESTAMP_MASK
    with _lock:
        last = _last_timestamp = now if now > _last_timestamp else _last_timestamp + 1
    return last


def _uuid6_int(clock_seq: int | None, node: int | None) -> int:
    timestamp = _next_timestamp()
    if clock_seq is None:
        clock_seq = _random.getrandbits(14)
    if node is None:
        node = _random.getrandbits(48)
    value = ((timestamp >> 12) << 80) | (0x6 << 76) | ((timestamp & 0x0FFF) << 64)
    return value | (0b10 << 62) | ((clock_seq & 0x3FFF) << 48) | (node & 0xFFFF_FFFF_FFFF)


def uuid6(node: int | None = None, clock_seq: int | None = None) -> uuid.UUID:
    """Return a version-6 UUID whose string form sorts by creation time.

    ``clock_seq`` (the engine passes the step number) fills the 14 clock-sequence
    bits and is masked to them, so -1 and -2 are accepted; ``node`` defaults to 48
    random bits.

    Examples:
        >>> from stategraph.checkpoint.base.id import uuid6
        >>> first, second = uuid6(), uuid6(clock_seq=1)
        >>> first.version, str(first) < str(second)
        (6, True)
        >>> str(second)
        '...-6...-8001-...'
    """
    return uuid.UUID(int=_uuid6_int(clock_seq, node))


def new_checkpoint_id(step: int | None = None) -> str:
    """Return a fresh checkpoint id string (``str(uuid6(clock_seq=step))``)."""
    return new_checkpoint_id_at(step)[0]


def new_checkpoint_id_at(step: int | None = None) -> tuple[str, int]:
    """``new_checkpoint_id(step)`` and its time in Unix microseconds (one clock reading)."""
    # why: the per-step path: the timestamp's 15 hex digits cut into the first three
    # groups (hex() is far cheaper than a padded format), the rest looked up by clock
    # sequence (the node is fixed per process)
    timestamp = _next_timestamp()
    clock_seq = _random.getrandbits(14) if step is None else step & 0x3FFF
    tail = _tails.get(clock_seq)
    if tail is None:
        tail = _tails[clock_seq] = f"-{0x8000 | clock_seq:04x}-{_node:012x}"
    digits = hex(timestamp)  # "0x" + 15 digits from 1810 (2**56) to 5236 (2**60)
    if len(digits) != 17:
        digits = f"0x{timestamp:015x}"
    checkpoint_id = f"{digits[2:10]}-{digits[10:14]}-6{digits[14:]}{tail}"
    return checkpoint_id, (timestamp - _GREGORIAN_OFFSET) // 10
