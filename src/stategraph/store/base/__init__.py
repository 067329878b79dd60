"""Long-term store contract: items, operations as data, and the ``BaseStore`` ABC.

A backend implements only ``batch``/``abatch`` over ``GetOp``/``SearchOp``/
``PutOp``/``ListNamespacesOp``; the friendly methods below build those ops once
for both the sync and the async form.
"""

# why: over the 400-line target: the op types, Item/SearchItem and the friendly methods
# written once for every backend are one public surface (LangGraph's store base module).

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypeAlias, TypedDict

from ...checkpoint.serde._stdlib import register_codec
from .._filter import check_filter
from .._paths import get_text_at_path, tokenize_path
from .._validate import (
    InvalidNamespaceError,
    as_namespace,
    check_index_arg,
    check_max_depth,
    check_page,
    check_ttl,
    check_value,
    validate_namespace,
)

__all__ = [
    "NOT_PROVIDED",
    "BaseStore",
    "GetOp",
    "IndexConfig",
    "InvalidNamespaceError",
    "Item",
    "ListNamespacesOp",
    "MatchCondition",
    "NamespaceMatchType",
    "NamespacePath",
    "NotProvided",
    "Op",
    "PutOp",
    "Result",
    "SearchItem",
    "SearchOp",
    "TTLConfig",
    "get_text_at_path",
    "tokenize_path",
]


