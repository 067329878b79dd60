"""Helpers that read the running task's config, store and stream writer from anywhere inside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .pregel._context import current_task

if TYPE_CHECKING:
    from .store.base import BaseStore

__all__ = ["BaseStore", "get_config", "get_store", "get_stream_writer"]


def __getattr__(name: str) -> Any:
    # why: BaseStore is here for annotations (``store: BaseStore = get_store()``); importing the
    # store package only when it is asked for keeps ``import stategraph.config`` small
    if name == "BaseStore":
        from .store.base import BaseStore

        return BaseStore
    raise AttributeError(f"module 'stategraph.config' has no attribute {name!r}")


def get_config() -> dict[str, Any]:
    """Return the RunnableConfig of the running node; raise RuntimeError outside a run.

    Outside a run it raises ``RuntimeError`` (code E206).

    Examples:
        >>> from stategraph.config import get_config
        >>> from stategraph.graph import START, StateGraph
        >>> def whoami(state):
        ...     config = get_config()
        ...     return {"user": config["configurable"]["user_id"], "tags": config["tags"]}
        >>> graph = StateGraph(dict).add_node("whoami", whoami).add_edge(START, "whoami").compile()
        >>> graph.invoke({}, {"configurable": {"user_id": "u-7"}, "tags": ["demo"]})
        {'user': 'u-7', 'tags': ['demo']}
    """
    return current_task("get_config").config


def get_store() -> Any:
    """Return the store given to ``compile(store=...)`` (None when there is none).

    Examples:
        >>> from typing import TypedDict
        >>> from stategraph.config import get_store
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.store.memory import InMemoryStore
        >>> class State(TypedDict, total=False):
        ...     text: str
        ...     saved: dict
        >>> def remember(state):
        ...     store = get_store()
        ...     store.put(("notes",), "n1", {"text": state["text"]})
        ...     return {"saved": store.get(("notes",), "n1").value}
        >>> store = InMemoryStore()
        >>> builder = StateGraph(State).add_node("remember", remember).add_edge(START, "remember")
        >>> builder.compile(store=store).invoke({"text": "buy milk"})
        {'text': 'buy milk', 'saved': {'text': 'buy milk'}}
        >>> store.get(("notes",), "n1").value  # kept after the run
        {'text': 'buy milk'}
    """
    return current_task("get_store").runtime.store


def get_stream_writer() -> Any:
    """Return a writer for ``stream_mode="custom"`` (a no-op when custom is not streamed).

    Examples:
        >>> from stategraph.config import get_stream_writer
        >>> from stategraph.graph import START, StateGraph
        >>> def work(state):
        ...     write = get_stream_writer()
        ...     write({"progress": 50})
        ...     write({"progress": 100})
        ...     return {"done": True}
        >>> graph = StateGraph(dict).add_node("work", work).add_edge(START, "work").compile()
        >>> list(graph.stream({"done": False}, stream_mode="custom"))
        [{'progress': 50}, {'progress': 100}]
        >>> graph.invoke({"done": False})  # nobody listens: the writes go nowhere
        {'done': True}
    """
    return current_task("get_stream_writer").runtime.stream_writer
