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
    """Return the RunnableConfig of the running node; raise RuntimeError outside a run."""
    return current_task("get_config").config


def get_store() -> Any:
    """Return the store given to ``compile(store=...)`` (None when there is none)."""
    return current_task("get_store").runtime.store


def get_stream_writer() -> Any:
    """Return a writer for ``stream_mode="custom"`` (a no-op when custom is not streamed)."""
    return current_task("get_stream_writer").runtime.stream_writer
