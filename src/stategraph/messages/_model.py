"""stategraph's own chat message classes: the fields every provider shares, nothing more.

They mirror langchain-core's names and attributes (``type``, ``content``, ``id``, ``name``,
``tool_calls``, ``tool_call_id``, ``status``) so code written against either works on both,
and convert losslessly to OpenAI-style dicts (``_openai``) and langchain-core (``_langchain``).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar, Literal, TypedDict

__all__ = [
    "ToolCall",
    "ToolCallChunk",
    "BaseMessage",
    "HumanMessage",
    "AIMessage",
    "SystemMessage",
    "ToolMessage",
    "RemoveMessage",
    "AIMessageChunk",
]


class ToolCall(TypedDict, total=False):
    """One requested tool call: the same dict shape langchain-core uses."""

    name: str
    args: dict[str, Any]
    id: str | None
    type: Literal["tool_call"]


class ToolCallChunk(TypedDict, total=False):
    """A fragment of a tool call while it streams: ``args`` is a partial JSON string."""

    name: str | None
    args: str | None
    id: str | None
    index: int | None
    type: Literal["tool_call_chunk"]


def tool_call(name: str, args: dict[str, Any] | None = None, id: str | None = None) -> ToolCall:
    """Build a well-formed ``ToolCall`` dict."""
    return {"name": name, "args": dict(args or {}), "id": id, "type": "tool_call"}


@dataclass(eq=True)
class BaseMessage:
    """Base of every message; ``type`` is langchain's name, ``role`` the OpenAI one."""

    content: Any = ""
    _: KW_ONLY
    id: str | None = None
    name: str | None = None

    type: ClassVar[str] = "base"
    role: ClassVar[str] = "base"

    @property
    def text(self) -> str:
        """The text of ``content`` (text blocks joined when content is a list of blocks)."""
        if isinstance(self.content, str):
            return self.content
        parts = []
        for block in self.content or []:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, dict) and block.get("type") == "text":
                parts.append(str(block.get("text", "")))
        return "".join(parts)

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Any:
        """Return a copy with ``update`` applied (the pydantic spelling langchain users know)."""
        clone = dataclasses.replace(self, **(update or {}))
        if deep:
            import copy

            return copy.deepcopy(clone)
        return clone

    def pretty_repr(self) -> str:
        title = f" {self.type.capitalize()} Message "
        head = f"{title:=^80}"
        if self.name:
            head += f"\nName: {self.name}"
        return f"{head}\n\n{self.text}"

    def pretty_print(self) -> None:
        print(self.pretty_repr())


@dataclass(eq=True)
class HumanMessage(BaseMessage):
    type: ClassVar[str] = "human"
    role: ClassVar[str] = "user"


@dataclass(eq=True)
class SystemMessage(BaseMessage):
    type: ClassVar[str] = "system"
    role: ClassVar[str] = "system"


@dataclass(eq=True)
class AIMessage(BaseMessage):
    _: KW_ONLY
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage_metadata: dict[str, Any] | None = None
    response_metadata: dict[str, Any] = field(default_factory=dict)

    type: ClassVar[str] = "ai"
    role: ClassVar[str] = "assistant"

    def __post_init__(self) -> None:
        self.tool_calls = [_normal_call(c) for c in self.tool_calls]

    def pretty_repr(self) -> str:
        out = super().pretty_repr()
        for call in self.tool_calls:
            out += f"\nTool call: {call['name']}({json.dumps(call['args'], sort_keys=True)}) id={call.get('id')}"
        return out


def _normal_call(call: Any) -> ToolCall:
    if not isinstance(call, dict) or "name" not in call:
        raise TypeError(f"A tool call must be a dict with 'name', 'args' and 'id', got {call!r}.")
    return tool_call(call["name"], call.get("args") or {}, call.get("id"))


@dataclass(eq=True)
class ToolMessage(BaseMessage):
    _: KW_ONLY
    tool_call_id: str = ""
    status: Literal["success", "error"] = "success"
    artifact: Any = None

    type: ClassVar[str] = "tool"
    role: ClassVar[str] = "tool"

    def __post_init__(self) -> None:
        if not self.tool_call_id:
            raise TypeError("ToolMessage needs tool_call_id: the id of the tool call it answers.")


@dataclass(eq=True)
class RemoveMessage(BaseMessage):
    """A marker for ``add_messages``: delete the message with this id (or all: ``__remove_all__``)."""

    type: ClassVar[str] = "remove"
    role: ClassVar[str] = "remove"

    def __post_init__(self) -> None:
        if not self.id:
            raise TypeError("RemoveMessage needs the id of the message to remove: RemoveMessage(id=...).")


@dataclass(eq=True)
class AIMessageChunk(AIMessage):
    """A streamed piece of an AI message; chunks of one message add up with ``+``."""

    _: KW_ONLY
    tool_call_chunks: list[ToolCallChunk] = field(default_factory=list)

    type: ClassVar[str] = "AIMessageChunk"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.tool_call_chunks and not self.tool_calls:
            self.tool_calls = _parse_chunks(self.tool_call_chunks)

    def __add__(self, other: AIMessageChunk) -> AIMessageChunk:
        if not isinstance(other, AIMessageChunk):
            return NotImplemented
        return AIMessageChunk(
            _add_content(self.content, other.content),
            id=self.id or other.id,
            name=self.name or other.name,
            tool_call_chunks=_merge_chunks(self.tool_call_chunks, other.tool_call_chunks),
            usage_metadata=other.usage_metadata or self.usage_metadata,
            response_metadata={**self.response_metadata, **other.response_metadata},
        )

    def to_message(self) -> AIMessage:
        """The complete ``AIMessage`` these chunks add up to (tool-call args parsed)."""
        calls = _parse_chunks(self.tool_call_chunks) if self.tool_call_chunks else list(self.tool_calls)
        return AIMessage(
            self.content, id=self.id, name=self.name, tool_calls=calls,
            usage_metadata=self.usage_metadata, response_metadata=dict(self.response_metadata),
        )


def _add_content(left: Any, right: Any) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    as_list = lambda c: [{"type": "text", "text": c}] if isinstance(c, str) and c else list(c or [])  # noqa: E731
    return as_list(left) + as_list(right)


def _merge_chunks(left: list[ToolCallChunk], right: list[ToolCallChunk]) -> list[ToolCallChunk]:
    merged = [dict(c) for c in left]
    for chunk in right:
        index = chunk.get("index")
        same = next((m for m in merged if index is not None and m.get("index") == index), None)
        if same is None:
            merged.append(dict(chunk))
            continue
        same["args"] = (same.get("args") or "") + (chunk.get("args") or "")
        same["name"] = same.get("name") or chunk.get("name")
        same["id"] = same.get("id") or chunk.get("id")
    return merged  # type: ignore[return-value]


def _parse_chunks(chunks: list[ToolCallChunk]) -> list[ToolCall]:
    calls = []
    for chunk in chunks:
        raw = chunk.get("args") or ""
        try:
            args = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            continue  # still streaming: not a complete call yet
        if isinstance(args, dict) and chunk.get("name"):
            calls.append(tool_call(str(chunk["name"]), args, chunk.get("id")))
    return calls
