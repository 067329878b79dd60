"""JSON schema and argument validation for plain-function tools (no langchain-core needed).

With pydantic installed the schema and the coercion come from a pydantic model built from the
signature; without it a small mapper covers the JSON types (str, int, float, bool, list, dict,
Literal, Optional) and checks them.
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

__all__ = ["ArgsSchema", "function_schema"]

_JSON_TYPES: dict[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean",
                               list: "array", tuple: "array", dict: "object"}


class ArgsSchema:
    """The model-facing JSON schema of a function's arguments plus a validator."""

    def __init__(self, parameters: dict[str, Any], validate: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.parameters = parameters
        self.validate = validate


def describe(fn: Any) -> tuple[str, dict[str, str]]:
    """(summary, {param: description}) from a Google-style docstring."""
    doc = inspect.getdoc(fn) or ""
    parts = re.split(r"\n\s*(?:Args|Arguments|Parameters):\s*\n", doc, maxsplit=1)
    summary = parts[0].split("\n\n")[0].strip() if parts[0] else ""
    params: dict[str, str] = {}
    if len(parts) == 2:
        for line in parts[1].splitlines():
            m = re.match(r"\s+(\w+)(?:\s*\([^)]*\))?:\s*(.+)", line)
            if m:
                params[m.group(1)] = m.group(2).strip()
            elif line.strip() and not line.startswith(" "):
                break
    return summary, params


def _params(fn: Any, skip: set[str]) -> list[tuple[str, Any, Any]]:
    hints = get_type_hints(fn)
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name in skip or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in ("self", "cls"):
            continue
        out.append((p.name, hints.get(p.name, Any), p.default))
    return out


def function_schema(fn: Any, skip: set[str]) -> ArgsSchema:
    """Schema and validator for ``fn``'s parameters, leaving out the injected ones (``skip``)."""
    params = _params(fn, skip)
    _, docs = describe(fn)
    try:
        import pydantic  # noqa: F401
    except ImportError:
        return _plain_schema(params, docs)
    return _pydantic_schema(getattr(fn, "__name__", "tool"), params, docs)


def _pydantic_schema(name: str, params: list[tuple[str, Any, Any]], docs: dict[str, str]) -> ArgsSchema:
    from pydantic import ConfigDict, Field, create_model

    fields: dict[str, Any] = {}
    for pname, ann, default in params:
        required = default is inspect.Parameter.empty
        fields[pname] = (ann, Field(... if required else default, description=docs.get(pname)))
    model = create_model(name, __config__=ConfigDict(arbitrary_types_allowed=True), **fields)  # type: ignore[call-overload]
    schema = model.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)

    def validate(args: dict[str, Any]) -> dict[str, Any]:
        parsed = model.model_validate(args)
        return {k: getattr(parsed, k) for k in model.model_fields}

    return ArgsSchema(schema, validate)


def _json_type(ann: Any) -> dict[str, Any]:
    origin = get_origin(ann)
    if origin is Literal:
        return {"enum": list(get_args(ann))}
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(ann) if a is not type(None)]
        return _json_type(options[0]) if len(options) == 1 else {"anyOf": [_json_type(a) for a in options]}
    base = origin or ann
    kind = _JSON_TYPES.get(base)
    if kind is None:
        return {}
    out: dict[str, Any] = {"type": kind}
    if kind == "array" and get_args(ann):
        out["items"] = _json_type(get_args(ann)[0])
    return out


def _plain_schema(params: list[tuple[str, Any, Any]], docs: dict[str, str]) -> ArgsSchema:
    props: dict[str, Any] = {}
    required = []
    for pname, ann, default in params:
        prop = _json_type(ann)
        if pname in docs:
            prop["description"] = docs[pname]
        if default is inspect.Parameter.empty:
            required.append(pname)
        else:
            prop["default"] = default
        props[pname] = prop
    schema = {"type": "object", "properties": props, "required": required}
    known = {p[0]: p for p in params}

    def validate(args: dict[str, Any]) -> dict[str, Any]:
        missing = [r for r in required if r not in args]
        unknown = [k for k in args if k not in known]
        if missing or unknown:
            raise TypeError(f"missing arguments {missing}, unexpected arguments {unknown}")
        out = {}
        for key, value in args.items():
            if not _matches(known[key][1], value):
                raise TypeError(f"argument {key!r} should be {known[key][1]!r}, got {value!r}")
            out[key] = value
        return out

    return ArgsSchema(schema, validate)


def _matches(ann: Any, value: Any) -> bool:
    origin = get_origin(ann)
    if ann is Any or ann is inspect.Parameter.empty:
        return True
    if origin is Literal:
        return value in get_args(ann)
    if origin in (Union, types.UnionType):
        return any(_matches(a, value) for a in get_args(ann))
    if ann is type(None):
        return value is None
    base = origin or ann
    if base is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if base is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(base, type) and base in _JSON_TYPES:
        return isinstance(value, list if base is tuple else base)
    return True  # other classes: the tool checks them itself
