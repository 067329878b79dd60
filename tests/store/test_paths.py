"""store._paths: field-path parsing and text extraction for indexing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stategraph.errors import ErrorCode, StoreError
from stategraph.store._paths import get_text_at_path, tokenize_path, validate_path

DOC = {
    "text": "hello",
    "title": "T",
    "n": 3,
    "ok": True,
    "none": None,
    "meta": {"title": "meta title", "body": {"text": "deep"}},
    "items": [{"name": "one", "tags": ["a", "b"]}, {"name": "two", "tags": []}],
    "pairs": {"x": "ex", "y": "why"},
}


@pytest.mark.parametrize(
    ("path", "tokens"),
    [
        ("$", []),
        ("", []),
        ("text", ["text"]),
        ("a.b.c", ["a", "b", "c"]),
        ("a[0]", ["a", "[0]"]),
        ("a[-1].b", ["a", "[-1]", "b"]),
        ("a[*][0]", ["a", "[*]", "[0]"]),
        ("a.{x,y}", ["a", "{x,y}"]),
        ("a.{x.y,z[0]}.w", ["a", "{x.y,z[0]}", "w"]),
    ],
)
def test_tokenize_path(path: str, tokens: list[str]) -> None:
    assert tokenize_path(path) == tokens


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("text", ["hello"]),
        ("n", ["3"]),
        ("ok", ["true"]),
        ("none", []),
        ("missing", []),
        ("meta.title", ["meta title"]),
        ("meta.body.text", ["deep"]),
        ("meta.body", [json.dumps({"text": "deep"})]),
        ("items[0].name", ["one"]),
        ("items[-1].name", ["two"]),
        ("items[5].name", []),
        ("items[*].name", ["one", "two"]),
        ("items[*].tags[*]", ["a", "b"]),
        ("items[0].tags", [json.dumps(["a", "b"])]),
        ("pairs.{x,y}", ["ex", "why"]),
        ("pairs[*]", ["ex", "why"]),
        ("{text,meta.title}", ["hello", "meta title"]),
        ("text[0]", []),  # indexing a string finds nothing
        ("text.length", []),
    ],
)
def test_get_text_at_path(path: str, texts: list[str]) -> None:
    assert get_text_at_path(DOC, path) == texts


def test_whole_value_is_sorted_json() -> None:
    assert get_text_at_path({"b": 1, "a": [2]}, "$") == ['{"a": [2], "b": 1}']
    assert get_text_at_path({"b": 1}, ["b"]) == ["1"]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("a..b", "empty segment"),
        (".a", "empty segment"),
        ("a[", "unclosed '['"),
        ("a[x]", "neither an integer nor '*'"),
        ("a[0]b", "unexpected text"),
        ("[0]", "no key before '['"),
        ("a.{x", "unclosed or empty group"),
        ("a.{}", "unclosed or empty group"),
        ("a.{x,}", "empty sub-path"),
        ("a]", "unexpected bracket"),
        (3, "must be strings"),
    ],
)
def test_bad_paths_are_refused(path: Any, fragment: str) -> None:
    with pytest.raises(StoreError) as caught:
        validate_path(path)
    assert fragment in str(caught.value)
    assert caught.value.code is ErrorCode.STORE_EMBEDDING
