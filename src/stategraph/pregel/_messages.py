"""``stream_mode="messages"``: ``(message_chunk, metadata)`` from chat models called in nodes.

Three sources feed the ``messages`` stream of the run whose task is current
(``CURRENT_TASK``), each through ``StreamSink.emit``:

* stategraph's own chat models call ``stream_target``/``emit_chunk`` while they generate;
* langchain-core chat models reach ``_LangChainHandler`` through a langchain-core configure
  hook, so even ``model.invoke(msgs)`` without a config streams (registered only once
  langchain-core is imported; this module never imports it at import time);
* when a node finishes, the messages it returned that were not streamed yet (by id) are
  emitted whole (``attach`` wraps the run's ``task_done``).

Dedupe is per root run: a message id streamed from a subgraph is not emitted again when the
parent node that ran the subgraph returns it.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from ..constants import NS_SEP, TAG_NOSTREAM
from ._context import CURRENT_TASK

if TYPE_CHECKING:
    from ._loop import PregelLoop
    from ._task import Task

__all__ = ["attach", "stream_target", "emit_chunk", "mark_seen", "emit_pushed", "task_metadata"]

# Invariant: keys are root loops (parent_task is None); values are message ids already emitted.
_SEEN: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_SEEN_LOCK = threading.Lock()


def _root(loop: PregelLoop) -> PregelLoop:
    while loop.parent_task is not None:
        loop = loop.parent_task.loop
    return loop


def _seen(loop: PregelLoop) -> set[str]:
    root = _root(loop)
    with _SEEN_LOCK:
        seen = _SEEN.get(root)
        if seen is None:
            seen = _SEEN[root] = set()
        return seen


def _streaming_task() -> Task | None:
    task = CURRENT_TASK.get()
    if task is None or not task.loop.sink.wants("messages"):
        return None
    return task


def _nostream(tags: Any) -> bool:
    return bool(tags) and (TAG_NOSTREAM in tags)


def task_metadata(
    task: Task, tags: Any = (), extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The metadata dict of a messages chunk: the task's langgraph_* keys, node metadata, tags."""
    config = task.config
    meta = dict(config.get("metadata") or {})
    # the copy LangGraph sets once, at the outermost task: a subgraph's chunk names the task of
    # the root graph that runs it, not its own (that is langgraph_checkpoint_ns)
    meta.setdefault("checkpoint_ns", task.ns.partition(NS_SEP)[0])
    if extra:
        meta.update({k: v for k, v in extra.items() if k not in meta})
    all_tags = [*(config.get("tags") or []), *(tags or [])]
    if all_tags:
        meta["tags"] = list(dict.fromkeys(all_tags))
    return meta


def state_metadata(task: Task, *, from_output: bool) -> dict[str, Any]:
    """The metadata of a message that no chat model produced (pushed, or found in a node's output):
    the task's config metadata only (no ``checkpoint_ns`` copy, no tags); output messages are also
    marked ``ls_integration="langgraph"``, as LangGraph marks them."""
    meta = dict(task.config.get("metadata") or {})
    if from_output:
        meta.setdefault("ls_integration", "langgraph")
    return meta


def _emit(task: Task, message: Any, metadata: dict[str, Any], *, dedupe: bool) -> None:
    msg_id = getattr(message, "id", None)
    if msg_id is not None:
        seen = _seen(task.loop)
        if dedupe and msg_id in seen:
            return
        seen.add(msg_id)
    task.loop.sink.emit("messages", (message, metadata))


# ---------------------------------------------------------------- stategraph's own models
def stream_target(
    tags: Any = (), extra: dict[str, Any] | None = None
) -> tuple[Task, dict[str, Any]] | None:
    """Where a chat model called now should stream to: (task, metadata), or None."""
    task = _streaming_task()
    if task is None or _nostream(tags) or _nostream(task.node.tags):
        return None
    return task, task_metadata(task, tags, extra)


def emit_chunk(target: tuple[Task, dict[str, Any]], chunk: Any) -> None:
    """Emit one streamed chunk (never deduped: every chunk of a message shares its id)."""
    task, metadata = target
    _emit(task, chunk, metadata, dedupe=False)


