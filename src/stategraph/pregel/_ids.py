"""Deterministic ids: task ids from (checkpoint, namespace, step, name, path), interrupt ids."""

from __future__ import annotations

from typing import Any

_blake2b: Any = None  # hashlib.blake2b, imported on first use (most runs never hash)


def _hex_digest(text: str) -> str:
    global _blake2b
    if _blake2b is None:
        # why: a function-level import per id cost ~0.4 us; runs without a saver never hash
        from hashlib import blake2b

        _blake2b = blake2b
    return _blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()  # type: ignore[no-any-return]


def task_id_of(text: str) -> str:
    """The task id of an already joined ``"\\x1f".join(parts)`` (see ``task_id``)."""
    h = _hex_digest(text)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def task_id(*parts: str) -> str:
    """A UUID-formatted 128-bit id derived only from ``parts`` (stable across runs)."""
    return task_id_of("\x1f".join(parts))


def interrupt_id(task_ns: str, index: int) -> str:
    """Id of the ``index``-th interrupt of the task at ``task_ns`` (32 hex digits)."""
    return _hex_digest(task_ns if index == 0 else f"{task_ns}|{index}")


def is_interrupt_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
