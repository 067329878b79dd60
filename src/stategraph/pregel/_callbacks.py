"""langchain-core callbacks for runs and tasks: what ``astream_events`` and tracers listen to.

A run whose config carries ``callbacks`` (a handler list or a callback manager) reports to
them as LangGraph does through langchain-core:

- the run: ``on_chain_start`` (name ``run_name`` or the graph's name; input; tags and
  metadata of the config, plus ``ls_integration`` and the thread / checkpoint ids found
  in ``configurable``), then ``on_chain_end`` with the graph's output or
  ``on_chain_error``.  An interrupted root run ends normally; a subgraph run is a child
  of the task that runs it.
- each task: a child ``on_chain_start`` named after the node, tagged ``graph:step:N``,
  with the task's ``langgraph_*`` metadata; in runs of the async driver the node's output
  is passed through the streaming handlers' taps (``on_chain_stream``), then
  ``on_chain_end`` / ``on_chain_error``.
  A ``@task`` call is a child of the task that called it.
- while a node runs, its config (``get_config()``, an injected ``config``) and
  langchain-core's ``var_child_runnable_config`` carry the task's child manager (tag
  ``seq:step:1``), so chat models, tools and runnables called inside report as children.

Nothing here runs, and langchain-core is not imported, unless a run has callbacks: the
drivers test ``config.get("callbacks")`` once per run and the runner tests
``loop.callback_run`` once per task.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from ..constants import CONF

__all__ = ["around_async", "around_sync", "run_task_async", "run_task_sync"]

# configurable keys LangGraph copies into the run's metadata (when set and truthy)
_PROPAGATED = (
    "thread_id",
    "checkpoint_id",
    "checkpoint_ns",
    "task_id",
    "run_id",
    "assistant_id",
    "graph_id",
)
_CHILD = "lc_child"  # task attribute: the child manager its node sees (set only with callbacks)


# ---------------------------------------------------------------- the run
def _run_config(loop: Any) -> dict[str, Any]:
    cfg = loop.config
    parent = loop.parent_task
    callbacks = cfg.get("callbacks")
    if parent is not None:
        # a subgraph is a child of the task running it, whether or not the node passed its config
        callbacks = parent.__dict__.get(_CHILD, callbacks)
    conf = cfg.get(CONF) or {}
    metadata = dict(cfg.get("metadata") or {})
    for key in _PROPAGATED:
        value = (
            loop.checkpoint_ns if key == "checkpoint_ns" and parent is not None else conf.get(key)
        )
        if value and key not in metadata:
            metadata[key] = value
    metadata.setdefault("ls_integration", "langgraph")
    return {"callbacks": callbacks, "tags": list(cfg.get("tags") or []), "metadata": metadata}


def _run_name(loop: Any) -> str:
    if loop.parent_task is None and loop.config.get("run_name"):
        return loop.config["run_name"]
    return loop.graph.get_name()


def _run_id(loop: Any) -> Any:
    if loop.parent_task is not None:
        return None
    run_id = loop.config.get("run_id")
    if run_id is None:
        return None
    from uuid import UUID

    try:
        return run_id if isinstance(run_id, UUID) else UUID(str(run_id))
    except ValueError:
        return None  # not a UUID (langchain-core's run ids are): the run gets a fresh one


def _begin(loop: Any, run: Any) -> None:
    loop.callback_run = run
    if loop.sink.all_modes:
        # chunks reach the consumer (and the event stream) while the task that made them runs,
        # as in LangGraph: a @task's update is streamed before its caller ends
        loop.live_stream = True


def _output(loop: Any) -> Any:
    return loop.graph.map_output_values(loop.read_output())


def around_sync(loop: Any, chunks: Iterator[Any]) -> Iterator[Any]:
    """Report the run driven by ``chunks`` (a sync driver's pump) to the config's callbacks."""
    from langchain_core.runnables.config import get_callback_manager_for_config

    manager = get_callback_manager_for_config(_run_config(loop))  # type: ignore[arg-type]
    run = manager.on_chain_start(None, loop.input, name=_run_name(loop), run_id=_run_id(loop))
    _begin(loop, run)
    try:
        yield from chunks
    except GeneratorExit:
        raise
    except BaseException as exc:
        run.on_chain_error(exc)
        raise
    run.on_chain_end(_output(loop))


async def around_async(loop: Any, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """``around_sync`` for the async driver."""
    from langchain_core.runnables.config import get_async_callback_manager_for_config

    manager = get_async_callback_manager_for_config(_run_config(loop))  # type: ignore[arg-type]
    run = await manager.on_chain_start(None, loop.input, name=_run_name(loop), run_id=_run_id(loop))
    _begin(loop, run)
    try:
        async for chunk in chunks:
            yield chunk
    except GeneratorExit:
        raise
    except BaseException as exc:
        await run.on_chain_error(exc)
        raise
    await run.on_chain_end(_output(loop))


# ---------------------------------------------------------------- tasks
def _task_input(task: Any) -> Any:
    value = task.input
    bound = getattr(task.node, "bound", None)
    if task.parent is not None and isinstance(value, tuple) and len(value) == 2 and callable(bound):
        # a @task call: its (args, kwargs) shown by parameter name, as LangGraph does
        try:
            return dict(inspect.signature(bound).bind(*value[0], **value[1]).arguments)
        except (TypeError, ValueError):
            return value
    return value


def _no_run(task: Any) -> bool:
    # LangGraph applies the input of a START with only plain edges without a task; START with
    # a conditional edge (a second writer) runs as a task, and so reports as one
    node = task.node
    return node.hidden and len(node.writers) < 2


def _task_config(task: Any) -> dict[str, Any]:
    """The task's config with its parent manager as callbacks (before its own run starts)."""
    parent = task.parent
    if parent is not None and _CHILD in parent.__dict__:
        callbacks = parent.__dict__[_CHILD]
    else:
        callbacks = task.loop.callback_run.get_child(f"graph:step:{task.step}")
    return {**task.config, "callbacks": callbacks}


def _enter(task: Any, run: Any, cfg: dict[str, Any]) -> Any:
    """Give the node its child config (here and in langchain-core's context variable)."""
    from langchain_core.runnables.config import var_child_runnable_config

    child = {**cfg, "callbacks": run.get_child("seq:step:1")}
    child.pop("run_name", None)
    child.pop("run_id", None)
    task.__dict__[_CHILD] = child["callbacks"]
    task._config = child
    return var_child_runnable_config.set(child)  # type: ignore[arg-type]


def _streams(loop: Any) -> bool:
    """Whether node outputs are streamed: in runs driven by the async driver, as in LangGraph."""
    from langchain_core.callbacks.manager import AsyncRunManager

    return isinstance(loop.callback_run, AsyncRunManager)


def _tap(run: Any, output: Any) -> None:
    """Pass the node's output through each streaming handler's tap (``on_chain_stream``)."""
    from langchain_core.tracers._streaming import _StreamingCallbackHandler

    for handler in run.handlers:
        if isinstance(handler, _StreamingCallbackHandler):
            for _ in handler.tap_output_iter(run.run_id, iter([output])):
                pass


def run_task_sync(task: Any, inner: Callable[[Any], Any]) -> Any:
    """Run ``task`` through ``inner`` (the runner) inside its callback run."""
    from langchain_core.runnables.config import (
        get_callback_manager_for_config,
        var_child_runnable_config,
    )

    if _no_run(task):
        return inner(task)
    cfg = _task_config(task)
    manager = get_callback_manager_for_config(cfg)  # type: ignore[arg-type]
    run = manager.on_chain_start(None, _task_input(task), name=task.name)
    token = _enter(task, run, cfg)
    try:
        out = inner(task)
    except BaseException as exc:
        run.on_chain_error(exc)
        raise
    finally:
        var_child_runnable_config.reset(token)
    if task.error is not None:
        run.on_chain_error(task.error)
        return out
    if _streams(task.loop):  # a @task called from a sync node of an async run
        _tap(run, out)
    run.on_chain_end(out)
    return out


async def run_task_async(task: Any, inner: Callable[[Any], Any]) -> Any:
    """``run_task_sync`` for the async driver (``inner`` is awaited)."""
    from langchain_core.runnables.config import (
        get_async_callback_manager_for_config,
        var_child_runnable_config,
    )

    if _no_run(task):
        return await inner(task)
    cfg = _task_config(task)
    manager = get_async_callback_manager_for_config(cfg)  # type: ignore[arg-type]
    run = await manager.on_chain_start(None, _task_input(task), name=task.name)
    token = _enter(task, run, cfg)
    try:
        out = await inner(task)
    except BaseException as exc:
        await run.on_chain_error(exc)
        raise
    finally:
        var_child_runnable_config.reset(token)
    if task.error is not None:
        await run.on_chain_error(task.error)
        return out
    _tap(run, out)
    await run.on_chain_end(out)
    return out
