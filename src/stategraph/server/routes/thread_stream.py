"""``GET /threads/{thread_id}/stream``: the thread join stream (see ``_thread_events``).

It stays open until the client leaves, sending every event of the thread's runs in the
requested ``stream_mode``s (``run_modes`` by default), each with an ``id:``; a client that
reconnects with ``Last-Event-ID`` gets the kept events it missed, then follows on.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from .. import _sse
from .._thread_events import parse_last_event_id, parse_thread_modes, thread_frames

__all__ = ["routes"]


async def join_thread_stream(request: Request) -> Response:
    """Follow every run of the thread: 404 for an unknown thread, 422 for a bad mode or id."""
    server, thread_id = request.app.state.server, request.path_params["thread_id"]
    server.threads.get(thread_id)
    query = request.query_params
    # why: the SDK sends stream_mode; LangGraph's API reference names it stream_modes
    modes = parse_thread_modes([*query.getlist("stream_mode"), *query.getlist("stream_modes")])
    after = parse_last_event_id(request.headers.get("last-event-id"))
    heartbeat = _sse.HEARTBEAT_SECONDS
    events = server.thread_events.follow(thread_id, after, idle=heartbeat)
    # the SDK reconnects here with Last-Event-ID after a dropped connection
    again = urlencode([("stream_mode", mode) for mode in sorted(modes)])
    headers = {"Cache-Control": "no-store", "Location": f"/threads/{thread_id}/stream?{again}"}
    return StreamingResponse(
        thread_frames(events, modes, heartbeat), media_type="text/event-stream", headers=headers
    )


routes = [Route("/threads/{thread_id}/stream", join_thread_stream, methods=["GET"])]
