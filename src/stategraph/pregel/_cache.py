"""Cache keys for tasks with a CachePolicy: (namespace, key) plus the TTL to store with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import CACHE_NS_WRITES

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._task import Task


def _identifier(node: Any) -> str:
    bound = node.bound
    name = getattr(bound, "__qualname__", None) or getattr(type(bound), "__qualname__", "")
    module = getattr(bound, "__module__", "") or ""
    return f"{module}.{name}" if name else "__dynamic__"


def cache_keys_for(loop: PregelLoop, tasks: list[Task]) -> list[tuple[Any, Task]]:
    from hashlib import blake2b

    out = []
    default = loop.graph.cache_policy
    for t in tasks:
        policy = t.node.cache_policy or default
        if policy is None:
            continue
        raw = policy.key_func(t.input)
        if isinstance(raw, str):
            raw = raw.encode()
        key = blake2b(raw, digest_size=16).hexdigest()
        full = ((CACHE_NS_WRITES, _identifier(t.node), t.name), key)
        t.cache_key = (full, policy.ttl)
        out.append((full, t))
    return out
