"""Run routes: wait, stream, background create/join/cancel, list, get, delete (server_api.md 1.2).

Every run executes in a task of the server's loop; wait and stream requests follow it, and a
stream whose client leaves cancels it unless ``on_disconnect`` is ``continue``.  A stateless
run's ephemeral thread is deleted afterwards unless ``on_completion`` is ``keep``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from .. import _sse
from .._http import ApiError, field, json_response, read_body
from .._run_request import STREAM_MODES, parse_run_request
from .._runs import ActiveRun, check_cancel_action
from .._sse import joined_events, run_events

__all__ = ["routes"]

_RUN_STATUSES = ("pending", "running", "error", "success", "timeout", "interrupted")


async def _start(request: Request, *, stateless: bool) -> tuple[ActiveRun, str, Callable[[], None]]:
    body = await read_body(request)
    thread_id = None if stateless else request.path_params["thread_id"]
    return _begin(request.app.state.server, body, thread_id)


def _begin(
    server: Any, body: dict[str, Any], thread_id: str | None
) -> tuple[ActiveRun, str, Callable[[], None]]:
    """Start a run on ``thread_id`` (None: a stateless run on an ephemeral thread)."""
    run_request = parse_run_request(body)
    stateless = thread_id is None
    on_completion = "keep"
    if thread_id is None:
        on_completion = field(body, "on_completion", (str,), "delete")
        if on_completion not in ("delete", "keep"):
            raise ApiError(422, "Body key 'on_completion' must be 'delete' or 'keep'.")
        thread_id = str(uuid.uuid4())
        run_request.if_not_exists = "create"
    active = server.runs.start(thread_id, run_request)
    run_id = active.run["run_id"]
    location = f"/runs/{run_id}" if stateless else f"/threads/{thread_id}/runs/{run_id}"

    def cleanup() -> None:
        if on_completion == "delete":
            server.threads.delete(active.thread_id)

    return active, location, cleanup


async def wait_run(request: Request) -> Response:
    """``POST /threads/{thread_id}/runs/wait`` and ``POST /runs/wait``: final values."""
    active, location, cleanup = await _start(request, stateless=_is_stateless(request))
    captured: dict[str, Any] = {}

    def on_done() -> None:  # why: read the thread before a stateless cleanup deletes it
        try:
            captured["output"] = _final_output(request, active.thread_id, active.error)
        finally:
            cleanup()

    runs = request.app.state.server.runs
    runs.launch(active, on_done)
    await runs.wait_done(active.run_id)
    return json_response(captured["output"], headers={"Content-Location": location})


def _final_output(request: Request, thread_id: str, error: dict[str, str] | None) -> Any:
    if error is not None:
        return {"__error__": error}
    thread = request.app.state.server.threads.get(thread_id)
    values = thread["values"]
    pending = [i for interrupts in thread["interrupts"].values() for i in interrupts]
    if pending and isinstance(values, dict):
        values = {**values, "__interrupt__": pending}
    return values


async def stream_run(request: Request) -> Response:
    """``POST /threads/{thread_id}/runs/stream`` and ``POST /runs/stream``: SSE."""
    on_disconnect = field(await read_body(request), "on_disconnect", (str,), "cancel")
    if on_disconnect not in ("cancel", "continue"):
        raise ApiError(422, "Body key 'on_disconnect' must be 'cancel' or 'continue'.")
    active, location, cleanup = await _start(request, stateless=_is_stateless(request))
    runs = request.app.state.server.runs
    log = runs.launch(active, cleanup)

    resumable = active.request.stream_resumable
    framer = joined_events if resumable else run_events  # why: ids only when replayable

    async def body() -> AsyncIterator[bytes]:
        try:
            events = log.follow(0, idle=_sse.HEARTBEAT_SECONDS)
            async for frame in framer(active.run_id, events):
                yield frame
        finally:
            if on_disconnect == "cancel":
                runs.stop(active.run_id)

    headers = {"Content-Location": location, "Cache-Control": "no-store"}
    if resumable:  # the SDK reconnects here with Last-Event-ID after a dropped connection
        headers["Location"] = f"/threads/{active.thread_id}/runs/{active.run_id}/stream"
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


async def create_run(request: Request) -> Response:
    """``POST /threads/{thread_id}/runs`` and ``POST /runs``: a background run (Run, pending)."""
    active, location, cleanup = await _start(request, stateless=_is_stateless(request))
    request.app.state.server.runs.launch(active, cleanup)
    return json_response(active.run, headers={"Content-Location": location})


async def create_batch(request: Request) -> Response:
    """``POST /runs/batch``: a JSON array of RunCreate -> stateless background Runs."""
    raw = await request.body()
    try:
        items = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(422, f"Request body is not valid JSON: {exc}.") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ApiError(422, "Request body must be a JSON array of run objects.")
    server = request.app.state.server
    for index, item in enumerate(items):  # why: refuse the batch before starting any run
        try:
            server.assistants.get(parse_run_request(item).assistant_id)
        except ApiError as exc:
            raise ApiError(exc.status, f"Run {index} of the batch: {exc.detail}") from None
    runs = []
    for item in items:
        active, _, cleanup = _begin(server, item, None)
        server.runs.launch(active, cleanup)
        runs.append(active.run)
    return json_response(runs)


async def join_run(request: Request) -> Response:
    """``GET /threads/{thread_id}/runs/{run_id}/join``: final values once the run ended."""
    runs, params = request.app.state.server.runs, request.path_params
    runs.get(params["thread_id"], params["run_id"])
    await runs.wait_done(params["run_id"])
    run = runs.get(params["thread_id"], params["run_id"])
    return json_response(_final_output(request, params["thread_id"], run["error"]))


async def join_stream(request: Request) -> Response:
    """``GET /threads/{thread_id}/runs/{run_id}/stream``: follow an unfinished run.

    Events come from now on, or after ``Last-Event-ID`` (each carries its ``id:``), filtered
    by the ``stream_mode`` query; a finished run answers ``metadata``, ``end`` (a
    ``stream_resumable`` one replays its kept events for two minutes).
    """
    runs, params = request.app.state.server.runs, request.path_params
    runs.get(params["thread_id"], params["run_id"])
    if request.query_params.get("cancel_on_disconnect") in ("1", "true", "True"):
        raise ApiError(
            422,
            "Query parameter 'cancel_on_disconnect' is not supported; cancel "
            "with POST .../runs/{run_id}/cancel.",
        )
    last = request.headers.get("last-event-id")
    if last is not None and not last.isdigit():
        raise ApiError(422, f"Header 'Last-Event-ID' must be an event id, got {last!r}.")
    # why: the SDK sends an empty stream_mode when it has none to filter by
    modes = {STREAM_MODES.get(m, m) for m in request.query_params.getlist("stream_mode") if m}
    log = runs.log(params["run_id"])
    events = _no_events()
    if log is not None:
        after = None if last is None else int(last)
        events = log.follow_after(after, idle=_sse.HEARTBEAT_SECONDS)
    return StreamingResponse(
        joined_events(params["run_id"], _of_modes(events, modes)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store"},
    )


async def _of_modes(
    events: AsyncIterator[tuple[int, str, Any] | None], modes: set[str]
) -> AsyncIterator[tuple[int, str, Any] | None]:
    async for item in events:
        # "messages/partial|ns" belongs to mode "messages"
        if item is None or not modes or item[1] == "error" or _mode_of(item[1]) in modes:
            yield item


def _mode_of(event: str) -> str:
    return event.split("|")[0].split("/")[0]


async def _no_events() -> AsyncIterator[tuple[int, str, Any] | None]:
    return
    yield


async def cancel_run(request: Request) -> Response:
    """``POST /threads/{thread_id}/runs/{run_id}/cancel?wait=0|1&action=interrupt|rollback``.

    ``interrupt`` answers the run; ``rollback`` deletes it, so it answers no body (204 once
    rolled back with ``wait``, else 202).
    """
    runs, params = request.app.state.server.runs, request.path_params
    action = request.query_params.get("action", "interrupt")
    check_cancel_action(action)
    wait = request.query_params.get("wait", "0") in ("1", "true")
    await runs.cancel(params["thread_id"], params["run_id"], wait=wait, action=action)
    if action == "rollback":
        return Response(status_code=204 if wait else 202)
    return json_response(runs.get(params["thread_id"], params["run_id"]))


async def cancel_runs(request: Request) -> Response:
    """``POST /runs/cancel?action=interrupt|rollback``: thread_id, run_ids, status; 204."""
    body = await read_body(request)
    action = request.query_params.get("action", "interrupt")
    check_cancel_action(action)
    thread_id, run_ids = field(body, "thread_id", (str,)), field(body, "run_ids", (list,))
    status = field(body, "status", (str,))
    if status is not None and status not in ("pending", "running", "all"):
        raise ApiError(422, "Body key 'status' must be 'pending', 'running' or 'all'.")
    if thread_id is None and run_ids is None and status is None:
        raise ApiError(422, "Send 'thread_id', 'run_ids' or 'status' to say which runs to cancel.")
    request.app.state.server.runs.cancel_many(thread_id, run_ids, status or "all", action)
    return Response(status_code=204)


async def delete_run(request: Request) -> Response:
    """``DELETE /threads/{thread_id}/runs/{run_id}``: a run that is not executing."""
    params = request.path_params
    request.app.state.server.runs.delete(params["thread_id"], params["run_id"])
    return Response(status_code=204)


def _is_stateless(request: Request) -> bool:
    return "thread_id" not in request.path_params


async def list_runs(request: Request) -> Response:
    """``GET /threads/{thread_id}/runs``: query limit (10), offset (0), status."""
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    server.threads.get(thread_id)
    limit = _query_int(request, "limit", 10)
    offset = _query_int(request, "offset", 0)
    status = request.query_params.get("status")
    if status is not None and status not in _RUN_STATUSES:
        raise ApiError(422, f"Query parameter 'status' must be one of {_RUN_STATUSES}.")
    runs = [r for r in server.runs.list(thread_id) if status is None or r["status"] == status]
    return json_response(runs[offset : offset + limit])


def _query_int(request: Request, key: str, default: int) -> int:
    raw = request.query_params.get(key)
    if raw is None:
        return default
    if not raw.isdigit():
        raise ApiError(422, f"Query parameter {key!r} must be a non-negative integer, got {raw!r}.")
    return int(raw)


async def get_run(request: Request) -> Response:
    """``GET /threads/{thread_id}/runs/{run_id}``."""
    params = request.path_params
    return json_response(request.app.state.server.runs.get(params["thread_id"], params["run_id"]))


routes = [
    Route("/threads/{thread_id}/runs/wait", wait_run, methods=["POST"]),
    Route("/threads/{thread_id}/runs/stream", stream_run, methods=["POST"]),
    Route("/threads/{thread_id}/runs", list_runs, methods=["GET"]),
    Route("/threads/{thread_id}/runs", create_run, methods=["POST"]),
    Route("/threads/{thread_id}/runs/{run_id}", get_run, methods=["GET"]),
    Route("/threads/{thread_id}/runs/{run_id}", delete_run, methods=["DELETE"]),
    Route("/threads/{thread_id}/runs/{run_id}/join", join_run, methods=["GET"]),
    Route("/threads/{thread_id}/runs/{run_id}/stream", join_stream, methods=["GET"]),
    Route("/threads/{thread_id}/runs/{run_id}/cancel", cancel_run, methods=["POST"]),
    Route("/runs", create_run, methods=["POST"]),
    Route("/runs/cancel", cancel_runs, methods=["POST"]),
    Route("/runs/batch", create_batch, methods=["POST"]),
    Route("/runs/wait", wait_run, methods=["POST"]),
    Route("/runs/stream", stream_run, methods=["POST"]),
]
