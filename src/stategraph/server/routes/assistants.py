"""Assistant routes: CRUD, search, count, versions, graph, schemas, subgraphs (server_api.md 1.2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._graph_schemas import graph_schemas, subgraph_schemas
from .._http import ApiError, count_field, field, json_response, read_body
from .._threads import matches_metadata

__all__ = ["routes"]

_SORT_KEYS = ("assistant_id", "graph_id", "name", "created_at", "updated_at")


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "graph_id": field(body, "graph_id", (str,)),
        "name": field(body, "name", (str,)),
        "description": field(body, "description", (str,)),
        "config": field(body, "config", (dict,)),
        "context": field(body, "context", (dict,)),
        "metadata": field(body, "metadata", (dict,)),
    }


async def create_assistant(request: Request) -> Response:
    """``POST /assistants``: graph_id (required), assistant_id, config, context, metadata..."""
    body = await read_body(request)
    fields = _fields(body)
    if fields["graph_id"] is None:
        raise ApiError(422, "Body key 'graph_id' is required (the id of a served graph).")
    if_exists = field(body, "if_exists", (str,), "raise")
    if if_exists not in ("raise", "do_nothing"):
        raise ApiError(422, "Body key 'if_exists' must be 'raise' or 'do_nothing'.")
    for key, default in (("config", {}), ("context", {}), ("metadata", {})):
        fields[key] = fields[key] if fields[key] is not None else default
    assistants = request.app.state.server.assistants
    return json_response(assistants.create(field(body, "assistant_id", (str,)), fields, if_exists))


async def update_assistant(request: Request) -> Response:
    """``PATCH /assistants/{assistant_id}``: a new version with the given keys changed."""
    body = await read_body(request)
    assistants = request.app.state.server.assistants
    return json_response(assistants.update(request.path_params["assistant_id"], _fields(body)))


async def delete_assistant(request: Request) -> Response:
    """``DELETE /assistants/{assistant_id}`` (its threads are kept)."""
    if request.query_params.get("delete_threads") in ("1", "true", "True"):
        raise ApiError(
            422,
            "Query parameter 'delete_threads' is not supported; delete threads "
            "with DELETE /threads/{thread_id}.",
        )
    request.app.state.server.assistants.delete(request.path_params["assistant_id"])
    return Response(status_code=204)


async def list_versions(request: Request) -> Response:
    """``POST /assistants/{assistant_id}/versions``: metadata filter, limit (10), offset."""
    body = await read_body(request)
    metadata = field(body, "metadata", (dict,), {})
    offset, limit = count_field(body, "offset", 0), count_field(body, "limit", 10)
    versions = request.app.state.server.assistants.versions(request.path_params["assistant_id"])
    kept = [v for v in versions if matches_metadata(v["metadata"], metadata)]
    return json_response(kept[offset : offset + limit])


async def set_latest(request: Request) -> Response:
    """``POST /assistants/{assistant_id}/latest``: make ``version`` the current one."""
    body = await read_body(request)
    version = field(body, "version", (int,))
    if version is None:
        raise ApiError(422, "Body key 'version' is required (an integer).")
    assistants = request.app.state.server.assistants
    return json_response(assistants.set_latest(request.path_params["assistant_id"], version))


async def get_graph(request: Request) -> Response:
    """``GET /assistants/{assistant_id}/graph?xray=``: the drawable graph as nodes and edges."""
    assistants = request.app.state.server.assistants
    graph = assistants.graph_for(assistants.get(request.path_params["assistant_id"]))
    raw = request.query_params.get("xray", "false").lower()
    if raw in ("true", "false"):
        xray: bool | int = raw == "true"
    elif raw.isdigit():
        xray = int(raw)
    else:
        raise ApiError(422, f"Query parameter 'xray' must be true, false or a depth, got {raw!r}.")
    return json_response(graph.get_graph(xray=xray).to_json())


async def get_schemas(request: Request) -> Response:
    """``GET /assistants/{assistant_id}/schemas``: input, output, state, config, context schemas."""
    assistants = request.app.state.server.assistants
    assistant = assistants.get(request.path_params["assistant_id"])
    graph = assistants.graph_for(assistant)
    return json_response(graph_schemas(assistant["graph_id"], graph))


async def get_subgraphs(request: Request) -> Response:
    """``GET /assistants/{assistant_id}/subgraphs[/{namespace}]?recurse=``: schemas by namespace."""
    assistants = request.app.state.server.assistants
    assistant = assistants.get(request.path_params["assistant_id"])
    raw = request.query_params.get("recurse", "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise ApiError(422, f"Query parameter 'recurse' must be true or false, got {raw!r}.")
    graph = assistants.graph_for(assistant)
    namespace = request.path_params.get("namespace")
    found = subgraph_schemas(assistant["graph_id"], graph, namespace, recurse=raw in ("true", "1"))
    return json_response(found)


async def get_assistant(request: Request) -> Response:
    """``GET /assistants/{assistant_id}`` (an id or a graph name)."""
    server = request.app.state.server
    return json_response(server.assistants.get(request.path_params["assistant_id"]))


def _filtered(body: dict[str, Any], assistants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    metadata = field(body, "metadata", (dict,), {})
    graph_id = field(body, "graph_id", (str,))
    name = field(body, "name", (str,))
    return [
        a
        for a in assistants
        if matches_metadata(a["metadata"], metadata)
        and (graph_id is None or a["graph_id"] == graph_id)
        and (name is None or name.lower() in (a["name"] or "").lower())
    ]


async def search_assistants(request: Request) -> Response:
    """``POST /assistants/search``: filter, sort, ``offset``/``limit`` (10), ``X-Pagination-Next``."""
    body = await read_body(request)
    rows = _filtered(body, request.app.state.server.assistants.all())
    sort_by = field(body, "sort_by", (str,), "created_at")
    if sort_by not in _SORT_KEYS:
        raise ApiError(422, f"Body key 'sort_by' must be one of {_SORT_KEYS}.")
    rows.sort(key=lambda a: a[sort_by] or "", reverse=field(body, "sort_order", (str,)) != "asc")
    offset = count_field(body, "offset", 0)
    limit = count_field(body, "limit", 10)
    select = field(body, "select", (list,))
    page = rows[offset : offset + limit]
    if select:
        page = [{k: a[k] for k in select if k in a} for a in page]
    # the cursor is the next offset, sent only while more assistants match
    more = len(rows) > offset + limit
    return json_response(page, headers={"X-Pagination-Next": str(offset + limit)} if more else {})


async def count_assistants(request: Request) -> Response:
    """``POST /assistants/count``: how many assistants the filters match."""
    body = await read_body(request)
    return json_response(len(_filtered(body, request.app.state.server.assistants.all())))


routes = [
    Route("/assistants", create_assistant, methods=["POST"]),
    Route("/assistants/search", search_assistants, methods=["POST"]),
    Route("/assistants/count", count_assistants, methods=["POST"]),
    Route("/assistants/{assistant_id}", get_assistant, methods=["GET"]),
    Route("/assistants/{assistant_id}", update_assistant, methods=["PATCH"]),
    Route("/assistants/{assistant_id}", delete_assistant, methods=["DELETE"]),
    Route("/assistants/{assistant_id}/graph", get_graph, methods=["GET"]),
    Route("/assistants/{assistant_id}/schemas", get_schemas, methods=["GET"]),
    Route("/assistants/{assistant_id}/subgraphs", get_subgraphs, methods=["GET"]),
    Route("/assistants/{assistant_id}/subgraphs/{namespace:path}", get_subgraphs, methods=["GET"]),
    Route("/assistants/{assistant_id}/versions", list_versions, methods=["POST"]),
    Route("/assistants/{assistant_id}/latest", set_latest, methods=["POST"]),
]
