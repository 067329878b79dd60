"""JSON Schemas of a Pregel graph's input and output, titled as LangGraph titles them.

A graph built from channels (or an ``@entrypoint``) has no state schema: its input is the
value of its input channel(s), its output that of its output channel(s).  An entrypoint names
the types it takes and returns in its annotations; a channel graph, its channels' types.
"""

from __future__ import annotations

from typing import Any

__all__ = ["io_jsonschema"]


def _channel_type(channels: Any, key: str) -> Any:
    channel = channels.get(key)
    value_type = getattr(channel, "ValueType", None) if channel is not None else None
    return value_type if value_type is not None else Any


def io_jsonschema(graph: Any, *, output: bool) -> dict[str, Any]:
    """``graph``'s input (or output) JSON Schema, titled ``LangGraphInput``/``LangGraphOutput``."""
    from pydantic import RootModel, create_model

    title = "LangGraphOutput" if output else "LangGraphInput"
    declared = getattr(graph, "output_type" if output else "input_type", None)
    keys = graph.output_channels if output else graph.input_channels
    if declared is None and isinstance(keys, str):
        declared = _channel_type(graph.channels, keys)
    if declared is not None:
        model = type(title, (RootModel[declared],), {"__module__": __name__})  # type: ignore[misc, valid-type]
        return model.model_json_schema()
    fields: dict[str, Any] = {k: (_channel_type(graph.channels, k), None) for k in keys}
    return create_model(title, **fields).model_json_schema()
