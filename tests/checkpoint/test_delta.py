"""Delta blobs: format, prints, the snapshot rule and chain reading (pure, no backend)."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.checkpoint import _delta as delta
from stategraph.checkpoint._delta import DELTA_TYPE, MAX_CHAIN, BlobSource, ChainState, ListPrint
from stategraph.checkpoint._list_cache import ListCache
from stategraph.checkpoint.serde import JsonPlusSerializer
from stategraph.checkpoint.serde.encrypted import EncryptedSerializer

from .strategies import assert_same

SERDE = JsonPlusSerializer()
ITEM = {"content": "x" * 200}


def state_of(value: list[Any], *, depth: int = 0, since: int = 0) -> ChainState:
    encoded = SERDE.dumps_typed(value)
    found = delta.list_print(value, encoded)
    assert found is not None
    return ChainState(found, depth, since, len(encoded[1]), True)


def test_delta_header_round_trips_and_rejects_garbage() -> None:
    blob = delta.encode_delta("c1", 3, ("msgpack", b"\x91\x01\n"))
    assert blob[0] == DELTA_TYPE
    assert delta.decode_delta(blob) == delta.Delta("c1", 3, ("msgpack", b"\x91\x01\n"))
    assert delta.delta_base(blob) == "c1"
    assert delta.delta_base(("msgpack", b"\x90")) is None
    for bad in (b"", b"no newline", b'["c1",3]\n', b'["c1",-1,"m"]\n', b'["c1",true,"m"]\n',
                b'{"b":"c1"}\n', b'[1,3,"m"]\n', b"\xff\n"):  # fmt: skip
        with pytest.raises(ValueError):
            delta.decode_delta((DELTA_TYPE, bad))


@pytest.mark.parametrize("length", [0, 1, 15, 16, 65535, 65536])
def test_a_print_is_the_items_of_the_msgpack_array(length: int) -> None:
    value = list(range(length))
    found = delta.list_print(value, SERDE.dumps_typed(value))
    assert found is not None and found.count == length
    assert found.items == b"".join(SERDE.dumps_typed(i)[1] for i in value)
    assert delta._array_header(length) + found.items == SERDE.dumps_typed(value)[1]


def test_only_exact_lists_have_prints() -> None:
    class Sub(list):  # type: ignore[type-arg]
        pass

    assert delta.list_print((1, 2)) is None
    assert delta.list_print(Sub([1])) is None
    assert delta.list_print({"a": 1}) is None
    assert delta.list_print([object()]) is None  # cannot be encoded: stored in full
    encrypted = EncryptedSerializer.from_aes(key=b"k" * 16).dumps_typed([1, 2])
    assert delta.list_print([1, 2], encrypted) == ListPrint(2, b"\x01\x02")


def test_choose_blob_stores_an_extension_as_a_delta() -> None:
    base = [ITEM, ITEM]
    new = [*base, {"content": "y"}]
    blob, state = delta.choose_blob(SERDE, new, SERDE.dumps_typed(new), ("c1", state_of(base)))
    assert blob.base == "c1" and blob.typed[0] == DELTA_TYPE
    header = delta.decode_delta(blob.typed)
    assert (header.base, header.base_length) == ("c1", 2)
    assert SERDE.loads_typed(header.items) == [{"content": "y"}]
    assert state is not None
    assert (state.depth, state.since, state.snapshot) == (1, len(blob.typed[1]), state.snapshot)
    assert state.print == delta.list_print(new)


@pytest.mark.parametrize(
    "new",
    [[ITEM], [ITEM, {"content": "other"}, ITEM], [{"content": "x" * 200, "k": 1}, ITEM, ITEM]],
)
def test_choose_blob_stores_non_extensions_in_full(new: list[Any]) -> None:
    encoded = SERDE.dumps_typed(new)
    blob, state = delta.choose_blob(SERDE, new, encoded, ("c1", state_of([ITEM, ITEM])))
    assert blob == delta.StoredBlob(encoded, None)
    assert state == ChainState(delta.list_print(new, encoded), 0, 0, len(encoded[1]), True)


def test_choose_blob_takes_a_snapshot_when_the_chain_is_due() -> None:
    base = [ITEM] * 4
    new = [*base, ITEM]
    encoded = SERDE.dumps_typed(new)
    snapshot = state_of(base).snapshot
    for due in (
        state_of(base, depth=MAX_CHAIN),  # the chain is as long as allowed
        # this delta would pass SNAPSHOT_RATIO times the snapshot's bytes
        state_of(base, since=delta.SNAPSHOT_RATIO * snapshot - 10),
    ):
        blob, state = delta.choose_blob(SERDE, new, encoded, ("c1", due))
        assert blob.base is None and state is not None and state.depth == 0
    blob, state = delta.choose_blob(SERDE, new, encoded, ("c1", state_of(base, since=snapshot)))
    assert blob.base == "c1" and state is not None and state.depth == 1
    assert blob.root == state.root == "c1"  # the first delta on a snapshot roots there
    deep = state_of(base, depth=3)._replace(root="c0")
    blob, state = delta.choose_blob(SERDE, new, encoded, ("c1", deep))
    assert (blob.base, blob.root, state.depth, state.root) == ("c1", "c0", 4, "c0")


def test_values_that_are_no_list_are_stored_in_full_without_state() -> None:
    encoded = SERDE.dumps_typed((ITEM,))
    blob, state = delta.choose_blob(SERDE, (ITEM,), encoded, ("c1", state_of([ITEM])))
    assert (blob, state) == (delta.StoredBlob(encoded, None), None)


def chain(*values: list[Any]) -> dict[str, tuple[str, bytes]]:
    """Store ``values`` as c0 (snapshot), c1 (delta on c0), ...; return origin -> blob."""
    blobs = {"c0": SERDE.dumps_typed(values[0])}
    for n, value in enumerate(values[1:], start=1):
        previous = values[n - 1]
        items = SERDE.dumps_typed(value[len(previous) :])
        blobs[f"c{n}"] = delta.encode_delta(f"c{n - 1}", len(previous), items)
    return blobs


def source(blobs: dict[str, tuple[str, bytes]], **kwargs: Any) -> BlobSource:
    return BlobSource(lambda channel, origin: blobs.get(origin), **kwargs)


def test_load_value_walks_the_chain_and_can_warm_a_cache() -> None:
    values = [[(1, "a")], [(1, "a"), (2, "b")], [(1, "a"), (2, "b")], [(1, "a"), (2, "b"), 3]]
    blobs = chain(*values)
    remembered: dict[str, ChainState] = {}
    warm = source(blobs, remember=lambda channel, origin, state: remembered.update({origin: state}))
    for n, value in enumerate(values):
        assert_same(delta.load_value(SERDE, "v", f"c{n}", warm), value)
    assert remembered["c3"] == delta.chain_state(SERDE, "c3", blobs.get)
    assert remembered["c3"].print == delta.list_print(values[3])
    assert remembered["c3"].depth == 3
    # A read served from a cached state decodes the print, never the chain.
    cached = source({}, cached={("v", "c3"): remembered["c3"]})
    assert_same(delta.load_value(SERDE, "v", "c3", cached), values[3])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b.pop("c0"), "missing"),
        (lambda b: b.update(c0=delta.encode_delta("c2", 1, SERDE.dumps_typed([1]))), "loops"),
        (lambda b: b.update(c1=delta.encode_delta("c0", 5, SERDE.dumps_typed([2]))), "base of 5"),
        (lambda b: b.update(c0=SERDE.dumps_typed("not a list")), "snapshot"),
        (lambda b: b.update(c1=delta.encode_delta("c0", 1, SERDE.dumps_typed(2))), "not a list"),
    ],
)
def test_broken_chains_raise_value_errors(damage: Any, message: str) -> None:
    blobs = chain([1], [1, 2], [1, 2, 3])
    damage(blobs)
    with pytest.raises(ValueError, match=message):
        delta.load_value(SERDE, "v", "c2", source(blobs))


def test_plan_list_blobs_uses_the_cache_then_storage() -> None:
    first = [ITEM] * 4
    second = [*first, {"k": 1}]
    third = [*second, {"k": 2}]
    blobs = chain(first, second)
    cache = ListCache()
    stores = {"v": (third, SERDE.dumps_typed(third), "c1")}
    assert delta.bases_to_fetch(cache, "t", "", stores) == [("v", "c1")]
    lookup = lambda channel, origin: blobs.get(origin)  # noqa: E731
    chosen = delta.plan_list_blobs(SERDE, cache, ("t", "", "c2"), stores, lookup)
    assert chosen["v"].base == "c1"
    assert cache.get(("t", "", "v", "c1")) == delta.chain_state(SERDE, "c1", blobs.get)
    assert cache.get(("t", "", "v", "c2")) is not None
    assert delta.bases_to_fetch(cache, "t", "", stores) == []
    # Re-putting a checkpoint over itself never makes it its own base.
    again = delta.plan_list_blobs(SERDE, cache, ("t", "", "c1"), stores, lambda c, o: None)
    assert again["v"].base is None
    # A base that cannot be read only costs a full blob.
    cache.clear()
    broken = delta.plan_list_blobs(SERDE, cache, ("t", "", "c2"), stores, lambda c, o: None)
    assert broken["v"].base is None
