"""The Studio: a local, offline web UI for the server, served at ``/studio``.

Plain ES modules and hand-written CSS under ``static/`` (no build step, no CDN, no external
fonts); the pages call only the server's public HTTP API (server_api.md), from the same origin.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = ["STATIC_DIR", "studio_routes"]

STATIC_DIR = Path(__file__).with_name("static")


async def _to_index(request: Request) -> Response:
    return RedirectResponse(url=request.url.replace(path=request.url.path + "/"), status_code=307)


def studio_routes(prefix: str = "/studio") -> list[BaseRoute]:
    """Return the routes serving the Studio under ``prefix`` (``/studio`` redirects to ``/studio/``).

    Examples:
        ``create_app`` mounts them at ``/studio``; another Starlette app can mount them too:

        >>> from starlette.applications import Starlette
        >>> from starlette.testclient import TestClient
        >>> from stategraph.server.studio import studio_routes
        >>> app = Starlette(routes=studio_routes("/ui"))
        >>> with TestClient(app) as client:
        ...     moved = client.get("/ui", follow_redirects=False)
        ...     page = client.get("/ui/")
        >>> moved.status_code, moved.headers["location"]
        (307, 'http://testserver/ui/')
        >>> page.status_code, page.headers["content-type"]
        (200, 'text/html; charset=utf-8')
    """
    return [
        Route(prefix, _to_index, methods=["GET"]),
        Mount(prefix, app=StaticFiles(directory=STATIC_DIR, html=True), name="studio"),
    ]