def mark_seen(target: tuple[Task, dict[str, Any]], message: Any, *, streamed: bool) -> None:
    """After generation: emit the whole message if nothing was streamed, else just remember it."""
    task, metadata = target
    if streamed:
        if getattr(message, "id", None) is not None:
            _seen(task.loop).add(message.id)
        return
    _emit(task, message, metadata, dedupe=True)


def emit_pushed(task: Task, message: Any) -> None:
    """``push_message``: emit now, without dedupe, and remember the id."""
    if task.loop.sink.wants("messages"):
        _emit(task, message, state_metadata(task, from_output=False), dedupe=False)


# ---------------------------------------------------------------- node outputs
def _messages_in(value: Any) -> list[Any]:
    from ..messages import is_message

    if is_message(value):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if is_message(v)]
    return []


def _input_ids(value: Any) -> set[str]:
    if not isinstance(value, dict):
        return {m.id for m in _messages_in(value) if m.id}
    return {m.id for v in value.values() for m in _messages_in(v) if m.id}


def emit_task_output(task: Task) -> None:
    """Emit the messages a finished node wrote that were not streamed already."""
    if task.error is not None or task.node.hidden or _nostream(task.node.tags):
        return
    found = [m for _, value in task.writes for m in _messages_in(value)]
    if not found:
        return
    skip = _input_ids(task.input)
    metadata = state_metadata(task, from_output=True)
    for message in found:
        if message.id is None or message.id not in skip:
            _emit(task, message, metadata, dedupe=True)


def attach(loop: PregelLoop) -> None:
    """Hook ``loop`` (whose stream wants messages) into node completion and langchain-core."""
    from ..messages._langchain import langchain_loaded

    if langchain_loaded():
        _install_langchain_hook()
    finish = loop.task_done

    def task_done(task: Task) -> Any:
        emit_task_output(task)
        return finish(task)

    # why: the drivers call loop.task_done(task); wrapping it on this loop only keeps the engine
    # free of messages logic and costs nothing for runs that do not stream messages.
    loop.task_done = task_done  # type: ignore[method-assign]


# ---------------------------------------------------------------- langchain-core models
_HOOK: list[Any] = []


class _HandlerWhenStreaming:
    """Looks like a ContextVar to langchain-core: yields the handler inside a messages run."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def get(self, default: Any = None) -> Any:
        return self.handler if _streaming_task() is not None else default


def _install_langchain_hook() -> None:
    with _SEEN_LOCK:
        if _HOOK:
            return
        from langchain_core.tracers.context import register_configure_hook

        handler = _make_handler()
        register_configure_hook(_HandlerWhenStreaming(handler), True)  # type: ignore[arg-type]
        _HOOK.append(handler)


def _make_handler() -> Any:
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.outputs import ChatGenerationChunk
    from langchain_core.tracers._streaming import _StreamingCallbackHandler

    class _LangChainHandler(BaseCallbackHandler, _StreamingCallbackHandler):
        """Forwards langchain-core chat-model tokens to the current run's messages stream."""

        run_inline = True  # keep token order in async runs

        def __init__(self) -> None:
            self.runs: dict[Any, tuple[Task, dict[str, Any]]] = {}

        def tap_output_iter(self, run_id: Any, output: Any) -> Any:
            return output

        def tap_output_aiter(self, run_id: Any, output: Any) -> Any:
            return output

        def on_chat_model_start(
            self,
            serialized: Any,
            messages: Any,
            *,
            run_id: Any,
            tags: Any = None,
            metadata: dict[str, Any] | None = None,
            **kwargs: Any,
        ) -> None:
            target = stream_target(tags, metadata)
            if target is not None:
                self.runs[run_id] = target

        def on_llm_new_token(
            self, token: str, *, chunk: Any = None, run_id: Any, **kwargs: Any
        ) -> None:
            target = self.runs.get(run_id)
            if target is not None and isinstance(chunk, ChatGenerationChunk):
                emit_chunk(target, chunk.message)

        def on_llm_end(self, response: Any, *, run_id: Any, **kwargs: Any) -> None:
            target = self.runs.pop(run_id, None)
            if target is None:
                return
            for generations in response.generations:
                for gen in generations:
                    message = getattr(gen, "message", None)
                    if message is not None:
                        mark_seen(target, message, streamed=False)

        def on_llm_error(self, error: BaseException, *, run_id: Any, **kwargs: Any) -> None:
            self.runs.pop(run_id, None)

    return _LangChainHandler()
