"""Serve the example graphs with uvicorn on a free loopback port for the real SDK client.

``server_url`` runs every SDK-driven test twice: on the embedded server (SQLite, runs in
process) and on the scale-out server (a fresh Postgres schema and Redis key prefix per
test, short lease and poll intervals, a worker in the same process).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from stategraph.server import create_app
from stategraph.server._scale.settings import ScaleSettings

GRAPHS_FILE = Path(__file__).with_name("example_graphs.py")
GRAPHS = {
    "agent": "agent",
    "asker": "asker",
    "failing": "failing",
    "slowpoke": "slowpoke",
    "nested": "nested",
    "chat": "chat",
    "greeter": "greeter",
    "memo": "memo",
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def write_config(directory: Path) -> Path:
    """Write a langgraph.json serving every example graph; return its path."""
    config = {"graphs": {gid: f"{GRAPHS_FILE}:{attr}" for gid, attr in GRAPHS.items()}}
    path = directory / "langgraph.json"
    path.write_text(json.dumps(config))
    return path


def free_port() -> int:
    """Return a currently free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scale_settings(dsn: str, redis: str, **overrides: Any) -> ScaleSettings:
    """Test settings: a fresh key prefix and intervals short enough for quick tests."""
    timings: dict[str, Any] = {
        "lease_seconds": 8.0,  # why: a loaded CI machine must not lose leases
        "heartbeat_seconds": 0.5,
        "reap_seconds": 1.0,
        "poll_seconds": 0.2,
        "keep_seconds": 30.0,
    }
    prefix = f"sgtest:{uuid.uuid4().hex[:12]}"
    return ScaleSettings(dsn, redis, key_prefix=prefix, **{**timings, **overrides})


@contextmanager
def scale_schema() -> Iterator[tuple[str, str]]:
    """A fresh Postgres schema (its conninfo) and the Redis URL; skip when unreachable."""
    from _pg_databases import fresh_schema
    from _services import postgres_dsn, redis_url

    dsn, redis = postgres_dsn(), redis_url()
    with fresh_schema(dsn) as schema_dsn:
        yield schema_dsn, redis


@pytest.fixture(params=["embedded", "scale"])
def server_mode(request: pytest.FixtureRequest) -> str:
    """Which server ``server_url`` serves: embedded (SQLite) or scale-out (Postgres+Redis)."""
    return request.param


@pytest.fixture
def served(tmp_path: Path, server_mode: str) -> Iterator[tuple[str, Any]]:
    """Serve the example graphs (embedded: from a file database); yield base URL and app."""
    with serve_in_mode(write_config(tmp_path), server_mode) as served_pair:
        yield served_pair


@pytest.fixture
def server_url(served: tuple[str, Any]) -> str:
    """The base URL of the served example graphs (see ``served``)."""
    return served[0]


@contextmanager
def serve_in_mode(
    config: Path, mode: str, prepare: Callable[[Any], None] | None = None
) -> Iterator[tuple[str, Any]]:
    """Serve ``config`` in ``mode`` (``prepare(app)`` first, if given); yield (URL, app)."""
    if mode == "embedded":
        app = create_app(config, database=str(config.with_name("server.db")))
        if prepare is not None:
            prepare(app)
        with serve(app) as url:
            yield url, app
        return
    with scale_schema() as (dsn, redis):
        settings = scale_settings(dsn, redis)
        try:
            app = create_app(config, scale=settings)
            if prepare is not None:
                prepare(app)
            with serve(app) as url:
                yield url, app
        finally:
            drop_keys(redis, settings.key_prefix)


def drop_keys(redis_url: str, prefix: str) -> None:
    """Delete the Redis keys a test server made under ``prefix``."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a background thread; yield its base URL; stop it after."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


SCALE_GRAPHS = Path(__file__).with_name("scale_graphs.py")


def scale_config(directory: Path) -> Path:
    """A langgraph.json serving the ``steps`` graph."""
    path = directory / "langgraph.json"
    path.write_text(
        json.dumps({"graphs": {g: f"{SCALE_GRAPHS}:{g}" for g in ("steps", "breaking")}})
    )
    return path


@pytest.fixture
def scale(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A fresh schema, settings with a fresh key prefix, a config and a counter file."""
    with scale_schema() as (dsn, redis):
        settings = scale_settings(dsn, redis, lease_seconds=4.0, jobs=4)
        try:
            yield {
                "settings": settings,
                "config": scale_config(tmp_path),
                "counter": tmp_path / "counter.txt",
                "dsn": dsn,
            }
        finally:
            drop_keys(redis, settings.key_prefix)
