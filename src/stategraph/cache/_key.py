"""``default_cache_key``: a stable digest of a node's or task's input, never via pickle.

Inputs are walked into a canonical, type-tagged byte encoding (dict keys and set
members sorted, lengths prefixed so no two inputs share an encoding) and hashed
with blake2b.  Equal inputs give the same key in every process and Python run.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import hashlib
import pathlib
import uuid
from collections.abc import Mapping
from typing import Any

__all__ = ["default_cache_key"]

_TEMPORAL = (datetime.datetime, datetime.date, datetime.time)
_BY_STR = (uuid.UUID, decimal.Decimal, pathlib.PurePath, datetime.timedelta)


def _type_name(obj: Any) -> bytes:
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}".encode()


def _sized(tag: bytes, data: bytes) -> bytes:
    return tag + str(len(data)).encode() + b":" + data


class _Encoder:
    """Walks one input; ``path`` holds ids of containers being encoded (cycle guard)."""

    def __init__(self) -> None:
        self.path: set[int] = set()

    def encode(self, obj: Any) -> bytes:
        scalar = _encode_scalar(obj)
        if scalar is not None:
            return scalar
        if id(obj) in self.path:
            return b"@"  # why: a self-referencing structure; encode the back-edge, don't recurse
        self.path.add(id(obj))
        try:
            return self._encode_composite(obj)
        finally:
            self.path.discard(id(obj))

    def _join(self, tag: bytes, parts: list[bytes]) -> bytes:
        return tag + str(len(parts)).encode() + b"[" + b"".join(parts) + b"]"

    def _encode_composite(self, obj: Any) -> bytes:
        if isinstance(obj, list):
            return self._join(b"l", [self.encode(item) for item in obj])
        if isinstance(obj, tuple):
            return self._join(b"t", [self.encode(item) for item in obj])
        if isinstance(obj, Mapping):
            pairs = sorted(self.encode(k) + self.encode(v) for k, v in obj.items())
            return self._join(b"d", pairs)
        if isinstance(obj, (set, frozenset)):
            return self._join(b"S", sorted(self.encode(item) for item in obj))
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
            return _sized(b"C", _type_name(obj)) + self.encode(fields)
        dumped = _pydantic_dump(obj)
        if dumped is not None:
            return _sized(b"P", _type_name(obj)) + self.encode(dumped)
        # Note: repr is the last resort.  It is stable for objects with a value-based
        # __repr__, but the default one embeds the memory address ("<X object at 0x...>"),
        # so such inputs never hit the cache across calls.  Give the node a key_func
        # (CachePolicy(key_func=...)) or make the input a dataclass/pydantic model.
        return _sized(b"R", _type_name(obj)) + _sized(b"s", repr(obj).encode())


def _encode_scalar(obj: Any) -> bytes | None:
    """Encode leaf values; None for anything that needs recursion."""
    if obj is None:
        return b"N"
    if isinstance(obj, enum.Enum):
        return _sized(b"E", _type_name(obj)) + _sized(b"s", repr(obj.value).encode())
    if isinstance(obj, bool):
        return b"T" if obj else b"F"
    if isinstance(obj, (int, float, complex)):
        tag = {int: b"i", float: b"f", complex: b"c"}[_numeric_base(obj)]
        return _sized(tag, repr(_numeric_base(obj)(obj)).encode())
    if isinstance(obj, str):
        return _sized(b"s", obj.encode("utf-8", "surrogatepass"))
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return _sized(b"y", bytes(obj))
    if isinstance(obj, _TEMPORAL):
        return _sized(b"D", _type_name(obj)) + _sized(b"s", obj.isoformat().encode())
    if isinstance(obj, _BY_STR):
        return _sized(b"V", _type_name(obj)) + _sized(b"s", str(obj).encode())
    return None


def _numeric_base(obj: int | float | complex) -> type:
    return int if isinstance(obj, int) else float if isinstance(obj, float) else complex


def _pydantic_dump(obj: Any) -> Any:
    """Return ``obj.model_dump()`` for pydantic v2 models (found by duck typing), else None."""
    if isinstance(obj, type) or not hasattr(type(obj), "model_fields"):
        return None
    dump = getattr(obj, "model_dump", None)
    return dump() if callable(dump) else None


def default_cache_key(*args: Any, **kwargs: Any) -> str:
    """Return a hex digest identifying ``args``/``kwargs`` by value.

    Supports None, bool, int, float, str, bytes, lists, tuples, dicts, sets,
    enums, dates and times, UUID, Decimal, paths, dataclasses and pydantic
    models; anything else is encoded by its repr (see the note in the code).
    """
    encoder = _Encoder()
    payload = encoder.encode(args) + encoder.encode(kwargs)
    return hashlib.blake2b(payload, digest_size=16).hexdigest()
