"""The chat-model protocol stategraph's agents need, and a base class that implements it.

A model only has to produce ``AIMessageChunk``s from messages (``_chunks``, optionally
``_achunks``); ``BaseChatModel`` turns that into ``invoke``/``ainvoke``/``stream``/``astream``,
binds tools, offers structured output, and streams tokens to ``stream_mode="messages"`` when
called inside a node of a run that asked for them.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

from ..messages import AIMessage, AIMessageChunk, BaseMessage, convert_to_messages
from ..pregel import _messages

__all__ = ["ChatModel", "BaseChatModel"]


@runtime_checkable
class ChatModel(Protocol):
    """What create_react_agent calls: langchain-core chat models fit it too."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any: ...

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any: ...

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any: ...


class BaseChatModel:
    """Implement ``_chunks`` (and optionally ``_achunks``); get the whole protocol."""

    provider = "stategraph"
    model_name = "unknown"

    def __init__(self, *, tags: Sequence[str] | None = None, metadata: dict[str, Any] | None = None) -> None:
        self.tags = list(tags or [])
        self.metadata = dict(metadata or {})
        self.bound_tools: list[dict[str, Any]] = []
        self.tool_choice: Any = None
        self.parallel_tool_calls: bool | None = None

    # ------------------------------------------------------------ to implement
    def _chunks(self, messages: list[BaseMessage], **options: Any) -> Iterator[AIMessageChunk]:
        raise NotImplementedError

    async def _achunks(self, messages: list[BaseMessage], **options: Any) -> AsyncIterator[AIMessageChunk]:
        for chunk in self._chunks(messages, **options):
            yield chunk

    # ------------------------------------------------------------ helpers
    def _options(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        options = {"tools": self.bound_tools, "tool_choice": self.tool_choice,
                   "parallel_tool_calls": self.parallel_tool_calls}
        options.update(kwargs)
        return options

    def _target(self, config: Any) -> Any:
        tags = [*self.tags, *((config or {}).get("tags") or [])]
        extra = {"ls_provider": self.provider, "ls_model_name": self.model_name, "ls_model_type": "chat",
                 **self.metadata}
        return _messages.stream_target(tags, extra)

    @staticmethod
    def _stamp(chunk: AIMessageChunk, run_id: str) -> AIMessageChunk:
        if chunk.id is None:
            chunk.id = run_id
        return chunk

    # ------------------------------------------------------------ protocol
    def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[AIMessageChunk]:
        """Yield the reply chunk by chunk (and to the messages stream when inside a node)."""
        target, run_id, total = self._target(config), f"run-{uuid.uuid4()}", None
        for chunk in self._chunks(convert_to_messages(input), **self._options(kwargs)):
            chunk = self._stamp(chunk, run_id)
            total = chunk if total is None else total + chunk
            if target is not None:
                _messages.emit_chunk(target, chunk)
            yield chunk
        if target is not None and total is not None:
            _messages.mark_seen(target, total, streamed=True)

    async def astream(self, input: Any, config: Any = None, **kwargs: Any) -> AsyncIterator[AIMessageChunk]:
        target, run_id, total = self._target(config), f"run-{uuid.uuid4()}", None
        async for chunk in self._achunks(convert_to_messages(input), **self._options(kwargs)):
            chunk = self._stamp(chunk, run_id)
            total = chunk if total is None else total + chunk
            if target is not None:
                _messages.emit_chunk(target, chunk)
            yield chunk
        if target is not None and total is not None:
            _messages.mark_seen(target, total, streamed=True)

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        """The whole reply; streams tokens to ``stream_mode="messages"`` when that is on."""
        total = None
        for chunk in self.stream(input, config, **kwargs):
            total = chunk if total is None else total + chunk
        return _finish(total)

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        total = None
        async for chunk in self.astream(input, config, **kwargs):
            total = chunk if total is None else total + chunk
        return _finish(total)

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None,
                   parallel_tool_calls: bool | None = None, **kwargs: Any) -> BaseChatModel:
        """A copy of this model that offers ``tools`` (functions, langchain tools or spec dicts)."""
        from ..prebuilt._tools import tool_spec

        clone = copy.copy(self)
        clone.bound_tools = [tool_spec(t) for t in tools]
        clone.tool_choice = tool_choice
        clone.parallel_tool_calls = parallel_tool_calls
        return clone

    def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any) -> Any:
        """A runnable returning ``schema`` instances, via a forced call of a tool named after it."""
        from ._structured import StructuredOutput

        return StructuredOutput(self, schema, include_raw=include_raw)

    def get_name(self) -> str:
        return type(self).__name__


def _finish(total: AIMessageChunk | None) -> AIMessage:
    if total is None:
        return AIMessage("", id=f"run-{uuid.uuid4()}")
    return total.to_message()
