"""The per-saver cache of stored list blobs that makes delta ``put``s decode nothing.

Keyed by (thread, ns, channel, origin), a ``ChainState`` says what ``_delta`` needs to
extend a stored list: its items' encodings (the print), and where its delta chain stands
against the snapshot bounds.  Those entries are immutable bytes and counts.

Beside them, per (thread, ns, channel), the cache keeps the *items* of the newest list
stored or read (a tuple, with its origin), so that reading it back decodes nothing and the
next ``put`` encodes only the appended items (``_appends``).  The items are the very
objects the engine holds: like any reducer value, an item in state must never be mutated
in place (a node returns a new message instead of editing one); a mutated item would be
seen by later reads in this process but not stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["ChainState", "Kept", "ListCache", "ListPrint", "cached_states", "kept_items"]

Key = tuple[str, str, str, str]  # (thread_id, checkpoint_ns, channel, origin)
Slot = tuple[str, str, str]  # (thread_id, checkpoint_ns, channel)


class Kept(NamedTuple):
    """The items of the newest list of a slot."""

    origin: str
    items: tuple[object, ...]
    source: list[object] | None  # the list put (None if read): reused means edited in place


class ListPrint:
    """A list's item count and the concatenated msgpack encodings of its items.

    The bytes are held as pieces and joined on first use: ``extended`` (every ``put`` of a
    growing list) then costs O(new items), not a copy of the whole list's bytes.
    """

    __slots__ = ("count", "size", "_pieces", "_used", "_joined")

    def __init__(self, count: int, items: bytes) -> None:
        self.count = count
        self.size = len(items)  # == len(self.items)
        # Invariant: the first ``_used`` pieces make this print; a longer ``_pieces`` list is
        # shared with the print that appended after them (pieces are never changed).
        self._pieces = [items]
        self._used = 1
        self._joined: bytes | None = items

    @property
    def items(self) -> bytes:
        joined = self._joined
        if joined is None:  # (two threads may both join: same bytes, no harm)
            joined = self._joined = b"".join(self._pieces[: self._used])
        return joined

    def extended(self, count: int, items: bytes) -> ListPrint:
        """Return the print of this list plus ``count`` items encoded as ``items``."""
        new = ListPrint.__new__(ListPrint)
        with _EXTEND_LOCK:
            pieces = self._pieces
            if len(pieces) != self._used:  # another print already grew from this one
                pieces = pieces[: self._used]
            pieces.append(items)
        new.count, new.size = self.count + count, self.size + len(items)
        new._pieces, new._used, new._joined = pieces, self._used + 1, None
        return new

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ListPrint):
            return NotImplemented
        return self.count == other.count and self.items == other.items

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ListPrint(count={self.count}, size={self.size})"


_EXTEND_LOCK = threading.Lock()


class ChainState(NamedTuple):
    """What deciding the next blob needs to know about a stored list blob."""

    print: ListPrint
    depth: int  # deltas between the snapshot and this blob
    since: int  # bytes of those deltas
    snapshot: int  # bytes of the snapshot
    native: bool  # print made of the serde's own "msgpack" bytes, so it can be decoded
    root: str | None = None  # origin of the chain's snapshot when depth > 0 (None: unknown)


class ListCache:
    """Per-saver LRU of ``ChainState`` by (thread, ns, channel, origin); thread-safe.

    Entries are immutable bytes and counts, never engine values.  Invariant: an entry
    describes the blob stored under its key by this process (or read from storage).
    """

    def __init__(self, *, max_entries: int = 64, max_bytes: int = 32 << 20) -> None:
        self._entries: OrderedDict[Key, ChainState] = OrderedDict()
        # slot -> (origin, items, the list object they were taken from when it was put)
        self._items: OrderedDict[Slot, Kept] = OrderedDict()
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
                self._bytes -= old.print.size
            self._entries[key] = state
            self._bytes += state.print.size
            while self._entries and (
                len(self._entries) > self._max_entries or self._bytes > self._max_bytes
            ):
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.print.size

    def items(self, slot: Slot) -> Kept | None:
        """Return the newest list kept for ``slot``, or None."""
        with self._lock:
            found = self._items.get(slot)
            if found is not None:
                self._items.move_to_end(slot)
            return found

    def items_at(self, key: Key) -> tuple[object, ...] | None:
        """Return the kept items of the list stored under ``key``, or None."""
        found = self.items(key[:3])  # type: ignore[arg-type]
        return found.items if found is not None and found.origin == key[3] else None

    def put_items(
        self, key: Key, items: tuple[object, ...], source: list[object] | None = None
    ) -> None:
        """Keep ``items`` as the newest list of ``key``'s slot (replacing older ones)."""
        with self._lock:
            slot = key[:3]
            self._items.pop(slot, None)  # type: ignore[call-overload]
            self._items[slot] = Kept(key[3], items, source)  # type: ignore[index]
            while len(self._items) > self._max_entries:
                self._items.popitem(last=False)

    def drop_threads(self, thread_ids: Sequence[str]) -> None:
        """Forget every entry of ``thread_ids``."""
        doomed = set(thread_ids)
        with self._lock:
            for key in [k for k in self._entries if k[0] in doomed]:
                self._bytes -= self._entries.pop(key).print.size
            for slot in [k for k in self._items if k[0] in doomed]:
                del self._items[slot]

    def clear(self) -> None:
        """Forget everything (as a fresh process would)."""
        with self._lock:
            self._entries.clear()
            self._items.clear()
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


def kept_items(
    cache: ListCache, thread_id: str, checkpoint_ns: str, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[object, ...]]:
    """Return the kept list items of ``(channel, origin)`` pairs, to read from."""
    found = {}
    for channel, origin in pairs:
        items = cache.items_at((thread_id, checkpoint_ns, channel, origin))
        if items is not None:
            found[(channel, origin)] = items
    return found
