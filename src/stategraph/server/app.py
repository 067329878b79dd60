"""``create_app``: the Starlette application serving graphs over the LangGraph Server API.

Embedded mode: checkpoints go to a ``SqliteSaver`` and the server's own resources to SQLite
tables beside it (``database`` is ``":memory:"`` or a file path).  Scale-out mode (``scale``
given): everything durable in PostgreSQL, coordination in Redis, runs executed by workers
(this process too when ``run_worker``); see ``_scale``.
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
from ._scale.settings import ScaleSettings
from ._thread_log import ThreadEvents
from ._thread_ttl import default_ttl, sweeper_for
from ._threads import Threads
from ._webhooks import sender as webhooks
from .config import ServerConfig, load_config
from .routes import assistants, crons, runs, thread_stream, threads
from .routes import state as state_routes
from .routes import store as store_routes
from .studio import studio_routes

__all__ = ["ServerState", "create_app", "open_state"]


@dataclass(slots=True)
class ServerState:
    """What the routes share: resource tables, checkpointer, assistants, threads, runs."""

    resources: Any  # Resources (SQLite) or PgResources: one row interface
    checkpointer: Any  # SqliteSaver or PostgresSaver
    store: Any  # SqliteStore or PostgresStore
    assistants: Assistants
    threads: Threads
    runs: Any  # Runs (in process) or ScaleRuns (workers anywhere)
    scale: Any = None  # ScaleBackends in scale-out mode
    thread_events: Any = None  # ThreadEvents (in process) or ScaleThreadEvents (Redis)

    def close(self) -> None:
        if self.scale is not None:
            return  # closed asynchronously by the lifespan (Redis)
        self.resources.close()
        self.checkpointer.conn.close()
        self.store.conn.close()


def _scale_state(config: ServerConfig, settings: ScaleSettings) -> ServerState:
    # why: imported here, so the embedded server needs neither psycopg nor redis installed
    from ._scale._state import open_scale

    parts = open_scale(config, settings)
    return ServerState(
        parts.resources,
        parts.checkpointer,
        parts.store,
        parts.assistants,
        parts.threads,
        parts.runs,
        parts,
        thread_events=parts.thread_events,
    )


def open_state(config: ServerConfig, database: str) -> ServerState:
    """Open the database (checkpoints, store, resources) and bind every graph to it."""
    checkpointer = SqliteSaver(connect(database))
    resources = Resources(database)
    store_conn = connect(database)
    store = SqliteStore(store_conn, index=config.store_index, ttl=config.store_ttl)  # type: ignore[arg-type]
    graphs = {gid: bind_graph(gid, g, checkpointer, store) for gid, g in config.graphs.items()}
    assistants_ = Assistants(resources, graphs)
    threads_ = Threads(resources, checkpointer, default_ttl(config.thread_ttl))
    thread_events = ThreadEvents()
    runs_ = Runs(resources, assistants_, threads_, thread_events)
    return ServerState(
        resources, checkpointer, store, assistants_, threads_, runs_, thread_events=thread_events
    )


def create_app(
    config: str | os.PathLike[str] | Mapping[str, Any] | ServerConfig,
    *,
    database: str = ":memory:",
    scale: ScaleSettings | None = None,
    run_worker: bool = True,
) -> Starlette:
    """Build the app for ``config`` (a langgraph.json path, its mapping, or a ServerConfig).

    With ``scale``, serve from Postgres + Redis (``database`` unused); ``run_worker=False``
    leaves executing runs to separate ``stategraph worker`` processes.

    Examples:
        >>> from pathlib import Path
        >>> from starlette.testclient import TestClient
        >>> from stategraph.server import create_app
        >>> _ = Path("agent.py").write_text(
        ...     "from stategraph.graph import MessagesState, StateGraph\\n"
        ...     "graph = StateGraph(MessagesState).add_node('echo', lambda s: {})"
        ...     ".add_edge('__start__', 'echo').compile()\\n"
        ... )
        >>> app = create_app({"graphs": {"agent": "./agent.py:graph"}})  # in-memory SQLite
        >>> with TestClient(app) as client:
        ...     print(client.get("/ok").json())
        ...     run = client.post("/runs/wait", json={
        ...         "assistant_id": "agent",
        ...         "input": {"messages": [{"role": "user", "content": "hi"}]},
        ...     })
        ...     print([(m["type"], m["content"]) for m in run.json()["messages"]])
        {'ok': True}
        [('human', 'hi')]
    """
    loaded = config if isinstance(config, ServerConfig) else load_config(config)
    state = open_state(loaded, database) if scale is None else _scale_state(loaded, scale)

    # every instance schedules crons; in scale-out mode their claim makes that safe
    scheduler = Crons(state) if state.scale is None else state.scale.crons
    # every instance sweeps expired threads too: the sweeper's deletes are conditional SQL
    sweeper = sweeper_for(state, loaded.thread_ttl)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ticking = asyncio.get_running_loop().create_task(scheduler.run())
        sweeping = asyncio.get_running_loop().create_task(sweeper.run())
        if (loaded.store_ttl or {}).get("sweep_interval_minutes"):
            state.store.start_ttl_sweeper()  # a thread; deleting expired items is idempotent
        if state.scale is not None:
            state.runs.open(reap=not run_worker)  # a local worker reaps already
            if run_worker:
                await state.scale.worker.start()
        yield
        ticking.cancel()
        sweeping.cancel()
        state.store.stop_ttl_sweeper()
        if state.scale is not None:
            await state.scale.worker.stop(drain=True)
        await state.runs.close()
        await webhooks.aclose()
        if state.scale is not None:
            await state.scale.close()
        state.close()

    meta = [Route("/ok", ok, methods=["GET"]), Route("/info", info, methods=["GET"])]
    resources = (crons, assistants, threads, thread_stream, state_routes, runs, store_routes)
    all_routes = meta + [route for module in resources for route in module.routes]
    app = Starlette(
        routes=all_routes + studio_routes(),
        middleware=guard_middleware(config, state, all_routes),
        exception_handlers={ApiError: handle_api_error},
        lifespan=lifespan,
    )
    app.state.server = state
    app.state.crons = scheduler
    app.state.thread_sweeper = sweeper
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
