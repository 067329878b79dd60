"""Serve the example graphs with uvicorn on a free loopback port for the real SDK client."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from stategraph.server import create_app

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


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    """Serve the example graphs from a file database; yield the base URL."""
    with serve(create_app(write_config(tmp_path), database=str(tmp_path / "server.db"))) as url:
        yield url


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
