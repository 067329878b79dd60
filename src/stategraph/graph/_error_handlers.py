"""Node-level error handlers: ``add_node(..., error_handler=fn)`` and ``set_node_defaults``.

A handler is a node of its own (``__error_handler__<node>``, or ``__default_error_handler__``)
that nothing triggers: when its node fails after its retries, the loop runs it in the same
superstep with the failed task's input (``pregel/_loop.py``).  What it returns replaces the
failed node's update; the failed node's edges are not followed, a ``Command(goto=...)`` from the
handler routes instead.  Its parameter ``error: NodeError`` receives the failure.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..pregel._call import adapt_callable, is_async_callable
from ..pregel._node import PregelNode

if TYPE_CHECKING:
    from .state import StateGraph

__all__ = ["HANDLER_PREFIX", "DEFAULT_HANDLER", "handler_of", "handler_node"]

HANDLER_PREFIX = "__error_handler__"
DEFAULT_HANDLER = "__default_error_handler__"


def handler_of(builder: StateGraph, name: str) -> tuple[str, Any] | None:
    """(handler node name, handler callable) for node ``name``, or None."""
    own = builder.nodes[name].error_handler
    if own is not None:
        return f"{HANDLER_PREFIX}{name}", own
    default = builder._node_defaults.get("error_handler")
    return (DEFAULT_HANDLER, default) if default is not None else None


def handler_node(
    name: str, fn: Any, channels: Any, writer: Callable[[Any, Any], Any]
) -> PregelNode:
    func, afunc = _adapt(fn)
    return PregelNode(
        name=name, triggers=[], channels=channels, func=func, afunc=afunc, writers=[writer]
    )


def _error_param(fn: Any) -> str | None:
    """The parameter that takes the NodeError: named ``error`` and typed NodeError."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None
    p = params.get("error")
    if p is None:
        return None
    ann = p.annotation
    name = ann if isinstance(ann, str) else getattr(ann, "__name__", "")
    return "error" if name == "NodeError" else None


def _adapt(fn: Any) -> tuple[Any, Any]:
    param = _error_param(fn)
    if param is None:
        return adapt_callable(fn)

    def bound(task: Any) -> Any:
        return functools.partial(fn, **{param: task.node_error})

    if is_async_callable(fn):

        async def acall(value: Any, task: Any) -> Any:
            _, run = adapt_callable(bound(task))
            return await run(value, task)  # type: ignore[misc]

        return None, acall

    def call(value: Any, task: Any) -> Any:
        run, _ = adapt_callable(bound(task))
        return run(value, task)  # type: ignore[misc]

    return call, None
