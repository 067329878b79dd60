"""A compact codec for the checkpoint skeleton (the checkpoint minus its channel values).

The SQL savers store the skeleton of every checkpoint; as a serialized dict it repeats its
keys, the row's id, a 32-character timestamp and each channel name up to three times
(~240 bytes a step).  ``encode_skeleton`` writes it positionally instead, as plain
msgpack (no extension types: decoding never builds an object of a named class)::

    [v, ts, channel_versions, versions_seen, updated_channels]

``ts``, an ISO UTC timestamp of ``datetime.isoformat`` form, is stored as microseconds
relative to the time in the row's uuid6 id (absolute if the id is no uuid6), and any
other text as is.  The id is not stored: it is the row's.  Checkpoints this cannot
represent exactly (other keys, anything but plain data inside) return None and the
caller uses the serde.
Stored rows carry ``SKELETON_TYPE`` in their type column; older rows keep the serde's tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import ormsgpack

__all__ = ["SKELETON_TYPE", "decode_skeleton", "encode_skeleton"]

SKELETON_TYPE = "sk1"

_KEYS = frozenset(("v", "id", "ts", "channel_versions", "versions_seen", "updated_channels"))
_SUFFIX = "+00:00"
_PLAIN_ONLY = (
    ormsgpack.OPT_PASSTHROUGH_SUBCLASS | ormsgpack.OPT_PASSTHROUGH_TUPLE
    | ormsgpack.OPT_PASSTHROUGH_DATACLASS | ormsgpack.OPT_PASSTHROUGH_DATETIME
    | ormsgpack.OPT_PASSTHROUGH_ENUM | ormsgpack.OPT_PASSTHROUGH_UUID
    | ormsgpack.OPT_PASSTHROUGH_BIG_INT
)  # fmt: skip
_GREGORIAN_OFFSET = 0x01B21DD213814000  # 100-ns ticks from 1582-10-15 to the Unix epoch

# (ISO prefix "YYYY-MM-DDTHH:MM:SS", its unix second) of the last timestamp encoded
_last_prefix: tuple[str, int] = ("", 0)


def _id_micros(checkpoint_id: str) -> int:
    """Return the creation time (unix microseconds) in a uuid6 id, else 0."""
    if len(checkpoint_id) != 36 or checkpoint_id[14] != "6":
        return 0
    try:
        ticks = int(checkpoint_id[:8] + checkpoint_id[9:13] + checkpoint_id[15:18], 16)
    except ValueError:
        return 0
    return (ticks - _GREGORIAN_OFFSET) // 10


def _format_ts(micros: int) -> str:
    second, fraction = divmod(micros, 1_000_000)
    prefix = datetime.fromtimestamp(second, UTC).isoformat()[:19]
    return f"{prefix}.{fraction:06d}{_SUFFIX}" if fraction else f"{prefix}{_SUFFIX}"


def _ts_micros(ts: str) -> int | None:
    """Return ``ts`` as unix microseconds if ``_format_ts`` gives it back exactly."""
    global _last_prefix
    prefix = ts[:19]
    if not ts.endswith(_SUFFIX) or len(ts) not in (25, 32):
        return None
    fraction = ts[20:26] if len(ts) == 32 else "000000"
    if (len(ts) == 32 and ts[19] != ".") or not fraction.isdigit() or not fraction.isascii():
        return None
    if len(ts) == 32 and fraction == "000000":
        return None  # isoformat drops a zero fraction: this text would not come back
    if prefix != _last_prefix[0]:
        # why: the prefix changes once a second; parse and check it only then
        try:
            second = int(datetime.fromisoformat(prefix + _SUFFIX).timestamp())
        except ValueError:
            return None
        if datetime.fromtimestamp(second, UTC).isoformat()[:19] != prefix:
            return None
        _last_prefix = (prefix, second)
    return _last_prefix[1] * 1_000_000 + int(fraction)


def encode_skeleton(checkpoint: Mapping[str, Any]) -> bytes | None:
    """Encode the skeleton of ``checkpoint``, or return None if it does not fit the codec."""
    if checkpoint.keys() - {"channel_values"} != _KEYS:
        return None
    v, ts, updated = checkpoint["v"], checkpoint["ts"], checkpoint["updated_channels"]
    versions, seen = checkpoint["channel_versions"], checkpoint["versions_seen"]
    if type(v) is not int or type(ts) is not str or type(versions) is not dict:
        return None
    if type(seen) is not dict or (updated is not None and type(updated) is not list):
        return None
    micros = _ts_micros(ts)
    stamp = ts if micros is None else micros - _id_micros(str(checkpoint["id"]))
    try:
        # why: one C call for the nested dicts (a 100-node graph has 200 entries); the
        # options make anything but plain data raise, so what decodes is what was encoded
        return ormsgpack.packb([v, stamp, versions, seen, updated], option=_PLAIN_ONLY)
    except TypeError:
        return None


def decode_skeleton(checkpoint_id: str, data: bytes) -> dict[str, Any]:
    """Rebuild the checkpoint dict (without channel values); bad bytes raise ``ValueError``."""
    row = ormsgpack.unpackb(data)
    if type(row) is not list or len(row) != 5:
        raise ValueError("malformed checkpoint skeleton")
    v, stamp, versions, seen, updated = row
    if type(v) is not int or type(versions) is not dict or type(seen) is not dict:
        raise ValueError("malformed checkpoint skeleton")
    if not all(type(node_versions) is dict for node_versions in seen.values()):
        raise ValueError("malformed versions_seen in a checkpoint skeleton")
    if updated is not None and type(updated) is not list:
        raise ValueError("malformed updated_channels in a checkpoint skeleton")
    if type(stamp) is int:
        ts = _format_ts(stamp + _id_micros(checkpoint_id))
    elif type(stamp) is str:
        ts = stamp
    else:
        raise ValueError("malformed checkpoint skeleton timestamp")
    return {
        "v": v,
        "id": checkpoint_id,
        "ts": ts,
        "channel_versions": versions,
        "versions_seen": seen,
        "updated_channels": updated,
    }
