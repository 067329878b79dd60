"""Deterministic ids: task ids from (checkpoint, namespace, step, name, path), interrupt ids."""

from __future__ import annotations


def _digest(*parts: str) -> bytes:
    from hashlib import blake2b

    return blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def task_id(*parts: str) -> str:
    """A UUID-formatted 128-bit id derived only from ``parts`` (stable across runs)."""
    h = _digest(*parts).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def interrupt_id(task_ns: str, index: int) -> str:
    """Id of the ``index``-th interrupt of the task at ``task_ns`` (32 hex digits)."""
    return _digest(task_ns if index == 0 else f"{task_ns}|{index}").hex()


def is_interrupt_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
