"""Delta blobs: an append-only list stored as its base blob plus the appended items.

A message list that grows by a few items per step would otherwise be stored whole at
every checkpoint, O(steps^2) bytes.  When a channel's new value is a ``list`` that
extends the list stored at the parent checkpoint's ref, ``put`` stores a delta blob::

    type   "delta"
    value  JSON [base origin, base length, items type tag] + b"\\n" + items bytes

where the items are ``serde.dumps_typed(value[base_length:])`` and the base is the
parent's blob of the same (thread, namespace, channel).  Reading walks the bases back
to a full snapshot and appends the suffixes; a fork deltas against its own parent's
ref, which is always right because refs name their origin checkpoint.

Bounds: a delta is written only while the delta bytes since the chain's snapshot stay
within the snapshot's own bytes and the chain stays within ``MAX_CHAIN`` deltas;
otherwise a full snapshot is stored.  Snapshots so grow geometrically and a chain is
read with at most ~2x the value's bytes.

"Extends" is decided on encodings, not ``==``: the base list's items must encode to a
byte prefix of the new list's items (msgpack items are self-delimiting, so this means
the first items decode identically).  ``==`` would take ``True`` for ``1`` or an aware
datetime for the same instant in another zone, and reading back would silently return
the old item.  The per-saver ``ListCache`` keeps those encodings (immutable bytes,
never engine objects) so the common put compares bytes and decodes nothing.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from .serde.base import SerializerProtocol
from .serde.jsonplus import JsonPlusSerializer

__all__ = [
    "DELTA_TYPE",
    "MAX_CHAIN",
    "ChainState",
    "Delta",
    "ListCache",
    "ListPrint",
    "StoredBlob",
    "chain_state",
    "choose_blob",
    "decode_delta",
    "delta_base",
    "encode_delta",
    "list_print",
    "load_value",
]

Typed = tuple[str, bytes]
Lookup = Callable[[str], "Typed | None"]  # origin checkpoint id -> stored blob

DELTA_TYPE = "delta"
# why: bounds the pieces a read decodes.  With a per-step delta of a few hundred bytes the
# byte rule alone would allow chains of hundreds of links; see docs in choose_blob.
MAX_CHAIN = 64

# Prints need a deterministic msgpack encoding; a serde whose tag is not "msgpack"
# (e.g. encrypted) is printed with the default encoder instead.
_PRINTER = JsonPlusSerializer()


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


class Delta(NamedTuple):
    base: str  # origin checkpoint id of the base blob (same thread, ns, channel)
    base_length: int
    items: Typed


class StoredBlob(NamedTuple):
    typed: Typed
    base: str | None  # the delta's base origin; None for a full value


# --- encoding ---------------------------------------------------------------------------


def encode_delta(base: str, base_length: int, items: Typed) -> Typed:
    """Pack a delta blob."""
    header = json.dumps([base, base_length, items[0]], separators=(",", ":"))
    return DELTA_TYPE, header.encode() + b"\n" + items[1]


def decode_delta(typed: Typed) -> Delta:
    """Unpack a delta blob; malformed bytes raise ``ValueError``."""
    header, newline, items = bytes(typed[1]).partition(b"\n")
    raw = json.loads(header) if newline else None
    if not (
        isinstance(raw, list)
        and len(raw) == 3
        and isinstance(raw[0], str)
        and type(raw[1]) is int
        and raw[1] >= 0
        and isinstance(raw[2], str)
    ):
        raise ValueError("malformed delta blob header")
    return Delta(raw[0], raw[1], (raw[2], items))


def delta_base(typed: Typed) -> str | None:
    """Return the base origin of a delta blob, None for a full value."""
    return decode_delta(typed).base if typed[0] == DELTA_TYPE else None


def _items_region(data: bytes) -> ListPrint | None:
    """Split a msgpack array into its count and its items' bytes."""
    if not data:
        return None
    first = data[0]
    if 0x90 <= first <= 0x9F:
        return ListPrint(first & 0x0F, data[1:])
    if first in (0xDC, 0xDD):
        width = 2 if first == 0xDC else 4
        if len(data) < 1 + width:
            return None
        return ListPrint(int.from_bytes(data[1 : 1 + width], "big"), data[1 + width :])
    return None


