"""cache._codec: the default serializer and forgiving reads for byte-storing caches."""

from __future__ import annotations

import pytest

from stategraph.cache._codec import MISS, default_serde, load_value
from stategraph.checkpoint.serde import JsonPlusSerializer

NS = ("__pregel_ns_writes", "node")


def test_default_serde_is_strict_jsonplus_unless_given() -> None:
    assert isinstance(default_serde(None), JsonPlusSerializer)
    custom = object()
    assert default_serde(custom) is custom


def test_load_value_round_trips() -> None:
    serde = JsonPlusSerializer()
    tag, payload = serde.dumps_typed([("x", (1, b"2"))])
    assert load_value(serde, (NS, "k"), tag, payload) == [("x", (1, b"2"))]
    assert load_value(serde, (NS, "k"), *serde.dumps_typed(None)) is None


@pytest.mark.parametrize(
    ("tag", "payload"),
    [("msgpack", b"\xc1"), ("pickle", b"\x80\x04N."), ("", b"")],
    ids=["corrupt", "pickle-tag", "empty-tag"],
)
def test_unreadable_entries_are_misses_with_a_warning(tag: str, payload: bytes) -> None:
    with pytest.warns(RuntimeWarning, match=r"Cache entry 'k' in namespace .*node.*a miss"):
        assert load_value(JsonPlusSerializer(), (NS, "k"), tag, payload) is MISS
