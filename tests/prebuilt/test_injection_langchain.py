"""Injected tool arguments are hidden from the schema langchain-core shows the model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pytest

pytest.importorskip("langchain_core")

from langchain_core.tools import tool

from stategraph.prebuilt import InjectedState, InjectedStore, ToolRuntime


def test_injected_arguments_are_left_out_of_tool_call_schema() -> None:
    @tool
    def lookup(
        q: str,
        state: Annotated[dict, InjectedState],
        user: Annotated[str, InjectedState("user")],
        store: Annotated[Any, InjectedStore()],
        runtime: ToolRuntime,
    ) -> str:
        """Look something up."""
        return q

    schema = lookup.tool_call_schema.model_json_schema()
    assert sorted(schema["properties"]) == ["q"]
    assert schema["required"] == ["q"]
    assert sorted(lookup.args) == ["q"]


def test_a_tool_with_only_injected_arguments_shows_an_empty_schema() -> None:
    @tool
    def whoami(state: Annotated[dict, InjectedState]) -> str:
        """Who am I."""
        return str(state)

    schema = whoami.tool_call_schema.model_json_schema()
    assert schema["properties"] == {} and "required" not in schema


@dataclass
class Ctx:
    who: str


def test_tool_runtime_takes_the_context_type_alone() -> None:
    @tool
    def info(q: str, runtime: ToolRuntime[Ctx]) -> str:
        """Info."""
        return q

    assert ToolRuntime[Ctx] == ToolRuntime[Ctx, dict]  # the state type defaults to dict
    assert sorted(info.tool_call_schema.model_json_schema()["properties"]) == ["q"]
