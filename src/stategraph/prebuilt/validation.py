"""ValidationNode (deprecated in LangGraph, kept for compatibility): check tool calls, run nothing.

Each tool call of the last AI message is validated against the pydantic schema of the same name
(a function's schema is built from its signature, a tool's is its ``args_schema``).  The answer is
a tool message holding the validated arguments as JSON, or the formatted validation error marked
``additional_kwargs={"is_error": True}``, as LangGraph marks it.  A call naming no schema raises
KeyError; other exceptions propagate.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from ..messages import ToolMessage, to_langchain
from ..messages._langchain import langchain_loaded
from ._tools import _is_langchain_tool

__all__ = ["ValidationNode"]


def _default_format(error: BaseException, call: dict[str, Any], schema: Any) -> str:
    return f"{error!r}\n\nRespond after fixing all validation errors."


def _is_model_class(schema: Any) -> bool:
    return isinstance(schema, type) and hasattr(schema, "model_validate")


def _function_model(func: Callable[..., Any]) -> Any:
    """A pydantic model named 'Validation' with the function's parameters as fields."""
    import pydantic

    fields: dict[str, Any] = {}
    for name, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = Any if param.annotation is param.empty else param.annotation
        fields[name] = (annotation, ... if param.default is param.empty else param.default)
    return pydantic.create_model("Validation", **fields)


def _schema_entry(schema: Any) -> tuple[str, Any]:
    if _is_langchain_tool(schema):
        if not _is_model_class(schema.args_schema):
            raise ValueError(f"ValidationNode needs tools with a pydantic args_schema; tool {schema.name!r} "
                             f"has {schema.args_schema!r}. Give it one, or pass the pydantic model itself.")
        return schema.name, schema.args_schema
    if _is_model_class(schema):
        return schema.__name__, schema
    if callable(schema):
        return schema.__name__, _function_model(schema)
    raise ValueError(f"ValidationNode takes pydantic models, tools or functions; got {type(schema).__name__} "
                     f"{schema!r}.")


class ValidationNode:
    """Validate tool calls against pydantic models, functions or tools (see the module docstring).

    Examples:
        >>> import pydantic
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ValidationNode
        >>> class SelectNumber(pydantic.BaseModel):
        ...     a: int
        ...     @pydantic.field_validator("a")
        ...     @classmethod
        ...     def only_37(cls, value: int) -> int:
        ...         if value != 37:
        ...             raise ValueError("only 37 is allowed")
        ...         return value
        >>> node = ValidationNode([SelectNumber],
        ...                       format_error=lambda error, call, schema: error.errors()[0]["msg"])
        >>> calls = [{"name": "SelectNumber", "args": {"a": 37}, "id": "call-1"},
        ...          {"name": "SelectNumber", "args": {"a": 42}, "id": "call-2"}]
        >>> for m in node.invoke({"messages": [AIMessage("", tool_calls=calls)]})["messages"]:
        ...     print(m.tool_call_id, m.content)
        call-1 {"a":37}
        call-2 Value error, only 37 is allowed
    """

    def __init__(self, schemas: Sequence[Any], *, format_error: Callable[..., str] | None = None,
                 name: str = "validation", tags: list[str] | None = None) -> None:
        self.name = name
        self.tags = list(tags or [])
        self.format_error = format_error or _default_format
        self.schemas_by_name: dict[str, Any] = dict(_schema_entry(s) for s in schemas)

    def get_name(self) -> str:
        return self.name

    def _check(self, call: dict[str, Any]) -> Any:
        import pydantic

        schema = self.schemas_by_name[call["name"]]  # KeyError for an unknown tool, as in LangGraph
        answer = {"name": call["name"], "tool_call_id": call.get("id") or ""}
        try:
            content = schema.model_validate(call.get("args") or {}).model_dump_json()
        except pydantic.ValidationError as exc:
            return _error_message(self.format_error(exc, call, schema), answer)
        return _message(content, answer)

    @staticmethod
    def _last_ai(input: Any) -> tuple[Any, str]:
        if isinstance(input, list):
            messages, kind = input, "list"
        else:
            messages, kind = (input.get("messages") if isinstance(input, dict) else None) or [], "dict"
            if not messages:
                raise ValueError("ValidationNode found no messages in its input: give it {'messages': [...]}.")
        if not messages or getattr(messages[-1], "type", None) != "ai":
            raise ValueError("ValidationNode needs an AI message last: it validates that message's tool calls.")
        return messages[-1], kind

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        last, kind = self._last_ai(input)
        messages = [self._check(c) for c in last.tool_calls]
        return messages if kind == "list" else {"messages": messages}

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self.invoke(input, config)


def _message(content: str, answer: dict[str, Any]) -> Any:
    msg = ToolMessage(content, **answer)
    return to_langchain(msg) if langchain_loaded() else msg


def _error_message(content: str, answer: dict[str, Any]) -> Any:
    """The error answer: langchain's ToolMessage carries ``is_error``; ours says status 'error'."""
    if langchain_loaded():
        from langchain_core.messages import ToolMessage as LangchainToolMessage

        return LangchainToolMessage(content, additional_kwargs={"is_error": True}, **answer)
    return ToolMessage(content, status="error", **answer)
