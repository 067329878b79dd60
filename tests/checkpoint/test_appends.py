"""Appended lists: only new items are encoded, and the blob equals what a full encoding picks."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.checkpoint import _appends as appends
from stategraph.checkpoint import _delta as delta
from stategraph.checkpoint._delta import MAX_CHAIN, ChainState
from stategraph.checkpoint._list_cache import ListCache
from stategraph.checkpoint.serde import JsonPlusSerializer

SERDE = JsonPlusSerializer()
KEY = ("t", "", "v", "c1")


def kept(value: list[Any], *, depth: int = 0, since: int = 0, snapshot: int | None = None) -> ListCache:
    encoded = SERDE.dumps_typed(value)
    found = delta.list_print(value, encoded)
    assert found is not None
    cache = ListCache()
    cache.put(KEY, ChainState(found, depth, since, snapshot or len(encoded[1]), True))
    cache.put_items(KEY, tuple(value), value)
    return cache


def prepare(cache: ListCache, value: list[Any]) -> dict[str, appends.Appended]:
    return appends.prepare_appends(SERDE, cache, ("t", ""), {"v": value}, ["v"])


@pytest.mark.parametrize(
    ("depth", "since", "snapshot"), [(0, 0, None), (MAX_CHAIN, 0, None), (3, 10_000, 10_001)]
)
def test_the_blob_matches_a_full_encoding(depth: int, since: int, snapshot: int | None) -> None:
    old = [{"content": "a" * 50}, {"content": "b"}]
    cache = kept(old, depth=depth, since=since, snapshot=snapshot)
    new = [*old, {"content": "c"}]
    found = prepare(cache, new)
    assert list(found) == ["v"]
    blob, state = appends.choose_appended(found["v"])
    want_blob, want_state = delta.choose_blob(
        SERDE, new, SERDE.dumps_typed(new), ("c1", cache.get(KEY))
    )
    assert (blob, state) == (want_blob, want_state)


def test_only_a_longer_new_list_of_the_same_items_is_appended() -> None:
    old = [{"content": "a"}, {"content": "b"}]
    cache = kept(old)
    assert prepare(cache, list(old)) == {}  # nothing new: maybe an item edited in place
    assert prepare(cache, [{"content": "a"}, old[1], {"content": "c"}]) == {}  # not the same object
    old.append({"content": "c"})
    assert prepare(cache, old) == {}  # the very list put before, changed in place
    assert prepare(cache, [*old[:2], "not a dict"]) != {}


def test_an_unencodable_new_item_is_left_to_the_full_encoding() -> None:
    old = [{"content": "a"}]
    assert prepare(kept(old), [*old, object()]) == {}
