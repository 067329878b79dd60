"""Schema specs and parsing for structured output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pytest

from stategraph.models._structured import parse_structured, schema_spec

pydantic = pytest.importorskip("pydantic")


class Movie(pydantic.BaseModel):
    """A movie."""

    title: str


class MovieDict(TypedDict):
    title: str


@dataclass
class MovieData:
    title: str


def test_specs_for_each_schema_kind() -> None:
    assert schema_spec(Movie)["function"]["name"] == "Movie"
    assert schema_spec(Movie)["function"]["description"] == "A movie."
    assert schema_spec(MovieDict)["function"]["parameters"]["properties"]["title"]["type"] == "string"
    raw = schema_spec({"name": "m", "description": "d", "parameters": {"type": "object"}})
    assert raw["function"] == {"name": "m", "description": "d", "parameters": {"type": "object"}}


def test_parse_into_each_schema_kind() -> None:
    assert parse_structured(Movie, {"title": "x"}) == Movie(title="x")
    assert parse_structured(MovieData, {"title": "x"}) == MovieData("x")
    assert parse_structured(MovieDict, {"title": "x"}) == {"title": "x"}
