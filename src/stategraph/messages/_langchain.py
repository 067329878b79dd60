"""Conversion between stategraph messages and langchain-core messages (imported only when used)."""

from __future__ import annotations

from typing import Any

from ._model import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
    tool_call,
)

__all__ = ["to_langchain", "from_langchain", "langchain_loaded"]


def langchain_loaded() -> bool:
    """True when langchain-core has been imported in this process (we never import it first)."""
    import sys

    return sys.modules.get("langchain_core") is not None


def _lc() -> Any:
    try:
        from langchain_core import messages
    except ImportError as exc:
        raise ImportError(
            "Converting to langchain-core messages needs langchain-core: "
            "pip install 'stategraph[langchain]'."
        ) from exc
    return messages


def to_langchain(message: BaseMessage) -> Any:
    """A stategraph message -> the langchain-core message with the same fields."""
    lc = _lc()
    common: dict[str, Any] = {"id": message.id, "name": message.name}
    if isinstance(message, AIMessageChunk):
        return lc.AIMessageChunk(
            content=message.content, tool_call_chunks=[dict(c) for c in message.tool_call_chunks],
            usage_metadata=message.usage_metadata, response_metadata=dict(message.response_metadata), **common,
        )
    if isinstance(message, AIMessage):
        calls = [dict(c) for c in message.tool_calls]
        return lc.AIMessage(content=message.content, tool_calls=calls, usage_metadata=message.usage_metadata,
                            response_metadata=dict(message.response_metadata), **common)
    if isinstance(message, ToolMessage):
        return lc.ToolMessage(content=message.content, tool_call_id=message.tool_call_id,
                              status=message.status, artifact=message.artifact, **common)
    if isinstance(message, RemoveMessage):
        return lc.RemoveMessage(id=message.id)
    cls = {HumanMessage: lc.HumanMessage, SystemMessage: lc.SystemMessage}.get(type(message))
    if cls is None:
        raise TypeError(f"No langchain-core class for message {message!r}.")
    return cls(content=message.content, **common)


def from_langchain(message: Any) -> BaseMessage:
    """A langchain-core message -> a stategraph message (lossless for the shared fields)."""
    kind = getattr(message, "type", None)
    common: dict[str, Any] = {"id": message.id, "name": getattr(message, "name", None)}
    content = message.content
    if kind == "AIMessageChunk":
        return AIMessageChunk(
            content, tool_call_chunks=[_chunk(c) for c in message.tool_call_chunks],
            usage_metadata=_plain(message.usage_metadata), response_metadata=dict(message.response_metadata),
            **common,
        )
    if kind == "ai":
        calls = [tool_call(c["name"], c.get("args") or {}, c.get("id")) for c in message.tool_calls]
        return AIMessage(content, tool_calls=calls, usage_metadata=_plain(message.usage_metadata),
                         response_metadata=dict(message.response_metadata), **common)
    if kind == "tool":
        return ToolMessage(content, tool_call_id=message.tool_call_id, status=message.status,
                           artifact=message.artifact, **common)
    if kind == "remove":
        return RemoveMessage(id=message.id)
    if kind == "human":
        return HumanMessage(content, **common)
    if kind == "system":
        return SystemMessage(content, **common)
    if kind == "chat":
        from ._convert import message_from_dict

        return message_from_dict({"role": message.role, "content": content, **common})
    raise TypeError(f"Cannot convert langchain message of type {kind!r} ({type(message).__name__}).")


def _chunk(chunk: Any) -> Any:
    return {"name": chunk.get("name"), "args": chunk.get("args"), "id": chunk.get("id"),
            "index": chunk.get("index"), "type": "tool_call_chunk"}


def _plain(value: Any) -> Any:
    return dict(value) if value else None
