"""Structured output for stategraph chat models: force one call of a tool shaped like the schema."""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["StructuredOutput", "schema_spec", "parse_structured"]


def schema_spec(schema: Any) -> dict[str, Any]:
    """The OpenAI tool spec for ``schema`` (pydantic model, TypedDict, dataclass or JSON schema dict)."""
    if isinstance(schema, dict):
        name = schema.get("title") or schema.get("name") or "structured_output"
        params = schema.get("parameters") or schema
        return {"type": "function", "function": {"name": name, "description": schema.get("description", ""),
                                                 "parameters": params}}
    if hasattr(schema, "model_json_schema"):
        params = schema.model_json_schema()
    elif hasattr(schema, "__required_keys__"):  # TypedDict: typing's own is not pydantic-readable on 3.11
        params = _typed_dict_schema(schema)
    else:
        from pydantic import TypeAdapter

        params = TypeAdapter(schema).json_schema()
    name = getattr(schema, "__name__", "structured_output")
    return {"type": "function", "function": {"name": name, "description": (schema.__doc__ or "").strip(),
                                             "parameters": params}}


def _typed_dict_schema(schema: Any) -> dict[str, Any]:
    from typing import get_type_hints

    from ..prebuilt._schema import _json_type

    hints = get_type_hints(schema)
    return {"type": "object", "properties": {k: _json_type(v) for k, v in hints.items()},
            "required": sorted(schema.__required_keys__)}


def parse_structured(schema: Any, args: dict[str, Any]) -> Any:
    """Turn the tool-call arguments into an instance of ``schema``."""
    if hasattr(schema, "model_validate"):
        return schema.model_validate(args)
    if dataclasses.is_dataclass(schema) and isinstance(schema, type):
        return schema(**args)
    return dict(args)


class StructuredOutput:
    """``model.with_structured_output(schema)``: invoke returns a ``schema`` instance."""

    def __init__(self, model: Any, schema: Any, *, include_raw: bool = False) -> None:
        self.schema = schema
        self.include_raw = include_raw
        spec = schema_spec(schema)
        self.tool_name = spec["function"]["name"]
        self.model = model.bind_tools([spec], tool_choice=self.tool_name)

    def _parse(self, message: Any) -> Any:
        error = None
        parsed = None
        try:
            calls = [c for c in message.tool_calls if c["name"] == self.tool_name]
            if not calls:
                raise ValueError(f"The model did not call {self.tool_name!r}; it answered {message.content!r}.")
            parsed = parse_structured(self.schema, calls[0]["args"])
        except Exception as exc:
            if not self.include_raw:
                raise
            error = exc
        if self.include_raw:
            return {"raw": message, "parsed": parsed, "parsing_error": error}
        return parsed

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self._parse(self.model.invoke(input, config, **kwargs))

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self._parse(await self.model.ainvoke(input, config, **kwargs))
