"""Injection markers and their resolution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import pytest

from stategraph.prebuilt._injection import (
    InjectedState,
    InjectedStore,
    Injection,
    ToolRuntime,
    find_injections,
    resolve,
)


def tool(
    q: str,
    whole: Annotated[dict, InjectedState],
    one: Annotated[list, InjectedState("messages")],
    store: Annotated[Any, InjectedStore()],
    runtime: ToolRuntime,
    typed: ToolRuntime[None, dict],
) -> None:
    """A tool."""


def test_find_injections_reads_annotations() -> None:
    assert find_injections(tool) == {
        "whole": Injection("state"),
        "one": Injection("state", "messages"),
        "store": Injection("store"),
        "runtime": Injection("runtime"),
        "typed": Injection("runtime"),
    }
    assert find_injections(None) == {} and find_injections(42) == {}


def test_resolve_reads_dicts_and_objects() -> None:
    @dataclass
    class State:
        messages: list

    runtime = ToolRuntime(store="S", tool_call_id="c")
    assert resolve(Injection("state", "messages"), state={"messages": [1]}, runtime=runtime) == [1]
    assert resolve(Injection("state", "messages"), state=State([2]), runtime=runtime) == [2]
    assert resolve(Injection("store"), state=None, runtime=runtime) == "S"
    assert resolve(Injection("tool_call_id"), state=None, runtime=runtime) == "c"
    assert resolve(Injection("runtime"), state=None, runtime=runtime) is runtime


def test_resolve_raises_langgraph_errors_for_what_is_missing() -> None:
    @dataclass
    class State:
        messages: list

    runtime = ToolRuntime(store=None, tool_call_id="c")
    with pytest.raises(ValueError, match="no store"):
        resolve(Injection("store"), state=None, runtime=runtime)
    with pytest.raises(KeyError):
        resolve(Injection("state", "todo"), state={"messages": []}, runtime=runtime)
    with pytest.raises(AttributeError):
        resolve(Injection("state", "todo"), state=State([]), runtime=runtime)
    assert resolve(Injection("state", "todo", optional=True), state={}, runtime=runtime) is None

    def with_default(q: str, todo: Annotated[list | None, InjectedState("todo")] = None) -> None:
        """A tool."""

    assert find_injections(with_default) == {"todo": Injection("state", "todo", optional=True)}


def test_emit_output_delta_goes_to_the_stream_writer() -> None:
    seen: list[Any] = []
    ToolRuntime(stream_writer=seen.append, tool_call_id="c").emit_output_delta("part")
    ToolRuntime().emit_output_delta("ignored")
    assert seen == [{"tool_call_id": "c", "delta": "part"}]
    assert (
        repr(InjectedState("x")) == "InjectedState(field='x')"
        and repr(InjectedStore()) == "InjectedStore()"
    )


def test_langchain_tool_schemas_hide_injected_arguments() -> None:
    lc_tools = pytest.importorskip("langchain_core.tools")
    from stategraph.prebuilt import ToolNode

    def lookup(
        q: str,
        state: Annotated[dict, InjectedState],
        user: Annotated[str, InjectedState("user")],
        store: Annotated[Any, InjectedStore()],
        runtime: ToolRuntime,
    ) -> str:
        """Look up q."""
        return q

    wrapped = lc_tools.tool(lookup)
    ToolNode([wrapped])  # langchain-core is loaded: the markers are its injected-argument kinds
    assert list(wrapped.tool_call_schema.model_json_schema()["properties"]) == ["q"]
    assert find_injections(lookup)["runtime"] == Injection("runtime")
    assert isinstance(InjectedState("user"), lc_tools.InjectedToolArg)