def list_print(value: Any, encoded: Typed | None = None) -> ListPrint | None:
    """Return the print of ``value`` if it is exactly a list (``encoded``: its blob), else None."""
    if type(value) is not list:
        return None
    if encoded is None or encoded[0] != "msgpack":
        try:
            encoded = _PRINTER.dumps_typed(value)
        except Exception:  # why: an unprintable list is simply stored in full
            return None
    found = _items_region(bytes(encoded[1]))
    return found if found is not None and found.count == len(value) else None


def _piece_print(serde: SerializerProtocol, typed: Typed) -> ListPrint:
    if typed[0] == "msgpack":
        found = _items_region(bytes(typed[1]))
    else:
        value = serde.loads_typed(typed)
        found = list_print(value) if type(value) is list else None
    if found is None:
        raise ValueError("a delta chain piece is not a list")
    return found


# --- reading ----------------------------------------------------------------------------


def _walk(origin: str, lookup: Lookup) -> list[tuple[Typed, Delta | None]]:
    """Return the blobs from the snapshot to ``origin``, oldest first."""
    pieces: list[tuple[Typed, Delta | None]] = []
    seen: set[str] = set()
    current = origin
    while True:
        if current in seen:
            raise ValueError(f"the delta chain of blob {origin!r} loops at {current!r}")
        seen.add(current)
        typed = lookup(current)
        if typed is None:
            raise ValueError(f"the base blob {current!r} of a delta chain is missing")
        delta = decode_delta(typed) if typed[0] == DELTA_TYPE else None
        pieces.append((typed, delta))
        if delta is None:
            pieces.reverse()
            return pieces
        current = delta.base


def load_value(serde: SerializerProtocol, origin: str, lookup: Lookup) -> Any:
    """Decode the blob stored at ``origin``, rebuilding it from its chain if it is a delta."""
    typed = lookup(origin)
    if typed is None or typed[0] != DELTA_TYPE:
        return serde.loads_typed(typed)  # type: ignore[arg-type]
    pieces = _walk(origin, lookup)
    value = serde.loads_typed(pieces[0][0])
    if type(value) is not list:
        raise ValueError("the snapshot of a delta chain is not a list")
    for _, delta in pieces[1:]:
        assert delta is not None
        if len(value) != delta.base_length:
            raise ValueError(f"a delta expects a base of {delta.base_length} items, got {len(value)}")
        items = serde.loads_typed(delta.items)
        if type(items) is not list:
            raise ValueError("the items of a delta are not a list")
        value.extend(items)
    return value


def chain_state(serde: SerializerProtocol, origin: str, lookup: Lookup) -> ChainState:
    """Compute the state of a stored list blob from its chain (no cache)."""
    pieces = _walk(origin, lookup)
    snapshot = pieces[0][0]
    first = _piece_print(serde, snapshot)
    parts, count, since = [first.items], first.count, 0
    for typed, delta in pieces[1:]:
        assert delta is not None
        if count != delta.base_length:
            raise ValueError("a delta does not match the length of its base")
        piece = _piece_print(serde, delta.items)
        parts.append(piece.items)
        count += piece.count
        since += len(typed[1])
    return ChainState(ListPrint(count, b"".join(parts)), len(pieces) - 1, since, len(snapshot[1]))


# --- writing ----------------------------------------------------------------------------


