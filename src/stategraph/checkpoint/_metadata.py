"""Checkpoint metadata as stored: canonical JSON (so SQL can filter on it), copies for the
in-memory saver, and the validated filter pairs of ``list(filter=...)``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import CheckpointError, ErrorCode
from .serde._locate import locate_unencodable
from .serde.jsonplus import not_serializable

__all__ = [
    "canonical_json",
    "encode_metadata",
    "filter_pairs",
    "metadata_copy",
    "metadata_matches",
]


# why: json.dumps with options builds a new encoder per call, which cost as much as the
# encoding of a step's small metadata; one shared encoder (stateless) does the same work.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False)


def canonical_json(value: Any) -> str:
    """Dump ``value`` as sorted, compact, ASCII JSON (the form compared by filters)."""
    return _CANONICAL.encode(value)


def _is_json(value: Any) -> bool:
    try:
        canonical_json(value)
    except (TypeError, ValueError):
        return False
    return True


def encode_metadata(metadata: Mapping[str, Any]) -> str:
    """Return metadata as canonical JSON; non-JSON values raise E306 naming their key."""
    try:
        return canonical_json(dict(metadata))
    except (TypeError, ValueError) as exc:
        path, culprit, _ = locate_unencodable(dict(metadata), _is_json)
        raise not_serializable(
            f"Checkpoint metadata must be JSON, but {path.replace('$', 'metadata', 1)} holds a "
            f"{type(culprit).__name__} ({exc}). Store strings, numbers, booleans, None, "
            "lists or dicts with string keys in metadata.",
            path=path,
        ) from exc


class _NotPlain(Exception):
    pass


def _plain_copy(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float and math.isfinite(value):
        return value
    if depth < 64:
        if kind is dict and all(type(key) is str for key in value):
            return {key: _plain_copy(item, depth + 1) for key, item in value.items()}
        if kind is list:
            return [_plain_copy(item, depth + 1) for item in value]
    raise _NotPlain


def metadata_copy(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Return a deep copy of metadata equal to its JSON round trip; non-JSON raises E306.

    For the in-memory saver, which keeps metadata as data instead of JSON text.
    """
    # why: exact JSON types (str keys, finite floats) round-trip to themselves, so copying
    # them is the round trip without the text; anything else takes the JSON path
    copy: dict[str, Any] = {}
    try:
        for key, item in metadata.items():
            kind = type(item)
            if type(key) is not str:
                raise _NotPlain
            if kind is str or kind is int or kind is bool or item is None:
                copy[key] = item  # the usual metadata: no call per value
            elif kind is dict and not item:
                copy[key] = {}  # the engine's "parents" of a root run
            else:
                copy[key] = _plain_copy(item, 1)
    except _NotPlain:
        return json.loads(encode_metadata(metadata))  # type: ignore[no-any-return]
    return copy


def filter_pairs(filter: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Validate a ``list(filter=...)`` mapping into ``(key, canonical JSON value)`` pairs."""
    pairs = []
    for key, value in (filter or {}).items():
        if (
            not isinstance(key, str)
            or not key
            or any(c in key for c in '"\\')
            or not key.isprintable()
        ):
            raise CheckpointError(
                f"Invalid metadata filter key {key!r}: keys must be non-empty printable "
                "strings without quotes or backslashes.",
                code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
            )
        if not _is_json(value):
            raise CheckpointError(
                f"Metadata filter value for {key!r} is a {type(value).__name__}, which is not "
                "JSON; filter on strings, numbers, booleans, None, lists or dicts.",
                code=ErrorCode.CHECKPOINT_BAD_ARGUMENT,
            )
        pairs.append((key, canonical_json(value)))
    return pairs


def metadata_matches(
    metadata_json: str | dict[str, Any], pairs: Sequence[tuple[str, str]]
) -> bool:
    """Apply filter pairs exactly as the SQL backends do (a missing key equals null)."""
    if not pairs:
        return True
    metadata = json.loads(metadata_json) if isinstance(metadata_json, str) else metadata_json
    return all(canonical_json(metadata.get(key)) == value for key, value in pairs)
