"""Cron routes: create (stateless or on a thread), update, delete, search, count.

Bodies are validated key by key (422 naming the key) before anything is stored: the run
request a cron will send is parsed now, so a cron never stores a run that cannot start.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .._crons import SORT_KEYS
from .._http import ApiError, count_field, field, json_response, read_body
from .._run_request import parse_run_request

__all__ = ["routes"]

# keys of a cron body that make up the run request it sends
_RUN_KEYS = (
    "input",
    "config",
    "context",
    "metadata",
    "interrupt_before",
    "interrupt_after",
    "webhook",
    "multitask_strategy",
    "stream_mode",
    "stream_subgraphs",
    "stream_resumable",
    "durability",
)
_CRON_FIELDS = ("cron_id", "assistant_id", "thread_id", "on_run_completed", "end_time")
_SELECTABLE = (
    *_CRON_FIELDS,
    "schedule",
    "timezone",
    "created_at",
    "updated_at",
    "payload",
    "user_id",
    "next_run_date",
    "metadata",
    "enabled",
)


def _end_time(body: dict[str, Any]) -> str | None:
    raw = field(body, "end_time", (str,))
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, f"Body key 'end_time' must be an ISO-8601 time, got {raw!r}.") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _payload(body: dict[str, Any], assistant_id: str) -> dict[str, Any]:
    payload = {k: body[k] for k in _RUN_KEYS if body.get(k) is not None}
    parse_run_request({**payload, "assistant_id": assistant_id})  # 422 for a bad run request
    return payload


def _schedule_fields(body: dict[str, Any], *, required: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    schedule = field(body, "schedule", (str,))
    if schedule is None and required:
        raise ApiError(422, "Body key 'schedule' is required, e.g. '*/5 * * * *'.")
    if schedule is not None:
        fields["schedule"] = schedule
    if "timezone" in body:
        fields["timezone"] = field(body, "timezone", (str,))
    if "end_time" in body:
        fields["end_time"] = _end_time(body)
    enabled = field(body, "enabled", (bool,))
    if enabled is not None:
        fields["enabled"] = enabled
    on_completed = field(body, "on_run_completed", (str,))
    if on_completed is not None:
        if on_completed not in ("delete", "keep"):
            raise ApiError(422, "Body key 'on_run_completed' must be 'delete' or 'keep'.")
        fields["on_run_completed"] = on_completed
    return fields


async def _create(request: Request, thread_id: str | None) -> Response:
    body = await read_body(request)
    server = request.app.state.server
    assistant_ref = field(body, "assistant_id", (str,))
    if not assistant_ref:
        raise ApiError(422, "Body key 'assistant_id' is required (an assistant id or graph name).")
    assistant_id = server.assistants.get(assistant_ref)["assistant_id"]
    if thread_id is not None:
        server.threads.get(thread_id)
    fields = {
        "timezone": None,
        "end_time": None,
        "enabled": True,
        "on_run_completed": "delete",
        **_schedule_fields(body, required=True),
    }
    if thread_id is not None:
        fields["on_run_completed"] = None  # why: a thread's runs stay with the thread
    user = request.scope.get("state", {}).get("user")
    fields.update(
        assistant_id=assistant_id,
        thread_id=thread_id,
        user_id=getattr(user, "identity", None) or None,
        metadata=field(body, "metadata", (dict,), {}),
        payload=_payload(body, assistant_id),
    )
    return json_response(_scheduler(request).create(fields))


async def create_cron(request: Request) -> Response:
    """``POST /runs/crons``: a cron whose runs each get a new thread."""
    return await _create(request, None)


async def create_thread_cron(request: Request) -> Response:
    """``POST /threads/{thread_id}/runs/crons``: a cron whose runs go to one thread."""
    return await _create(request, request.path_params["thread_id"])


async def update_cron(request: Request) -> Response:
    """``PATCH /runs/crons/{cron_id}``: schedule, payload keys, enabled, end_time (null clears)."""
    body = await read_body(request)
    crons = _scheduler(request)
    cron = crons.get(request.path_params["cron_id"])
    changes = _schedule_fields(body, required=False)
    payload = _payload(body, cron["assistant_id"])
    payload.pop("metadata", None)
    if payload:
        changes["payload"] = payload
    if body.get("metadata") is not None:
        changes["metadata"] = field(body, "metadata", (dict,))
    return json_response(crons.update(cron["cron_id"], changes))


async def delete_cron(request: Request) -> Response:
    """``DELETE /runs/crons/{cron_id}``."""
    _scheduler(request).delete(request.path_params["cron_id"])
    return Response(status_code=204)


def _filters(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    assistant_ref = field(body, "assistant_id", (str,))
    server = request.app.state.server
    if assistant_ref in server.assistants.graphs:
        assistant_ref = server.assistants.get(assistant_ref)["assistant_id"]
    return {
        "assistant_id": assistant_ref,
        "thread_id": field(body, "thread_id", (str,)),
        "enabled": field(body, "enabled", (bool,)),
        "metadata": field(body, "metadata", (dict,)),
    }


async def search_crons(request: Request) -> Response:
    """``POST /runs/crons/search``: filters, sort_by/sort_order, limit (10), offset, select."""
    body = await read_body(request)
    sort_by = field(body, "sort_by", (str,))
    if sort_by is not None and sort_by not in SORT_KEYS:
        raise ApiError(422, f"Body key 'sort_by' must be one of {SORT_KEYS}.")
    sort_order = field(body, "sort_order", (str,))
    if sort_order not in (None, "asc", "desc"):
        raise ApiError(422, "Body key 'sort_order' must be 'asc' or 'desc'.")
    select = field(body, "select", (list,))
    if select is not None and not set(select) <= set(_SELECTABLE):
        raise ApiError(422, f"Body key 'select' may list only {sorted(_SELECTABLE)}.")
    query = {
        **_filters(request, body),
        "limit": count_field(body, "limit", 10),
        "offset": count_field(body, "offset", 0),
        "sort_by": sort_by,
        "sort_order": sort_order,
        "select": select,
    }
    return json_response(_scheduler(request).search(query))


async def count_crons(request: Request) -> Response:
    """``POST /runs/crons/count``: how many crons match assistant_id, thread_id, metadata."""
    body = await read_body(request)
    return json_response(len(_scheduler(request).matching(_filters(request, body))))


routes = [
    Route("/runs/crons", create_cron, methods=["POST"]),
    Route("/runs/crons/search", search_crons, methods=["POST"]),
    Route("/runs/crons/count", count_crons, methods=["POST"]),
    Route("/runs/crons/{cron_id}", update_cron, methods=["PATCH"]),
    Route("/runs/crons/{cron_id}", delete_cron, methods=["DELETE"]),
    Route("/threads/{thread_id}/runs/crons", create_thread_cron, methods=["POST"]),
]


def _scheduler(request: Request) -> Any:
    """The app's cron scheduler (both modes): rows, search and firing."""
    return request.app.state.crons
