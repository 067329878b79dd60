"""Open the scale-out backends: Postgres pool, saver, store, resource tables; Redis bus."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg_pool import ConnectionPool, PoolTimeout

from ...checkpoint.postgres import PostgresSaver
from ...checkpoint.postgres._connect import pool_arguments, pool_checks
from ...store.postgres import PostgresStore
from .._assistants import Assistants, bind_graph
from .._crons import Crons
from .._thread_ttl import default_ttl
from .._threads import Threads
from ..config import ConfigError, ServerConfig
from ._bus import Bus
from ._crons import claim_due_locked
from ._pg_resources import PgResources
from ._runs import ScaleRuns
from ._thread_stream import ScaleThreadEvents
from ._worker import Worker
from .settings import ScaleSettings

__all__ = ["ScaleBackends", "open_scale"]

_SEED_LOCK = 0x53475341  # "SGSA": two processes seeding the system assistants at once
POOL_SIZE = 10  # connections for checkpoints and store items, per process


@dataclass(slots=True)
class ScaleBackends:
    """Everything one scale-out process holds open."""

    resources: PgResources
    checkpointer: PostgresSaver
    store: PostgresStore
    assistants: Assistants
    threads: Threads
    runs: ScaleRuns
    worker: Worker
    bus: Bus
    pool: ConnectionPool
    thread_events: ScaleThreadEvents
    crons: Crons | None = None  # set by open_scale: it needs these backends to start runs

    async def close(self) -> None:
        """Close Redis and Postgres (runs and the worker must be stopped first)."""
        await self.thread_events.close()
        await self.bus.close()
        self.resources.close()
        self.pool.close()


def open_scale(config: ServerConfig, settings: ScaleSettings) -> ScaleBackends:
    """Connect to Postgres and Redis, apply migrations, bind the graphs."""
    # why: check every connection before lending it (one empty round trip): after a
    # Postgres restart or pg_terminate_backend the whole pool is dead at once, and the
    # savers retry a dropped connection only once
    checks = {**pool_checks(), "check": ConnectionPool.check_connection}
    arguments = pool_arguments(settings.postgres_uri, {"max_size": POOL_SIZE}, checks)
    pool: ConnectionPool = ConnectionPool(**arguments)
    try:
        pool.open(wait=True, timeout=10)
    except PoolTimeout as exc:
        pool.close()
        raise ConfigError(
            f"Cannot connect to PostgreSQL within 10 s ({exc}). Check --postgres-uri "
            "(or POSTGRES_URI) and that the server is up."
        ) from None
    checkpointer = PostgresSaver(pool)
    checkpointer.setup()
    store = PostgresStore(pool, index=config.store_index, ttl=config.store_ttl)  # type: ignore[arg-type]
    store.setup()
    resources = PgResources(settings.postgres_uri)
    graphs = {gid: bind_graph(gid, g, checkpointer, store) for gid, g in config.graphs.items()}
    with resources.advisory_lock(_SEED_LOCK):
        assistants = Assistants(resources, graphs)  # type: ignore[arg-type]
    threads = Threads(resources, checkpointer, default_ttl(config.thread_ttl))  # type: ignore[arg-type]
    bus = Bus(settings.redis_uri, settings.key_prefix, settings.keep_seconds)
    runs = ScaleRuns(resources, assistants, threads, bus, settings)
    worker = Worker(resources, assistants, threads, bus, settings)
    thread_events = ScaleThreadEvents(bus, settings.poll_seconds)
    parts: dict[str, Any] = {"worker": worker, "bus": bus, "pool": pool}
    parts["thread_events"] = thread_events
    backends = ScaleBackends(resources, checkpointer, store, assistants, threads, runs, **parts)
    backends.crons = Crons(backends, claim=claim_due_locked)
    return backends
