"""How each kind of route is authorized (see ``_auth_middleware._RULES``).

A kind reads the request (path ids, JSON body), runs the resource action's handler, and
either refuses (404 for a row of another owner, 403 for a refusal) or rewrites the request
(owner metadata in, a store namespace changed) and says how to reshape the answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from ..auth.types import User
from ._auth import matches_filter
from ._http import ApiError, to_jsonable

__all__ = ["KINDS", "Call"]

_ALL = 10**9  # "every row" for a search whose page is cut after filtering
# resource -> (table, key column, name in messages); runs are reached through their thread
_TABLES = {
    "threads": ("threads", "thread_id", "Thread"),
    "assistants": ("assistants", "assistant_id", "Assistant"),
    "crons": ("crons", "cron_id", "Cron"),
}


@dataclass(slots=True)
class Call:
    """One request on its way to the routes: possibly rewritten, possibly post-processed."""

    scope: dict[str, Any]
    body: bytes
    user: Any
    params: dict[str, str]
    rule: Any  # _auth_middleware._Rule
    # 200 JSON answer and headers -> replacement (searches and counts of filtered rows)
    reshape: Callable[[Any, dict[str, str]], tuple[Any, dict[str, str]]] | None = None
    on_start: Callable[[dict[str, str]], None] | None = None  # sees the response headers
    answer: Any = None  # when set, the answer itself: the routes are not called
    notes: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        """Return the body as JSON, or None when it is not (the route answers 422)."""
        try:
            return json.loads(self.body) if self.body.strip() else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None

    def set_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()


def _visible(filters: dict[str, Any] | None, row: dict[str, Any] | None) -> bool:
    return row is None or matches_filter(row.get("metadata") or {}, filters)


def _row(mw: Any, resource: str, row_id: str) -> dict[str, Any] | None:
    table, key, _ = _TABLES[resource]
    return mw.server.resources.get(table, key, row_id)


def _hidden(resource: str, row_id: str) -> ApiError:
    return ApiError(404, f"{_TABLES[resource][2]} {row_id!r} not found.")


async def _one(mw: Any, call: Call) -> None:
    """A request about one row named in the path: a row the filter hides is a 404."""
    resource = call.rule.resource
    _, key, _ = _TABLES[resource]
    row_id = call.params[key]
    body = call.json()
    value: dict[str, Any] = {key: row_id}
    if "run_id" in call.params:
        value["run_id"] = call.params["run_id"]
    if isinstance(body, dict) and isinstance(body.get("metadata"), dict):
        value["metadata"] = dict(body["metadata"])
    filters = await mw.policy.authorize(call.user, resource, call.rule.action, value)
    if filters and not _visible(filters, _row(mw, resource, row_id)):
        raise _hidden(resource, row_id)
    if isinstance(body, dict) and "metadata" in body and "metadata" in value:
        call.set_json({**body, "metadata": value["metadata"]})


async def _create(mw: Any, call: Call, resource: str | None = None) -> None:
    """A create: the handler may add metadata; an id taken by a hidden row answers 409."""
    resource = resource or call.rule.resource
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("metadata", {}), dict | None):
        return  # malformed: the route answers 422 before anything is written
    value = {**body, "metadata": dict(body.get("metadata") or {})}
    filters = await mw.policy.authorize(call.user, resource, "create", value)
    _, key, name = _TABLES[resource]
    row_id = body.get(key)
    if filters and isinstance(row_id, str) and not _visible(filters, _row(mw, resource, row_id)):
        raise ApiError(409, f"{name} {row_id!r} already exists; choose another id.")
    call.set_json({**body, "metadata": value["metadata"]})


def _page(body: dict[str, Any]) -> tuple[int, int] | None:
    limit, offset = body.get("limit", 10), body.get("offset", 0)
    limit = 10 if limit is None else limit
    offset = 0 if offset is None else offset
    for number in (limit, offset):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            return None
    return limit, offset


async def _search(mw: Any, call: Call) -> None:
    """A search: every matching row is fetched, the filter applied, then the page cut."""
    body = call.json()
    page = _page(body) if isinstance(body, dict) else None
    if page is None:
        return
    filters = await mw.policy.authorize(call.user, call.rule.resource, "search", dict(body))
    if not filters:
        return
    limit, offset = page
    select = body.get("select")
    strip = isinstance(select, list) and "metadata" not in select  # the filter needs it
    call.set_json(
        {**body, "limit": _ALL, "offset": 0, **({"select": [*select, "metadata"]} if strip else {})}
    )

    def reshape(rows: Any, headers: dict[str, str]) -> tuple[Any, dict[str, str]]:
        kept = [r for r in rows if _visible(filters, r)]
        if strip:
            kept = [{k: v for k, v in r.items() if k != "metadata"} for r in kept]
        more = {"X-Pagination-Next": str(offset + limit)} if len(kept) > offset + limit else {}
        return kept[offset : offset + limit], more

    call.reshape = reshape


async def _count(mw: Any, call: Call) -> None:
    """A count: answered as the length of the filtered search."""
    body = call.json()
    if not isinstance(body, dict):
        return
    filters = await mw.policy.authorize(call.user, call.rule.resource, "search", dict(body))
    if not filters:
        return
    call.set_json({**body, "limit": _ALL, "offset": 0})
    call.scope = {**call.scope, "path": call.scope["path"].removesuffix("/count") + "/search"}
    call.reshape = lambda rows, _: (len([r for r in rows if _visible(filters, r)]), {})


async def _prune(mw: Any, call: Call) -> None:
    """Prune: threads the caller may not see are treated as missing."""
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("thread_ids"), list):
        return
    filters = await mw.policy.authorize(call.user, "threads", "delete", dict(body))
    if filters:
        ids = [t for t in body["thread_ids"] if isinstance(t, str)]
        kept = [t for t in ids if _visible(filters, _row(mw, "threads", t))]
        if kept:
            call.set_json({**body, "thread_ids": kept})
        elif ids:  # why: the route refuses an empty list; none of them exist for this caller
            call.answer = {"pruned_count": 0}


async def _thread_for_run(mw: Any, call: Call, thread_id: str, body: dict[str, Any]) -> None:
    value = {
        "thread_id": thread_id,
        "assistant_id": body.get("assistant_id"),
        "metadata": dict(body.get("metadata") or {}),
        "multitask_strategy": body.get("multitask_strategy"),
        "if_not_exists": body.get("if_not_exists"),
        "kwargs": body,
    }
    filters = await mw.policy.authorize(call.user, "threads", "create_run", value)
    row = _row(mw, "threads", thread_id)
    if filters and not _visible(filters, row):
        raise _hidden("threads", thread_id)
    if row is None and body.get("if_not_exists") == "create":
        mw.server.threads.create(thread_id, await _new_thread_metadata(mw, call, thread_id))
    call.set_json(_with_user({**body, "metadata": value["metadata"]}, call.user))


async def _new_thread_metadata(mw: Any, call: Call, thread_id: str | None) -> dict[str, Any]:
    value: dict[str, Any] = {"thread_id": thread_id, "metadata": {}}
    await mw.policy.authorize(call.user, "threads", "create", value)
    return value["metadata"]


async def _run(mw: Any, call: Call) -> None:
    """A run on a thread: the thread must be visible; a thread it creates gets an owner."""
    body = call.json()
    if isinstance(body, dict) and isinstance(body.get("metadata", {}), dict | None):
        await _thread_for_run(mw, call, call.params["thread_id"], body)


async def _thread_cron(mw: Any, call: Call) -> None:
    """A cron on a thread: the thread must be visible; then a cron create."""
    body = call.json()
    thread_id = call.params["thread_id"]
    filters = await mw.policy.authorize(call.user, "threads", "read", {"thread_id": thread_id})
    if filters and not _visible(filters, _row(mw, "threads", thread_id)):
        raise _hidden("threads", thread_id)
    if isinstance(body, dict):
        await _create(mw, call, "crons")


async def _stateless(mw: Any, call: Call) -> None:
    """A stateless run: authorized as create_run; its ephemeral thread gets owner metadata."""
    body = call.json()
    if not isinstance(body, dict) or not isinstance(body.get("metadata", {}), dict | None):
        return
    value = {"thread_id": None, "assistant_id": body.get("assistant_id"), "kwargs": body}
    value["metadata"] = dict(body.get("metadata") or {})
    await mw.policy.authorize(call.user, "threads", "create_run", value)
    call.set_json(_with_user({**body, "metadata": value["metadata"]}, call.user))
    owner = await _new_thread_metadata(mw, call, None)

    def on_start(headers: dict[str, str]) -> None:
        run_id = headers.get("content-location", "").rpartition("/")[2]
        run = mw.server.resources.get("runs", "run_id", run_id) if run_id else None
        if run is not None:
            _own_thread(mw, run["thread_id"], owner)

    call.on_start = on_start


def _own_thread(mw: Any, thread_id: str, owner: dict[str, Any]) -> None:
    # why: the routes make a stateless run's thread with empty metadata; stamp the owner on it
    thread = mw.server.resources.get("threads", "thread_id", thread_id)
    if thread is not None and owner:
        mw.server.threads.record(thread_id, metadata={**thread["metadata"], **owner})


async def _batch(mw: Any, call: Call) -> None:
    """A batch of stateless runs: each is authorized as create_run."""
    items = call.json()
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return
    rewritten = []
    for item in items:
        value = {"thread_id": None, "assistant_id": item.get("assistant_id"), "kwargs": item}
        metadata = item.get("metadata")
        value["metadata"] = dict(metadata) if isinstance(metadata, dict) else {}
        await mw.policy.authorize(call.user, "threads", "create_run", value)
        changed = {"metadata": value["metadata"]} if isinstance(metadata, dict | None) else {}
        rewritten.append(_with_user({**item, **changed}, call.user))
    call.set_json(rewritten)
    owner = await _new_thread_metadata(mw, call, None)

    def reshape(runs: Any, headers: dict[str, str]) -> tuple[Any, dict[str, str]]:
        for run in runs:
            _own_thread(mw, run["thread_id"], owner)
        return runs, {}

    call.reshape = reshape


def _with_user(body: dict[str, Any], user: Any) -> dict[str, Any]:
    """Put the caller in the run's ``config.configurable`` (over anything the client sent)."""
    config = body.get("config") or {}
    configurable = (config.get("configurable") or {}) if isinstance(config, dict) else None
    if not isinstance(configurable, dict):
        return body  # malformed: the route answers 422
    identity = getattr(user, "identity", "")
    permissions = list(getattr(user, "permissions", ()) or ())
    shown = user.dict() if isinstance(user, User) else {"identity": identity}
    caller = {
        "langgraph_auth_user": to_jsonable({**shown, "permissions": permissions}),
        "langgraph_auth_user_id": identity,
        "langgraph_auth_permissions": permissions,
    }
    return {**body, "config": {**config, "configurable": {**configurable, **caller}}}


