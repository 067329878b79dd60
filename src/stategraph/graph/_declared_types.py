"""The classes a graph's own state schemas declare, so its checkpointer may read them back.

A saver's serializer loads only allowed classes from stored bytes (they may come from another
process).  Classes that the graph's state, input, output and node schemas name in their field
annotations (nested pydantic models, dataclasses, enums, named tuples, at any depth inside
``list[...]``, ``Optional[...]``, ``Annotated[...]``...) were declared by the graph's author, so
compiling the graph allows them: a state holding them round-trips as it does in LangGraph.
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Iterable
from typing import Any

__all__ = ["declared_classes", "allow_declared_classes", "graph_schemas", "function_types"]

_MAX_DEPTH = 8  # schemas nest models in models; stop at a generous depth instead of recursing on


def _is_storable_class(tp: Any) -> bool:
    if not isinstance(tp, type):
        return False
    if issubclass(tp, enum.Enum) or dataclasses.is_dataclass(tp):
        return True
    if issubclass(tp, tuple) and hasattr(tp, "_fields"):  # NamedTuple
        return True
    return hasattr(tp, "model_fields") and hasattr(tp, "model_dump")  # pydantic v2 model


def _field_types(schema: Any) -> list[Any]:
    try:
        return list(typing.get_type_hints(schema, include_extras=True).values())
    except Exception:  # unresolvable annotations: the builder reports those itself
        return []


def declared_classes(schemas: Iterable[Any]) -> set[type]:
    """Every storable class named in the field annotations of ``schemas``, recursively."""
    found: set[type] = set()
    seen: set[int] = set()

    def walk(tp: Any, depth: int) -> None:
        if depth > _MAX_DEPTH or id(tp) in seen:
            return
        seen.add(id(tp))
        for arg in typing.get_args(tp):
            walk(arg, depth + 1)
        if _is_storable_class(tp):
            found.add(tp)
        if isinstance(tp, type) and tp.__module__ != "builtins":
            for field_type in _field_types(tp):
                walk(field_type, depth + 1)

    for schema in schemas:
        if schema is not None:
            walk(schema, 0)
    return found


def graph_schemas(builder: Any, depth: int = 0) -> list[Any]:
    """The schemas of a StateGraph builder: state, input, output, each node's input schema, and
    those of subgraphs used as nodes (their state is saved by this graph's checkpointer)."""
    schemas = [builder.state_schema, builder.input_schema, builder.output_schema]
    for spec in builder.nodes.values():
        schemas.append(spec.input_schema)
        sub = getattr(spec.runnable, "builder", None)
        if sub is not None and hasattr(sub, "state_schema") and depth < _MAX_DEPTH:
            schemas += graph_schemas(sub, depth + 1)
    return schemas


def function_types(func: Any) -> list[Any]:
    """The annotated parameter and return types of an entrypoint function."""
    try:
        return list(typing.get_type_hints(func, include_extras=True).values())
    except Exception:  # unresolvable annotations: nothing to allow
        return []


def allow_declared_classes(checkpointer: Any, schemas: Iterable[Any]) -> None:
    """Register the classes ``schemas`` declare with ``checkpointer``'s serializer (if it has an
    allowlist: a custom serializer without ``register`` is left alone)."""
    register = getattr(getattr(checkpointer, "serde", None), "register", None)
    if not callable(register):
        return
    classes = declared_classes(schemas)
    if classes:
        register(*sorted(classes, key=lambda c: (c.__module__, c.__qualname__)))
