"""The in-memory saver's checkpoint skeleton: kept as data when the caller froze it.

A checkpoint without its channel values (its *skeleton*: ids, versions, versions seen) is
serialized by every saver, except that ``InMemorySaver`` keeps the engine's skeleton as the
very objects it was given when the put config carries ``FROZEN_KEY``: the engine promises
never to change any part of that skeleton afterwards (its versions_seen inner dicts are
copy-on-write, ``pregel/_algo.py``).  Reads hand out deep copies (``thaw``), so neither side
sees the other's mutations.  Callers without the promise get the serialized form.

Delta skeletons.  ``channel_versions`` and ``versions_seen`` grow with the graph (a key per
channel and per node ever run) while a step changes a few entries, so keeping both whole
at every step kept O(graph) memory per step.  When the put config also carries
``DELTA_KEY`` = ``(base_id, seen)`` the engine states that this checkpoint's versions are
those of the stored checkpoint ``base_id`` updated with the put's ``new_versions``, and its
versions seen those of ``base_id`` updated with ``seen``; keys new since the base come
last in both deltas, in the order the checkpoint has them.  The saver then keeps the two
deltas and a reference to the base skeleton (``DELTA_SLOT``); ``thaw`` replays the chain,
which ``MAX_DEPTH`` bounds (a whole skeleton is kept at least every ``MAX_DEPTH`` puts).
With ``LIVE_KEY`` the checkpoint's ``channel_versions`` and ``versions_seen`` are the
engine's own dicts, which change after the put: a whole skeleton then keeps copies of
them (their inner dicts stay shared: those are copy-on-write).  The put's metadata is
then plain JSON data (its own round trip) that the engine never changes: kept as is.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = [
    "DELTA_KEY",
    "DELTA_SLOT",
    "FROZEN_KEY",
    "LIVE_KEY",
    "MAX_DEPTH",
    "PLAIN_TYPE",
    "freeze",
    "is_frozen",
    "kept_skeleton",
    "thaw",
]

# configurable key: "this checkpoint's skeleton is never mutated after put" (engine only)
FROZEN_KEY = "__pregel_frozen_skeleton"
# configurable key: (base checkpoint id, {node: versions seen} changed since that base)
DELTA_KEY = "__pregel_skeleton_base"
# configurable key: "versions and versions seen are my live dicts: copy what you keep"
LIVE_KEY = "__pregel_live_skeleton"
PLAIN_TYPE = "plain-skeleton"  # StoredCheckpoint.type of a skeleton kept as data
# key of a delta skeleton: (base skeleton, number of deltas from the last whole skeleton)
DELTA_SLOT = "__delta"
MAX_DEPTH = 8  # deltas between two whole skeletons (bounds the replay of a read)


def is_frozen(config: Mapping[str, Any]) -> bool:
    """Whether the put ``config`` promises an immutable skeleton."""
    return (config.get("configurable") or {}).get(FROZEN_KEY) is True


def freeze(
    checkpoint: Mapping[str, Any],
    base: Mapping[str, Any] | None = None,
    new_versions: Mapping[str, Any] | None = None,
    seen: Mapping[str, Any] | None = None,
    *,
    live: bool = False,
) -> dict[str, Any]:
    """The skeleton of a frozen checkpoint: its own objects, without channel values.

    With ``base`` (the kept skeleton of the checkpoint ``DELTA_KEY`` names), the put's
    ``new_versions`` and the ``seen`` of ``DELTA_KEY``, it keeps only those changes.
    ``live``: the versions dicts are the caller's live ones (``LIVE_KEY``).
    """
    skeleton = dict(checkpoint)
    skeleton.pop("channel_values", None)
    if base is not None and new_versions is not None and seen is not None:
        slot = base.get(DELTA_SLOT)
        depth = 1 if slot is None else slot[1] + 1
        if depth <= MAX_DEPTH:
            skeleton["channel_versions"] = new_versions
            skeleton["versions_seen"] = seen
            skeleton[DELTA_SLOT] = (base, depth)
            return skeleton
    if live:
        skeleton["channel_versions"] = dict(skeleton["channel_versions"])
        skeleton["versions_seen"] = dict(skeleton["versions_seen"])
    return skeleton


def kept_skeleton(
    rows: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    checkpoint: Mapping[str, Any],
    new_versions: Mapping[str, Any],
) -> dict[str, Any]:
    """The skeleton to keep of a frozen put: a delta when ``DELTA_KEY`` names a kept base.

    ``rows`` are the saver's stored rows of the scope (``records.StoredCheckpoint``).
    """
    configurable = config["configurable"]
    live = configurable.get(LIVE_KEY) is True
    ref = configurable.get(DELTA_KEY)
    row = rows.get(ref[0]) if ref is not None and rows is not None else None
    if row is None or row.type != PLAIN_TYPE:
        return freeze(checkpoint, live=live)
    base = row.checkpoint
    return freeze(checkpoint, base, new_versions, ref[1], live=live)  # type: ignore[arg-type]


def _replay(skeleton: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The whole channel_versions and versions_seen (inner dicts shared) of a skeleton."""
    chain = []
    while (slot := skeleton.get(DELTA_SLOT)) is not None:
        chain.append(skeleton)
        skeleton = slot[0]
    versions, seen = dict(skeleton["channel_versions"]), dict(skeleton["versions_seen"])
    for delta in reversed(chain):
        versions.update(delta["channel_versions"])
        seen.update(delta["versions_seen"])
    return versions, seen


def thaw(skeleton: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a kept skeleton, as its serialized round trip would return it."""
    versions: dict[str, Any] | None = None
    seen: Mapping[str, Any] | None = None
    if DELTA_SLOT in skeleton:
        versions, seen = _replay(skeleton)  # new outer dicts: copied once, here
    out: dict[str, Any] = {}
    for key, value in skeleton.items():
        if key == "channel_versions":
            out[key] = dict(value) if versions is None else versions
        elif key == "versions_seen":
            out[key] = {node: dict(s) for node, s in (value if seen is None else seen).items()}
        elif key == DELTA_SLOT:
            continue
        elif key == "updated_channels" and type(value) is list:
            out[key] = list(value)
        elif type(value) in (str, int, float, bool) or value is None:
            out[key] = value
        else:
            out[key] = copy.deepcopy(value)
    return out
