"""Adapt user callables at the edge: detect sync/async and inject config/runtime/writer/store/previous.

Every node, branch path, task and entrypoint goes through ``adapt_callable`` once, at build time,
so the engine calls everything as ``f(input, task)``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Optional, Union, get_args, get_origin

Adapted = tuple[Callable[[Any, Any], Any] | None, Callable[[Any, Any], Any] | None]

INJECTABLE = ("config", "runtime", "writer", "store", "previous")


def _get_config(task: Any) -> Any:
    return task.config


def _get_runtime(task: Any) -> Any:
    return task.runtime


def _get_writer(task: Any) -> Any:
    return task.runtime.stream_writer


def _get_store(task: Any) -> Any:
    return task.runtime.store


def _get_previous(task: Any) -> Any:
    return task.runtime.previous


_GETTERS = {
    "config": _get_config,
    "runtime": _get_runtime,
    "writer": _get_writer,
    "store": _get_store,
    "previous": _get_previous,
}


def is_async_callable(fn: Any) -> bool:
    while isinstance(fn, functools.partial):
        fn = fn.func
    if inspect.iscoroutinefunction(fn):
        return True
    call = getattr(fn, "__call__", None)  # noqa: B004 - callable objects with async __call__
    return call is not None and inspect.iscoroutinefunction(call) and not inspect.isfunction(fn)


def _config_annotation_ok(annotation: Any) -> bool:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return True
    if isinstance(annotation, str):
        return "RunnableConfig" in annotation or annotation in ("dict", "Any")
    origin = get_origin(annotation)
    if origin in (Union, Optional) or str(origin) == "types.UnionType":
        return any(_config_annotation_ok(a) for a in get_args(annotation) if a is not type(None))
    name = getattr(annotation, "__name__", "")
    return name in ("RunnableConfig", "dict") or annotation is dict


def injections(fn: Any) -> tuple[list[tuple[str, Callable[[Any], Any]]], bool]:
    """Return ([(param, getter)], takes_input) for ``fn``'s signature."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [], True
    inject: list[tuple[str, Callable[[Any], Any]]] = []
    positional = 0
    for p in sig.parameters.values():
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name in _GETTERS and (
            p.kind == p.KEYWORD_ONLY or positional > 0
        ):
            if p.name == "config" and not _config_annotation_ok(p.annotation):
                continue
            inject.append((p.name, _GETTERS[p.name]))
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
        elif p.kind == p.VAR_POSITIONAL:
            positional += 1
    return inject, positional > 0


def adapt_callable(fn: Any) -> Adapted:
    """Return (sync, async) callables of signature (input, task); one of them may be None."""
    if _is_runnable(fn):
        return _adapt_runnable(fn)
    inject, takes_input = injections(fn)
    if is_async_callable(fn):
        return None, _bind(fn, inject, takes_input)
    return _bind(fn, inject, takes_input), None


def _bind(fn: Any, inject: list[tuple[str, Callable[[Any], Any]]], takes_input: bool) -> Callable[[Any, Any], Any]:
    # why: four specialised closures keep the hot path to one Python call per node.
    if not inject:
        if takes_input:
            return lambda value, task: fn(value)
        return lambda value, task: fn()
    if takes_input:
        return lambda value, task: fn(value, **{n: g(task) for n, g in inject})
    return lambda value, task: fn(**{n: g(task) for n, g in inject})


def _is_runnable(obj: Any) -> bool:
    # A langchain-core Runnable (or anything shaped like one) that is not a plain function.
    return (
        not inspect.isfunction(obj)
        and not inspect.ismethod(obj)
        and hasattr(obj, "invoke")
        and hasattr(obj, "ainvoke")
        and callable(obj.invoke)
    )


def _adapt_runnable(obj: Any) -> Adapted:
    def call(value: Any, task: Any) -> Any:
        return obj.invoke(value, task.config)

    async def acall(value: Any, task: Any) -> Any:
        return await obj.ainvoke(value, task.config)

    return call, acall
