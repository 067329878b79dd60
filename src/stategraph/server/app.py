"""``create_app``: the Starlette application serving graphs over the LangGraph Server API.

Embedded mode: checkpoints go to a ``SqliteSaver`` and the server's own resources to SQLite
tables beside it (``database`` is ``":memory:"`` or a file path).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..checkpoint.sqlite import SqliteSaver
from ..store.sqlite import SqliteStore
from ._assistants import Assistants, bind_graph
from ._crons import Crons
from ._db import Resources, connect
from ._guards import guard_middleware
from ._http import ApiError, handle_api_error, json_response
from ._runs import Runs
from ._threads import Threads
from ._webhooks import sender as webhooks
from .config import ServerConfig, load_config
from .routes import assistants, crons, runs, threads
from .routes import state as state_routes
from .routes import store as store_routes
from .studio import studio_routes

__all__ = ["ServerState", "create_app", "open_state"]


@dataclass(slots=True)
class ServerState:
    """What the routes share: resource tables, checkpointer, assistants, threads, runs."""

    resources: Resources
    checkpointer: SqliteSaver
    store: SqliteStore
    assistants: Assistants
    threads: Threads
    runs: Runs

    def close(self) -> None:
        self.resources.close()
        self.checkpointer.conn.close()
        self.store.conn.close()


def open_state(config: ServerConfig, database: str) -> ServerState:
    """Open the database (checkpoints, store, resources) and bind every graph to it."""
    checkpointer = SqliteSaver(connect(database))
    resources = Resources(database)
    store_conn = connect(database)
    store = SqliteStore(store_conn, index=config.store_index)  # type: ignore[arg-type]
    graphs = {gid: bind_graph(gid, g, checkpointer, store) for gid, g in config.graphs.items()}
    assistants_ = Assistants(resources, graphs)
    threads_ = Threads(resources, checkpointer)
    runs_ = Runs(resources, assistants_, threads_)
    return ServerState(resources, checkpointer, store, assistants_, threads_, runs_)


def create_app(
    config: str | os.PathLike[str] | Mapping[str, Any] | ServerConfig,
    *,
    database: str = ":memory:",
) -> Starlette:
    """Build the app for ``config`` (a langgraph.json path, its mapping, or a ServerConfig)."""
    state = open_state(
        config if isinstance(config, ServerConfig) else load_config(config), database
    )

    scheduler = Crons(state)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticking = asyncio.get_running_loop().create_task(scheduler.run())
        yield
        ticking.cancel()
        await state.runs.close()
        await webhooks.aclose()
        state.close()

    meta = [Route("/ok", ok, methods=["GET"]), Route("/info", info, methods=["GET"])]
    resources = (crons, assistants, threads, state_routes, runs, store_routes)
    all_routes = meta + [route for module in resources for route in module.routes]
    app = Starlette(
        routes=all_routes + studio_routes(),
        middleware=guard_middleware(config, state, all_routes),
        exception_handlers={ApiError: handle_api_error},
        lifespan=lifespan,
    )
    app.state.server = state
    app.state.crons = scheduler
    return app


async def ok(request: Request) -> Response:
    """``GET /ok``: liveness."""
    return json_response({"ok": True})


async def info(request: Request) -> Response:
    """``GET /info``: server version and feature flags."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("stategraph")
    except PackageNotFoundError:
        package_version = "unknown"
    return json_response(
        {
            "version": package_version,
            "server": "stategraph",
            "flags": {"assistants": True, "crons": True, "langsmith": False},
        }
    )
