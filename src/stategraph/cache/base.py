"""Node-result cache contract: ``BaseCache`` maps (namespace, key) to a value with a TTL.

The engine stores a cached node's writes here (see ``CachePolicy``); backends
implement ``get``/``set``/``clear``.  In-process caches inherit async twins that
call the sync methods; backends doing I/O override them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeAlias, TypeVar

__all__ = ["BaseCache", "FullKey", "Namespace", "ValueT"]

ValueT = TypeVar("ValueT")
Namespace: TypeAlias = tuple[str, ...]
FullKey: TypeAlias = tuple[Namespace, str]


class BaseCache(ABC, Generic[ValueT]):
    """A TTL cache of values addressed by ``(namespace, key)``.

    ``serde`` (an object with ``dumps_typed``/``loads_typed``) is how a backend
    turns values into bytes; None lets an in-process cache keep copies instead.

    Examples:
        A backend implements ``get``, ``set`` and ``clear``; the async twins come free:

        >>> import asyncio
        >>> from stategraph.cache.base import BaseCache
        >>> class DictCache(BaseCache):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.data = {}
        ...     def get(self, keys):
        ...         return {k: self.data[k] for k in keys if k in self.data}
        ...     def set(self, pairs):
        ...         self.data.update({k: value for k, (value, ttl) in pairs.items()})
        ...     def clear(self, namespaces=None):
        ...         self.data = {k: v for k, v in self.data.items()
        ...                      if namespaces is not None and k[0] not in namespaces}
        >>> cache = DictCache()
        >>> cache.set({(("node",), "k1"): ({"x": 1}, None)})
        >>> asyncio.run(cache.aget([(("node",), "k1"), (("node",), "k2")]))
        {(('node',), 'k1'): {'x': 1}}
    """

    def __init__(self, *, serde: Any = None) -> None:
        self.serde = serde  # why: Any - a serializer protocol owned by stategraph.checkpoint

    @abstractmethod
    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Return the live (unexpired) values of ``keys``; misses are left out."""

    @abstractmethod
    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Store each value with its TTL in seconds (None keeps it until cleared)."""

    @abstractmethod
    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Drop the entries of ``namespaces`` (exact match), or everything if None."""

    async def aget(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """Async ``get``; in-process caches answer without I/O, so this calls ``get``."""
        return self.get(keys)

    async def aset(self, pairs: Mapping[FullKey, tuple[ValueT, int | float | None]]) -> None:
        """Async ``set`` (calls ``set``)."""
        self.set(pairs)

    async def aclear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Async ``clear`` (calls ``clear``)."""
        self.clear(namespaces)


def __getattr__(name: str) -> Any:
    # LangGraph's cache.base also names the serializer protocol a backend's ``serde`` follows;
    # imported on demand so the cache base stays independent of the checkpoint package
    if name == "SerializerProtocol":
        from ..checkpoint.serde.base import SerializerProtocol

        return SerializerProtocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
