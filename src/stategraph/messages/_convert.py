"""Coercion of what users write (str, (role, text) tuples, dicts) into stategraph messages,
and the lossless round trip to and from OpenAI-style chat dicts."""

from __future__ import annotations

import json
from collections.abc import Iterable
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

__all__ = ["convert_to_messages", "coerce_message", "message_to_dict", "message_from_dict", "to_openai"]

_BY_ROLE: dict[str, type[BaseMessage]] = {
    "human": HumanMessage, "user": HumanMessage,
    "ai": AIMessage, "assistant": AIMessage,
    "system": SystemMessage, "developer": SystemMessage,
    "tool": ToolMessage,
    "remove": RemoveMessage,
}


def _is_langchain(value: Any) -> bool:
    return type(value).__module__.startswith("langchain_core.")


def coerce_message(value: Any) -> BaseMessage:
    """One value -> a stategraph message; raise ``TypeError`` naming the value otherwise."""
    if isinstance(value, AIMessageChunk):
        return value.to_message()
    if isinstance(value, BaseMessage):
        return value
    if isinstance(value, str):
        return HumanMessage(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return _from_role(value[0], {"content": value[1]})
    if isinstance(value, dict):
        return message_from_dict(value)
    if _is_langchain(value):
        from ._langchain import from_langchain

        return coerce_message(from_langchain(value))
    raise TypeError(
        f"Cannot turn {value!r} into a message: use a message object, a string, a (role, content) "
        "tuple or a dict with 'role' and 'content'."
    )


def convert_to_messages(values: Any) -> list[BaseMessage]:
    """A message, or an iterable of message-like values -> a list of stategraph messages."""
    if isinstance(values, (str, dict, BaseMessage)) or (isinstance(values, tuple) and len(values) == 2
                                                          and isinstance(values[0], str)):
        values = [values]
    return [coerce_message(v) for v in values]


def _from_role(role: str, data: dict[str, Any]) -> BaseMessage:
    cls = _BY_ROLE.get(role)
    if cls is None:
        raise ValueError(
            f"Unknown message role {role!r}: use one of {sorted(_BY_ROLE)} (e.g. ('user', 'hi'))."
        )
    kwargs: dict[str, Any] = {"id": data.get("id"), "name": data.get("name")}
    content = data.get("content")
    if cls is AIMessage:
        kwargs["tool_calls"] = _calls_from_dict(data.get("tool_calls") or [])
    elif cls is ToolMessage:
        kwargs["tool_call_id"] = data.get("tool_call_id") or ""
        kwargs["status"] = data.get("status") or "success"
    return cls("" if content is None else content, **kwargs)


def _calls_from_dict(calls: Iterable[dict[str, Any]]) -> list[Any]:
    out = []
    for call in calls:
        fn = call.get("function")
        if fn is not None:  # OpenAI wire form: arguments are a JSON string
            raw = fn.get("arguments") or "{}"
            args = json.loads(raw) if isinstance(raw, str) else dict(raw)
            out.append(tool_call(fn["name"], args, call.get("id")))
        else:
            out.append(tool_call(call["name"], call.get("args") or {}, call.get("id")))
    return out


def message_from_dict(data: dict[str, Any]) -> BaseMessage:
    """An OpenAI-style dict (``role``) or a langchain-style one (``type``) -> a message."""
    role = data.get("role") or data.get("type")
    if not isinstance(role, str):
        raise ValueError(f"A message dict needs a 'role' (or 'type') key, got keys {sorted(data)}.")
    return _from_role(role, data)


def to_openai(message: BaseMessage) -> dict[str, Any]:
    """The OpenAI chat-completions wire form (no stategraph-only keys)."""
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.name is not None:
        out["name"] = message.name
    if isinstance(message, AIMessage) and message.tool_calls:
        out["tool_calls"] = [
            {"id": c.get("id"), "type": "function",
             "function": {"name": c["name"], "arguments": json.dumps(c["args"])}}
            for c in message.tool_calls
        ]
        if not message.content:
            out["content"] = None
    if isinstance(message, ToolMessage):
        out["tool_call_id"] = message.tool_call_id
    return out


def message_to_dict(message: BaseMessage) -> dict[str, Any]:
    """The OpenAI-style dict plus ``id`` (and a tool message's ``status``): round-trips exactly."""
    out = to_openai(message)
    if isinstance(message, RemoveMessage):
        out = {"role": "remove", "content": message.content}
    if out.get("content") is None:
        out["content"] = message.content
    if message.id is not None:
        out["id"] = message.id
    if isinstance(message, ToolMessage) and message.status != "success":
        out["status"] = message.status
    return out