def choose_blob(
    serde: SerializerProtocol,
    value: Any,
    encoded: Typed,
    base: tuple[str, ChainState] | None,
) -> tuple[StoredBlob, ChainState | None]:
    """Pick a full or delta blob for a channel's new value.

    ``encoded`` is the full blob and ``base`` the parent's blob of the channel (origin and
    state).  Returns the blob and the state to cache for it (None if it is no list).
    """
    new = list_print(value, encoded)
    full = StoredBlob(encoded, None), (
        None if new is None else ChainState(new, 0, 0, len(encoded[1]))
    )
    if new is None or base is None:
        return full
    origin, state = base
    if (
        state.depth >= MAX_CHAIN
        or new.count < state.print.count
        or not new.items.startswith(state.print.items)
    ):
        return full
    blob = encode_delta(origin, state.print.count, serde.dumps_typed(value[state.print.count :]))
    since = state.since + len(blob[1])
    if since > state.snapshot:
        return full
    return StoredBlob(blob, origin), ChainState(new, state.depth + 1, since, state.snapshot)


def plan_list_blobs(
    serde: SerializerProtocol,
    cache: ListCache,
    scope: tuple[str, str, str],
    stores: Mapping[str, tuple[Any, Typed, str | None]],
    lookup: Callable[[str, str], Typed | None],
) -> dict[str, StoredBlob]:
    """Choose every blob of one ``put`` and record the new chain states in ``cache``.

    ``scope`` is (thread, ns, new checkpoint id); ``stores`` maps channel to (value,
    full blob, parent's blob origin or None); ``lookup(channel, origin)`` reads stored
    blobs (used only when the cache misses).
    """
    thread_id, checkpoint_ns, checkpoint_id = scope
    chosen = {}
    for channel, (value, encoded, parent_origin) in stores.items():
        base = None
        if type(value) is list and parent_origin is not None and parent_origin != checkpoint_id:
            key = (thread_id, checkpoint_ns, channel, parent_origin)
            state = cache.get(key)
            if state is None:
                state = _cold_state(serde, parent_origin, lambda o, c=channel: lookup(c, o))
                if state is not None:
                    cache.put(key, state)
            base = None if state is None else (parent_origin, state)
        chosen[channel], new_state = choose_blob(serde, value, encoded, base)
        if new_state is not None:
            # A failed commit leaves an entry for a key no checkpoint refers to: harmless.
            cache.put((thread_id, checkpoint_ns, channel, checkpoint_id), new_state)
    return chosen


def _cold_state(serde: SerializerProtocol, origin: str, lookup: Lookup) -> ChainState | None:
    try:
        return chain_state(serde, origin, lookup)
    except Exception:  # why: an unreadable base only means this value is stored in full
        return None


def bases_to_fetch(
    cache: ListCache,
    thread_id: str,
    checkpoint_ns: str,
    stores: Mapping[str, tuple[Any, Typed, str | None]],
) -> list[tuple[str, str]]:
    """Return the (channel, base origin) pairs a SQL put must fetch: list values, cache misses."""
    return [
        (channel, origin)
        for channel, (value, _, origin) in stores.items()
        if type(value) is list
        and origin is not None
        and cache.get((thread_id, checkpoint_ns, channel, origin)) is None
    ]


class ListCache:
    """Per-saver LRU of ``ChainState`` by (thread, ns, channel, origin); thread-safe.

    Entries are immutable bytes and counts, never engine values.  Invariant: an entry
    describes the blob stored under its key by this process (or read from storage).
    """

    def __init__(self, *, max_entries: int = 64, max_bytes: int = 32 << 20) -> None:
        self._entries: OrderedDict[tuple[str, str, str, str], ChainState] = OrderedDict()
        self._bytes = 0
        self._max_entries, self._max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str, str]) -> ChainState | None:
        """Return the cached state for ``key`` (marking it recently used), or None."""
        with self._lock:
            state = self._entries.get(key)
            if state is not None:
                self._entries.move_to_end(key)
            return state

    def put(self, key: tuple[str, str, str, str], state: ChainState) -> None:
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
