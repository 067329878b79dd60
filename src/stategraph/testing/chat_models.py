"""Deterministic fake chat models: scripted replies, tool calls and token streaming, no network.

``FakeChatModel(["Hi!", AIMessage("", tool_calls=[...]), lambda messages: "..."])`` answers each
call with the next scripted reply.  Copies made by ``bind_tools`` share the script, so an agent
that re-binds tools still walks through one conversation.  Every call is recorded in ``calls``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..messages import AIMessage, AIMessageChunk, BaseMessage, coerce_message, tool_call
from ..models.base import BaseChatModel

__all__ = ["FakeChatModel", "ScriptExhausted", "ai", "call"]

_TOKEN = re.compile(r"\s*\S+|\s+")


class ScriptExhausted(IndexError):
    """A fake model was called more often than it has scripted replies."""


def call(name: str, args: dict[str, Any] | None = None, id: str | None = None) -> dict[str, Any]:
    """A tool call for a scripted reply: ``ai("", call("add", {"a": 1}, "c1"))``."""
    return tool_call(name, args, id)


def ai(content: str = "", *calls: dict[str, Any], id: str | None = None, name: str | None = None) -> AIMessage:
    """A scripted AI reply with optional tool calls."""
    return AIMessage(content, id=id, name=name, tool_calls=list(calls))


class _Script:
    def __init__(self, replies: Sequence[Any], cycle: bool) -> None:
        self.replies = list(replies)
        self.cycle = cycle
        self.index = 0
        self.calls: list[list[BaseMessage]] = []
        self.lock = threading.Lock()

    def next(self, messages: list[BaseMessage]) -> AIMessage:
        with self.lock:
            self.calls.append(list(messages))
            if self.index >= len(self.replies):
                if not self.cycle or not self.replies:
                    raise ScriptExhausted(
                        f"FakeChatModel has no scripted reply left (it had {len(self.replies)}): add replies "
                        "or pass cycle=True."
                    )
                self.index = 0
            reply = self.replies[self.index]
            self.index += 1
        if callable(reply) and not isinstance(reply, BaseMessage):
            reply = reply(messages)
        return _as_ai(reply)


def _as_ai(reply: Any) -> AIMessage:
    if isinstance(reply, str):
        return AIMessage(reply)
    msg = coerce_message(reply)
    if not isinstance(msg, AIMessage):
        raise TypeError(f"Scripted replies must be AI messages (or str/dict/callable), got {reply!r}.")
    return msg


class FakeChatModel(BaseChatModel):
    """A chat model that replays a script; see the module docstring."""

    provider = "fake"

    def __init__(
        self,
        responses: Sequence[Any],
        *,
        structured: Sequence[Any] = (),
        cycle: bool = False,
        tags: Sequence[str] | None = None,
        model_name: str = "fake-chat",
    ) -> None:
        super().__init__(tags=tags)
        self.model_name = model_name
        self.script = _Script(responses, cycle)
        self.structured = _Script(structured, cycle) if structured else None

    @property
    def calls(self) -> list[list[BaseMessage]]:
        """The message lists this model (and its tool-bound copies) received, in order."""
        return self.script.calls

    def _chunks(self, messages: list[BaseMessage], **options: Any) -> Iterator[AIMessageChunk]:
        reply = self.script.next(messages)
        tokens = _TOKEN.findall(reply.text) if isinstance(reply.content, str) else []
        if not tokens and not reply.tool_calls:
            tokens = [reply.content] if not isinstance(reply.content, str) else [""]
        for token in tokens:
            yield AIMessageChunk(token, id=reply.id, name=reply.name)
        for index, tc in enumerate(reply.tool_calls):
            chunk = {"name": tc["name"], "args": json.dumps(tc["args"]), "id": tc.get("id"), "index": index,
                     "type": "tool_call_chunk"}
            yield AIMessageChunk("", id=reply.id, name=reply.name, tool_call_chunks=[chunk])  # type: ignore[list-item]

    def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any) -> Any:
        if self.structured is None:
            return super().with_structured_output(schema, include_raw=include_raw, **kwargs)
        return _FakeStructured(self.structured, schema)


class _FakeStructured:
    def __init__(self, script: _Script, schema: Any) -> None:
        self.script = script
        self.schema = schema

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        from ..messages import convert_to_messages
        from ..models._structured import parse_structured

        with self.script.lock:
            self.script.calls.append(convert_to_messages(input))
            if self.script.index >= len(self.script.replies):
                raise ScriptExhausted("FakeChatModel has no scripted structured response left.")
            value = self.script.replies[self.script.index]
            self.script.index += 1
        return parse_structured(self.schema, value) if isinstance(value, dict) else value

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self.invoke(input, config, **kwargs)


_ = Callable
