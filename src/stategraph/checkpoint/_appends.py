"""Storing a list that grew without encoding it again.

A message list grows by an item or two per step; encoding the whole list at every ``put``
costs O(history) per step.  The ``ListCache`` keeps, per (thread, ns, channel), the items
of the newest list stored or read and, per blob, the print (the items' encodings).  When a
new value starts with exactly those item *objects* (identity, not ``==``) and has more,
only the new items are encoded: the delta blob is those bytes, and a full snapshot, when one
is due, is the kept print plus them.  Same bytes, same choices as ``_delta.choose_blob``.

Identity is what makes this O(new items): it relies on items in state not being mutated in
place (see ``_list_cache``).  Two in-place patterns still take the full encoding: a value
that gained no items (add_messages replacing an id by the same, edited, object) and the very
list object put before (a reducer that extends its left list in place).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from .._identity import same_prefix
from ._delta import (
    MAX_CHAIN,
    SNAPSHOT_RATIO,
    StoredBlob,
    _array_header,
    _items_region,
    chain_root,
    encode_delta,
)
from ._list_cache import ChainState, ListCache, ListPrint
from .serde.base import SerializerProtocol

__all__ = ["Appended", "choose_appended", "prepare_appends"]

Typed = tuple[str, bytes]


class Appended(NamedTuple):
    """A list value that extends a kept list: where it extends and its new items' bytes."""

    origin: str  # origin checkpoint id of the kept list's blob (the delta base)
    state: ChainState  # that blob's chain state (a native print)
    suffix: Typed  # serde encoding of the new items, a "msgpack" list
    added: ListPrint  # the print of ``suffix``


def prepare_appends(
    serde: SerializerProtocol,
    cache: ListCache,
    scope: tuple[str, str],
    values: Mapping[str, Any],
    channels: Iterable[str],
) -> dict[str, Appended]:
    """Return the channels among ``channels`` whose list value extends its kept list."""
    thread_id, checkpoint_ns = scope
    found = {}
    for channel in channels:
        value = values.get(channel)
        if type(value) is not list:
            continue
        kept = cache.items((thread_id, checkpoint_ns, channel))
        if kept is None or kept.source is value or len(value) <= len(kept.items):
            continue  # (the very list put before: changed in place, items maybe too)
        origin, items = kept.origin, kept.items
        state = cache.get((thread_id, checkpoint_ns, channel, origin))
        if state is None or not state.native or state.print.count != len(items):
            continue
        if not same_prefix(value, items):
            continue
        appended = _encode_suffix(serde, value[len(items) :])
        if appended is not None:
            found[channel] = Appended(origin, state, *appended)
    return found


def _encode_suffix(serde: SerializerProtocol, items: list[Any]) -> tuple[Typed, ListPrint] | None:
    try:
        suffix = serde.dumps_typed(items)
    except TypeError:  # the coded encode failure (or a custom serde's TypeError)
        return None  # why: the full encoding then raises the error with the right path
    if suffix[0] != "msgpack":
        return None
    added = _items_region(bytes(suffix[1]))
    if added is None or added.count != len(items):
        return None
    return suffix, added


def choose_appended(appended: Appended) -> tuple[StoredBlob, ChainState]:
    """Pick a delta or full blob for an appended list (as ``choose_blob`` would)."""
    origin, state, suffix, added = appended
    new = state.print.extended(added.count, added.items)
    if state.depth < MAX_CHAIN:
        blob = encode_delta(origin, state.print.count, suffix)
        since = state.since + len(blob[1])
        if since <= SNAPSHOT_RATIO * state.snapshot:
            root = chain_root(origin, state)
            return StoredBlob(blob, origin, root), ChainState(
                new, state.depth + 1, since, state.snapshot, True, root
            )
    full = ("msgpack", _array_header(new.count) + new.items)
    compact = ListPrint(new.count, new.items)  # why: one piece again; drops the joined pieces
    return StoredBlob(full, None), ChainState(compact, 0, 0, len(full[1]), True)
