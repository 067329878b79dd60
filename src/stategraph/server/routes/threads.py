"""Thread routes: create, get, update, search, count, delete (server_api.md 1.2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._http import ApiError, count_field, field, json_response, read_body, to_jsonable
from .._state import snapshot_interrupts
from .._supersteps import parse_supersteps
from .._thread_ttl import parse_ttl
from .._threads import public

__all__ = ["routes"]


async def create_thread(request: Request) -> Response:
    """``POST /threads``: thread_id, metadata, if_exists (raise|do_nothing), ttl, supersteps.

    ``supersteps`` are applied with the graph named by ``metadata.graph_id`` (the SDK's
    ``graph_id``) to a new thread only; if they fail, the thread is not kept.
    """
    body = await read_body(request)
    if_exists = field(body, "if_exists", (str,), "raise")
    if if_exists not in ("raise", "do_nothing"):
        raise ApiError(422, "Body key 'if_exists' must be 'raise' or 'do_nothing'.")
    server = request.app.state.server
    thread_id, metadata = field(body, "thread_id", (str,)), field(body, "metadata", (dict,), {})
    ttl = parse_ttl(body.get("ttl"))
    steps = None if body.get("supersteps") is None else parse_supersteps(body["supersteps"])
    graph = None if steps is None else _superstep_graph(server, metadata)
    is_new = thread_id is None or not server.threads.exists(thread_id)
    thread = server.threads.create(thread_id, metadata, if_exists=if_exists, ttl=ttl)
    if steps is not None and is_new:
        await _apply_supersteps(server, graph, thread["thread_id"], steps)
        thread = server.threads.get(thread["thread_id"])
    return json_response(public(thread, with_ttl=True))


def _superstep_graph(server: Any, metadata: dict[str, Any]) -> Any:
    graph_id = metadata.get("graph_id")
    if not isinstance(graph_id, str):
        raise ApiError(
            422,
            "Body key 'supersteps' needs the thread's graph: pass graph_id (metadata.graph_id).",
        )
    graph = server.assistants.graphs.get(graph_id)
    if graph is None:
        known = sorted(server.assistants.graphs)
        raise ApiError(404, f"Graph {graph_id!r} not found (metadata.graph_id); known: {known}.")
    return graph


async def _apply_supersteps(server: Any, graph: Any, thread_id: str, steps: list[Any]) -> None:
    config = {"configurable": {"thread_id": thread_id}}
    try:
        await graph.abulk_update_state(config, steps)
    except Exception as exc:  # why: any failure of the caller's updates undoes the new thread
        server.threads.delete(thread_id)
        raise ApiError(
            422, f"Body key 'supersteps' could not be applied: {type(exc).__name__}: {exc}"
        ) from None
    snapshot = await graph.aget_state(config)
    interrupts = snapshot_interrupts(snapshot)
    server.threads.record(
        thread_id,
        values=to_jsonable(snapshot.values),
        interrupts=interrupts,
        status="interrupted" if interrupts else "idle",
    )


async def get_thread(request: Request) -> Response:
    """``GET /threads/{thread_id}?include=ttl``."""
    include = [i for i in request.query_params.get("include", "").split(",") if i]
    unknown = [i for i in include if i != "ttl"]
    if unknown:
        raise ApiError(422, f"Query parameter 'include' takes only 'ttl', got {unknown}.")
    thread = request.app.state.server.threads.get(request.path_params["thread_id"])
    return json_response(public(thread, with_ttl="ttl" in include))


async def delete_thread(request: Request) -> Response:
    """``DELETE /threads/{thread_id}``: the thread, its runs and its checkpoints."""
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    if server.runs.is_busy(thread_id):
        raise ApiError(409, f"Thread {thread_id!r} has a run executing; delete it afterwards.")
    server.threads.delete(thread_id)
    return Response(status_code=204)


async def update_thread(request: Request) -> Response:
    """``PATCH /threads/{thread_id}``: merge ``metadata`` into the thread's; set ``ttl``."""
    body = await read_body(request)
    threads, thread_id = request.app.state.server.threads, request.path_params["thread_id"]
    metadata = {**threads.get(thread_id)["metadata"], **field(body, "metadata", (dict,), {})}
    ttl = parse_ttl(body.get("ttl"))
    threads.record(thread_id, metadata=metadata, **({"ttl": ttl} if ttl else {}))
    return json_response(public(threads.get(thread_id), with_ttl=True))


async def copy_thread(request: Request) -> Response:
    """``POST /threads/{thread_id}/copy``: a new thread with the same metadata and history."""
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    if server.runs.is_busy(thread_id):
        raise ApiError(409, f"Thread {thread_id!r} has a run executing; copy it afterwards.")
    return json_response(public(server.threads.copy(thread_id)))


async def prune_threads(request: Request) -> Response:
    """``POST /threads/prune``: thread_ids, strategy delete|keep_latest -> {pruned_count}."""
    body = await read_body(request)
    thread_ids = field(body, "thread_ids", (list,))
    if not thread_ids or not all(isinstance(t, str) for t in thread_ids):
        raise ApiError(422, "Body key 'thread_ids' must be a non-empty list of thread ids.")
    strategy = field(body, "strategy", (str,), "delete")
    if strategy not in ("delete", "keep_latest"):
        raise ApiError(422, "Body key 'strategy' must be 'delete' or 'keep_latest'.")
    server = request.app.state.server
    busy = [t for t in thread_ids if server.runs.is_busy(t)]
    if busy:
        raise ApiError(409, f"Threads {busy!r} have runs executing; prune them afterwards.")
    return json_response({"pruned_count": server.threads.prune(thread_ids, strategy)})


def _filters(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": field(body, "metadata", (dict,)),
        "values": field(body, "values", (dict,)),
        "ids": field(body, "ids", (list,)),
        "status": field(body, "status", (str,)),
    }


async def search_threads(request: Request) -> Response:
    """``POST /threads/search``: metadata, values, ids, status, sort, limit, offset."""
    body = await read_body(request)
    query = {
        **_filters(body),
        "limit": count_field(body, "limit", 10),
        "offset": count_field(body, "offset", 0),
        "sort_by": field(body, "sort_by", (str,)),
        "sort_order": field(body, "sort_order", (str,)),
    }
    return json_response([public(t) for t in request.app.state.server.threads.search(query)])


async def count_threads(request: Request) -> Response:
    """``POST /threads/count``: how many threads match metadata, values, status."""
    body = await read_body(request)
    return json_response(len(request.app.state.server.threads.matching(_filters(body))))


routes = [
    Route("/threads", create_thread, methods=["POST"]),
    Route("/threads/search", search_threads, methods=["POST"]),
    Route("/threads/count", count_threads, methods=["POST"]),
    Route("/threads/prune", prune_threads, methods=["POST"]),
    Route("/threads/{thread_id}/copy", copy_thread, methods=["POST"]),
    Route("/threads/{thread_id}", get_thread, methods=["GET"]),
    Route("/threads/{thread_id}", update_thread, methods=["PATCH"]),
    Route("/threads/{thread_id}", delete_thread, methods=["DELETE"]),
]
