"""One Tool shape for plain functions and langchain-core tools."""

from __future__ import annotations

import asyncio
from typing import Annotated

import pytest

from stategraph.prebuilt import InjectedState
from stategraph.prebuilt._tools import Tool, ToolInvocationError, as_tool, tool_spec

lc_tools = pytest.importorskip("langchain_core.tools")


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


async def slow_add(a: int, b: int) -> int:
    """Add, asynchronously."""
    return a + b


def test_function_tool_spec_and_run() -> None:
    tool = as_tool(add)
    assert tool.spec()["function"]["name"] == "add" and tool.description == "Add two integers."
    kwargs = tool.validate({"a": 1, "b": 2}, {})
    assert tool.run({"name": "add"}, kwargs, None) == 3
    assert as_tool(tool) is tool


def test_validation_failures_are_tool_invocation_errors() -> None:
    with pytest.raises(ToolInvocationError, match="Error invoking tool 'add'") as info:
        as_tool(add).validate({"a": "x"}, {})
    assert info.value.tool_name == "add" and info.value.tool_kwargs == {"a": "x"}


def test_async_functions_run_in_both_worlds() -> None:
    tool = as_tool(slow_add)
    assert tool.run({"name": "slow_add"}, {"a": 1, "b": 1}, None) == 2
    assert asyncio.run(tool.arun({"name": "slow_add"}, {"a": 2, "b": 2}, None)) == 4
    assert asyncio.run(as_tool(add).arun({"name": "add"}, {"a": 3, "b": 3}, None)) == 6


def test_langchain_tool_spec_hides_our_injected_args() -> None:
    @lc_tools.tool
    def peek(q: str, state: Annotated[dict, InjectedState]) -> str:
        """Peek at the state."""
        return f"{q}:{len(state['messages'])}"

    tool = as_tool(peek)
    assert list(tool.parameters["properties"]) == ["q"] and "state" in tool.injections
    kwargs = tool.validate({"q": "x"}, {"state": {"messages": [1, 2]}})
    out = tool.run({"name": "peek", "id": "c1"}, kwargs, {"tags": ["t"], "configurable": {}})
    assert (out.content, out.tool_call_id, out.name) == ("x:2", "c1", "peek")  # langchain's own ToolMessage
    with pytest.raises(ToolInvocationError):
        tool.validate({"q": 3.5j}, {"state": {}})


def test_tool_spec_accepts_dicts_functions_and_rejects_objects() -> None:
    raw = {"type": "function", "function": {"name": "x", "parameters": {}}}
    assert tool_spec(raw) is raw
    assert tool_spec({"name": "y", "parameters": {}}) == {"type": "function", "function": {"name": "y", "parameters": {}}}
    assert tool_spec(add)["function"]["name"] == "add"
    with pytest.raises(ValueError, match="Tools must be functions"):
        as_tool(42)
    assert isinstance(as_tool(add), Tool)


def test_langchain_content_and_artifact_tools_keep_the_artifact() -> None:
    @lc_tools.tool(response_format="content_and_artifact")
    def fetch(n: int) -> tuple[str, list[int]]:
        """Fetch n numbers."""
        return f"{n} numbers", list(range(n))

    tool = as_tool(fetch)
    out = tool.run({"name": "fetch", "id": "c"}, tool.validate({"n": 3}, {}), None)
    assert (out.content, out.artifact) == ("3 numbers", [0, 1, 2])


def test_invocation_errors_list_each_problem_as_loc_and_message() -> None:
    pytest.importorskip("pydantic")

    def scale(x: int, factor: float, state: Annotated[dict, InjectedState]) -> float:
        """Scale x."""
        return x * factor

    with pytest.raises(ToolInvocationError) as caught:
        as_tool(scale).validate({"x": "many"}, {"state": "not a dict"})
    assert str(caught.value) == (
        "Error invoking tool 'scale' with kwargs {'x': 'many'} with error:\n"
        " x: Input should be a valid integer, unable to parse string as an integer\n"
        "factor: Field required\n"
        " Please fix the error and try again."
    )  # the injected 'state' problem is left out: the model cannot fix it
