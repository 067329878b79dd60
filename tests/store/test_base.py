"""store.base: Item/SearchItem, op tuples, and the op building of BaseStore's friendly methods."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import pytest

import stategraph.store as store_package
from stategraph.errors import ErrorCode, StoreError
from stategraph.store import base
from stategraph.store.base import (
    NOT_PROVIDED,
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
)

pytestmark = pytest.mark.anyio

T0 = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


class RecordingStore(BaseStore):
    """Answers every op with None and remembers the ops it was given."""

    def __init__(self, *, ttl: TTLConfig | None = None, supports_ttl: bool = False) -> None:
        self.ttl_config = ttl
        self.supports_ttl = supports_ttl
        self.ops: list[Op] = []

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        self.ops.extend(ops)
        return [None] * len(ops)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return self.batch(ops)


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest):
    """Call a friendly method by its sync name, in sync or async form."""

    async def invoke(store: BaseStore, name: str, *args: Any, **kwargs: Any) -> Any:
        if request.param == "sync":
            return getattr(store, name)(*args, **kwargs)
        return await getattr(store, "a" + name)(*args, **kwargs)

    return invoke


def make_item(**overrides: Any) -> Item:
    fields = {
        "value": {"a": 1},
        "key": "k",
        "namespace": ("n",),
        "created_at": T0,
        "updated_at": T0,
    }
    return Item(**{**fields, **overrides})


def test_item_parses_iso_timestamps_and_serialises() -> None:
    item = make_item(
        namespace=["n", "m"], created_at=T0.isoformat(), updated_at="2025-01-03T00:00:00+00:00"
    )
    assert item.namespace == ("n", "m") and item.created_at == T0
    assert item.updated_at == datetime(2025, 1, 3, tzinfo=UTC)
    assert item.dict() == {
        "namespace": ["n", "m"],
        "key": "k",
        "value": {"a": 1},
        "created_at": "2025-01-02T03:04:05+00:00",
        "updated_at": "2025-01-03T00:00:00+00:00",
    }
    assert "namespace=('n', 'm')" in repr(item)


def test_item_equality_covers_every_field_and_hash_uses_address() -> None:
    item = make_item()
    assert item == make_item()
    for change in [
        {"value": {"a": 2}},
        {"key": "x"},
        {"namespace": ("o",)},
        {"updated_at": datetime.now(UTC)},
    ]:
        assert item != make_item(**change)
    assert hash(item) == hash(make_item(value={"other": True})) == hash((("n",), "k"))
    assert item != "not an item"


def test_search_item_adds_score() -> None:
    found = SearchItem(("n",), "k", {"a": 1}, T0, T0, 0.5)
    assert found.dict()["score"] == 0.5 and "score=0.5" in repr(found)
    assert SearchItem(("n",), "k", {"a": 1}, T0, T0).score is None
    assert found == make_item()  # score is search metadata, not part of the item


def test_op_defaults_match_langgraph() -> None:
    assert GetOp(("n",), "k") == (("n",), "k", True)
    assert SearchOp(("n",)) == (("n",), None, 10, 0, None, True)
    assert PutOp(("n",), "k", {"v": 1}) == (("n",), "k", {"v": 1}, None, None)
    assert ListNamespacesOp() == (None, None, 100, 0)
    assert MatchCondition("prefix", ("a", "*")).match_type == "prefix"


def test_not_provided_is_a_falsy_singleton() -> None:
    assert not NOT_PROVIDED and repr(NOT_PROVIDED) == "NOT_PROVIDED"


def test_invalid_namespace_error_is_a_store_error() -> None:
    assert issubclass(InvalidNamespaceError, StoreError) and issubclass(
        InvalidNamespaceError, ValueError
    )
    assert InvalidNamespaceError("x").code is ErrorCode.STORE_BAD_NAMESPACE


def test_public_names() -> None:
    assert sorted(base.__all__) == sorted(
        [
            "NOT_PROVIDED", "BaseStore", "GetOp", "IndexConfig", "InvalidNamespaceError", "Item",
            "ListNamespacesOp", "MatchCondition", "NamespaceMatchType", "NamespacePath",
            "NotProvided", "Op", "PutOp", "Result", "SearchItem", "SearchOp", "TTLConfig",
            "get_text_at_path", "tokenize_path",
        ]
    )  # fmt: skip
    for name in store_package.__all__:
        assert getattr(store_package, name) is not None


def test_batch_and_abatch_are_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        BaseStore()  # type: ignore[abstract]


async def test_friendly_methods_build_ops(call: Any) -> None:
    store = RecordingStore()
    await call(store, "get", ["n"], 3)
    await call(
        store, "search", ("n",), query="q", filter={"a": 1}, limit=5, offset=2, refresh_ttl=False
    )
    await call(store, "put", ("n",), "k", {"v": 1}, ["text"])
    await call(store, "delete", ("n",), "k")
    await call(
        store, "list_namespaces", prefix=("a", "*"), suffix=("z",), max_depth=2, limit=7, offset=1
    )
    await call(store, "list_namespaces")
    assert store.ops == [
        GetOp(("n",), "3", True),
        SearchOp(("n",), {"a": 1}, 5, 2, "q", False),
        PutOp(("n",), "k", {"v": 1}, ["text"], None),
        PutOp(("n",), "k", None),
        ListNamespacesOp(
            (MatchCondition("prefix", ("a", "*")), MatchCondition("suffix", ("z",))), 2, 7, 1
        ),
        ListNamespacesOp(None, None, 100, 0),
    ]


async def test_ttl_config_supplies_defaults(call: Any) -> None:
    store = RecordingStore(ttl={"default_ttl": 5.0, "refresh_on_read": False}, supports_ttl=True)
    await call(store, "put", ("n",), "a", {"v": 1})
    await call(store, "put", ("n",), "b", {"v": 1}, ttl=None)
    await call(store, "put", ("n",), "c", {"v": 1}, ttl=2.5)
    await call(store, "get", ("n",), "a")
    await call(store, "get", ("n",), "a", refresh_ttl=True)
    await call(store, "search", ("n",))
    assert [op.ttl for op in store.ops[:3]] == [5.0, None, 2.5]
    assert [op.refresh_ttl for op in store.ops[3:]] == [False, True, False]


async def test_ttl_on_a_store_without_ttl_support(call: Any) -> None:
    store = RecordingStore()
    await call(store, "put", ("n",), "k", {"v": 1}, ttl=None)
    with pytest.raises(NotImplementedError, match="RecordingStore does not support TTL"):
        await call(store, "put", ("n",), "k", {"v": 1}, ttl=1.0)
    assert len(store.ops) == 1


@pytest.mark.parametrize(
    ("namespace", "fragment"),
    [
        ((), "is empty"),
        (("a", ""), "empty label"),
        (("a.b",), "containing '.'"),
        (("langgraph",), "reserved label 'langgraph'"),
        (("a", 2), "non-string label 2"),
        ("users", "Write ('users',) instead"),
        (42, "must be a tuple"),
    ],
)
async def test_namespace_errors_say_how_to_fix(call: Any, namespace: Any, fragment: str) -> None:
    store = RecordingStore()
    with pytest.raises(
        InvalidNamespaceError, match=fragment.replace("(", r"\(").replace(")", r"\)")
    ):
        await call(store, "put", namespace, "k", {"v": 1})
    assert store.ops == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": -1},
        {"offset": -1},
        {"limit": 1.5},
        {"limit": True},
        {"filter": {"a": {"$nope": 1}}},
    ],
    ids=repr,
)
async def test_search_arguments_are_checked(call: Any, kwargs: dict) -> None:
    with pytest.raises(ValueError):  # StoreError, or a plain coded ValueError for a bad filter
        await call(RecordingStore(), "search", ("n",), **kwargs)


@pytest.mark.parametrize(
    "kwargs", [{"max_depth": 0}, {"max_depth": "2"}, {"limit": -5}, {"prefix": "a"}], ids=repr
)
async def test_list_namespaces_arguments_are_checked(call: Any, kwargs: dict) -> None:
    with pytest.raises(StoreError):
        await call(RecordingStore(), "list_namespaces", **kwargs)


def test_fast_constructors_build_the_same_items() -> None:
    created, updated = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    fast = Item._of({"v": 1}, "k", ("a", "b"), created, updated)
    slow = Item(
        value={"v": 1}, key="k", namespace=("a", "b"), created_at=created, updated_at=updated
    )
    assert fast == slow and type(fast) is Item and fast.dict() == slow.dict()
    scored = SearchItem._scored({"v": 1}, "k", ("a", "b"), created, updated, 0.5)
    assert scored == SearchItem(("a", "b"), "k", {"v": 1}, created, updated, 0.5)
    assert type(scored) is SearchItem and scored.score == 0.5 and "score=0.5" in repr(scored)


def test_items_survive_the_checkpoint_serializer_even_before_the_store_is_imported() -> None:
    import subprocess
    import sys

    from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer()
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    items = [Item(value={"a": 1}, key="k", namespace=("n", "m"), created_at=stamp, updated_at=stamp),
             SearchItem(namespace=("n",), key="s", value={}, created_at=stamp, updated_at=stamp, score=0.5)]
    back = serde.loads_typed(serde.dumps_typed(items))
    assert back == items and [type(i) for i in back] == [Item, SearchItem] and back[1].score == 0.5
    # a fresh process that never imported the store still reads them back (the module is ours)
    type_, data = serde.dumps_typed(items[0])
    code = (
        "import sys; from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer\n"
        "assert 'stategraph.store.base' not in sys.modules\n"
        f"print(JsonPlusSerializer().loads_typed(({type_!r}, {data!r})).namespace)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "('n', 'm')"
