"""The in-memory saver's checkpoint skeleton: kept as data when the caller froze it.

A checkpoint without its channel values (its *skeleton*: ids, versions, versions seen) is
serialized by every saver, except that ``InMemorySaver`` keeps the engine's skeleton as the
very objects it was given when the put config carries ``FROZEN_KEY``: the engine promises
never to change any part of that skeleton afterwards (its versions_seen inner dicts are
copy-on-write, ``pregel/_algo.py``).  Reads hand out deep copies (``thaw``), so neither side
sees the other's mutations.  Callers without the promise get the serialized form.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = ["FROZEN_KEY", "PLAIN_TYPE", "freeze", "is_frozen", "thaw"]

# configurable key: "this checkpoint's skeleton is never mutated after put" (engine only)
FROZEN_KEY = "__pregel_frozen_skeleton"
PLAIN_TYPE = "plain-skeleton"  # StoredCheckpoint.type of a skeleton kept as data


def is_frozen(config: Mapping[str, Any]) -> bool:
    """Whether the put ``config`` promises an immutable skeleton."""
    return (config.get("configurable") or {}).get(FROZEN_KEY) is True


def freeze(checkpoint: Mapping[str, Any]) -> dict[str, Any]:
    """The skeleton of a frozen checkpoint: its own objects, without channel values."""
    skeleton = dict(checkpoint)
    skeleton.pop("channel_values", None)
    return skeleton


def thaw(skeleton: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a kept skeleton, as its serialized round trip would return it."""
    out: dict[str, Any] = {}
    for key, value in skeleton.items():
        if key == "channel_versions":
            out[key] = dict(value)
        elif key == "versions_seen":
            out[key] = {node: dict(seen) for node, seen in value.items()}
        elif key == "updated_channels" and type(value) is list:
            out[key] = list(value)
        elif type(value) in (str, int, float, bool) or value is None:
            out[key] = value
        else:
            out[key] = copy.deepcopy(value)
    return out
