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
within ``SNAPSHOT_RATIO`` times the snapshot's own bytes and the chain stays within
``MAX_CHAIN`` deltas; otherwise a full snapshot is stored.  Snapshots so grow
geometrically (x9 each) and add ~1/8 of the final value on average, while a read
fetches about the value's own bytes.  Every delta also records its chain's snapshot
(``root``) and is newer than its base, so the SQL savers fetch a whole chain with one
range read of the primary key (``_sql/chains.py``) however long it is.

"Extends" is decided on encodings, not ``==``: the base list's items must encode to a
byte prefix of the new list's items (msgpack items are self-delimiting, so this means
the first items decode identically).  ``==`` would take ``True`` for ``1`` or an aware
datetime for the same instant in another zone, and reading back would silently return
the old item.  The per-saver ``ListCache`` (``_list_cache``) keeps those encodings so
the common put compares bytes and decodes nothing, and a read of a cached list decodes
them in one go instead of walking its chain.
"""

# why: over 400 lines: list deltas are written and read back here; the two halves must agree
# and are checked against each other, so they stay in one module.

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ._list_cache import ChainState, ListCache, ListPrint
from .serde.base import SerializerProtocol
from .serde.jsonplus import JsonPlusSerializer

__all__ = [
    "DELTA_TYPE",
    "MAX_CHAIN",
    "SNAPSHOT_RATIO",
    "BlobSource",
    "Delta",
    "StoredBlob",
    "bases_to_fetch",
    "chain_root",
    "chain_state",
    "choose_blob",
    "decode_delta",
    "delta_base",
    "encode_delta",
    "list_print",
    "load_value",
    "plan_list_blobs",
]

Typed = tuple[str, bytes]
Lookup = Callable[[str], "Typed | None"]  # origin checkpoint id -> stored blob

DELTA_TYPE = "delta"
# why: a snapshot costs its whole list again; the deltas after it are read anyway.  With 1
# (snapshot once the deltas outweigh it) a 1000-turn thread stored 2-3x its final list in
# snapshots; with 8 it stores ~1/8, and a cold read fetches one range of rows.
SNAPSHOT_RATIO = 8
# why: bounds the rows of one chain, a cold read's per-row cost (a ~2 us row and a small
# decode each: ~10 ms at the cap).  A cap that binds before the byte rule makes storage
# grow as steps^2 / cap, so it sits well above the chains the byte rule allows for
# lists of non-trivial items (a 1000-turn thread peaks at ~1800).
MAX_CHAIN = 4096

# Prints need a deterministic msgpack encoding; a serde whose tag is not "msgpack"
# (e.g. encrypted) is printed with the default encoder instead.
_PRINTER = JsonPlusSerializer()


class Delta(NamedTuple):
    base: str  # origin checkpoint id of the base blob (same thread, ns, channel)
    base_length: int
    items: Typed


class StoredBlob(NamedTuple):
    typed: Typed
    base: str | None  # the delta's base origin; None for a full value
    root: str | None = None  # the delta's snapshot origin (None: a full value, or unknown)


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


def _array_header(count: int) -> bytes:
    if count <= 0x0F:
        return bytes([0x90 | count])
    if count <= 0xFFFF:
        return b"\xdc" + count.to_bytes(2, "big")
    return b"\xdd" + count.to_bytes(4, "big")


def _piece_print(serde: SerializerProtocol, typed: Typed) -> ListPrint:
    if typed[0] == "msgpack":
        found = _items_region(bytes(typed[1]))
    else:
        value = serde.loads_typed(typed)
        found = list_print(value) if type(value) is list else None
    if found is None:
        raise ValueError("a delta chain piece is not a list")
    return found


# --- reading ---------------------------------------------------------------------------


class BlobSource(NamedTuple):
    """Where ``load_value`` finds blobs; every key is ``(channel, origin)``."""

    lookup: Callable[[str, str], Typed | None]
    # States of list blobs taken from a ListCache before reading (only ``native`` ones):
    # their prints decode straight to the value, with no chain to walk.
    cached: Mapping[tuple[str, str], ChainState] = {}
    # Called with the state of every list read from native blobs, to warm a ListCache.
    remember: Callable[[str, str, ChainState], None] | None = None
    # The kept items of a list (``ListCache.items_at``): read back as a new list, no decoding.
    items: Callable[[str, str], tuple[Any, ...] | None] | None = None
    # Called with the items of every list decoded (and ``remember``ed), to keep them.
    remember_items: Callable[[str, str, tuple[Any, ...]], None] | None = None


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


def load_value(serde: SerializerProtocol, channel: str, origin: str, source: BlobSource) -> Any:
    """Decode a channel's blob, rebuilding it from its chain if it is a delta."""
    kept = source.items(channel, origin) if source.items is not None else None
    if kept is not None:
        return list(kept)  # why: a new list each read; the items are shared (never mutated)
    value = _decode_value(serde, channel, origin, source)
    if source.remember_items is not None and type(value) is list:
        source.remember_items(channel, origin, tuple(value))
    return value


