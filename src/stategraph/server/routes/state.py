"""Thread state routes: read (latest or by checkpoint), update, history (server_api.md 1.2).

A thread's graph is the one named by its ``graph_id`` metadata (set by its first run, or by
``threads.create(graph_id=...)``); a thread without one has an empty state and no history.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...pregel import Pregel
from .._http import ApiError, count_field, field, json_response, read_body, to_jsonable
from .._state import checkpoint_ref, snapshot_interrupts, thread_state

__all__ = ["routes"]

_EMPTY_STATE = {
    "values": {},
    "next": [],
    "checkpoint": None,
    "metadata": {},
    "created_at": None,
    "parent_checkpoint": None,
    "tasks": [],
    "interrupts": [],
}


def _thread_graph(request: Request) -> tuple[str, Pregel | None]:
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    thread = server.threads.get(thread_id)
    return thread_id, server.assistants.graphs.get(thread["metadata"].get("graph_id"))


def _checkpoint_config(thread_id: str, checkpoint: dict[str, Any]) -> dict[str, Any]:
    """A checkpoint config for ``thread_id``; only id and namespace are taken from the body."""
    keys = ("checkpoint_ns", "checkpoint_id")
    return {
        "configurable": {
            **{k: checkpoint[k] for k in keys if k in checkpoint},
            "thread_id": thread_id,
        }
    }


async def _state_at(request: Request, checkpoint: dict[str, Any], *, subgraphs: bool) -> Response:
    thread_id, graph = _thread_graph(request)
    if graph is None:
        if checkpoint.get("checkpoint_id"):
            raise ApiError(404, f"Thread {thread_id!r} has no checkpoints yet.")
        return json_response(_EMPTY_STATE)
    config = _checkpoint_config(thread_id, checkpoint)
    snapshot = await graph.aget_state(config, subgraphs=subgraphs)
    # why: a missing checkpoint comes back as an empty snapshot, told apart by no created_at
    if checkpoint.get("checkpoint_id") and snapshot.created_at is None:
        raise ApiError(
            404, f"Checkpoint {checkpoint['checkpoint_id']!r} not found on thread {thread_id!r}."
        )
    return json_response(thread_state(snapshot))


async def get_state(request: Request) -> Response:
    """``GET /threads/{thread_id}/state[/{checkpoint_id}]?subgraphs=``: a ThreadState."""
    checkpoint_id = request.path_params.get("checkpoint_id")
    checkpoint = {"checkpoint_id": checkpoint_id} if checkpoint_id else {}
    return await _state_at(request, checkpoint, subgraphs=_subgraphs_param(request))


async def get_state_at_checkpoint(request: Request) -> Response:
    """``POST /threads/{thread_id}/state/checkpoint``: the ThreadState at ``checkpoint``."""
    body = await read_body(request)
    checkpoint = field(body, "checkpoint", (dict,), {})
    return await _state_at(request, checkpoint, subgraphs=field(body, "subgraphs", (bool,), False))


def _subgraphs_param(request: Request) -> bool:
    """The ``subgraphs`` query parameter (``true``/``false``, as the SDK sends it)."""
    raw = request.query_params.get("subgraphs", "false")
    if raw.lower() not in ("true", "false", "1", "0"):
        raise ApiError(422, f"Query parameter 'subgraphs' must be true or false, got {raw!r}.")
    return raw.lower() in ("true", "1")


async def update_state(request: Request) -> Response:
    """``POST /threads/{thread_id}/state``: values, as_node, checkpoint(_id) -> {checkpoint}."""
    body = await read_body(request)
    as_node = field(body, "as_node", (str,))
    checkpoint = field(body, "checkpoint", (dict,), {})
    if field(body, "checkpoint_id", (str,)):
        checkpoint = {**checkpoint, "checkpoint_id": body["checkpoint_id"]}
    server = request.app.state.server
    thread_id, graph = _thread_graph(request)
    if graph is None:
        raise ApiError(
            400, f"Thread {thread_id!r} has no graph yet: run it first, or create it with graph_id."
        )
    if server.runs.is_busy(thread_id):
        raise ApiError(409, f"Thread {thread_id!r} has a run executing; update it afterwards.")
    config = _checkpoint_config(thread_id, checkpoint)
    new_config = await graph.aupdate_state(config, body.get("values"), as_node=as_node)
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    interrupts = snapshot_interrupts(snapshot)
    values = to_jsonable(snapshot.values)
    server.threads.record(
        thread_id,
        values=values,
        interrupts=interrupts,
        status="interrupted" if interrupts else "idle",
    )
    update = {"run_id": None, "values": values}
    await server.thread_events.announce(thread_id, "state_update", update)
    return json_response({"checkpoint": checkpoint_ref(new_config)})


async def get_history(request: Request) -> Response:
    """``POST /threads/{thread_id}/history``: ThreadStates newest first (limit 10)."""
    body = await read_body(request)
    limit = count_field(body, "limit", 10)
    metadata = field(body, "metadata", (dict,))
    before = _before_config(field(body, "before", (str, dict)))
    checkpoint = field(body, "checkpoint", (dict,), {})
    thread_id, graph = _thread_graph(request)
    if graph is None:
        return json_response([])
    config = _checkpoint_config(thread_id, checkpoint)
    states = [
        thread_state(s)
        async for s in graph.aget_state_history(config, filter=metadata, before=before, limit=limit)
    ]
    return json_response(states)


def _before_config(before: str | dict[str, Any] | None) -> dict[str, Any] | None:
    if before is None:
        return None
    checkpoint_id = before if isinstance(before, str) else before.get("checkpoint_id")
    if not isinstance(checkpoint_id, str):
        raise ApiError(422, "Body key 'before' must be a checkpoint id or {'checkpoint_id': ...}.")
    return {"configurable": {"checkpoint_id": checkpoint_id}}


routes = [
    Route("/threads/{thread_id}/state", get_state, methods=["GET"]),
    Route("/threads/{thread_id}/state", update_state, methods=["POST"]),
    Route("/threads/{thread_id}/state/checkpoint", get_state_at_checkpoint, methods=["POST"]),
    Route("/threads/{thread_id}/state/{checkpoint_id}", get_state, methods=["GET"]),
    Route("/threads/{thread_id}/history", get_history, methods=["POST"]),
]
