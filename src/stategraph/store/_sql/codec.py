"""How namespaces, values, timestamps and vectors are written to SQL columns.

Namespaces are stored as one text whose byte order is the tuple order: each label
is escaped (``\\x02`` -> ``\\x02\\x02``, ``\\x01`` -> ``\\x02\\x01``) and ended by
``\\x01``, the lowest remaining character.  So ``ORDER BY prefix`` sorts namespaces
like Python sorts tuples, and "namespace starts with these labels" is the range
``encode(p) <= prefix < bound(p)``: no ``LIKE`` pattern, nothing to escape in SQL.
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ...errors import ErrorCode, StoreError

__all__ = [
    "decode_namespace",
    "decode_vector",
    "encode_namespace",
    "encode_value",
    "encode_vector",
    "prefix_bound",
    "to_datetime",
]

_END = "\x01"
_ESCAPE = "\x02"


def encode_namespace(namespace: Sequence[str]) -> str:
    """Return the stored form of ``namespace`` (see the module docstring)."""
    if type(namespace) is tuple:
        return _encode_tuple(namespace)
    return _encode(namespace)


@functools.lru_cache(maxsize=4096)
def _encode_tuple(namespace: tuple[str, ...]) -> str:
    # why: a store sees few namespaces many times; encoding each call costs a genexpr
    return _encode(namespace)


def _encode(namespace: Sequence[str]) -> str:
    return "".join(
        label.replace(_ESCAPE, _ESCAPE + _ESCAPE).replace(_END, _ESCAPE + _END) + _END
        for label in namespace
    )


def prefix_bound(encoded_prefix: str) -> str:
    """Return the smallest text above every namespace that starts with ``encoded_prefix``."""
    # Every encoded prefix ends with _END; the next character up closes the range.
    return encoded_prefix[:-1] + _ESCAPE


@functools.lru_cache(maxsize=4096)
def decode_namespace(stored: str) -> tuple[str, ...]:
    """Invert ``encode_namespace``."""
    if _ESCAPE not in stored:  # nothing escaped: every _END ends a label
        return tuple(stored.split(_END)[:-1])
    labels: list[str] = []
    current: list[str] = []
    escaped = False
    for char in stored:
        if escaped:
            current.append(char)
            escaped = False
        elif char == _ESCAPE:
            escaped = True
        elif char == _END:
            labels.append("".join(current))
            current = []
        else:
            current.append(char)
    return tuple(labels)


def encode_value(namespace: tuple[str, ...], key: str, value: Any, *, allows_nul: bool) -> str:
    """Serialise a stored value as JSON text, naming the item if it cannot be."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            f"Store value for key {key!r} in namespace {namespace!r} is not JSON: {exc}. "
            "Store only dicts of str, numbers, bools, None, lists and dicts.",
            code=ErrorCode.STORE_BAD_VALUE,
            namespace=namespace,
            key=key,
        ) from exc
    if not allows_nul and "\\u0000" in text:
        raise StoreError(
            f"Store value for key {key!r} in namespace {namespace!r} holds a NUL character "
            "('\\x00'), which PostgreSQL cannot store. Remove or replace it.",
            code=ErrorCode.STORE_BAD_VALUE,
            namespace=namespace,
            key=key,
        )
    return text


def encode_vector(vector: Sequence[float]) -> bytes:
    """Pack a unit vector as little-endian float32."""
    return struct.pack(f"<{len(vector)}f", *vector)


def decode_vector(blob: bytes) -> tuple[float, ...]:
    """Unpack ``encode_vector``."""
    return struct.unpack(f"<{len(blob) // 4}f", blob)


def to_datetime(seconds: float) -> datetime:
    """Turn a stored epoch timestamp into an aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)
