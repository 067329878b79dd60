"""The per-saver cache of stored list blobs that makes delta ``put``s decode nothing.

Keyed by (thread, ns, channel, origin), a ``ChainState`` says what ``_delta`` needs to
extend a stored list: its items' encodings (the print), and where its delta chain stands
against the snapshot bounds.  Entries are immutable bytes and counts, never engine
values, so nothing a node mutates later can change them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["ChainState", "ListCache", "ListPrint", "cached_states"]

Key = tuple[str, str, str, str]  # (thread_id, checkpoint_ns, channel, origin)


class ListPrint(NamedTuple):
    """A list's item count and the concatenated msgpack encodings of its items."""

    count: int
    items: bytes


class ChainState(NamedTuple):
    """What deciding the next blob needs to know about a stored list blob."""

    print: ListPrint
    depth: int  # deltas between the snapshot and this blob
    since: int  # bytes of those deltas
    snapshot: int  # bytes of the snapshot
    native: bool  # print made of the serde's own "msgpack" bytes, so it can be decoded


class ListCache:
    """Per-saver LRU of ``ChainState`` by (thread, ns, channel, origin); thread-safe.

    Entries are immutable bytes and counts, never engine values.  Invariant: an entry
    describes the blob stored under its key by this process (or read from storage).
    """

    def __init__(self, *, max_entries: int = 64, max_bytes: int = 32 << 20) -> None:
        self._entries: OrderedDict[Key, ChainState] = OrderedDict()
        self._bytes = 0
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()

    def get(self, key: Key) -> ChainState | None:
        """Return the cached state for ``key`` (marking it recently used), or None."""
        with self._lock:
            state = self._entries.get(key)
            if state is not None:
                self._entries.move_to_end(key)
            return state

    def put(self, key: Key, state: ChainState) -> None:
        """Cache ``state`` for ``key``, evicting the least recently used beyond the bounds."""
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.print.items)
            self._entries[key] = state
            self._bytes += len(state.print.items)
            while self._entries and (
                len(self._entries) > self._max_entries or self._bytes > self._max_bytes
            ):
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.print.items)

    def drop_threads(self, thread_ids: Sequence[str]) -> None:
        """Forget every entry of ``thread_ids``."""
        doomed = set(thread_ids)
        with self._lock:
            for key in [k for k in self._entries if k[0] in doomed]:
                self._bytes -= len(self._entries.pop(key).print.items)

    def clear(self) -> None:
        """Forget everything (as a fresh process would)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def cached_states(
    cache: ListCache, thread_id: str, checkpoint_ns: str, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ChainState]:
    """Return the decodable cached states of ``(channel, origin)`` pairs, to read from."""
    found = {}
    for channel, origin in pairs:
        state = cache.get((thread_id, checkpoint_ns, channel, origin))
        if state is not None and state.native:
            found[(channel, origin)] = state
    return found
