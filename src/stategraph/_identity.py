"""Whether a list starts with exactly the objects of a tuple: identity, not ``==``.

A long thread's step asks this about its message list a few times (``messages._index``,
``checkpoint._appends``): are these the very items recorded before?  ``all(map(is_, ...))``
calls ``is_`` once per item, ~15 ns each: ~30 us a question at 2,000 messages, the one
cost of a step that grew with the history.  On CPython a tuple holds its items as an
array of object pointers right after its header, so two tuples hold the same objects in
the same order exactly when those arrays are equal bytes; ``same_prefix`` snapshots the
list as a tuple (one C call under the GIL, so a list another thread resizes is never read
half-way) and compares the arrays, ~7x faster.  The layout is checked once at import on
a probe; where it does not hold (another interpreter), the ``is_`` scan is used.
"""

from __future__ import annotations

import ctypes
import operator
from collections.abc import Sequence

__all__ = ["same_prefix"]

_POINTER = ctypes.sizeof(ctypes.c_void_p)
_ITEMS_OFFSET = tuple.__basicsize__  # where a tuple's item pointers start (CPython)


def _layout_holds() -> bool:
    probe = (object(), object(), object())
    try:
        addresses = [
            ctypes.c_void_p.from_address(id(probe) + _ITEMS_OFFSET + i * _POINTER).value
            for i in range(len(probe))
        ]
    except (ValueError, OverflowError, TypeError):
        return False
    return addresses == [id(item) for item in probe]


_FAST = _layout_holds()


def _pointers(items: tuple[object, ...], count: int) -> bytes:
    return ctypes.string_at(id(items) + _ITEMS_OFFSET, count * _POINTER)


def same_prefix(value: Sequence[object], items: tuple[object, ...]) -> bool:
    """Whether ``value`` has at least ``len(items)`` items, the first ones ``items`` themselves."""
    count = len(items)
    if len(value) < count:
        return False
    if not _FAST or count < 16:
        return all(map(operator.is_, value, items))  # stops at the end of ``items``
    snapshot = value if type(value) is tuple else tuple(value)
    if len(snapshot) < count:  # (shrunk since it was measured)
        return False
    return _pointers(snapshot, count) == _pointers(items, count)  # type: ignore[arg-type]
