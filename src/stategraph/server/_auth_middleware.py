"""ASGI middleware: authenticate every request, then apply the resource's authorization handler.

Each route maps to a resource action (:data:`_RULES`).  On a create the handler may add
metadata (an owner) that is written into the request body; on read/update/delete of one row
the handler's filter is checked against that row's metadata (runs: their thread's), and a row
that fails it answers 404 exactly like a missing one, so nothing is revealed or changed.
Searches and counts are answered from the filtered rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Match, compile_path

from ._auth import AuthPolicy
from ._auth_kinds import KINDS, Call
from ._http import ApiError

__all__ = ["AuthMiddleware"]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_R = "{thread_id}"
_RULE_SOURCE: list[tuple[str, str, str, str, str]] = [
    # method, path, resource, action, kind
    ("POST", "/threads", "threads", "create", "create"),
    ("POST", "/threads/search", "threads", "search", "search"),
    ("POST", "/threads/count", "threads", "search", "count"),
    ("POST", "/threads/prune", "threads", "delete", "prune"),
    ("POST", f"/threads/{_R}/copy", "threads", "read", "one"),
    ("GET", f"/threads/{_R}", "threads", "read", "one"),
    ("PATCH", f"/threads/{_R}", "threads", "update", "one"),
    ("DELETE", f"/threads/{_R}", "threads", "delete", "one"),
    ("GET", f"/threads/{_R}/state", "threads", "read", "one"),
    ("POST", f"/threads/{_R}/state", "threads", "update", "one"),
    ("POST", f"/threads/{_R}/state/checkpoint", "threads", "read", "one"),
    ("GET", f"/threads/{_R}/state/{{checkpoint_id}}", "threads", "read", "one"),
    ("POST", f"/threads/{_R}/history", "threads", "read", "one"),
    ("GET", f"/threads/{_R}/stream", "threads", "read", "one"),
    ("GET", f"/threads/{_R}/history", "threads", "read", "one"),
    ("POST", f"/threads/{_R}/runs/crons", "crons", "create", "thread_cron"),
    ("POST", f"/threads/{_R}/runs/wait", "threads", "create_run", "run"),
    ("POST", f"/threads/{_R}/runs/stream", "threads", "create_run", "run"),
    ("POST", f"/threads/{_R}/runs", "threads", "create_run", "run"),
    ("GET", f"/threads/{_R}/runs", "threads", "read", "one"),
    ("GET", f"/threads/{_R}/runs/{{run_id}}", "threads", "read", "one"),
    ("DELETE", f"/threads/{_R}/runs/{{run_id}}", "threads", "delete", "one"),
    ("GET", f"/threads/{_R}/runs/{{run_id}}/join", "threads", "read", "one"),
    ("GET", f"/threads/{_R}/runs/{{run_id}}/stream", "threads", "read", "one"),
    ("POST", f"/threads/{_R}/runs/{{run_id}}/cancel", "threads", "update", "one"),
    ("POST", "/runs/crons", "crons", "create", "create"),
    ("POST", "/runs/crons/search", "crons", "search", "search"),
    ("POST", "/runs/crons/count", "crons", "search", "count"),
    ("PATCH", "/runs/crons/{cron_id}", "crons", "update", "one"),
    ("DELETE", "/runs/crons/{cron_id}", "crons", "delete", "one"),
    ("POST", "/runs/cancel", "threads", "update", "cancel_many"),
    ("POST", "/runs/batch", "threads", "create_run", "batch"),
    ("POST", "/runs/wait", "threads", "create_run", "stateless"),
    ("POST", "/runs/stream", "threads", "create_run", "stateless"),
    ("POST", "/runs", "threads", "create_run", "stateless"),
    ("POST", "/assistants", "assistants", "create", "create"),
    ("POST", "/assistants/search", "assistants", "search", "search"),
    ("POST", "/assistants/count", "assistants", "search", "count"),
    ("GET", "/assistants/{assistant_id}", "assistants", "read", "one"),
    ("PATCH", "/assistants/{assistant_id}", "assistants", "update", "one"),
    ("DELETE", "/assistants/{assistant_id}", "assistants", "delete", "one"),
    ("GET", "/assistants/{assistant_id}/graph", "assistants", "read", "one"),
    ("GET", "/assistants/{assistant_id}/schemas", "assistants", "read", "one"),
    ("GET", "/assistants/{assistant_id}/subgraphs", "assistants", "read", "one"),
    ("GET", "/assistants/{assistant_id}/subgraphs/{namespace:path}", "assistants", "read", "one"),
    ("POST", "/assistants/{assistant_id}/versions", "assistants", "read", "one"),
    ("POST", "/assistants/{assistant_id}/latest", "assistants", "update", "one"),
    ("PUT", "/store/items", "store", "put", "store"),
    ("GET", "/store/items", "store", "get", "store"),
    ("DELETE", "/store/items", "store", "delete", "store"),
    ("POST", "/store/items/search", "store", "search", "store"),
    ("POST", "/store/namespaces", "store", "list_namespaces", "store"),
]


@dataclass(frozen=True, slots=True)
class _Rule:
    method: str
    pattern: re.Pattern[str]
    resource: str
    action: str
    kind: str


_RULES = [
    _Rule(method, compile_path(path)[0], resource, action, kind)
    for method, path, resource, action, kind in _RULE_SOURCE
]


class AuthMiddleware:
    """Authenticate (401/403 JSON), then authorize per :data:`_RULES` before the routes run."""

    def __init__(self, app: Any, policy: AuthPolicy, server: Any, routes: list[Any]) -> None:
        self.app, self.policy, self.server, self.routes = app, policy, server, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        # why: the studio's static files hold no data (its API calls are checked like any other)
        public = path == "/ok" or path == "/studio" or path.startswith("/studio/")
        if scope["type"] != "http" or not self.policy.is_active or public:
            await self.app(scope, receive, send)
            return
        try:
            call = await self._prepare(scope, receive)
        except ApiError as exc:
            headers = getattr(exc, "headers", None)
            await JSONResponse({"detail": exc.detail}, exc.status, headers)(scope, receive, send)
            return
        if call is None:
            await self.app(scope, receive, send)
        elif call.answer is not None:
            await JSONResponse(call.answer)(scope, receive, send)
        else:
            await self._forward(call, receive, send)

    async def _prepare(self, scope: Scope, receive: Receive) -> Call | None:
        params = self._path_params(scope)
        user = await self.policy.authenticate(Request({**scope, "path_params": params}))
        scope.setdefault("state", {})["user"] = user
        rule = _rule_for(scope)
        if rule is None or self.policy.auth is None:  # API keys: nothing to scope
            return None
        body = await _read_all(receive)
        match = rule.pattern.match(scope["path"])
        assert match is not None
        call = Call(scope, body, user, match.groupdict(), rule)
        await KINDS[rule.kind](self, call)
        return call

    def _path_params(self, scope: Scope) -> dict[str, Any]:
        for route in self.routes:
            matched, child = route.matches(scope)
            if matched == Match.FULL:
                return dict(child.get("path_params", {}))
        return {}

    async def _forward(self, call: Call, receive: Receive, send: Send) -> None:
        replay = _replay(call.body, receive)
        if call.reshape is not None:
            await self._reshaped(call, replay, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and call.on_start is not None:
                call.on_start(_headers(message))
            await send(message)

        await self.app(call.scope, replay, watch)

    async def _reshaped(self, call: Call, receive: Receive, send: Send) -> None:
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(call.scope, receive, keep)
        start = messages[0]
        raw = b"".join(m.get("body", b"") for m in messages[1:])
        if start["status"] != 200 or call.reshape is None:
            for message in messages:
                await send(message)
            return
        data, headers = call.reshape(json.loads(raw), _headers(start))
        await JSONResponse(data, headers=headers)(call.scope, receive, send)


def _rule_for(scope: Scope) -> _Rule | None:
    for rule in _RULES:
        if rule.method == scope["method"] and rule.pattern.match(scope["path"]):
            return rule
    return None


def _headers(message: Message) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message["headers"]}


async def _read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
