"""Generative UI messages: a node names a UI component to render, with its props.

``push_ui_message`` sends ``{"type": "ui", ...}`` to the ``custom`` stream (a client renders it
at once) and writes it to a state key (``ui`` by default) whose reducer is
``ui_message_reducer``; ``delete_ui_message`` removes one again by id.  Same names, shapes and
semantics as LangGraph's ``langgraph.graph.ui``, without langchain-core.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from typing_extensions import TypedDict

__all__ = (
    "AnyUIMessage",
    "RemoveUIMessage",
    "UIMessage",
    "delete_ui_message",
    "push_ui_message",
    "ui_message_reducer",
)


class UIMessage(TypedDict):
    """A UI component to render: its ``name``, ``props``, a stable ``id`` and ``metadata``.

    ``metadata`` holds ``merge`` (whether a later message with the same id merges its props
    into this one's), the run's ``run_id``, ``tags`` and ``name``, anything you passed, and the
    ``message_id`` of a chat message it belongs to.

    Examples:
        >>> from stategraph.graph.ui import UIMessage, ui_message_reducer
        >>> card: UIMessage = {"type": "ui", "id": "w1", "name": "weather",
        ...                    "props": {"city": "Oslo"}, "metadata": {}}
        >>> [m["name"] for m in ui_message_reducer([], card)]
        ['weather']
    """

    type: Literal["ui"]
    id: str
    name: str
    props: dict[str, Any]
    metadata: dict[str, Any]


class RemoveUIMessage(TypedDict):
    """Removes the UI message with this ``id`` from the state (see ``delete_ui_message``).

    Examples:
        >>> from stategraph.graph.ui import RemoveUIMessage, ui_message_reducer
        >>> shown = [{"type": "ui", "id": "w1", "name": "weather", "props": {}, "metadata": {}}]
        >>> gone: RemoveUIMessage = {"type": "remove-ui", "id": "w1"}
        >>> ui_message_reducer(shown, gone)
        []
    """

    type: Literal["remove-ui"]
    id: str


AnyUIMessage = UIMessage | RemoveUIMessage


def _message_id(message: Any) -> Any:
    if isinstance(message, dict):
        return message.get("id")
    return getattr(message, "id", None)


def push_ui_message(
    name: str,
    props: dict[str, Any],
    *,
    id: str | None = None,
    metadata: dict[str, Any] | None = None,
    message: Any = None,
    state_key: str | None = "ui",
    merge: bool = False,
) -> UIMessage:
    """Send a UI message to the ``custom`` stream and write it to ``state_key`` (inside a node).

    ``id`` defaults to a new uuid4; pushing again with the same id replaces that message in the
    state, or with ``merge=True`` updates its props.  ``message`` ties it to a chat message
    (its id goes to ``metadata["message_id"]``).  ``state_key=None`` only streams it.

    Examples:
        >>> from typing import Annotated, TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.graph.ui import AnyUIMessage, push_ui_message, ui_message_reducer
        >>> class State(TypedDict):
        ...     ui: Annotated[list[AnyUIMessage], ui_message_reducer]
        >>> def show(state: State) -> dict:
        ...     push_ui_message("weather", {"city": "Oslo"}, id="w1")
        ...     push_ui_message("weather", {"temp": 4}, id="w1", merge=True)
        ...     return {}
        >>> graph = StateGraph(State).add_node(show).add_edge(START, "show").compile()
        >>> chunks = list(graph.stream({"ui": []}, stream_mode=["custom", "values"]))
        >>> [c["props"] for mode, c in chunks if mode == "custom"]
        [{'city': 'Oslo'}, {'temp': 4}]
        >>> [(m["name"], m["props"]) for m in chunks[-1][1]["ui"]]
        [('weather', {'city': 'Oslo', 'temp': 4})]
    """
    from ..config import get_config, get_stream_writer

    config = get_config()
    message_id = _message_id(message) if message is not None else None
    event: UIMessage = {
        "type": "ui",
        "id": id or str(uuid.uuid4()),
        "name": name,
        "props": props,
        "metadata": {
            "merge": merge,
            "run_id": config.get("run_id"),
            "tags": config.get("tags"),
            "name": config.get("run_name"),
            **(metadata or {}),
            **({"message_id": message_id} if message_id else {}),
        },
    }
    get_stream_writer()(event)
    if state_key:
        _write(state_key, event, "push_ui_message")
    return event


def delete_ui_message(id: str, *, state_key: str = "ui") -> RemoveUIMessage:
    """Remove the UI message ``id``: sent to the ``custom`` stream and written to ``state_key``.

    Examples:
        >>> from typing import Annotated, TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.graph.ui import (AnyUIMessage, delete_ui_message, push_ui_message,
        ...                                  ui_message_reducer)
        >>> class State(TypedDict):
        ...     ui: Annotated[list[AnyUIMessage], ui_message_reducer]
        >>> def show(state: State) -> dict:
        ...     push_ui_message("spinner", {}, id="s1")
        ...     push_ui_message("answer", {"text": "42"}, id="a1")
        ...     return {}
        >>> def done(state: State) -> dict:
        ...     delete_ui_message("s1")
        ...     return {}
        >>> graph = (StateGraph(State).add_node(show).add_node(done)
        ...          .add_edge(START, "show").add_edge("show", "done").compile())
        >>> [m["name"] for m in graph.invoke({"ui": []})["ui"]]
        ['answer']
    """
    from ..config import get_stream_writer

    event: RemoveUIMessage = {"type": "remove-ui", "id": id}
    get_stream_writer()(event)
    _write(state_key, event, "delete_ui_message")
    return event


def _write(state_key: str, event: dict[str, Any], caller: str) -> None:
    from ..pregel._context import current_task

    current_task(caller).send([(state_key, event)])


def ui_message_reducer(
    left: list[AnyUIMessage] | AnyUIMessage, right: list[AnyUIMessage] | AnyUIMessage
) -> list[AnyUIMessage]:
    """Reduce UI messages by id: new ids append, known ids replace (or merge props), removals drop.

    Removing an id that was never there is a ``ValueError``; a removal followed by a new message
    with the same id in one update keeps the new message.

    Examples:
        >>> from stategraph.graph.ui import ui_message_reducer
        >>> ui = ui_message_reducer([], [
        ...     {"type": "ui", "id": "1", "name": "chart", "props": {"x": 1}, "metadata": {}},
        ...     {"type": "ui", "id": "2", "name": "table", "props": {}, "metadata": {}},
        ... ])
        >>> ui = ui_message_reducer(ui, {"type": "ui", "id": "1", "name": "chart",
        ...                              "props": {"y": 2}, "metadata": {"merge": True}})
        >>> [(m["id"], m["props"]) for m in ui]
        [('1', {'x': 1, 'y': 2}), ('2', {})]
        >>> [m["id"] for m in ui_message_reducer(ui, {"type": "remove-ui", "id": "2"})]
        ['1']
        >>> ui_message_reducer(ui, {"type": "remove-ui", "id": "9"})
        Traceback (most recent call last):
        ...
        ValueError: Attempting to delete an UI message with an ID that doesn't exist ('9')
    """
    current = list(left) if isinstance(left, list) else [left]
    incoming = right if isinstance(right, list) else [right]
    where = {m.get("id"): i for i, m in enumerate(current)}
    removed: set[Any] = set()
    for msg in incoming:
        key = msg.get("id")
        index = where.get(key)
        if index is None:
            if msg.get("type") == "remove-ui":
                raise ValueError(
                    f"Attempting to delete an UI message with an ID that doesn't exist ('{key}')"
                )
            where[key] = len(current)
            current.append(msg)
            continue
        if msg.get("type") == "remove-ui":
            removed.add(key)
            continue
        removed.discard(key)
        if (msg.get("metadata") or {}).get("merge", False):
            msg = {**msg, "props": {**current[index]["props"], **msg["props"]}}
        current[index] = msg
    return [m for m in current if m.get("id") not in removed]
