"""Schemas and validation for plain-function tools, with and without pydantic."""

from __future__ import annotations

import sys
from typing import Literal

import pytest

from stategraph.prebuilt._schema import describe, function_schema


def forecast(city: str, days: int = 3, unit: Literal["c", "f"] = "c", tags: list[str] | None = None) -> str:
    """Forecast the weather.

    More details that are not the summary.

    Args:
        city: Where to look.
        days (int): How many days.
    """
    return city


def test_describe_reads_summary_and_args() -> None:
    assert describe(forecast) == ("Forecast the weather.", {"city": "Where to look.", "days": "How many days."})
    assert describe(lambda: None) == ("", {})


@pytest.mark.parametrize("with_pydantic", [True, False])
def test_schema_and_validation(with_pydantic: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not with_pydantic:
        monkeypatch.setitem(sys.modules, "pydantic", None)
    schema = function_schema(forecast, skip={"tags"})
    props = schema.parameters["properties"]
    assert set(props) == {"city", "days", "unit"} and schema.parameters["required"] == ["city"]
    assert props["city"]["type"] == "string" and props["city"]["description"] == "Where to look."
    assert props["unit"]["enum"] == ["c", "f"]
    assert schema.validate({"city": "Oslo", "days": 2})["days"] == 2
    for bad in ({"days": 1}, {"city": "x", "days": "many"}, {"city": "x", "unit": "k"}):
        with pytest.raises(Exception):  # noqa: B017 - pydantic.ValidationError or TypeError
            schema.validate(bad)


def test_plain_checker_handles_unions_floats_and_unknown_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pydantic", None)

    def f(x: float, y: int | None = None, z: dict | list = None) -> None:  # type: ignore[assignment]
        """F."""

    schema = function_schema(f, skip=set())
    assert schema.validate({"x": 1, "y": None, "z": []}) == {"x": 1, "y": None, "z": []}
    assert schema.parameters["properties"]["z"] == {"anyOf": [{"type": "object"}, {"type": "array"}], "default": None}
    with pytest.raises(TypeError, match="unexpected arguments"):
        schema.validate({"x": 1.5, "w": 1})
    with pytest.raises(TypeError, match="should be"):
        schema.validate({"x": True})
