"""JSON schema of a state/input/output/context schema (pydantic when available)."""

from __future__ import annotations

from typing import Any


def schema_json(schema: Any) -> dict[str, Any]:
    if schema is None:
        return {}
    if hasattr(schema, "model_json_schema"):
        return schema.model_json_schema()
    try:
        from pydantic import TypeAdapter
    except ImportError:  # pragma: no cover - pydantic is optional
        from ._schema import schema_hints

        return {"title": getattr(schema, "__name__", "State"), "type": "object",
                "properties": {k: {} for k in (schema_hints(schema) or {})}}
    return TypeAdapter(schema).json_schema()
