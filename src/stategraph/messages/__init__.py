"""stategraph's own chat messages: enough to run agents without langchain-core.

The classes carry the attributes LangGraph code reads (``type``, ``content``, ``id``, ``name``,
``tool_calls``, ``tool_call_id``); ``message_to_dict``/``message_from_dict`` round-trip them
through OpenAI-style dicts and ``to_langchain``/``from_langchain`` through langchain-core.
"""

from typing import Any

from ._convert import coerce_message as coerce_message
from ._convert import convert_to_messages as convert_to_messages
from ._convert import message_from_dict as message_from_dict
from ._convert import message_to_dict as message_to_dict
from ._convert import to_openai as to_openai
from ._langchain import from_langchain as from_langchain
from ._langchain import to_langchain as to_langchain
from ._model import AIMessage as AIMessage
from ._model import AIMessageChunk as AIMessageChunk
from ._model import BaseMessage as BaseMessage
from ._model import HumanMessage as HumanMessage
from ._model import RemoveMessage as RemoveMessage
from ._model import SystemMessage as SystemMessage
from ._model import ToolCall as ToolCall
from ._model import ToolCallChunk as ToolCallChunk
from ._model import ToolMessage as ToolMessage
from ._model import tool_call as tool_call

__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "BaseMessage",
    "HumanMessage",
    "RemoveMessage",
    "SystemMessage",
    "ToolCall",
    "ToolCallChunk",
    "ToolMessage",
    "coerce_message",
    "convert_to_messages",
    "from_langchain",
    "is_message",
    "message_from_dict",
    "message_to_dict",
    "to_langchain",
    "to_openai",
    "tool_call",
]

AnyMessage = HumanMessage | AIMessage | SystemMessage | ToolMessage | RemoveMessage


def is_message(value: Any) -> bool:
    """True for a stategraph message or a langchain-core message (without importing it)."""
    if isinstance(value, BaseMessage):
        return True
    return any(c.__name__ == "BaseMessage" and c.__module__.startswith("langchain_core.")
               for c in type(value).__mro__)
