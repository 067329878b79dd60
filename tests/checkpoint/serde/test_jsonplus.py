"""JsonPlusSerializer: exact round-trips, strict class allowlist, located errors, no pickle."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import decimal
import enum
import ipaddress
import pathlib
import re
import sys
import uuid
import zoneinfo
from typing import Any, NamedTuple

import ormsgpack
import pytest
from hypothesis import given, settings

from stategraph.checkpoint.serde import JsonPlusSerializer, SerializerProtocol
from stategraph.checkpoint.serde.jsonplus import EXT_DATACLASS, EXT_STDLIB
from stategraph.errors import ErrorCode, SerializationError
from stategraph.types import Command, Interrupt, Overwrite, PregelTask, Send

from ..strategies import assert_same, checkpoint_values


def round_trip(value: Any, serde: JsonPlusSerializer | None = None) -> Any:
    serde = serde or JsonPlusSerializer()
    return serde.loads_typed(serde.dumps_typed(value))


class Color(enum.Enum):
    RED = "red"
    BLUE = 2


class Level(enum.IntEnum):
    LOW = 1


@dataclasses.dataclass(frozen=True)
class Frozen:
    name: str
    tags: tuple[str, ...] = ()
    derived: int = dataclasses.field(init=False, default=0)


@dataclasses.dataclass(slots=True)
class Slotted:
    items: list[Any]


class Point(NamedTuple):
    x: int
    y: tuple[int, ...]


USER_CLASSES = [Color, Level, Frozen, Slotted, Point]


def test_type_tags() -> None:
    serde = JsonPlusSerializer()
    assert serde.dumps_typed(None) == ("null", b"")
    assert serde.dumps_typed(b"ab") == ("bytes", b"ab")
    assert serde.dumps_typed(bytearray(b"ab")) == ("bytearray", b"ab")
    assert serde.dumps_typed("ab")[0] == "msgpack"
    assert_same(serde.loads_typed(("bytearray", b"ab")), bytearray(b"ab"))
    utc = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert serde.loads_typed(serde.dumps_typed(utc)).tzinfo is dt.UTC
    assert serde.loads_typed(("null", b"")) is None
    assert isinstance(serde, SerializerProtocol)


@pytest.mark.parametrize(
    "value",
    [
        (1, (2, [3])),
        {1, "a", (1, 2)},
        frozenset({b"x"}),
        {"tuple_key": {(1, "a"): 1, 2: "int", None: 0, b"k": 1, 1.5: "f", True: "b"}},
        dt.datetime(2024, 5, 6, 7, 8, 9, 123456),
        dt.datetime(2024, 5, 6, tzinfo=dt.UTC),
        dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=zoneinfo.ZoneInfo("America/New_York")),
        dt.date(1999, 12, 31),
        dt.time(23, 59, 1, 5, tzinfo=dt.timezone(dt.timedelta(hours=-3), "BRT")),
        dt.timedelta(days=-2, seconds=5, microseconds=7),
        uuid.uuid4(),
        decimal.Decimal("-1.500"),
        re.compile(r"a+\d", re.IGNORECASE | re.MULTILINE),
        pathlib.PurePosixPath("/a/b"),
        pathlib.Path("rel/x"),
        ipaddress.ip_address("::1"),
        ipaddress.ip_network("10.0.0.0/8"),
        collections.deque([1, 2], maxlen=5),
        collections.OrderedDict([("b", 1), ("a", 2)]),
        collections.Counter({"x": 3}),
        range(1, 10, 3),
        [2**64 - 1, -(2**63), 2**100, -(2**100)],
        ["text", 1.5, float("inf"), True, None, b"\x00"],
    ],
    ids=repr,
)
def test_stdlib_values_round_trip_exactly(value: Any) -> None:
    assert_same(round_trip(value), value)


def test_stategraph_types_round_trip_without_registration() -> None:
    values = [
        Send("node", {"a": (1,)}, timeout=2.5),
        Command(
            update={"k": 1}, goto=[Send("x", 1), "y"], resume={"id": "yes"}, graph=Command.PARENT
        ),
        Interrupt(value={"ask": "?"}, id="abc"),
        Overwrite(value=[1, 2]),
        PregelTask(
            "id", "name", ("__pregel_pull", "name"), interrupts=(Interrupt(value=1, id="i"),)
        ),
    ]
    for value, loaded in zip(values, round_trip(values), strict=True):
        assert type(loaded) is type(value) and loaded == value
    assert round_trip(Send("n", 1)).timeout is None


def test_registered_user_classes_round_trip() -> None:
    serde = JsonPlusSerializer(allowed_modules=USER_CLASSES)
    frozen = Frozen("n", ("a",))
    object.__setattr__(frozen, "derived", 41)
    values = [Color.RED, Color.BLUE, Level.LOW, frozen, Slotted([Point(1, (2,))]), Point(3, ())]
    loaded = round_trip(values, serde)
    assert_same(loaded, values)
    assert loaded[3].derived == 41


def test_pydantic_models_round_trip_with_fields_set_and_extras() -> None:
    pydantic = pytest.importorskip("pydantic")

    class Inner(pydantic.BaseModel):
        when: dt.date

    class Outer(pydantic.BaseModel, extra="allow"):
        inner: Inner
        items: tuple[int, ...] = ()
        note: str | None = None

    serde = JsonPlusSerializer(allowed_modules=[Inner, Outer])
    value = Outer(inner=Inner(when=dt.date(2020, 1, 2)), items=(1, 2), surprise={"x": 1})
    loaded = round_trip(value, serde)
    assert loaded == value and type(loaded.inner) is Inner
    assert loaded.model_fields_set == {"inner", "items", "surprise"}
    assert loaded.surprise == {"x": 1}


def test_langchain_messages_round_trip() -> None:
    messages = pytest.importorskip("langchain_core.messages")
    values = [
        messages.SystemMessage("be brief"),
        messages.HumanMessage("hi", id="1", name="ann"),
        messages.AIMessage("", tool_calls=[{"name": "f", "args": {"a": [1]}, "id": "c1"}]),
        messages.ToolMessage("42", tool_call_id="c1"),
        messages.AIMessageChunk(content="part"),
    ]
    loaded = round_trip(values)
    assert [type(m) for m in loaded] == [type(m) for m in values]
    assert loaded == values
    assert loaded[2].tool_calls[0]["args"] == {"a": [1]}


def _payload_naming(module: str, qualname: str, code: int = EXT_DATACLASS) -> tuple[str, bytes]:
    state = ormsgpack.packb([f"{module}:{qualname}", {"x": 1}, {}])
    return "msgpack", ormsgpack.packb(ormsgpack.Ext(code, state))


@pytest.fixture
def canary_module(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module on sys.path that marks itself in sys.modules' neighbour when imported."""
    name = "stategraph_serde_canary"
    (tmp_path / f"{name}.py").write_text(
        "import dataclasses, builtins\n"
        "builtins.__stategraph_canary_imported__ = True\n"
        "@dataclasses.dataclass\nclass Thing:\n    x: int\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    yield name
    sys.modules.pop(name, None)
    import builtins

    if hasattr(builtins, "__stategraph_canary_imported__"):
        del builtins.__stategraph_canary_imported__


def test_classes_off_the_allowlist_are_never_imported(canary_module: str) -> None:
    import builtins

    with pytest.raises(SerializationError) as raised:
        JsonPlusSerializer().loads_typed(_payload_naming(canary_module, "Thing"))
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    message = str(raised.value)
    assert (
        f"{canary_module}.Thing" in message
        and "allowed_modules" in message
        and "register" in message
    )
    assert canary_module not in sys.modules
    assert not hasattr(builtins, "__stategraph_canary_imported__")
    lenient = JsonPlusSerializer(allow_all_already_imported=True)
    with pytest.raises(SerializationError):
        lenient.loads_typed(_payload_naming(canary_module, "Thing"))
    assert canary_module not in sys.modules


def test_allowed_modules_may_be_imported_and_already_imported_ones_opted_in(
    canary_module: str,
) -> None:
    loaded = JsonPlusSerializer(allowed_modules=[canary_module]).loads_typed(
        _payload_naming(canary_module, "Thing")
    )
    assert type(loaded).__name__ == "Thing" and loaded.x == 1
    lenient = JsonPlusSerializer(allow_all_already_imported=True)
    assert lenient.loads_typed(_payload_naming(canary_module, "Thing")).x == 1
    specific = JsonPlusSerializer(allowed_modules=[(canary_module, "Thing")])
    assert specific.loads_typed(_payload_naming(canary_module, "Thing")).x == 1
    with pytest.raises(SerializationError):
        JsonPlusSerializer(allowed_modules=[(canary_module, "Other")]).loads_typed(
            _payload_naming(canary_module, "Thing")
        )


def test_names_that_are_not_data_classes_are_refused() -> None:
    called: list[Any] = []
    serde = JsonPlusSerializer(allowed_modules=["os"])
    with pytest.raises(SerializationError) as raised:
        serde.loads_typed(_payload_naming("os", "system"))
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    with pytest.raises(SerializationError) as raised:
        JsonPlusSerializer().loads_typed(_payload_naming("stategraph.types", "Send"))
    assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT  # Send is not a dataclass
    assert called == []


def test_local_classes_need_registration_and_register_is_a_decorator() -> None:
    serde = JsonPlusSerializer()

    @dataclasses.dataclass
    class Local:
        x: int

    data = serde.dumps_typed(Local(1))
    with pytest.raises(SerializationError, match="not on the serializer's allowlist"):
        serde.loads_typed(data)
    assert serde.register(Local) is Local
    assert serde.loads_typed(data) == Local(1)


def test_with_allowlist_returns_a_new_serializer() -> None:
    serde = JsonPlusSerializer()
    extended = serde.with_allowlist([Point])
    data = serde.dumps_typed(Point(1, (2,)))
    assert extended.loads_typed(data) == Point(1, (2,))
    with pytest.raises(SerializationError):
        serde.loads_typed(data)
    with pytest.raises(TypeError, match="Allowlist entries"):
        JsonPlusSerializer(allowed_modules=[42])  # type: ignore[list-item]


def test_unknown_codecs_tags_and_pickle_are_refused() -> None:
    serde = JsonPlusSerializer()
    unknown = ormsgpack.packb(ormsgpack.Ext(EXT_STDLIB, ormsgpack.packb(["future:Type", 1])))
    with pytest.raises(SerializationError, match="Upgrade stategraph") as raised:
        serde.loads_typed(("msgpack", unknown))
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    for tag in ("pickle", "msgpack+aes", "zzz"):
        with pytest.raises(NotImplementedError) as raised:  # the type LangGraph raises for an unknown tag
            serde.loads_typed((tag, b"\x80\x04K\x01."))
        assert type(raised.value) is NotImplementedError
        assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE  # type: ignore[attr-defined]
    assert "EncryptedSerializer" in _message(lambda: serde.loads_typed(("msgpack+aes", b"")))
    with pytest.raises(SerializationError, match="never pickles"):
        JsonPlusSerializer(pickle_fallback=True)


def _message(call: Any) -> str:
    try:
        call()
    except (SerializationError, NotImplementedError, TypeError) as exc:
        return str(exc)
    raise AssertionError("no error raised")


def test_corrupt_bytes_raise_checkpoint_corrupt() -> None:
    serde = JsonPlusSerializer()
    _, good = serde.dumps_typed({"a": [1, 2, dt.date(2020, 1, 1)]})
    for bad in (good[:-3], b"\xc1", ormsgpack.packb(ormsgpack.Ext(EXT_STDLIB, b"\x01"))):
        with pytest.raises(SerializationError) as raised:
            serde.loads_typed(("msgpack", bad))
        assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT


def test_unserializable_values_are_located() -> None:
    serde = JsonPlusSerializer()
    cases = [
        ({"messages": [1, 2, 3, {"payload": lambda: 1}]}, "$.messages[3].payload", "function"),
        ([Slotted([object()])], "$[0].items[0]", "builtins.object"),
        (Send("n", {"x": {1, object()}}), "$.arg.x", "builtins.object"),
        ({"k": {frozenset([1]): 1}}, "$.k[frozenset({1})]", "frozenset"),
        ({"odd key": object()}, "$['odd key']", "object"),
    ]
    for value, path, type_name in cases:
        with pytest.raises(TypeError) as raised:  # a plain TypeError, as LangGraph raises
            serde.dumps_typed(value)
        assert type(raised.value) is TypeError
        assert raised.value.code is ErrorCode.CHECKPOINT_NOT_SERIALIZABLE
        assert raised.value.path.startswith(path), (raised.value.path, path)
        assert type_name in str(raised.value) and path in str(raised.value)
    assert "a dict key" in _message(lambda: serde.dumps_typed({frozenset(): 1}))
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(TypeError):
        serde.dumps_typed(loop)


def test_documented_lossy_conversions() -> None:
    class Name(str):
        pass

    loaded = round_trip(
        {"e": ValueError("bad"), "s": Name("x"), "d": collections.defaultdict(list, a=[1])}
    )
    assert loaded == {"e": "ValueError('bad')", "s": "x", "d": {"a": [1]}}
    assert type(loaded["s"]) is str and type(loaded["d"]) is dict
    assert_same(round_trip([bytearray(b"x")]), [b"x"])
    assert round_trip({dt.date(2020, 1, 1): 1}) == {"2020-01-01": 1}


def test_legacy_json_loads_plain_data_and_langchain_messages() -> None:
    messages = pytest.importorskip("langchain_core.messages")
    serde = JsonPlusSerializer()
    assert serde.loads_typed(("json", b'{"a": [1, 2]}')) == {"a": [1, 2]}
    envelope = (
        b'{"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", "HumanMessage"],'
        b' "kwargs": {"content": "hi"}}'
    )
    assert serde.loads_typed(("json", envelope)) == messages.HumanMessage("hi")
    evil = b'{"lc": 1, "type": "constructor", "id": ["os", "system"], "kwargs": {}}'
    with pytest.raises(SerializationError):
        serde.loads_typed(("json", evil))


@settings(max_examples=200, deadline=None)
@given(value=checkpoint_values)
def test_any_supported_value_round_trips(value: Any) -> None:
    assert_same(round_trip(value), value)
