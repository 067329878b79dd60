"""Find *where* inside a value serialization failed, for error messages.

Runs only after an encode already failed, so it may re-encode sub-values freely.
Paths look like ``$.messages[3].payload``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from ...types import Send

__all__ = ["KEY_TYPES", "locate_unencodable"]

# Dict key types msgpack can store and give back unchanged.
KEY_TYPES = (str, int, float, bool, type(None), bytes, tuple)
_MAX_DEPTH = 300


def locate_unencodable(value: Any, encodes: Callable[[Any], bool]) -> tuple[str, Any, bool]:
    """Return ``(path, culprit, is_dict_key)`` for the innermost value that fails to encode."""
    path = "$"
    for _ in range(_MAX_DEPTH):
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, KEY_TYPES):
                    return f"{path}[{key!r}]", key, True
        for child_path, child in _children(value, path):
            if not encodes(child):
                value, path = child, child_path
                break
        else:
            return path, value, False
    return path, value, False


def _children(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield _member(path, key), item
    elif isinstance(value, tuple) and hasattr(value, "_fields"):
        for name, item in zip(value._fields, value, strict=False):
            yield f"{path}.{name}", item
    elif isinstance(value, (list, tuple, set, frozenset)):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield f"{path}.{field.name}", getattr(value, field.name, None)
    elif hasattr(type(value), "model_fields") and hasattr(value, "model_fields_set"):
        for name in type(value).model_fields:
            yield f"{path}.{name}", getattr(value, name, None)
    elif isinstance(value, Send):
        yield f"{path}.arg", value.arg


def _member(path: str, key: Any) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{key!r}]"
