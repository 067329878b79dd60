"""store._validate: namespace checks, including the cache of namespaces already checked."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.store import _validate
from stategraph.store._validate import InvalidNamespaceError, as_namespace, validate_namespace


def test_a_checked_namespace_is_remembered_and_returned_as_is() -> None:
    namespace = ("users", "cache-test", "memories")
    assert validate_namespace(namespace) is namespace
    assert namespace in _validate._VALID
    assert as_namespace(namespace) is namespace
    assert validate_namespace(list(namespace)) == namespace  # lists are converted


@pytest.mark.parametrize(
    "namespace",
    [(), ("",), ("a.b",), ("langgraph", "x"), ("ok", 3), ("ok", ["unhashable"]), "users"],
    ids=repr,
)
def test_bad_namespaces_are_refused_every_time(namespace: Any) -> None:
    for _ in range(2):  # a refusal is never cached as a pass
        with pytest.raises(InvalidNamespaceError):
            validate_namespace(namespace)
    if namespace != "users":
        assert not _validate._known_valid(namespace)


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_validate, "_VALID", set())
    monkeypatch.setattr(_validate, "_VALID_MAX", 3)
    for i in range(10):
        validate_namespace(("bounded", str(i)))
        assert len(_validate._VALID) <= 3
    assert ("bounded", "9") in _validate._VALID


def test_as_namespace_accepts_what_put_refuses() -> None:
    # reads may name namespaces a put would refuse (they simply hold nothing)
    assert as_namespace(("a.b", "")) == ("a.b", "")
    assert not _validate._known_valid(("a.b", ""))
