"""The per-saver list cache: LRU bounds by entries and bytes, dropping threads."""

from __future__ import annotations

from stategraph.checkpoint._list_cache import ChainState, ListCache, ListPrint, cached_states


def state(size: int, *, native: bool = True) -> ChainState:
    return ChainState(ListPrint(1, b"x" * size), 0, 0, size, native)


def test_least_recently_used_entries_go_first() -> None:
    cache = ListCache(max_entries=2)
    cache.put(("t", "", "a", "1"), state(1))
    cache.put(("t", "", "a", "2"), state(1))
    assert cache.get(("t", "", "a", "1")) is not None  # now the most recent
    cache.put(("t", "", "a", "3"), state(1))
    assert cache.get(("t", "", "a", "2")) is None
    assert len(cache) == 2


def test_bytes_are_bounded_and_replacing_a_key_recounts_them() -> None:
    cache = ListCache(max_bytes=10)
    cache.put(("t", "", "a", "1"), state(6))
    cache.put(("t", "", "a", "1"), state(4))  # replaces: 4 bytes held, not 10
    cache.put(("t", "", "a", "2"), state(6))
    assert len(cache) == 2
    cache.put(("t", "", "a", "3"), state(6))
    assert cache.get(("t", "", "a", "1")) is None and cache.get(("t", "", "a", "2")) is None
    cache.put(("t", "", "a", "4"), state(11))  # larger than the budget: not kept at all
    assert len(cache) == 0


def test_drop_threads_clear_and_native_lookups() -> None:
    cache = ListCache()
    cache.put(("t", "", "a", "1"), state(1))
    cache.put(("t", "", "b", "1"), state(1, native=False))
    cache.put(("u", "", "a", "1"), state(1))
    assert cached_states(cache, "t", "", [("a", "1"), ("b", "1"), ("c", "1")]) == {
        ("a", "1"): state(1)
    }
    cache.drop_threads(["t"])
    assert cache.get(("t", "", "a", "1")) is None and len(cache) == 1
    cache.clear()
    assert len(cache) == 0


def test_extended_prints_share_pieces_but_never_each_others_items() -> None:
    base = ListPrint(1, b"a")
    left = base.extended(2, b"bc")
    right = base.extended(1, b"x")  # a fork of the same base: must not see b"bc"
    deeper = left.extended(1, b"d")
    assert (base.count, base.items, base.size) == (1, b"a", 1)
    assert (left.count, left.items, left.size) == (3, b"abc", 3)
    assert (right.count, right.items) == (2, b"ax")
    assert (deeper.count, deeper.items, deeper.size) == (4, b"abcd", 4)
    assert left.extended(1, b"e").items == b"abce"
    assert deeper == ListPrint(4, b"abcd") and deeper != ListPrint(4, b"abce")
