"""ValidationNode (deprecated in LangGraph, kept for compatibility): check tool calls, run nothing.

Each tool call of the last AI message is validated against the schema of the same name; the
answer is a tool message holding the validated arguments as JSON, or the error (status "error").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ._outputs import tool_message
from .tool_node import ToolNode

__all__ = ["ValidationNode"]


def _default_format(error: BaseException, call: dict[str, Any], schema: Any) -> str:
    return f"{error!r}\n\nRespond after fixing all validation errors."


class ValidationNode:
    """Validate tool calls against pydantic models, functions or tools (see the module docstring)."""

    def __init__(self, schemas: Sequence[Any], *, format_error: Callable[..., str] | None = None,
                 name: str = "validation", tags: list[str] | None = None) -> None:
        self.name = name
        self.tags = list(tags or [])
        self.format_error = format_error or _default_format
        self.schemas_by_name: dict[str, Any] = {}
        for schema in schemas:
            key = getattr(schema, "name", None) if not isinstance(schema, type) else schema.__name__
            self.schemas_by_name[key or getattr(schema, "__name__", repr(schema))] = schema
        self._tools = ToolNode([s for s in schemas if not isinstance(s, type)])

    def get_name(self) -> str:
        return self.name

    def _check(self, call: dict[str, Any]) -> Any:
        schema = self.schemas_by_name.get(call["name"])
        try:
            if schema is None:
                raise ValueError(f"Unknown tool {call['name']!r}: expected one of {sorted(self.schemas_by_name)}.")
            if isinstance(schema, type) and hasattr(schema, "model_validate"):
                content = schema.model_validate(call.get("args") or {}).model_dump_json()
            else:
                tool = self._tools.tool(call["name"])
                assert tool is not None
                content = json.dumps(tool.validate(dict(call.get("args") or {}), {}), default=str)
            return tool_message(content, name=call["name"], tool_call_id=call.get("id") or "")
        except Exception as exc:
            return tool_message(self.format_error(exc, call, schema), name=call["name"],
                                tool_call_id=call.get("id") or "", status="error")

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        calls, _, kind = self._tools._parse(input)
        messages = [self._check(c) for c in calls]
        return messages if kind == "list" else {"messages": messages}

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self.invoke(input, config)
