"""Long-term store routes: put, get, delete, search items; list namespaces (server_api.md 1.2).

Backed by the graphs' own store (``SqliteStore`` in the server database), so what nodes write
through ``get_store()`` is what these routes read.  Store misuse (bad namespaces, filters) is
answered 422 with the store's message.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...errors import StoreError
from .._http import ApiError, count_field, field, json_response, read_body

__all__ = ["routes"]


def _namespace(body: dict[str, Any], key: str, *, required: bool = True) -> tuple[str, ...]:
    value = field(body, key, (list,))
    if value is None and not required:
        return ()
    if value is None or not all(isinstance(label, str) for label in value):
        raise ApiError(422, f"Body key {key!r} must be a list of strings.")
    return tuple(value)


def _item(item: Any) -> dict[str, Any]:
    data = item.dict()
    data["namespace"] = list(item.namespace)
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


async def _call(method: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return await method(*args, **kwargs)
    except StoreError as exc:
        raise ApiError(422, str(exc)) from None
    except ValueError as exc:  # the store's checks raise coded ValueErrors (LangGraph's type)
        if getattr(exc, "code", None) is None:
            raise
        raise ApiError(422, str(exc)) from None


async def put_item(request: Request) -> Response:
    """``PUT /store/items``: namespace, key, value, index (false or fields), ttl (minutes)."""
    body = await read_body(request)
    namespace, key = _namespace(body, "namespace"), field(body, "key", (str,))
    value = field(body, "value", (dict,))
    if key is None or value is None:
        raise ApiError(422, "Body keys 'key' (a string) and 'value' (an object) are required.")
    index = field(body, "index", (bool, list))
    if index is True:
        raise ApiError(422, "Body key 'index' must be false or a list of field paths.")
    options = {"ttl": field(body, "ttl", (int, float))} if "ttl" in body else {}
    store = request.app.state.server.store
    await _call(store.aput, namespace, key, value, index, **options)
    return Response(status_code=204)


async def get_item(request: Request) -> Response:
    """``GET /store/items?namespace=a.b&key=k``: the Item, or 404."""
    raw_namespace, key = request.query_params.get("namespace", ""), request.query_params.get("key")
    if not key:
        raise ApiError(422, "Query parameter 'key' is required.")
    namespace = tuple(raw_namespace.split(".")) if raw_namespace else ()
    raw_refresh = request.query_params.get("refresh_ttl")  # absent: the store's refresh_on_read
    refresh = None if raw_refresh is None else raw_refresh in ("1", "true", "True")
    item = await _call(request.app.state.server.store.aget, namespace, key, refresh_ttl=refresh)
    if item is None:
        raise ApiError(404, f"No item {key!r} in namespace {list(namespace)!r}.")
    return json_response(_item(item))


async def delete_item(request: Request) -> Response:
    """``DELETE /store/items`` with body namespace, key."""
    body = await read_body(request)
    key = field(body, "key", (str,))
    if key is None:
        raise ApiError(422, "Body key 'key' is required.")
    await _call(request.app.state.server.store.adelete, _namespace(body, "namespace"), key)
    return Response(status_code=204)


async def search_items(request: Request) -> Response:
    """``POST /store/items/search``: namespace_prefix, filter, query, limit (10), offset."""
    body = await read_body(request)
    items = await _call(
        request.app.state.server.store.asearch,
        _namespace(body, "namespace_prefix", required=False),
        query=field(body, "query", (str,)),
        filter=field(body, "filter", (dict,)),
        limit=count_field(body, "limit", 10),
        offset=count_field(body, "offset", 0),
        refresh_ttl=field(body, "refresh_ttl", (bool,)),
    )
    return json_response({"items": [_item(i) for i in items]})


async def list_namespaces(request: Request) -> Response:
    """``POST /store/namespaces``: prefix, suffix, max_depth, limit (100), offset."""
    body = await read_body(request)
    prefix = _namespace(body, "prefix", required=False) or None
    suffix = _namespace(body, "suffix", required=False) or None
    namespaces = await _call(
        request.app.state.server.store.alist_namespaces,
        prefix=prefix,
        suffix=suffix,
        max_depth=field(body, "max_depth", (int,)),
        limit=count_field(body, "limit", 100),
        offset=count_field(body, "offset", 0),
    )
    return json_response({"namespaces": [list(n) for n in namespaces]})


routes = [
    Route("/store/items", put_item, methods=["PUT"]),
    Route("/store/items", get_item, methods=["GET"]),
    Route("/store/items", delete_item, methods=["DELETE"]),
    Route("/store/items/search", search_items, methods=["POST"]),
    Route("/store/namespaces", list_namespaces, methods=["POST"]),
]