def _decode_value(serde: SerializerProtocol, channel: str, origin: str, source: BlobSource) -> Any:
    state = source.cached.get((channel, origin))
    if state is not None:
        header = _array_header(state.print.count)
        return serde.loads_typed(("msgpack", header + state.print.items))
    typed = source.lookup(channel, origin)
    if typed is None:
        raise ValueError(f"the value blob of channel {channel!r} is missing")
    if typed[0] != DELTA_TYPE:
        value = serde.loads_typed(typed)
        if source.remember is not None and typed[0] == "msgpack" and type(value) is list:
            source.remember(channel, origin, _state_of(serde, [(typed, None)]))
        return value
    pieces = _walk(origin, lambda o: source.lookup(channel, o))
    value = serde.loads_typed(pieces[0][0])
    if type(value) is not list:
        raise ValueError("the snapshot of a delta chain is not a list")
    for _, delta in pieces[1:]:
        assert delta is not None
        if len(value) != delta.base_length:
            raise ValueError(
                f"a delta expects a base of {delta.base_length} items, got {len(value)}"
            )
        items = serde.loads_typed(delta.items)
        if type(items) is not list:
            raise ValueError("the items of a delta are not a list")
        value.extend(items)
    if source.remember is not None and _is_native(pieces):
        source.remember(channel, origin, _state_of(serde, pieces))
    return value


def _is_native(pieces: list[tuple[Typed, Delta | None]]) -> bool:
    """Whether every piece's items are the serde's own msgpack bytes."""
    return pieces[0][0][0] == "msgpack" and all(
        delta.items[0] == "msgpack" for _, delta in pieces[1:] if delta is not None
    )


def chain_state(serde: SerializerProtocol, origin: str, lookup: Lookup) -> ChainState:
    """Compute the state of a stored list blob from its chain (no cache)."""
    return _state_of(serde, _walk(origin, lookup))


def _state_of(serde: SerializerProtocol, pieces: list[tuple[Typed, Delta | None]]) -> ChainState:
    snapshot = pieces[0][0]
    root = pieces[1][1].base if len(pieces) > 1 and pieces[1][1] is not None else None
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
    return ChainState(
        ListPrint(count, b"".join(parts)),
        len(pieces) - 1,
        since,
        len(snapshot[1]),
        _is_native(pieces),
        root,
    )


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
    native = encoded[0] == "msgpack"
    full = (
        StoredBlob(encoded, None),
        (None if new is None else ChainState(new, 0, 0, len(encoded[1]), native)),
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
    if since > SNAPSHOT_RATIO * state.snapshot:
        return full
    root = chain_root(origin, state)
    return StoredBlob(blob, origin, root), ChainState(
        new, state.depth + 1, since, state.snapshot, native, root
    )


def chain_root(origin: str, state: ChainState) -> str | None:
    """Return the snapshot origin of a delta on the blob ``origin`` (in ``state``)."""
    return origin if state.depth == 0 else state.root


def plan_list_blobs(
    serde: SerializerProtocol,
    cache: ListCache,
    scope: tuple[str, str, str],
    stores: Mapping[str, tuple[Any, Typed | None, str | None]],
    lookup: Callable[[str, str], Typed | None],
    appended: Mapping[str, Any] = {},
) -> dict[str, StoredBlob]:
    """Choose every blob of one ``put`` and record the new chain states in ``cache``.

    ``scope`` is (thread, ns, new checkpoint id); ``stores`` maps channel to (value,
    full blob or None if not encoded yet, parent's blob origin or None); ``lookup(channel,
    origin)`` reads stored blobs (used only when the cache misses); ``appended`` holds the
    ``_appends.Appended`` of lists that extend their kept list (used if it is the parent's).
    """
    choose_appended, encode_value = _appends.choose_appended, _records.encode_value
    thread_id, checkpoint_ns, checkpoint_id = scope
    chosen = {}
    for channel, (value, encoded, parent_origin) in stores.items():
        new_key = (thread_id, checkpoint_ns, channel, checkpoint_id)
        hint = appended.get(channel)
        if parent_origin is not None and not parent_origin < checkpoint_id:
            # why: a chain's blobs must sort from its snapshot up (the range read of
            # _sql/chains.py); an id older than its parent's (a clock step back) starts afresh.
            parent_origin = None
        if hint is not None and hint.origin == parent_origin:
            chosen[channel], state = choose_appended(hint)
            cache.put(new_key, state)
            cache.put_items(new_key, tuple(value), value)
            continue
        if encoded is None:
            encoded = encode_value(serde, channel, value)
        base = None
        if type(value) is list and parent_origin is not None:
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
            cache.put(new_key, new_state)
            cache.put_items(new_key, tuple(value), value)
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


# why: both modules import this one; bound here (each put used to import them inside
# plan_list_blobs, ~1 us per import statement), and read at call time
from . import _appends, _records  # noqa: E402