async def _cancel_many(mw: Any, call: Call) -> None:
    """Cancel many: only runs of visible threads; a filter turns 'all' into those run ids."""
    body = call.json()
    if not isinstance(body, dict):
        return
    filters = await mw.policy.authorize(call.user, "threads", "update", dict(body))
    if not filters:
        return
    thread_id, run_ids = body.get("thread_id"), body.get("run_ids")
    if isinstance(thread_id, str) and not _visible(filters, _row(mw, "threads", thread_id)):
        raise _hidden("threads", thread_id)
    if thread_id is None:
        runs = mw.server.resources.select("runs", "status IN ('pending', 'running')")
        if isinstance(run_ids, list):
            runs = [r for r in runs if r["run_id"] in run_ids]
        mine = [r["run_id"] for r in runs if _visible(filters, _row(mw, "threads", r["thread_id"]))]
        call.set_json({**body, "run_ids": mine})


_STORE_NAMESPACE_KEY = {
    "put": "namespace",
    "delete": "namespace",
    "search": "namespace_prefix",
    "list_namespaces": "prefix",
}


async def _store(mw: Any, call: Call) -> None:
    """Store actions: the handler sees (and may change) the namespace; False answers 403."""
    action = call.rule.action
    if action == "get":
        await _store_get(mw, call)
        return
    body = call.json()
    if not isinstance(body, dict):
        return
    key = _STORE_NAMESPACE_KEY[action]
    namespace = body.get(key) or []
    if not isinstance(namespace, list):
        return
    value = {**body, "namespace": tuple(namespace)}
    await mw.policy.authorize(call.user, "store", action, value)
    call.set_json({**body, key: list(value["namespace"] or ())})


async def _store_get(mw: Any, call: Call) -> None:
    query = dict(parse_qsl(call.scope.get("query_string", b"").decode()))
    raw = query.get("namespace", "")
    value = {"namespace": tuple(raw.split(".")) if raw else (), "key": query.get("key")}
    await mw.policy.authorize(call.user, "store", "get", value)
    query["namespace"] = ".".join(value["namespace"])
    call.scope = {**call.scope, "query_string": urlencode(query).encode()}


KINDS = {
    "one": _one,
    "create": _create,
    "search": _search,
    "count": _count,
    "prune": _prune,
    "run": _run,
    "thread_cron": _thread_cron,
    "stateless": _stateless,
    "batch": _batch,
    "cancel_many": _cancel_many,
    "store": _store,
}
