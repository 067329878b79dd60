"""Messages state: ``add_messages`` (merge by id), ``MessagesState`` and ``push_message``.

Two message models, one algorithm.  Once langchain-core is imported in the process (a user's
model, tool or message came from it) the reducer returns langchain-core messages exactly as
LangGraph does; otherwise it returns ``stategraph.messages`` classes with the same fields.  The
reducer never imports langchain-core itself (except for ``format="langchain-openai"``).
"""

from __future__ import annotations

import operator
import uuid
from typing import Annotated, Any

try:  # why: pydantic (the graph's JSON schemas) needs typing_extensions' TypedDict before 3.12
    from typing_extensions import TypedDict
except ImportError:  # pragma: no cover - no pydantic installed either, so no schema is generated
    from typing import TypedDict

from .._schema_description import publish_description
from ..messages import AIMessageChunk, BaseMessage, convert_to_messages, to_langchain
from ..messages._index import keep_ids, take_ids
from ..messages._langchain import langchain_loaded

__all__ = ["add_messages", "MessagesState", "REMOVE_ALL_MESSAGES", "MessageGraph", "push_message"]

REMOVE_ALL_MESSAGES = "__remove_all__"


def _lc() -> Any:
    from langchain_core import messages

    return messages


def _coerce_langchain(value: Any) -> list[Any]:
    lc = _lc()
    items = list(value) if isinstance(value, list) else [value]
    items = [to_langchain(m) if isinstance(m, BaseMessage) else m for m in items]
    out = []
    for m in lc.convert_to_messages(items):
        if isinstance(m, lc.BaseMessageChunk):
            m = lc.message_chunk_to_message(m)
        out.append(m)
    return out


def _coerce(value: Any, use_langchain: bool) -> list[Any]:
    """Wrap, convert to message objects, turn chunks into messages and give every one an id."""
    if use_langchain:
        msgs = _coerce_langchain(value)
    else:
        msgs = convert_to_messages(value if isinstance(value, list) else [value])
    out = []
    for m in msgs:
        if isinstance(m, AIMessageChunk):
            m = m.to_message()
        if m.id is None:
            # why: in place, as LangGraph does: the node's own update (seen in stream_mode="updates")
            # then shows the id the state got.
            m.id = str(uuid.uuid4())
        out.append(m)
    return out


def _is_remove(message: Any) -> bool:
    return getattr(message, "type", None) == "remove"


def _merge(left: list[Any], right: list[Any]) -> list[Any]:
    cut = max((i for i, m in enumerate(right) if _is_remove(m) and m.id == REMOVE_ALL_MESSAGES), default=None)
    if cut is not None:
        return right[cut + 1:]
    merged = list(left)
    index = {m.id: i for i, m in enumerate(merged)}
    removed: set[str] = set()
    for m in right:
        pos = index.get(m.id)
        if _is_remove(m):
            if pos is None:
                raise ValueError(
                    f"Attempting to delete a message with an ID that doesn't exist ('{m.id}'): "
                    "RemoveMessage ids must name a message already in the list."
                )
            removed.add(m.id)
            continue
        if pos is not None:
            removed.discard(m.id)  # a later message with a removed id brings it back, in the old place
            merged[pos] = m
        else:
            index[m.id] = len(merged)
            merged.append(m)
    return [m for m in merged if m.id not in removed]


_message_id = operator.attrgetter("id")
_FINAL: dict[tuple[type, bool], bool] = {}  # (type, langchain model) -> kept as is by _coerce


def _is_final(cls: type, use_langchain: bool) -> bool:
    found = _FINAL.get((cls, use_langchain))
    if found is None:
        if use_langchain:
            lc = _lc()
            found = issubclass(cls, lc.BaseMessage) and not issubclass(cls, lc.BaseMessageChunk)
        else:
            found = issubclass(cls, BaseMessage) and not issubclass(cls, AIMessageChunk)
        _FINAL[(cls, use_langchain)] = found
    return found


def _ready_ids(left: list[Any], use_langchain: bool) -> set[Any] | None:
    """The ids of ``left`` if ``_coerce`` would keep every item as it is, else None."""
    if not all(_is_final(cls, use_langchain) for cls in set(map(type, left))):
        return None
    ids = set(map(_message_id, left))
    return None if None in ids else ids


def _append_or_merge(
    left: list[Any], left_ids: set[Any], right: list[Any], use_langchain: bool
) -> list[Any]:
    """``_merge`` for a ready ``left`` (``left_ids``, now ours): new ids only are appended."""
    new_ids = set(map(_message_id, right))
    if (
        len(new_ids) < len(right)
        or not left_ids.isdisjoint(new_ids)
        or any(_is_remove(m) for m in right)
    ):
        return _merge(left, right)
    result = left + right
    if all(_is_final(cls, use_langchain) for cls in set(map(type, right))):
        left_ids |= new_ids  # why: in place, O(new); the set moves on to ``result``
        keep_ids(result, left_ids, use_langchain)
    return result


