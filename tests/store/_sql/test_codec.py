"""store._sql.codec and the dialect's JSON decoding: round trips on every path."""

from __future__ import annotations

import json

import pytest

from stategraph.store._sql.codec import decode_namespace, encode_namespace
from stategraph.store._sql.dialect import POSTGRES, SQLITE

NAMESPACES = [
    ("a",),
    ("users", "u1", "memories"),
    ("",),
    ("a", "b\x01c", "\x02", "", ""),
    ("x\x02\x01y", "z"),
    ("ünïcode", "名前"),
]


@pytest.mark.parametrize("namespace", NAMESPACES, ids=repr)
def test_namespace_round_trip(namespace: tuple[str, ...]) -> None:
    for _ in range(2):  # the second call is served from the caches
        assert decode_namespace(encode_namespace(namespace)) == namespace
    assert encode_namespace(list(namespace)) == encode_namespace(namespace)


@pytest.mark.parametrize(
    "text",
    ['{"a": [1, 2.5, null, "x"], "b": {"c": true}}', '{"k":"v"}', '{"s": "\\u00e9\\n"}', "{}"],
)
def test_load_json_decodes_what_json_loads_decodes(text: str) -> None:
    assert SQLITE.load_json(text) == json.loads(text)
    assert SQLITE.load_json(text.encode()) == json.loads(text)


@pytest.mark.parametrize("text", [' {"a": 1}', '{"a": 1} ', '{"a": 1}\n'])
def test_load_json_accepts_padding_like_json_loads(text: str) -> None:
    assert SQLITE.load_json(text) == {"a": 1}


@pytest.mark.parametrize("text", ['{"a": 1}x', '{"a": 1} {"b": 2}', "", "{", "nope"])
def test_load_json_refuses_what_json_loads_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        SQLITE.load_json(text)


def test_load_json_passes_parsed_values_through() -> None:
    value = {"already": "parsed"}
    assert POSTGRES.load_json(value) is value
