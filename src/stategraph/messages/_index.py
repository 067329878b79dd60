"""The id sets of the message lists ``add_messages`` returned, so an append costs O(new).

``add_messages(left, right)`` must know which ids ``left`` holds to tell an append from a
replacement.  Collecting them is O(len(left)) attribute reads and hashes per call, which
dominates a long thread's step.  The reducer's result is usually the next call's ``left``
(the channel keeps it, or a saver hands back a new list of the same items), so the
reducer records each result's items and id set here and takes them back next time.

Validity: an entry is used only for a list whose items are *the same objects*, in the
same order, as the result it was recorded for (one identity comparison, ``_identity``,
far cheaper than collecting the ids).  That catches a list edited in place (an item added,
dropped or swapped); it relies, as the savers' list cache does, on no message of the
state being edited in place (a node returns a new message instead).
"""

from __future__ import annotations

import threading
from typing import Any, NamedTuple

from .._identity import same_prefix

__all__ = ["forget_all", "keep_ids", "take_ids"]

_MAX_ENTRIES = 8  # why: a few live threads' lists; each entry only references their items


class _Entry(NamedTuple):
    items: tuple[Any, ...]
    ids: set[Any]  # Invariant: exactly {m.id for m in items}, each item of a final type
    langchain: bool  # the message model the reducer coerced to


_entries: list[_Entry] = []  # most recent last
_lock = threading.Lock()


def take_ids(left: list[Any], langchain: bool) -> set[Any] | None:
    """Return (and forget) the id set recorded for a list of exactly ``left``'s items.

    The caller owns the set: it may update it and ``keep_ids`` it for its own result.
    """
    size = len(left)
    with _lock:
        for position in range(len(_entries) - 1, -1, -1):
            entry = _entries[position]
            if (
                len(entry.items) == size
                and entry.langchain is langchain
                and same_prefix(left, entry.items)
            ):
                del _entries[position]
                return entry.ids
    return None


def keep_ids(result: list[Any], ids: set[Any], langchain: bool) -> None:
    """Record ``ids`` (the ids of ``result``'s items, all of final types) for ``result``."""
    entry = _Entry(tuple(result), ids, langchain)
    with _lock:
        _entries.append(entry)
        if len(_entries) > _MAX_ENTRIES:
            del _entries[0]


def forget_all() -> None:
    """Drop every entry (tests use it to start cold)."""
    with _lock:
        _entries.clear()
