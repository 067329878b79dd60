"""Use a langchain-core chat model through stategraph's model protocol (messages converted both ways).

create_react_agent accepts langchain-core models directly; this adapter is for code that wants
stategraph messages back.  Tokens still reach ``stream_mode="messages"`` through the langchain
callback the run installs, so this wrapper does not emit them a second time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from ..messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    convert_to_messages,
    from_langchain,
    to_langchain,
)

__all__ = ["LangChainChatModel"]


def _to_lc(input: Any) -> list[Any]:
    return [to_langchain(m) for m in convert_to_messages(input)]


def _from_lc(message: Any) -> Any:
    converted = from_langchain(message)
    return converted.to_message() if isinstance(converted, AIMessageChunk) else converted


class LangChainChatModel:
    """Wrap ``model`` (a langchain-core ``BaseChatModel`` or a tool-bound runnable of one)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        return _from_lc(self.model.invoke(_to_lc(input), config, **kwargs))

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> AIMessage:
        return _from_lc(await self.model.ainvoke(_to_lc(input), config, **kwargs))

    def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[AIMessageChunk]:
        for chunk in self.model.stream(_to_lc(input), config, **kwargs):
            yield from_langchain(chunk)  # type: ignore[misc]

    async def astream(self, input: Any, config: Any = None, **kwargs: Any) -> AsyncIterator[AIMessageChunk]:
        async for chunk in self.model.astream(_to_lc(input), config, **kwargs):
            yield from_langchain(chunk)  # type: ignore[misc]

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> LangChainChatModel:
        from ..prebuilt._tools import tool_spec

        return LangChainChatModel(self.model.bind_tools([tool_spec(t) for t in tools], **kwargs))

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:
        return self.model.with_structured_output(schema, **kwargs)

    def get_name(self) -> str:
        return f"LangChainChatModel({type(self.model).__name__})"


_ = BaseMessage
