"""How ``InMemorySaver`` plans and encodes the value blobs of a put and of pending writes.

The per-step path of the in-memory saver: which channels get a new blob (``plan_plain``,
``records.plan_blobs`` on the flat in-memory refs) and the blobs themselves (``encode``).
"""

from __future__ import annotations

from typing import Any

from . import _records as records
from .base import ChannelVersions, Checkpoint
from .serde.base import SerializerProtocol
from .serde.jsonplus import JsonPlusSerializer

__all__ = ["encode", "plan_plain"]

Typed = tuple[str, bytes]


def plan_plain(
    serde: SerializerProtocol,
    checkpoint_id: str,
    checkpoint: Checkpoint,
    new_versions: ChannelVersions,
    parent: records.StoredCheckpoint | None,
) -> tuple[tuple[Any, ...], list[tuple[str, Typed]]]:
    """``records.plan_blobs`` on the flat in-memory refs, with the new blobs encoded.

    Returns the new checkpoint's flat refs and the ``(channel, blob)`` pairs to store.
    """
    # why: the per-step path of a saver without list values: no BlobRef objects, no
    # dict of refs for the new checkpoint, the parent's refs read straight off its tuple,
    # and only when some value did not change (a step usually changes every value it keeps)
    parent_refs: dict[str, tuple[Any, str]] | None = None
    refs: list[Any] = []
    chosen = []
    for channel, value in checkpoint["channel_values"].items():
        if channel in new_versions:
            version = new_versions[channel]
        else:
            version = checkpoint["channel_versions"].get(channel)
            if parent_refs is None:
                parent_refs = _flat_refs(parent)
            reused = parent_refs.get(channel)
            if reused is not None and reused[0] == version:
                refs += (channel, version, reused[1])
                continue
        refs += (channel, version, checkpoint_id)
        chosen.append((channel, encode(serde, channel, value)))
    return tuple(refs), chosen


def _flat_refs(parent: records.StoredCheckpoint | None) -> dict[str, tuple[Any, str]]:
    """``{channel: (version, origin)}`` off the parent's flat refs tuple (none: empty)."""
    if parent is None:
        return {}
    flat = iter(parent.blob_refs)
    return {c: (v, o) for c, v, o in zip(flat, flat, flat, strict=True)}


# why: a step's writes and values are mostly small ints and None, each encoded twice (as a
# task's write, then as the channel's value); with the default serializer such a blob
# depends on the value alone, so it is made once and shared (a tuple of str and bytes).
_SCALAR_BLOBS: dict[int | None, Typed] = {}
_SCALAR_LIMIT = 4096


def encode(serde: SerializerProtocol, channel: str, value: Any) -> Typed:
    if (value is None or type(value) is int) and type(serde) is JsonPlusSerializer:
        blob = _SCALAR_BLOBS.get(value)
        if blob is None:
            blob = _encode_any(serde, channel, value)
            if len(_SCALAR_BLOBS) >= _SCALAR_LIMIT:
                _SCALAR_BLOBS.clear()
            _SCALAR_BLOBS[value] = blob
        return blob
    return _encode_any(serde, channel, value)


def _encode_any(serde: SerializerProtocol, channel: str, value: Any) -> Typed:
    # why: one call fewer per value on the per-step path; a failure is encoded again by
    # records.encode_value, which raises the error with the path from the state root
    try:
        return serde.dumps_typed(value)
    except TypeError:  # the coded encode failure (or a custom serde's TypeError)
        return records.encode_value(serde, channel, value)
