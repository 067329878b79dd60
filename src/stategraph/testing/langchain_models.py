"""A langchain-core fake chat model that streams tokens *and* tool calls and accepts bind_tools.

langchain-core's own ``GenericFakeChatModel`` neither binds tools nor streams tool calls, so
agents cannot run on it.  Importing this module imports langchain-core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

__all__ = ["FakeToolCallingChatModel"]

_TOKEN = re.compile(r"\s*\S+|\s+")


class FakeToolCallingChatModel(BaseChatModel):
    """Replies with ``responses`` in order (str or AIMessage); copies from bind_tools share the cursor."""

    responses: list[Any]
    cursor: list[int] = [0]
    received: list[list[BaseMessage]] = []
    bound: list[Any] = []

    def __init__(self, responses: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(responses=list(responses), cursor=[0], received=[], bound=[], **kwargs)

    @property
    def _llm_type(self) -> str:
        return "fake-tool-calling"

    def _next(self, messages: list[BaseMessage]) -> AIMessage:
        self.received.append(list(messages))
        if self.cursor[0] >= len(self.responses):
            raise IndexError(f"FakeToolCallingChatModel ran out of its {len(self.responses)} responses.")
        reply = self.responses[self.cursor[0]]
        self.cursor[0] += 1
        return AIMessage(reply) if isinstance(reply, str) else reply

    def _generate(self, messages: list[BaseMessage], stop: Any = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._next(messages))])

    def _stream(self, messages: list[BaseMessage], stop: Any = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        import json

        reply = self._next(messages)
        tokens = _TOKEN.findall(reply.content) if isinstance(reply.content, str) else []
        for token in tokens or ([""] if not reply.tool_calls else []):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token, id=reply.id))
            if run_manager is not None:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
        for i, call in enumerate(reply.tool_calls):
            piece = {"name": call["name"], "args": json.dumps(call["args"]), "id": call["id"], "index": i}
            chunk = ChatGenerationChunk(message=AIMessageChunk(content="", id=reply.id, tool_call_chunks=[piece]))
            if run_manager is not None:
                run_manager.on_llm_new_token("", chunk=chunk)
            yield chunk

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> Any:
        self.bound.append((list(tools), kwargs))
        return self
