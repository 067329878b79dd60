"""Thread routes: create, get, search, delete, state and history (server_api.md 1.2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...pregel import Pregel
from .._http import ApiError, count_field, field, json_response, read_body
from .._state import thread_state

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


async def create_thread(request: Request) -> Response:
    """``POST /threads``: thread_id (optional), metadata, if_exists (raise|do_nothing)."""
    body = await read_body(request)
    if_exists = field(body, "if_exists", (str,), "raise")
    if if_exists not in ("raise", "do_nothing"):
        raise ApiError(422, "Body key 'if_exists' must be 'raise' or 'do_nothing'.")
    thread = request.app.state.server.threads.create(
        field(body, "thread_id", (str,)), field(body, "metadata", (dict,), {}), if_exists=if_exists
    )
    return json_response(thread)


async def get_thread(request: Request) -> Response:
    """``GET /threads/{thread_id}``."""
    return json_response(request.app.state.server.threads.get(request.path_params["thread_id"]))


async def delete_thread(request: Request) -> Response:
    """``DELETE /threads/{thread_id}``: the thread, its runs and its checkpoints."""
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    if server.runs.is_busy(thread_id):
        raise ApiError(409, f"Thread {thread_id!r} has a run executing; delete it afterwards.")
    server.threads.delete(thread_id)
    return Response(status_code=204)


async def search_threads(request: Request) -> Response:
    """``POST /threads/search``: metadata, values, ids, status, sort, limit, offset."""
    body = await read_body(request)
    query = {
        "metadata": field(body, "metadata", (dict,)),
        "values": field(body, "values", (dict,)),
        "ids": field(body, "ids", (list,)),
        "status": field(body, "status", (str,)),
        "limit": count_field(body, "limit", 10),
        "offset": count_field(body, "offset", 0),
        "sort_by": field(body, "sort_by", (str,)),
        "sort_order": field(body, "sort_order", (str,)),
    }
    return json_response(request.app.state.server.threads.search(query))


def _thread_graph(request: Request) -> tuple[str, Pregel | None]:
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    thread = server.threads.get(thread_id)
    return thread_id, server.assistants.graphs.get(thread["metadata"].get("graph_id"))


async def get_state(request: Request) -> Response:
    """``GET /threads/{thread_id}/state``: the latest ThreadState."""
    thread_id, graph = _thread_graph(request)
    if graph is None:
        return json_response(_EMPTY_STATE)
    snapshot = await graph.aget_state({"configurable": {"thread_id": thread_id}})
    return json_response(thread_state(snapshot))


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
    configurable = {k: v for k, v in checkpoint.items() if k in ("checkpoint_ns", "checkpoint_id")}
    config = {"configurable": {**configurable, "thread_id": thread_id}}
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
    Route("/threads", create_thread, methods=["POST"]),
    Route("/threads/search", search_threads, methods=["POST"]),
    Route("/threads/{thread_id}", get_thread, methods=["GET"]),
    Route("/threads/{thread_id}", delete_thread, methods=["DELETE"]),
    Route("/threads/{thread_id}/state", get_state, methods=["GET"]),
    Route("/threads/{thread_id}/history", get_history, methods=["POST"]),
]
