"""How a run calls its graph: the config it runs with, the stream it reads, its event names."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from ..pregel import Pregel
from ._http import to_jsonable
from ._message_stream import MessageAccumulator
from ._run_request import STREAM_MODES, RunRequest

__all__ = ["event_of", "run_config", "split_chunk", "stream_graph"]


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
    # the engine reads these into Runtime.server_info, as LangGraph's server has them
    configurable["assistant_id"] = assistant["assistant_id"]
    configurable["graph_id"] = assistant["graph_id"]
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
    graph: Pregel,
    request: RunRequest,
    config: dict[str, Any],
    context: Any,
    *,
    state_updates: bool = False,
    control: Any = None,
) -> AsyncIterator[Any]:
    """Stream the graph for ``request`` (input or command) as chunks named by SSE event.

    Each chunk is ``(event_mode, payload)``, or ``(namespace, event_mode, payload)`` with
    ``stream_subgraphs``, for :func:`event_of` to name and encode.  With ``state_updates``
    the ``values`` chunks come even when the request did not ask for them (for the thread
    stream's ``state_update``); :func:`split_chunk` tells them apart.  ``control``, a
    ``RunControl``, lets the caller drain the run at a step boundary (``GraphDrained``).
    """
    modes = list(
        dict.fromkeys(STREAM_MODES[mode] for mode in request.stream_modes if mode != "events")
    )
    if state_updates and "values" not in modes:
        modes.append("values")
    graph_input = request.command if request.command is not None else request.input
    config = _with_user_object(config)
    # why: an events-only run still needs a mode for astream; its chunks are dropped
    kwargs = {
        "context": context,
        "stream_mode": modes or ["values"],
        "subgraphs": request.stream_subgraphs,
        "interrupt_before": request.interrupt_before,
        "interrupt_after": request.interrupt_after,
        "durability": request.durability,
        "control": control,
    }
    if "events" in request.stream_modes:
        stream = _with_events(graph, graph_input, config, kwargs, keep_chunks=bool(modes))
    else:
        stream = graph.astream(graph_input, config, **kwargs)
    return _server_chunks(stream, request.stream_modes, request.stream_subgraphs)


def _with_user_object(config: dict[str, Any]) -> dict[str, Any]:
    """The caller travels as a JSON mapping (runs are stored); nodes get a ``BaseUser`` object."""
    configurable = config.get("configurable") or {}
    user = configurable.get("langgraph_auth_user")
    if not isinstance(user, dict) or not isinstance(user.get("identity"), str):
        return config
    from ._auth import to_user

    obj = to_user(user)  # the same User the request's authentication built
    return {**config, "configurable": {**configurable, "langgraph_auth_user": obj}}


async def _with_events(
    graph: Pregel,
    graph_input: Any,
    config: dict[str, Any],
    kwargs: dict[str, Any],
    *,
    keep_chunks: bool,
) -> AsyncIterator[Any]:
    """The run's astream_events: the graph's own chunks, plus ``("events", event)`` for the rest.

    The root run's ``on_chain_stream`` events carry the chunks of the other requested modes
    (kept as chunks, not repeated as events); ``langsmith:hidden`` runs are left out. The root
    run's id is the server's run id, as in LangGraph's server.
    """
    try:
        config = {**config, "run_id": uuid.UUID(str(config["metadata"]["run_id"]))}
    except (KeyError, TypeError, ValueError):
        pass  # no server run id (or not a UUID): langchain-core draws one
    namespaced = bool(kwargs["subgraphs"])
    events = graph.astream_events(graph_input, config, version="v2", **kwargs)
    root = None
    try:
        async for event in events:
            root = root or event["run_id"]
            if event["event"] == "on_chain_stream" and event["run_id"] == root:
                if keep_chunks:
                    yield event["data"]["chunk"]
            elif "langsmith:hidden" not in (event.get("tags") or ()):
                yield ((), "events", event) if namespaced else ("events", event)
    finally:
        await events.aclose()


async def _server_chunks(
    stream: AsyncIterator[Any], modes: list[str], subgraphs: bool
) -> AsyncIterator[Any]:
    """Turn the graph's ``messages`` chunks into what each requested messages mode sends."""
    folded = MessageAccumulator() if "messages" in modes else None
    as_tuples = "messages-tuple" in modes
    try:
        async for chunk in stream:
            namespace, mode, payload = chunk if subgraphs else ((), *chunk)
            if mode != "messages":
                yield chunk
                continue
            pairs = [("messages", payload)] if as_tuples else []
            if folded is not None:
                pairs += folded.events(namespace, *payload)
            for event_mode, data in pairs:
                yield (namespace, event_mode, data) if subgraphs else (event_mode, data)
    finally:
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


def split_chunk(chunk: Any, request: RunRequest) -> tuple[bool, Any]:
    """Whether the run streams ``chunk``, and the thread's values it carries (None: none).

    Only a root-graph ``values`` chunk carries the thread's values.
    """
    namespace, mode, payload = chunk if request.stream_subgraphs else ((), *chunk)
    if mode != "values":
        return True, None
    values = to_jsonable(payload) if not namespace else None
    return "values" in request.stream_modes, values


def event_of(chunk: Any, subgraphs: bool) -> tuple[str, Any]:
    """Return the SSE event name (``mode`` or ``mode|ns...``) and JSON data of a chunk."""
    if subgraphs:
        namespace, mode, payload = chunk
        name = "|".join((mode, *namespace))
    else:
        mode, payload = chunk
        name = mode
    return name, to_jsonable(payload)
