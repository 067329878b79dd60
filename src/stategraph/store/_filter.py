"""Match a stored value against a search ``filter`` (the in-process reference semantics).

A filter maps keys to conditions; every key must match.  A key is a top-level key
or, when no such key exists, a dotted path into nested dicts (``"a.b"``).  A
condition is either a plain value (equality, nested dicts compared whole) or a
dict of operators: ``$eq $ne $gt $gte $lt $lte $in $nin``.  A missing key
compares as None (as in LangGraph's stores) for equality, ``$ne``, ``$in`` and
``$nin``; it never matches an ordering; comparing values of unorderable types is
simply no match.  SQL backends must implement exactly these rules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ErrorCode, coded

__all__ = ["OPERATORS", "check_filter", "matches_filter"]

_MISSING: Any = object()

_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": operator.gt,
    "$gte": operator.ge,
    "$lt": operator.lt,
    "$lte": operator.le,
}
OPERATORS = frozenset({"$eq", "$ne", "$in", "$nin", *_ORDERING})


def _filter_error(message: str, key: str) -> ValueError:
    # a plain ValueError (coded E403), the type LangGraph raises for a bad filter
    return coded(ValueError, message, ErrorCode.STORE_BAD_FILTER, key=key)  # type: ignore[no-any-return]


def _is_operator_dict(condition: Any) -> bool:
    return isinstance(condition, Mapping) and any(
        isinstance(k, str) and k.startswith("$") for k in condition
    )


def check_filter(filter: Mapping[str, Any] | None) -> None:
    """Raise ValueError (E403) if ``filter`` is malformed; run before touching any data."""
    if filter is None:
        return
    if not isinstance(filter, Mapping):
        raise _filter_error(
            f"Search filter must be a dict such as {{'status': 'active'}}, got {filter!r}.", ""
        )
    for key, condition in filter.items():
        if not isinstance(key, str) or not key:
            raise _filter_error(f"Filter keys must be non-empty strings, got {key!r}.", str(key))
        if _is_operator_dict(condition):
            _check_operators(key, condition)


def _check_operators(key: str, condition: Mapping[str, Any]) -> None:
    for op, operand in condition.items():
        if op not in OPERATORS:
            raise _filter_error(
                f"Filter on {key!r} uses {op!r}, which is not an operator "
                f"(mixing operators and plain keys is not allowed either). "
                f"Use one of {sorted(OPERATORS)}.",
                key,
            )
        if op in ("$in", "$nin") and not isinstance(operand, (list, tuple, set, frozenset)):
            raise _filter_error(
                f"Filter on {key!r}: {op} needs a list of values, got {operand!r}.", key
            )


def _lookup(value: Mapping[str, Any], key: str) -> Any:
    """Return the value at ``key`` (literal key first, then dotted path), or _MISSING."""
    if key in value:
        return value[key]
    current: Any = value
    for part in key.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _apply(op: str, actual: Any, operand: Any) -> bool:
    if op == "$eq":
        return _present(actual) == operand
    if op == "$ne":
        return _present(actual) != operand
    if op == "$in":
        return any(_present(actual) == candidate for candidate in operand)
    if op == "$nin":
        return all(_present(actual) != candidate for candidate in operand)
    if actual is _MISSING or actual is None or operand is None:
        return False
    try:
        return bool(_ORDERING[op](actual, operand))
    except TypeError:  # why: "3" > 2 is no match, not a crash mid-search
        return False


def _present(actual: Any) -> Any:
    """A missing key compares as None, as in LangGraph's stores (``{"k": None}`` matches it)."""
    return None if actual is _MISSING else actual


def _matches_condition(actual: Any, condition: Any) -> bool:
    if _is_operator_dict(condition):
        return all(_apply(op, actual, operand) for op, operand in condition.items())
    return _present(actual) == condition


def matches_filter(value: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
    """Return True if ``value`` satisfies every condition of ``filter`` (None matches all)."""
    if not filter:
        return True
    return all(_matches_condition(_lookup(value, key), cond) for key, cond in filter.items())
