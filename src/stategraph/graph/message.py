"""Messages state: ``add_messages`` (merge by id), ``MessagesState`` and ``push_message``.

With langchain-core installed the reducer works on its message classes exactly as LangGraph's
does.  (stategraph's own message model for LangChain-free programs is issue 7's work.)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypedDict

__all__ = ["add_messages", "MessagesState", "REMOVE_ALL_MESSAGES", "MessageGraph", "push_message"]

REMOVE_ALL_MESSAGES = "__remove_all__"


def _lc() -> Any:
    try:
        from langchain_core import messages
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "add_messages needs langchain-core for now: pip install 'stategraph[langchain]'."
        ) from exc
    return messages


def _coerce(value: Any) -> list[Any]:
    lc = _lc()
    items = value if isinstance(value, list) else [value]
    out = []
    for m in lc.convert_to_messages(items):
        if isinstance(m, lc.BaseMessageChunk):
            m = lc.message_chunk_to_message(m)
        out.append(m)
    return out


def _with_ids(messages: list[Any]) -> list[Any]:
    out = []
    for m in messages:
        if m.id is None:
            m = m.model_copy(update={"id": str(uuid.uuid4())})
        out.append(m)
    return out


def add_messages(left: Any = None, right: Any = None, *, format: str | None = None) -> Any:
    """Merge two message lists: append new ids, replace existing ids, delete on RemoveMessage."""
    if left is None and right is None:
        return lambda a, b: add_messages(a, b, format=format)
    if left is None or right is None:
        raise ValueError("add_messages needs both lists: call add_messages(left, right).")
    lc = _lc()
    left_msgs = _with_ids(_coerce(left))
    right_msgs = _with_ids(_coerce(right))
    cut = max((i for i, m in enumerate(right_msgs) if isinstance(m, lc.RemoveMessage) and m.id == REMOVE_ALL_MESSAGES), default=None)
    if cut is not None:
        return right_msgs[cut + 1:]
    merged = list(left_msgs)
    index = {m.id: i for i, m in enumerate(merged)}
    removed: set[str] = set()
    for m in right_msgs:
        pos = index.get(m.id)
        if isinstance(m, lc.RemoveMessage):
            if pos is None:
                raise ValueError(f"Attempting to delete a message with an ID that doesn't exist ('{m.id}')")
            removed.add(m.id)
            continue
        if pos is not None:
            merged[pos] = m
        else:
            index[m.id] = len(merged)
            merged.append(m)
    result = [m for m in merged if m.id not in removed]
    if format == "langchain-openai":
        result = _lc().convert_to_messages(_lc().convert_to_openai_messages(result))
    elif format is not None:
        raise ValueError(f"Unrecognized format={format!r}: the only supported value is 'langchain-openai'.")
    return result


class MessagesState(TypedDict):
    messages: Annotated[list, add_messages]


def push_message(message: Any, *, state_key: str | None = "messages") -> Any:
    """Write ``message`` to ``state_key`` from inside a node (it must carry an id)."""
    from ..pregel._context import current_task

    task = current_task("push_message")
    msg = _coerce(message)[0]
    if not msg.id:
        raise ValueError("push_message needs a message with an id.")
    if state_key is not None:
        task.send([(state_key, [msg])])
    return msg


def MessageGraph() -> Any:  # noqa: N802 - deprecated LangGraph name
    """Deprecated: a StateGraph whose whole state is one message list."""
    from .state import StateGraph

    return StateGraph(Annotated[list, add_messages])


_ = (Callable, Sequence)