def _as_datetime(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class Item:
    """A stored value with its namespace, key and timestamps.

    Examples:
        >>> from stategraph.store.base import Item
        >>> item = Item(
        ...     value={"color": "blue"},
        ...     key="prefs",
        ...     namespace=("users", "u1"),
        ...     created_at="2024-05-01T12:00:00+00:00",
        ...     updated_at="2024-05-01T12:00:00+00:00",
        ... )
        >>> item.namespace, item.key, item.value
        (('users', 'u1'), 'prefs', {'color': 'blue'})
        >>> item.created_at.year
        2024
        >>> item.dict()["namespace"]
        ['users', 'u1']
    """

    __slots__ = ("value", "key", "namespace", "created_at", "updated_at")

    def __init__(
        self,
        *,
        value: dict[str, Any],
        key: str,
        namespace: tuple[str, ...],
        created_at: datetime | str,
        updated_at: datetime | str,
    ) -> None:
        self.value = value
        self.key = key
        self.namespace = tuple(namespace)
        self.created_at = _as_datetime(created_at)
        self.updated_at = _as_datetime(updated_at)

    @classmethod
    def _of(
        cls,
        value: dict[str, Any],
        key: str,
        namespace: tuple[str, ...],
        created_at: datetime,
        updated_at: datetime,
    ) -> Item:
        """Build from fields a store already holds in final form (tuple, datetimes).

        why: skips the keyword parsing and conversions of ``__init__`` on hot reads.
        """
        item = object.__new__(cls)
        item.value = value
        item.key = key
        item.namespace = namespace
        item.created_at = created_at
        item.updated_at = updated_at
        return item

    def _fields(self) -> tuple[Any, ...]:
        return (self.value, self.key, self.namespace, self.created_at, self.updated_at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Item):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((self.namespace, self.key))

    def dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (namespace as a list, timestamps as ISO strings)."""
        return {
            "namespace": list(self.namespace),
            "key": self.key,
            "value": self.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(namespace={self.namespace!r}, key={self.key!r}, "
            f"value={self.value!r}, created_at={self.created_at.isoformat()!r}, "
            f"updated_at={self.updated_at.isoformat()!r}{self._repr_extra()})"
        )

    def _repr_extra(self) -> str:
        return ""


class SearchItem(Item):
    """An Item returned by search, with its similarity ``score`` (None without a query).

    Examples:
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.put(("notes",), "n1", {"text": "buy milk"})
        >>> [hit] = store.search(("notes",))
        >>> type(hit).__name__, hit.key, hit.value, hit.score
        ('SearchItem', 'n1', {'text': 'buy milk'}, None)
        >>> sorted(hit.dict())
        ['created_at', 'key', 'namespace', 'score', 'updated_at', 'value']
    """

    __slots__ = ("score",)

    def __init__(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: dict[str, Any],
        created_at: datetime | str,
        updated_at: datetime | str,
        score: float | None = None,
    ) -> None:
        super().__init__(
            value=value, key=key, namespace=namespace, created_at=created_at, updated_at=updated_at
        )
        self.score = score

    @classmethod
    def _scored(
        cls,
        value: dict[str, Any],
        key: str,
        namespace: tuple[str, ...],
        created_at: datetime,
        updated_at: datetime,
        score: float | None,
    ) -> SearchItem:
        """``Item._of`` plus the score."""
        item = cls._of(value, key, namespace, created_at, updated_at)
        item.score = score  # type: ignore[attr-defined]
        return item  # type: ignore[return-value]

    def dict(self) -> dict[str, Any]:
        """Return the Item dict plus ``score``."""
        return {**super().dict(), "score": self.score}

    def _repr_extra(self) -> str:
        return f", score={self.score!r}"


NamespaceMatchType: TypeAlias = Literal["prefix", "suffix"]
NamespacePath: TypeAlias = tuple[str, ...]  # labels, where "*" matches any one label


# Items kept in graph state survive checkpoints, as LangGraph's do.
register_codec(
    Item,
    lambda i: [i.value, i.key, list(i.namespace), i.created_at, i.updated_at],
    lambda s: Item._of(s[0], s[1], tuple(s[2]), s[3], s[4]),
)
register_codec(
    SearchItem,
    lambda i: [i.value, i.key, list(i.namespace), i.created_at, i.updated_at, i.score],
    lambda s: SearchItem(
        value=s[0], key=s[1], namespace=tuple(s[2]), created_at=s[3], updated_at=s[4], score=s[5]
    ),
)


class MatchCondition(NamedTuple):
    """Keep namespaces whose start (``prefix``) or end (``suffix``) matches ``path``.

    Examples:
        >>> from stategraph.store.base import ListNamespacesOp, MatchCondition
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.put(("users", "u1", "prefs"), "k", {"v": 1})
        >>> store.put(("users", "u2", "notes"), "k", {"v": 2})
        >>> op = ListNamespacesOp(match_conditions=(MatchCondition("suffix", ("*", "prefs")),))
        >>> store.batch([op])
        [[('users', 'u1', 'prefs')]]
    """

    match_type: NamespaceMatchType
    path: NamespacePath


class GetOp(NamedTuple):
    """Read one item by namespace and key.

    Examples:
        >>> from stategraph.store.base import GetOp
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.put(("users", "u1"), "prefs", {"color": "blue"})
        >>> found, missing = store.batch(
        ...     [GetOp(("users", "u1"), "prefs"), GetOp(("users", "u1"), "other")]
        ... )
        >>> found.value, missing
        ({'color': 'blue'}, None)
    """

    namespace: tuple[str, ...]
    key: str
    refresh_ttl: bool = True


class SearchOp(NamedTuple):
    """Find items under a namespace prefix, optionally filtered and ranked by ``query``.

    Examples:
        >>> from stategraph.store.base import SearchOp
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.put(("docs",), "a", {"lang": "en", "n": 1})
        >>> store.put(("docs",), "b", {"lang": "fr", "n": 2})
        >>> [hits] = store.batch([SearchOp(("docs",), filter={"lang": "fr"}, limit=5)])
        >>> [(hit.key, hit.value) for hit in hits]
        [('b', {'lang': 'fr', 'n': 2})]
    """

    namespace_prefix: tuple[str, ...]
    filter: dict[str, Any] | None = None
    limit: int = 10
    offset: int = 0
    query: str | None = None
    refresh_ttl: bool = True


class PutOp(NamedTuple):
    """Write (or with ``value=None`` delete) one item; ``ttl`` is in minutes.

    Examples:
        >>> from stategraph.store.base import PutOp
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> store.batch([PutOp(("cfg",), "a", {"on": True}), PutOp(("cfg",), "b", {"on": False})])
        [None, None]
        >>> store.batch([PutOp(("cfg",), "a", None)])  # value=None deletes
        [None]
        >>> [item.key for item in store.search(("cfg",))]
        ['b']
    """

    namespace: tuple[str, ...]
    key: str
    value: dict[str, Any] | None
    index: Literal[False] | list[str] | None = None
    ttl: float | None = None


class ListNamespacesOp(NamedTuple):
    """List distinct namespaces, filtered by match conditions and truncated to ``max_depth``.

    Examples:
        >>> from stategraph.store.base import ListNamespacesOp, MatchCondition
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> for ns in [("users", "u1", "prefs"), ("users", "u2", "prefs"), ("teams", "t1")]:
        ...     store.put(ns, "k", {})
        >>> store.batch([ListNamespacesOp(max_depth=1)])
        [[('teams',), ('users',)]]
        >>> prefix = (MatchCondition("prefix", ("users",)),)
        >>> store.batch([ListNamespacesOp(match_conditions=prefix, limit=1)])
        [[('users', 'u1', 'prefs')]]
    """

    match_conditions: tuple[MatchCondition, ...] | None = None
    max_depth: int | None = None
    limit: int = 100
    offset: int = 0


Op: TypeAlias = GetOp | SearchOp | PutOp | ListNamespacesOp
Result: TypeAlias = Item | list[Item] | list[SearchItem] | list[tuple[str, ...]] | None


class NotProvided:
    """Type of ``NOT_PROVIDED``: an argument the caller left out (distinct from None).

    Examples:
        >>> from stategraph.store.base import NOT_PROVIDED, NotProvided
        >>> def describe(ttl=NOT_PROVIDED):
        ...     if isinstance(ttl, NotProvided):
        ...         return "store default"
        ...     return "no expiry" if ttl is None else f"{ttl} minutes"
        >>> describe(), describe(None), describe(5)
        ('store default', 'no expiry', '5 minutes')
        >>> NOT_PROVIDED, bool(NOT_PROVIDED)
        (NOT_PROVIDED, False)
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_PROVIDED"


NOT_PROVIDED = NotProvided()


class TTLConfig(TypedDict, total=False):
    """Expiry settings of a store; ``default_ttl`` is in minutes.

    Examples:
        >>> from stategraph.store.base import TTLConfig
        >>> from stategraph.store.memory import InMemoryStore
        >>> ttl: TTLConfig = {"default_ttl": 60, "refresh_on_read": True}
        >>> store = InMemoryStore(ttl=ttl)
        >>> store.supports_ttl
        True
        >>> store.put(("sessions",), "s1", {"user": "u1"})  # expires in an hour
        >>> store.put(("sessions",), "s2", {"user": "u2"}, ttl=None)  # never expires
        >>> [item.key for item in store.search(("sessions",))]
        ['s1', 's2']
    """

    refresh_on_read: bool
    default_ttl: float | None
    sweep_interval_minutes: int | None
    omit_expired: bool


class IndexConfig(TypedDict, total=False):
    """Semantic-search settings: vector size, embedder, and the value fields to embed.

    Examples:
        >>> from stategraph.store.base import IndexConfig
        >>> from stategraph.store.memory import InMemoryStore
        >>> def embed(texts):  # a toy embedder: (1, length of the text)
        ...     return [[1.0, float(len(text))] for text in texts]
        >>> index: IndexConfig = {"dims": 2, "embed": embed, "fields": ["text"]}
        >>> store = InMemoryStore(index=index)
        >>> store.put(("docs",), "short", {"text": "hi"})
        >>> store.put(("docs",), "long", {"text": "a much longer sentence"})
        >>> [hit.key for hit in store.search(("docs",), query="hey")]
        ['short', 'long']
    """

    dims: int
    embed: Any  # why: Embeddings object, sync/async function, or "provider:model" string
    fields: list[str] | None


class BaseStore(ABC):
    """A key-value store of dict values, grouped into hierarchical namespaces.

    Override ``batch`` and ``abatch``; everything else is built on them.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from stategraph.config import BaseStore
        >>> from stategraph.store.base import GetOp, Item, PutOp
        >>> class DictStore(BaseStore):  # handles GetOp and PutOp only
        ...     def __init__(self):
        ...         self.items = {}
        ...     def batch(self, ops):
        ...         results = []
        ...         for op in ops:
        ...             where = (op.namespace, op.key)
        ...             if isinstance(op, GetOp):
        ...                 results.append(self.items.get(where))
        ...                 continue
        ...             now = datetime.now(timezone.utc)
        ...             if op.value is None:
        ...                 self.items.pop(where, None)
        ...             else:
        ...                 self.items[where] = Item(value=op.value, key=op.key,
        ...                     namespace=op.namespace, created_at=now, updated_at=now)
        ...             results.append(None)
        ...         return results
        ...     async def abatch(self, ops):
        ...         return self.batch(ops)
        >>> store = DictStore()
        >>> store.put(("users", "u1"), "prefs", {"color": "blue"})  # built on batch
        >>> store.get(("users", "u1"), "prefs").value
        {'color': 'blue'}
        >>> store.delete(("users", "u1"), "prefs")
        >>> print(store.get(("users", "u1"), "prefs"))
        None
    """

    supports_ttl: bool = False
    ttl_config: TTLConfig | None = None

    @abstractmethod
    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops``; one result per op. Reads see the store before the batch, puts land last."""

    @abstractmethod
    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Async form of ``batch`` (same semantics), without blocking the event loop."""

    # -- op builders: the only place the friendly methods' logic lives ------------

    def _refresh(self, refresh_ttl: bool | None) -> bool:
        if refresh_ttl is not None:
            return refresh_ttl
        return (self.ttl_config or {}).get("refresh_on_read", True)

    def _get_op(self, namespace: Any, key: str, refresh_ttl: bool | None) -> GetOp:
        return GetOp(as_namespace(namespace), str(key), self._refresh(refresh_ttl))

    def _search_op(
        self, prefix: Any, query: str | None, filter: Any, page: tuple[int, int], refresh: Any
    ) -> SearchOp:
        check_filter(filter)
        check_page(*page)
        prefix = as_namespace(prefix, what="namespace prefix")
        return SearchOp(prefix, filter, page[0], page[1], query, self._refresh(refresh))

    def _put_op(self, namespace: Any, key: str, value: Any, index: Any, ttl: Any) -> PutOp:
        namespace = validate_namespace(namespace)
        check_value(namespace, str(key), value)
        check_index_arg(index)
        if ttl is NOT_PROVIDED:
            ttl = (self.ttl_config or {}).get("default_ttl")
        elif ttl is not None and not self.supports_ttl:
            raise NotImplementedError(
                f"{type(self).__name__} does not support TTL; drop ttl={ttl!r} from put() "
                "or use a store with supports_ttl=True."
            )
        check_ttl(ttl)
        return PutOp(namespace, str(key), value, index=index, ttl=ttl)

    def _delete_op(self, namespace: Any, key: str) -> PutOp:
        return PutOp(as_namespace(namespace), str(key), None)

    def _list_op(
        self, prefix: Any, suffix: Any, max_depth: int | None, page: tuple[int, int]
    ) -> ListNamespacesOp:
        conditions = tuple(
            MatchCondition(kind, as_namespace(path, what=f"{kind} path"))
            for kind, path in (("prefix", prefix), ("suffix", suffix))
            if path is not None
        )
        check_max_depth(max_depth)
        check_page(*page)
        return ListNamespacesOp(conditions or None, max_depth, page[0], page[1])

    # -- friendly API: sync and async differ only in the batch call ----------------

    def get(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        """Return the item at ``namespace``/``key``, or None."""
        return self.batch([self._get_op(namespace, key, refresh_ttl)])[0]  # type: ignore[return-value]

    async def aget(
        self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None
    ) -> Item | None:
        """Async ``get``."""
        return (await self.abatch([self._get_op(namespace, key, refresh_ttl)]))[0]  # type: ignore[return-value]

    def search(
        self,
        namespace_prefix: tuple[str, ...],
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[SearchItem]:
        """Return items under ``namespace_prefix``, filtered, ranked by ``query`` if given."""
        op = self._search_op(namespace_prefix, query, filter, (limit, offset), refresh_ttl)
        return self.batch([op])[0]  # type: ignore[return-value]

    async def asearch(
        self,
        namespace_prefix: tuple[str, ...],
        /,
        *,
        query: str | None = None,
        filter: dict[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
        refresh_ttl: bool | None = None,
    ) -> list[SearchItem]:
        """Async ``search``."""
        op = self._search_op(namespace_prefix, query, filter, (limit, offset), refresh_ttl)
        return (await self.abatch([op]))[0]  # type: ignore[return-value]

    def put(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: dict[str, Any],
        index: Literal[False] | list[str] | None = None,
        *,
        ttl: float | None | NotProvided = NOT_PROVIDED,
    ) -> None:
        """Store ``value`` at ``namespace``/``key``; ``ttl`` in minutes (default from config)."""
        self.batch([self._put_op(namespace, key, value, index, ttl)])

    async def aput(
        self,
        namespace: tuple[str, ...],
        key: str,
        value: dict[str, Any],
        index: Literal[False] | list[str] | None = None,
        *,
        ttl: float | None | NotProvided = NOT_PROVIDED,
    ) -> None:
        """Async ``put``."""
        await self.abatch([self._put_op(namespace, key, value, index, ttl)])

    def delete(self, namespace: tuple[str, ...], key: str) -> None:
        """Remove the item at ``namespace``/``key`` (no error if absent)."""
        self.batch([self._delete_op(namespace, key)])

    async def adelete(self, namespace: tuple[str, ...], key: str) -> None:
        """Async ``delete``."""
        await self.abatch([self._delete_op(namespace, key)])

    def list_namespaces(
        self,
        *,
        prefix: NamespacePath | None = None,
        suffix: NamespacePath | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        """Return sorted distinct namespaces; ``"*"`` in prefix/suffix matches any label."""
        op = self._list_op(prefix, suffix, max_depth, (limit, offset))
        return self.batch([op])[0]  # type: ignore[return-value]

    async def alist_namespaces(
        self,
        *,
        prefix: NamespacePath | None = None,
        suffix: NamespacePath | None = None,
        max_depth: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[tuple[str, ...]]:
        """Async ``list_namespaces``."""
        op = self._list_op(prefix, suffix, max_depth, (limit, offset))
        return (await self.abatch([op]))[0]  # type: ignore[return-value]


def __getattr__(name: str) -> Any:
    # LangGraph's store.base also offers its embedder helpers; they live in .embed
    if name in ("Embeddings", "ensure_embeddings"):
        from . import embed

        return getattr(embed, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