def add_messages(left: Any = None, right: Any = None, *, format: str | None = None) -> Any:
    """Merge two message lists: append new ids, replace existing ids, delete on RemoveMessage.

    ``add_messages(format=...)`` with no lists returns the configured reducer.

    Examples:
        >>> from stategraph.graph import add_messages
        >>> history = add_messages(
        ...     [{"role": "user", "content": "hi", "id": "1"}],
        ...     [{"role": "assistant", "content": "hello", "id": "2"}],
        ... )
        >>> [(m.type, m.content, m.id) for m in history]
        [('human', 'hi', '1'), ('ai', 'hello', '2')]
        >>> edited = add_messages(history, [{"role": "assistant", "content": "hey!", "id": "2"}])
        >>> [(m.type, m.content) for m in edited]  # same id: replaced in place
        [('human', 'hi'), ('ai', 'hey!')]

        As the reducer of a state field (this is what ``MessagesState`` does):

        >>> from typing import Annotated
        >>> from typing_extensions import TypedDict
        >>> class State(TypedDict):
        ...     messages: Annotated[list, add_messages]
    """
    if left is None and right is None:
        return lambda a, b: add_messages(a, b, format=format)
    if left is None or right is None:
        raise ValueError("add_messages needs both lists: call add_messages(left, right).")
    if format is not None and format != "langchain-openai":
        raise ValueError(f"Unrecognized format={format!r}: the only supported value is 'langchain-openai'.")
    use_langchain = format is not None or langchain_loaded()
    left_ids = None
    if format is None and type(left) is list:
        # why: the common case, an append to the list this reducer returned last, costs
        # O(len(right)) plus an identity scan (messages/_index.py); else two C-level scans.
        left_ids = take_ids(left, use_langchain)
        if left_ids is None:
            left_ids = _ready_ids(left, use_langchain)
    if left_ids is not None:
        return _append_or_merge(left, left_ids, _coerce(right, use_langchain), use_langchain)
    result = _merge(_coerce(left, use_langchain), _coerce(right, use_langchain))
    if format == "langchain-openai":
        lc = _lc()
        result = lc.convert_to_messages(lc.convert_to_openai_messages(result, include_id=True))
    return result


class MessagesState(TypedDict):
    """A ready-made state with one ``messages`` list merged by ``add_messages``.

    Subclass it to add fields of your own.

    Examples:
        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> def chat(state: MessagesState):
        ...     count = len(state["messages"])
        ...     return {"messages": [("ai", f"{count} message(s) so far")]}
        >>> graph = StateGraph(MessagesState).add_node("chat", chat).add_edge(START, "chat").compile()
        >>> result = graph.invoke({"messages": [("user", "hi")]})
        >>> [(m.type, m.content) for m in result["messages"]]
        [('human', 'hi'), ('ai', '1 message(s) so far')]
    """

    messages: Annotated[list, add_messages]


publish_description(MessagesState, None)  # LangGraph's MessagesState has no docstring


def push_message(message: Any, *, state_key: str | None = "messages") -> Any:
    """Emit ``message`` to ``stream_mode="messages"`` now and write it to ``state_key``.

    Only inside a running node; the message must carry an id (so the node-end dedupe skips it).
    """
    from ..pregel._context import current_task
    from ..pregel._messages import emit_pushed

    task = current_task("push_message")
    msg = _coerce(message, langchain_loaded())[0]
    if not getattr(message, "id", None) and not (isinstance(message, dict) and message.get("id")):
        raise ValueError(
            "push_message() needs a message with an id, so the stream can match it to the state: "
            "give it one, e.g. AIMessage('...', id=str(uuid.uuid4()))."
        )
    emit_pushed(task, msg)
    if state_key is not None:
        task.send([(state_key, msg)])  # the bare message, as LangGraph writes it
    return msg


def MessageGraph() -> Any:
    """Deprecated: a StateGraph whose whole state is one message list.

    Prefer ``StateGraph(MessagesState)``.  Nodes take the list and return messages to add.

    Examples:
        >>> from stategraph.graph import START, MessageGraph
        >>> def bot(messages):
        ...     return [("ai", f"you said {messages[-1].content!r}")]
        >>> graph = MessageGraph().add_node("bot", bot).add_edge(START, "bot").compile()
        >>> [(m.type, m.content) for m in graph.invoke([("user", "hello")])]
        [('human', 'hello'), ('ai', "you said 'hello'")]
    """
    from .state import StateGraph

    return StateGraph(Annotated[list, add_messages])
