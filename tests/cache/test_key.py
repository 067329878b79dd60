"""cache._key: default_cache_key is deterministic, value-based, and never pickles."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import pathlib
import pickle
import subprocess
import sys
import uuid
from collections import OrderedDict
from typing import Any, NamedTuple

import pydantic
import pytest

from stategraph.cache._key import default_cache_key


class Color(enum.Enum):
    RED = 1
    BLUE = 2


@dataclasses.dataclass
class Point:
    x: int
    y: int


@dataclasses.dataclass
class Other:
    x: int
    y: int


class Model(pydantic.BaseModel):
    name: str
    tags: list[str] = []


class Pair(NamedTuple):
    a: int
    b: int


class Opaque:
    """No value-based repr: falls back to the default repr."""


class Valued:
    def __init__(self, v: int) -> None:
        self.v = v

    def __repr__(self) -> str:
        return f"Valued({self.v})"


def test_is_a_hex_string_and_deterministic() -> None:
    key = default_cache_key({"messages": ["hi"]}, step=1)
    assert isinstance(key, str) and len(key) == 32 and int(key, 16) >= 0
    assert key == default_cache_key({"messages": ["hi"]}, step=1)


def test_stable_across_processes() -> None:
    code = "from stategraph.cache._key import default_cache_key as k; print(k({'b': {1, 2}, 'a': [1.5, None]}))"
    # why: a different hash seed must not change the key (no reliance on hash())
    env = {"PYTHONHASHSEED": "12345"}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert output.stdout.strip() == default_cache_key({"a": [1.5, None], "b": {2, 1}})


EQUAL_PAIRS = [
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    ({3, 1, 2}, {1, 2, 3}),
    (frozenset({"x", "y"}), frozenset({"y", "x"})),
    (OrderedDict(a=1), {"a": 1}),
    (Point(1, 2), Point(1, 2)),
    (Model(name="n", tags=["t"]), Model(name="n", tags=["t"])),
    (Pair(1, 2), (1, 2)),
    (Valued(3), Valued(3)),
    ({1: "a", "1": "b"}, {"1": "b", 1: "a"}),
]


@pytest.mark.parametrize(("left", "right"), EQUAL_PAIRS, ids=repr)
def test_equal_inputs_share_a_key(left: Any, right: Any) -> None:
    assert default_cache_key(left) == default_cache_key(right)


DISTINCT = [
    None, True, False, 0, 1, 1.0, -0.0, 0.0, "1", b"1", "", "a", ["a"], ("a",), {"a"}, {"a": None},
    [1, [2, 3]], [[1, 2], 3], ["ab", "c"], ["a", "bc"], Color.RED, Color.BLUE, 1 + 2j,
    Point(1, 2), Other(1, 2), Model(name="n"), {"name": "n", "tags": []},
    datetime.date(2025, 1, 1), datetime.datetime(2025, 1, 1), "2025-01-01",
    uuid.UUID(int=1), decimal.Decimal("1.10"), decimal.Decimal("1.1"), pathlib.PurePosixPath("a"),
    datetime.timedelta(seconds=1), Valued(1), Valued(2),
]  # fmt: skip


def test_distinct_inputs_get_distinct_keys() -> None:
    keys = [default_cache_key(value) for value in DISTINCT]
    assert len(set(keys)) == len(DISTINCT)


def test_args_and_kwargs_are_distinguished() -> None:
    assert default_cache_key(1, 2) != default_cache_key(2, 1)
    assert default_cache_key(1) != default_cache_key(a=1)
    assert default_cache_key((1,)) != default_cache_key(1)
    assert default_cache_key(a=1, b=2) == default_cache_key(b=2, a=1)


def test_cycles_are_encoded_not_recursed() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    assert default_cache_key(loop) == default_cache_key(loop)
    assert default_cache_key(loop) != default_cache_key([1, []])


def test_repr_fallback_for_unknown_objects() -> None:
    first, second = Opaque(), Opaque()
    assert default_cache_key(first) == default_cache_key(first)
    assert default_cache_key(first) != default_cache_key(second)  # default repr holds the address


def test_never_pickles(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("default_cache_key must not pickle")

    monkeypatch.setattr(pickle, "dumps", refuse)
    monkeypatch.setattr(pickle, "dump", refuse)
    default_cache_key(Point(1, 2), Model(name="x"), Opaque(), {"a": [1, {2}]})
