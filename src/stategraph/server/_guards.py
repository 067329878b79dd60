"""The middleware in front of every route: a request-size limit, then authentication.

``create_app`` takes the list from :func:`guard_middleware`.  The size limit is the config's
``http.max_body_bytes`` or env ``STATEGRAPH_MAX_BODY_BYTES`` (default 10 MiB); a larger body
answers 413 before any route reads it, so nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from starlette.middleware import Middleware
from starlette.responses import JSONResponse

from ._auth import load_auth_policy
from ._auth_middleware import AuthMiddleware
from .config import ConfigError, ServerConfig, _read_json

__all__ = ["BodyLimitMiddleware", "guard_middleware", "raw_config"]

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


def raw_config(source: Any) -> tuple[Mapping[str, Any], Path, Path | None]:
    """Return the config's raw mapping, the directory its paths are relative to, its file."""
    if isinstance(source, ServerConfig):
        path = source.path
        return (_read_json(path) if path else {}), (path.parent if path else Path.cwd()), path
    if isinstance(source, Mapping):
        return source, Path.cwd(), None
    path = Path(source).resolve()
    return _read_json(path), path.parent, path


def max_body_bytes(raw: Mapping[str, Any]) -> int:
    """Return the request-size limit from the config or the environment."""
    http = raw.get("http") or {}
    limit = http.get("max_body_bytes") if isinstance(http, Mapping) else None
    if limit is None:
        env = os.environ.get("STATEGRAPH_MAX_BODY_BYTES", "")
        if env and not env.isdigit():
            raise ConfigError(f"Env STATEGRAPH_MAX_BODY_BYTES must be a byte count, got {env!r}.")
        limit = int(env) if env else DEFAULT_MAX_BODY_BYTES
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise ConfigError(
            f"Config key 'http.max_body_bytes' must be a positive integer, got {limit!r}."
        )
    return limit


def guard_middleware(source: Any, server: Any, routes: list[Any]) -> list[Middleware]:
    """The middleware list for ``create_app``: size limit outermost, then auth."""
    raw, base, path = raw_config(source)
    return [
        Middleware(BodyLimitMiddleware, limit=max_body_bytes(raw)),
        Middleware(
            AuthMiddleware, policy=load_auth_policy(raw, base, path), server=server, routes=routes
        ),
    ]


class BodyLimitMiddleware:
    """Answer 413 for a request body over ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send, int(declared))
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(scope, receive, send, size)
                return
            if not message.get("more_body"):
                break
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Any, receive: Any, send: Any, size: int) -> None:
        detail = (
            f"Request body is over this server's limit of {self.limit} bytes (got at least "
            f"{size}); send less, or raise 'http.max_body_bytes' in the server config."
        )
        await JSONResponse({"detail": detail}, status_code=413)(scope, receive, send)
