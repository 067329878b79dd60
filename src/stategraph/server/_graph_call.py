"""How a run calls its graph: the config it runs with, the stream it reads, its event names."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ..pregel import Pregel
from ._http import to_jsonable
from ._run_request import STREAM_MODES, RunRequest

__all__ = ["event_of", "run_config", "stream_graph"]


def run_config(
    assistant: dict[str, Any], request: RunRequest, thread_id: str, run_id: str
) -> dict[str, Any]:
    """Merge assistant and request config; thread_id, run metadata and storage keys are ours."""
    base, body = assistant["config"], request.config
    configurable = {**base.get("configurable", {}), **body.get("configurable", {})}
    # why: "__"-keys are the engine's own wiring and checkpoint_ns/thread_id address storage;
    # none of them may come from a request
    configurable = {k: v for k, v in configurable.items() if not k.startswith("__")}
    configurable.pop("checkpoint_ns", None)
    configurable["thread_id"] = thread_id
    if request.checkpoint_id:
        configurable["checkpoint_id"] = request.checkpoint_id
    metadata = {**base.get("metadata", {}), **body.get("metadata", {}), **request.metadata}
    metadata.update(
        run_id=run_id,
        thread_id=thread_id,
        assistant_id=assistant["assistant_id"],
        graph_id=assistant["graph_id"],
    )
    return {**base, **body, "configurable": configurable, "metadata": metadata}


def stream_graph(
    graph: Pregel, request: RunRequest, config: dict[str, Any], context: Any
) -> AsyncIterator[Any]:
    """Start the graph's ``astream`` for ``request`` (input or command)."""
    return graph.astream(
        request.command if request.command is not None else request.input,
        config,
        context=context,
        stream_mode=[STREAM_MODES[mode] for mode in request.stream_modes],
        subgraphs=request.stream_subgraphs,
        interrupt_before=request.interrupt_before,
        interrupt_after=request.interrupt_after,
        durability=request.durability,
    )


def event_of(chunk: Any, subgraphs: bool) -> tuple[str, Any]:
    """Return the SSE event name (``mode`` or ``mode|ns...``) and JSON data of a chunk."""
    if subgraphs:
        namespace, mode, payload = chunk
        name = "|".join((mode, *namespace))
    else:
        mode, payload = chunk
        name = mode
    return name, to_jsonable(payload)
