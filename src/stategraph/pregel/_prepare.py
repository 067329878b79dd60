"""Set up one run: config merging, nesting under a parent task, saver, runtime and stream sink."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..constants import CONF, DEFAULT_RECURSION_LIMIT, NS_END, NS_SEP
from ..errors import ErrorCode, coded
from ._context import CURRENT_TASK
from ._loop import PregelLoop
from ._stream import StreamSink

if TYPE_CHECKING:
    from .main import Pregel

_CHECKPOINTER_KEYS_ERROR = (
    "Checkpointer requires one or more of the following 'configurable' keys: thread_id, checkpoint_ns, checkpoint_id"
)


def _is_saver(obj: Any) -> bool:
    # duck-typed so that importing the engine does not import the serializer stack
    return obj is not None and not isinstance(obj, bool) and hasattr(obj, "get_tuple") and hasattr(obj, "put_writes")


def merge_configs(*configs: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cfg in configs:
        if not cfg:
            continue
        for k, v in cfg.items():
            if k in (CONF, "metadata") and isinstance(v, dict):
                out[k] = {**out.get(k, {}), **v}
            elif k == "tags" and v:
                out[k] = [*out.get(k, []), *v]
            elif k == "callbacks" and v is not None:
                out[k] = v
            else:
                out[k] = v
    return out


def coerce_context(graph: Pregel, context: Any) -> Any:
    schema = graph.context_schema
    if context is None or schema is None or not isinstance(context, dict):
        return context
    if dataclasses.is_dataclass(schema) or hasattr(schema, "model_validate"):
        try:
            return schema(**context)
        except TypeError as exc:
            raise coded(
                TypeError,
                f"context {context!r} does not fit context_schema {schema.__name__}: {exc}. "
                f"Pass {schema.__name__}(...) or a dict with its fields.",
                ErrorCode.RUN_BAD_CONTEXT,
            ) from exc
    return context


def strip_task_ids(ns: str) -> str:
    return NS_SEP.join(part.split(NS_END)[0] for part in ns.split(NS_SEP))


def make_loop(
    graph: Pregel,
    input: Any,
    config: dict[str, Any] | None,
    *,
    modes: set[str],
    put: Callable[[Any], None] | None,
    subgraphs: bool,
    context: Any,
    durability: str | None,
    interrupt_before: Any,
    interrupt_after: Any,
    control: Any = None,
) -> PregelLoop:
    parent = CURRENT_TASK.get()
    if parent is not None and parent.loop.graph is graph:
        parent = None  # a node re-invoking its own graph starts a separate run
    if parent is not None:
        return _nested_loop(graph, input, config, parent, modes=modes, put=put, context=context,
                            durability=durability, interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                            control=control)
    cfg = merge_configs(graph.config, config)
    saver = graph.checkpointer
    if saver is True:
        raise RuntimeError("checkpointer=True is only valid for subgraphs: give the root graph a saver, e.g. InMemorySaver().")
    if not _is_saver(saver):
        saver = None
    if saver is not None and not cfg.get(CONF, {}).get("thread_id"):
        if not any(cfg.get(CONF, {}).get(k) for k in ("thread_id", "checkpoint_ns", "checkpoint_id")):
            raise ValueError(_CHECKPOINTER_KEYS_ERROR)
    if saver is not None:
        cfg[CONF]["thread_id"] = str(cfg[CONF].get("thread_id", ""))
    limit = cfg.get("recursion_limit", DEFAULT_RECURSION_LIMIT)
    if not isinstance(limit, int):  # TypeError, as LangGraph's comparison raises
        raise TypeError(f"recursion_limit must be an int (at least 1), got {limit!r}")
    if limit < 1:
        raise ValueError(f"recursion_limit must be at least 1, got {limit!r}")
    sink = StreamSink(modes, put, subgraphs=subgraphs)
    runtime = _root_runtime(graph, coerce_context(graph, context), sink)
    if control is not None:  # a drain handle is per run: never on the cached runtime
        runtime = runtime.override(control=control)
    served = _server_info(cfg.get(CONF) or {})
    if served is not None:
        runtime = runtime.override(server_info=served)
    return PregelLoop(
        graph, input=input, config=cfg, saver=saver, cache=graph.cache, sink=sink,
        runtime=runtime,
        durability=durability or cfg.get(CONF, {}).get("__pregel_durability") or "async",
        interrupt_before=graph.interrupt_before_nodes if interrupt_before is None else interrupt_before,
        interrupt_after=graph.interrupt_after_nodes if interrupt_after is None else interrupt_after,
    )


def _root_runtime(graph: Pregel, context: Any, sink: StreamSink) -> Any:
    custom = sink.wants("custom")
    if context is None and not custom:
        # why: the usual Runtime (no context, no custom stream) is immutable and the same for every
        # run of a graph, so it is built once per store instead of once per invoke
        cached = getattr(graph, "_plain_runtime", None)
        if cached is not None and cached.store is graph.store:
            return cached
    from ..runtime import Runtime

    runtime = Runtime(
        context=context,
        store=graph.store,
        stream_writer=_custom_writer(sink) if custom else _runtime_no_op(),
    )
    if context is None and not custom:
        graph._plain_runtime = runtime  # type: ignore[attr-defined]
    return runtime


def _server_info(configurable: dict[str, Any]) -> Any:
    """``Runtime.server_info`` from what a server put in ``configurable`` (None: not served).

    A server names the run's ``assistant_id`` and ``graph_id`` there, and the authenticated
    caller as ``langgraph_auth_user`` (an object with an ``identity``, as ``BaseUser`` has).
    """
    assistant_id, graph_id = configurable.get("assistant_id"), configurable.get("graph_id")
    user = configurable.get("langgraph_auth_user")
    if user is not None and not hasattr(user, "identity"):
        user = None  # a plain mapping is not a user object (the server converts its own)
    if assistant_id is None and graph_id is None and user is None:
        return None
    from ..runtime import ServerInfo

    return ServerInfo(
        assistant_id=str(assistant_id) if assistant_id else "",
        graph_id=str(graph_id) if graph_id else "",
        user=user,
    )


def _runtime_no_op() -> Any:
    from ..runtime import _no_op

    return _no_op


def _custom_writer(sink: StreamSink) -> Callable[[Any], None]:
    def write(value: Any) -> None:
        sink.emit("custom", value)

    return write


def _nested_loop(graph: Pregel, input: Any, config: dict[str, Any] | None, parent: Any, **kw: Any) -> PregelLoop:
    ploop = parent.loop
    counter = parent.subgraph_counter
    parent.subgraph_counter = counter + 1
    ns = parent.ns if counter == 0 else f"{parent.ns}{NS_SEP}{counter}"
    cfg = merge_configs(ploop.config, config)
    cfg.pop("run_id", None)
    cfg.setdefault(CONF, {}).pop("checkpoint_id", None)
    cp = graph.checkpointer
    saver = None if cp is False else (cp if _is_saver(cp) else ploop.saver)
    if cp is True:
        ns = strip_task_ids(ns)
    parent_cp = ploop.checkpoint_config.get(CONF, {}).get("checkpoint_id")
    cmap = dict(ploop.checkpoint_map)
    if parent_cp:
        cmap[ploop.checkpoint_ns] = parent_cp
    cfg[CONF]["checkpoint_map"] = cmap
    forward = ploop.sink.child_forward()
    sink = StreamSink(kw["modes"], kw["put"], subgraphs=False, ns=tuple(ns.split(NS_SEP)), forward=forward)
    from ..runtime import Runtime

    context = coerce_context(graph, kw["context"]) if kw["context"] is not None else ploop.runtime.context
    runtime = Runtime(
        context=context,
        store=graph.store or ploop.runtime.store,
        stream_writer=_custom_writer(sink) if sink.wants("custom") else _runtime_no_op(),
        previous=None,
        control=kw.get("control") or ploop.runtime.control,  # a drain reaches every subgraph of the run
        server_info=ploop.runtime.server_info,
    )
    loop = PregelLoop(
        graph, input=input, config=cfg, saver=saver, cache=graph.cache or ploop.cache, sink=sink,
        runtime=runtime, durability=kw["durability"] or ploop.durability,
        interrupt_before=graph.interrupt_before_nodes if kw["interrupt_before"] is None else kw["interrupt_before"],
        interrupt_after=graph.interrupt_after_nodes if kw["interrupt_after"] is None else kw["interrupt_after"],
        checkpoint_ns=ns, parent_task=parent,
    )
    loop.recursion_limit = ploop.recursion_limit
    return loop
