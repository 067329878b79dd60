"""``InMemoryCache``: a thread-safe, process-local ``BaseCache`` with per-entry TTL."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .base import BaseCache, FullKey, Namespace, ValueT

__all__ = ["InMemoryCache"]


@dataclass(slots=True, frozen=True)
class _Entry:
    payload: Any  # a private deep copy, or serde.dumps_typed(value) when a serde is set
    expires_at: float | None  # on the cache's monotonic clock; None = never

    def is_expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


class InMemoryCache(BaseCache[ValueT]):
    """Keep cached values in a dict; callers never share objects with the cache.

    With ``serde`` values are stored serialized (``dumps_typed``/``loads_typed``);
    without, they are deep-copied on the way in and out.

    Examples:
        Give a node a ``CachePolicy`` and compile with the cache; the second call is a hit:

        >>> from typing_extensions import TypedDict
        >>> from stategraph.cache.memory import InMemoryCache
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import CachePolicy
        >>> class State(TypedDict):
        ...     x: int
        >>> calls = []
        >>> def double(state: State) -> State:
        ...     calls.append(state["x"])
        ...     return {"x": state["x"] * 2}
        >>> graph = (
        ...     StateGraph(State)
        ...     .add_node("double", double, cache_policy=CachePolicy(ttl=60))
        ...     .add_edge(START, "double")
        ...     .compile(cache=InMemoryCache())
        ... )
        >>> graph.invoke({"x": 3}), graph.invoke({"x": 3}), calls
        ({'x': 6}, {'x': 6}, [3])

        The cache can also be used directly:

        >>> cache = InMemoryCache()
        >>> cache.set({(("ns",), "key"): ([1, 2], None)})
        >>> cache.get([(("ns",), "key")])
        {(('ns',), 'key'): [1, 2]}
    """

    def __init__(self, *, serde: Any = None) -> None:
        super().__init__(serde=serde)
        # Invariant: no namespace maps to an empty dict.
        self._entries: dict[Namespace, dict[str, _Entry]] = {}
        self._lock = threading.Lock()
        self._clock: Callable[[], float] = time.monotonic  # why: tests substitute a fake clock

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Return the live values among ``keys``; expired entries are dropped."""
        found: dict[FullKey, Any] = {}
        with self._lock:
            now = self._clock()
            for namespace, key in keys:
                namespace = tuple(namespace)
                entry = self._entries.get(namespace, {}).get(key)
                if entry is None:
                    continue
                if entry.is_expired(now):
                    self._drop(namespace, key)
                else:
                    found[(namespace, key)] = entry.payload
        return {full_key: self._load(payload) for full_key, payload in found.items()}

    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Store each value; ``ttl`` is in seconds, None for no expiry."""
        # why: serialize/copy outside the lock; only the dict update is serialized
        prepared = [
            (tuple(namespace), key, self._dump(value), ttl)
            for (namespace, key), (value, ttl) in pairs.items()
        ]
        with self._lock:
            now = self._clock()
            for namespace, key, payload, ttl in prepared:
                expires_at = None if ttl is None else now + ttl
                self._entries.setdefault(namespace, {})[key] = _Entry(payload, expires_at)

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Drop the given namespaces (exact match), or every entry when None."""
        with self._lock:
            if namespaces is None:
                self._entries.clear()
                return
            for namespace in namespaces:
                self._entries.pop(tuple(namespace), None)

    def _drop(self, namespace: Namespace, key: str) -> None:
        records = self._entries[namespace]
        del records[key]
        if not records:
            del self._entries[namespace]

    def _dump(self, value: Any) -> Any:
        if self.serde is not None:
            return self.serde.dumps_typed(value)
        return _private_copy(value)

    def _load(self, payload: Any) -> Any:
        if self.serde is not None:
            return self.serde.loads_typed(payload)
        return _private_copy(payload)


def _private_copy(value: Any) -> Any:
    try:
        return copy.deepcopy(value)
    except (TypeError, copy.Error):
        # why: some objects (locks, open clients) cannot be copied; caching them by
        # reference beats failing the node run that produced them
        return value
