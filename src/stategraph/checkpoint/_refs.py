"""Compact blob refs for the SQL savers: shorthand origins and small values inline.

A checkpoint row's refs map each non-empty channel to ``[version, origin]`` (see
``_records``).  As a JSON object they spell out a 36-character origin id per channel,
though the origin is nearly always the row itself or its parent, and a value of a few
bytes (a ``None`` trigger, a flag) cost a whole blob row.  Compact refs are a JSON array::

    [[channel, version, origin], [channel, version, origin, type, base64 value], ...]

where ``origin`` is 0 for the row's own id, 1 for its parent's, else the id itself.  An
entry with a value holds the serde's bytes of a channel value of at most
``INLINE_LIMIT`` bytes that is not a list (a list may become a delta base, which must
be a blob); it has no blob row.  Only the checkpoint that stored the value holds it
inline: a child that keeps the value refers to a blob row keyed by that checkpoint,
which the child's put writes (``spill_carried``), so a long-lived value is stored once,
not once per checkpoint.  Old rows hold a JSON object (``{...}``) and still load: the
first character tells them apart.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["INLINE_LIMIT", "decode_compact", "encode_compact", "is_inlined", "spill_carried"]

# why: a blob row costs ~100 bytes of keys and ids before its value; a value this small
# is cheaper carried in every checkpoint that refers to it.
INLINE_LIMIT = 64

# why: json.dumps with options builds an encoder per call; this one is stateless
_ENCODER = json.JSONEncoder(separators=(",", ":"))
_json_str = json.encoder.encode_basestring_ascii  # (ensure_ascii) how _ENCODER quotes strings


def is_inlined(value: Any, blob: tuple[str, bytes] | None) -> bool:
    """Whether a channel's value is stored inline: small, encoded already, and no list."""
    return blob is not None and len(blob[1]) <= INLINE_LIMIT and type(value) is not list


def spill_carried(refs: dict[str, Any], make_ref: Callable[..., Any]) -> list[tuple[str, Any]]:
    """Turn the inline refs a child keeps from its parent into plain refs, in place.

    Returns ``(channel, inline ref)`` for each: the caller stores its value as the blob
    ``(channel, ref.origin)`` that the plain ref now names.
    """
    carried = [(channel, ref) for channel, ref in refs.items() if ref.inline is not None]
    for channel, ref in carried:
        refs[channel] = make_ref(ref.version, ref.origin)
    return carried


def encode_compact(refs: Mapping[str, Any], checkpoint_id: str, parent_id: str | None) -> str:
    """Serialize ``BlobRef``s as compact refs text."""
    parts: list[str] = []
    for channel, (version, origin, inline) in refs.items():
        if type(channel) is not str or type(version) is not int or type(origin) is not str:
            return _encode_compact_json(refs, checkpoint_id, parent_id)
        # why: formatting the entries directly skips building lists for the JSON encoder
        # and its per-call set-up (a few us per put); the text is exactly ``_ENCODER``'s
        # (``_json_str`` is the function it quotes strings with, ints print as repr)
        code = "0" if origin == checkpoint_id else "1" if origin == parent_id else _json_str(origin)
        if inline is None:
            parts.append(f"[{_json_str(channel)},{version},{code}]")
        elif type(inline[0]) is str:
            value = base64.b64encode(inline[1]).decode("ascii")
            parts.append(
                f'[{_json_str(channel)},{version},{code},{_json_str(inline[0])},"{value}"]'
            )
        else:
            return _encode_compact_json(refs, checkpoint_id, parent_id)
    return "[" + ",".join(parts) + "]"


def _encode_compact_json(refs: Mapping[str, Any], checkpoint_id: str, parent_id: str | None) -> str:
    """``encode_compact`` through the JSON encoder (any version or channel type)."""
    entries: list[list[Any]] = []
    for channel, (version, origin, inline) in refs.items():
        code: str | int = 0 if origin == checkpoint_id else 1 if origin == parent_id else origin
        if inline is None:
            entries.append([channel, version, code])
        else:
            value = base64.b64encode(inline[1]).decode("ascii")
            entries.append([channel, version, code, inline[0], value])
    return _ENCODER.encode(entries)


def decode_compact(
    text: str, checkpoint_id: str, parent_id: str | None, make_ref: Callable[..., Any]
) -> dict[str, Any]:
    """Parse compact refs text into ``{channel: make_ref(version, origin, inline)}``."""
    entries = json.loads(text)
    if type(entries) is not list:
        raise ValueError("compact blob refs are not a JSON array")
    refs = {}
    for entry in entries:
        if type(entry) is not list or len(entry) not in (3, 5) or type(entry[0]) is not str:
            raise ValueError(f"malformed compact blob ref {entry!r}")
        channel, version, code = entry[:3]
        if code == 0 and type(code) is int:
            origin = checkpoint_id
        elif code == 1 and type(code) is int and parent_id is not None:
            origin = parent_id
        elif type(code) is str:
            origin = code
        else:
            raise ValueError(f"malformed origin in the blob ref of channel {channel!r}")
        inline = None
        if len(entry) == 5:
            if type(entry[3]) is not str or type(entry[4]) is not str:
                raise ValueError(f"malformed inline value of channel {channel!r}")
            try:
                inline = (entry[3], base64.b64decode(entry[4], validate=True))
            except binascii.Error as exc:
                raise ValueError(f"malformed inline value of channel {channel!r}") from exc
        refs[channel] = make_ref(version, origin, inline)
    return refs
