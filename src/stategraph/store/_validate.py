"""Argument checks shared by every store backend, run before any data is touched.

The friendly ``BaseStore`` methods call these while building ops; backends call
``check_put_op`` again in ``batch`` so ops built by hand get the same checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ErrorCode, StoreError, coded
from ._paths import validate_path

if TYPE_CHECKING:
    from .base import IndexConfig, PutOp

__all__ = [
    "InvalidNamespaceError",
    "as_namespace",
    "check_index_arg",
    "check_index_config",
    "check_max_depth",
    "check_page",
    "check_put_op",
    "check_value",
    "check_ttl",
    "validate_namespace",
]

RESERVED_ROOT = "langgraph"


class InvalidNamespaceError(StoreError):
    """A namespace is not a non-empty tuple of non-empty, dot-free string labels.

    Examples:
        >>> from stategraph.store.base import InvalidNamespaceError
        >>> from stategraph.store.memory import InMemoryStore
        >>> store = InMemoryStore()
        >>> try:
        ...     store.put(("users", "u1.prefs"), "k", {"v": 1})
        ... except InvalidNamespaceError as e:
        ...     print(e.code.value, e)
        E401 Namespace ('users', 'u1.prefs') has a label containing '.'; split it into separate labels or replace the dot. [E401]
        >>> store.put(("users", "u1", "prefs"), "k", {"v": 1})  # one label per level
    """

    code = ErrorCode.STORE_BAD_NAMESPACE


# Namespaces that passed ``validate_namespace`` (so ``as_namespace`` too): a store is
# called with a few namespaces many times, and a set lookup is cheaper than the checks.
# Bounded: cleared when full, so a stream of distinct namespaces cannot grow it.
_VALID: set[tuple[str, ...]] = set()
_VALID_MAX = 4096


def _known_valid(namespace: Any) -> bool:
    """True if ``namespace`` is a tuple already validated (unhashable labels: False)."""
    if type(namespace) is not tuple:
        return False
    try:
        return namespace in _VALID
    except TypeError:  # a label that cannot be hashed is not a string: check it slowly
        return False


def as_namespace(namespace: Any, *, what: str = "namespace") -> tuple[str, ...]:
    """Return ``namespace`` as a tuple of strings; a bare string is refused, not split."""
    if _known_valid(namespace):
        return namespace
    if isinstance(namespace, str):
        raise InvalidNamespaceError(
            f"The {what} {namespace!r} is a string; namespaces are tuples of labels. "
            f"Write ({namespace!r},) instead.",
            namespace=namespace,
        )
    if not isinstance(namespace, (tuple, list)):
        raise InvalidNamespaceError(
            f"The {what} {namespace!r} must be a tuple of string labels, e.g. ('users', 'u1').",
            namespace=namespace,
        )
    for label in namespace:
        if not isinstance(label, str):
            raise InvalidNamespaceError(
                f"The {what} {tuple(namespace)!r} has a non-string label {label!r}; "
                "convert every label to str.",
                namespace=tuple(namespace),
            )
    return tuple(namespace)


def validate_namespace(namespace: Any) -> tuple[str, ...]:
    """Check the rules for namespaces written by ``put`` and return it as a tuple."""
    if _known_valid(namespace):
        return namespace
    namespace = as_namespace(namespace)
    problem = None
    if not namespace:
        problem = "is empty; give at least one label, e.g. ('memories',)"
    elif any(not label for label in namespace):
        problem = "has an empty label; every label must be a non-empty string"
    elif any("." in label for label in namespace):
        problem = "has a label containing '.'; split it into separate labels or replace the dot"
    elif namespace[0] == RESERVED_ROOT:
        problem = f"starts with the reserved label {RESERVED_ROOT!r}; choose another root label"
    if problem is not None:
        raise InvalidNamespaceError(f"Namespace {namespace!r} {problem}.", namespace=namespace)
    if len(_VALID) >= _VALID_MAX:
        _VALID.clear()
    _VALID.add(namespace)
    return namespace


def check_value(namespace: tuple[str, ...], key: str, value: Any) -> None:
    """Refuse stored values that are not dicts (``None`` means delete and is allowed)."""
    if value is not None and not isinstance(value, Mapping):
        raise coded(  # a plain ValueError, as LangGraph raises
            ValueError,
            f"Store value for key {key!r} in namespace {namespace!r} must be a dict, "
            f"got {type(value).__name__}. Wrap it, e.g. {{'value': ...}}.",
            ErrorCode.STORE_BAD_VALUE,
            namespace=namespace,
            key=key,
        )


def check_index_arg(index: Any) -> None:
    """Accept ``None``, ``False`` or a list of valid field paths for ``put(index=...)``."""
    if index is None or index is False:
        return
    if not isinstance(index, (list, tuple)):
        raise StoreError(
            f"put(index={index!r}) must be False (do not embed), None (use the store's "
            "index fields) or a list of field paths such as ['text'].",
            code=ErrorCode.STORE_BAD_VALUE,
        )
    for path in index:
        validate_path(path)


def check_ttl(ttl: Any) -> None:
    """Accept ``None`` or a positive number of minutes."""
    if ttl is None:
        return
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
        raise StoreError(
            f"ttl={ttl!r} is not valid: give a positive number of minutes, or None for no expiry.",
            code=ErrorCode.STORE_BAD_VALUE,
        )


def check_page(limit: Any, offset: Any) -> None:
    """Refuse negative or non-integer ``limit``/``offset``."""
    for name, number in (("limit", limit), ("offset", offset)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise StoreError(
                f"{name}={number!r} is not valid: give a non-negative integer.",
                code=ErrorCode.STORE_BAD_FILTER,
            )


def check_max_depth(max_depth: Any) -> None:
    """Accept ``None`` or a positive integer."""
    if max_depth is not None and (
        isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1
    ):
        raise StoreError(
            f"max_depth={max_depth!r} is not valid: give a positive integer, or None.",
            code=ErrorCode.STORE_BAD_FILTER,
        )


def check_put_op(op: PutOp) -> PutOp:
    """Check one put (namespace, value, index, ttl) and return it with a tuple namespace.

    Deletes (``value=None``) only need a well-formed namespace: one that breaks the
    put rules can hold nothing to delete.
    """
    if op.value is None:
        return op._replace(namespace=as_namespace(op.namespace), key=str(op.key))
    namespace = validate_namespace(op.namespace)
    check_value(namespace, str(op.key), op.value)
    check_index_arg(op.index)
    check_ttl(op.ttl)
    return op._replace(namespace=namespace, key=str(op.key))


def check_index_config(index: IndexConfig) -> IndexConfig:
    """Check a store's IndexConfig (dims, embed, field paths); return it with a fields list."""
    dims = index.get("dims")
    if isinstance(dims, bool) or not isinstance(dims, int) or dims < 1:
        raise StoreError(
            f"IndexConfig dims={dims!r} must be a positive integer: the length of the "
            "vectors your embed returns.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    if index.get("embed") is None:
        raise StoreError(
            "IndexConfig needs 'embed': an embeddings object, a function "
            "list[str] -> list[list[float]], or a 'provider:model' string.",
            code=ErrorCode.STORE_EMBEDDING,
        )
    fields = index.get("fields") or ["$"]
    for path in fields:
        validate_path(path)
    return {**index, "fields": list(fields)}
