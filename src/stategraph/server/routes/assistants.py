"""Assistant routes: get, search, count (server_api.md 1.2)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._http import ApiError, count_field, field, json_response, read_body
from .._threads import matches_metadata

__all__ = ["routes"]

_SORT_KEYS = ("assistant_id", "graph_id", "name", "created_at", "updated_at")


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
    """``POST /assistants/search``: filter, sort, then ``offset``/``limit`` (default 10)."""
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
    return json_response(page)


async def count_assistants(request: Request) -> Response:
    """``POST /assistants/count``: how many assistants the filters match."""
    body = await read_body(request)
    return json_response(len(_filtered(body, request.app.state.server.assistants.all())))


routes = [
    Route("/assistants/search", search_assistants, methods=["POST"]),
    Route("/assistants/count", count_assistants, methods=["POST"]),
    Route("/assistants/{assistant_id}", get_assistant, methods=["GET"]),
]
