"""The GraphSchema an assistant answers (server_api.md 1.2): its graph's schemas as JSON Schema.

A ``StateGraph`` is described by the schemas it was built with, an ``@entrypoint`` by its
function's annotations, and any other ``Pregel`` by the types of its channels.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from ..graph._jsonschema import schema_json
from ..pregel import Pregel
from ._http import ApiError

__all__ = ["graph_schemas", "subgraph_schemas"]


def graph_schemas(graph_id: str, graph: Pregel) -> dict[str, Any]:
    """Return ``{graph_id, input_schema, output_schema, state_schema, config_schema, context_schema}``."""
    builder = getattr(graph, "builder", None)
    if builder is not None:
        state, graph_input, output = (
            schema_json(builder.state_schema),
            schema_json(builder.input_schema),
            schema_json(builder.output_schema),
        )
    elif (annotated := _entrypoint_types(graph)) is not None:
        graph_input, output = (schema_json(tp) for tp in annotated)
        state = output  # an entrypoint keeps what it returns (or saves) for the next call
    else:
        state = _channels_schema(graph, _state_keys(graph), "State", write=False)
        graph_input = _channels_schema(graph, graph.input_channels, "Input", write=True)
        output = _channels_schema(graph, graph.output_channels, "Output", write=False)
    context = graph.context_schema
    return {
        "graph_id": graph_id,
        "input_schema": graph_input,
        "output_schema": output,
        "state_schema": state,
        # why: configurable keys are declared as a context_schema now; a graph has no other
        # config schema to describe, and the SDK documents the key as absent-able
        "config_schema": None,
        "context_schema": schema_json(context) if context is not None else None,
    }


def subgraph_schemas(
    graph_id: str, graph: Pregel, namespace: str | None, *, recurse: bool
) -> dict[str, Any]:
    """Return ``{namespace: GraphSchema}`` for the graph's subgraphs (``a|b`` when nested).

    With ``namespace`` only that subgraph (and, with ``recurse``, the ones below it) is listed.
    """
    found = dict(graph.get_subgraphs(recurse=recurse or namespace is not None))
    if namespace is None:
        return {ns: graph_schemas(graph_id, sub) for ns, sub in found.items()}
    if namespace not in found:
        raise ApiError(
            404,
            f"Graph {graph_id!r} has no subgraph at namespace {namespace!r}; "
            f"its subgraphs are {sorted(found)}.",
        )
    prefix = namespace + "|"
    kept = [ns for ns in found if ns == namespace or (recurse and ns.startswith(prefix))]
    return {ns: graph_schemas(graph_id, found[ns]) for ns in kept}


def _entrypoint_types(graph: Pregel) -> tuple[Any, Any] | None:
    """The annotated input and return types of an ``@entrypoint`` function, if it is one."""
    if len(graph.nodes) != 1:
        return None
    function = getattr(next(iter(graph.nodes.values())), "bound", None)
    if not inspect.isfunction(function):
        return None
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError):  # why: unresolvable annotations describe nothing
        hints = {}
    params = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    first = hints.get(params[0].name) if params else None
    return first, hints.get("return")


def _state_keys(graph: Pregel) -> list[str]:
    return [key for key in graph.channels if not key.startswith("__")]


def _channels_schema(graph: Pregel, keys: str | Any, title: str, *, write: bool) -> dict[str, Any]:
    if isinstance(keys, str):
        return schema_json(_channel_type(graph, keys, write))
    properties = {key: schema_json(_channel_type(graph, key, write)) for key in keys}
    return {"title": f"{graph.get_name()}{title}", "type": "object", "properties": properties}


def _channel_type(graph: Pregel, key: str, write: bool) -> Any:
    channel = graph.channels.get(key)
    try:
        return getattr(channel, "UpdateType" if write else "ValueType", None)
    except Exception:  # why: a channel that cannot name its type constrains nothing
        return None
