"""Processes of the server load bench: a throwaway Postgres schema, a private Redis, and
``stategraph serve`` on a loopback port (embedded, or scale-out with worker children).

Everything started here is stopped by the context managers that started it, by pid.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
from psycopg.conninfo import make_conninfo

from stategraph._cli._serve import _die_with_parent

SRC = Path(__file__).resolve().parents[1] / "src"
GRAPHS = Path(__file__).with_name("server_graphs.py")
POSTGRES_DSN = os.environ.get(
    "STATEGRAPH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# Fast failure detection for the fault runs; the defaults (30 s lease) suit production.
TIMINGS = {
    "--lease-seconds": "5",
    "--heartbeat-seconds": "1",
    "--reap-seconds": "1",
    "--poll-seconds": "0.5",
}


def free_port() -> int:
    """A currently free loopback TCP port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_config(directory: Path) -> Path:
    """A langgraph.json serving the bench's five-node chain as ``chain``."""
    path = directory / "langgraph.json"
    path.write_text(json.dumps({"graphs": {"chain": f"{GRAPHS}:chain"}}))
    return path


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh schema; yield a conninfo using it (named after it, for terminations)."""
    name = f"sgbench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield make_conninfo(POSTGRES_DSN, options=f"-c search_path={name}", application_name=name)
    finally:
        terminate_connections(name)
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def terminate_connections(application_name: str) -> int:
    """``pg_terminate_backend`` every connection of the bench's servers; return how many."""
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return sum(1 for (killed,) in rows if killed)


class PrivateRedis:
    """A redis-server of our own on a spare port, so killing it troubles no one else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        _wait_port(self.port, 10)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()


def _wait_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


@contextmanager
def server(
    config: Path,
    *,
    postgres: str | None = None,
    redis: str | None = None,
    workers: int = 3,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``stategraph serve``: embedded on a SQLite file, or scale-out with ``workers``."""
    port = free_port()
    command = [sys.executable, "-m", "stategraph.cli", "serve", "--config", str(config)]
    command += ["--port", str(port)]
    if postgres is None:
        command += ["--database", str(config.parent / "server.sqlite")]
    else:
        command += ["--workers", str(workers), "--key-prefix", f"sgbench:{uuid.uuid4().hex[:8]}"]
        command += [part for pair in TIMINGS.items() for part in pair]
    path = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    full_env = {**os.environ, "PYTHONPATH": path, **(env or {})}
    if postgres is not None and redis is not None:
        full_env.update(POSTGRES_URI=postgres, REDIS_URI=redis)
    log = (config.parent / "serve.log").open("ab")  # why: the servers' own account of a fault
    process = subprocess.Popen(
        command, env=full_env, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent
    )
    log.close()
    try:
        _wait_ready(f"http://127.0.0.1:{port}", process, 60)
        yield f"http://127.0.0.1:{port}", process
    finally:
        _stop(process)


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stategraph serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/ok", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"stategraph serve did not answer /ok within {seconds} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM ``serve`` (it stops its workers); SIGKILL whatever is left after 40 s."""
    workers = children(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in workers:
        _signal(pid, signal.SIGKILL)  # gone already unless serve could not stop them


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (the worker processes of a scale-out serve)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


LANGGRAPH_CHAIN = '''"""The bench's five-node chain, written for LangGraph (served by `langgraph dev`)."""
import operator
from typing import Annotated, TypedDict

from langgraph.graph import END, START, StateGraph


class ChainState(TypedDict, total=False):
    items: Annotated[list[str], operator.add]


def _node(name):
    def node(state: ChainState) -> ChainState:
        return {"items": [name]}

    return node


builder = StateGraph(ChainState)
previous = START
for name in ("n1", "n2", "n3", "n4", "n5"):
    builder.add_node(name, _node(name))
    builder.add_edge(previous, name)
    previous = name
builder.add_edge(previous, END)
chain = builder.compile()
'''


@contextmanager
def langgraph_dev(
    executable: str, directory: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run LangGraph's own ``langgraph dev`` (in-memory runtime) on the same chain."""
    (directory / "lg_chain.py").write_text(LANGGRAPH_CHAIN)
    config = directory / "langgraph.json"
    config.write_text(
        json.dumps({"dependencies": ["."], "graphs": {"chain": "./lg_chain.py:chain"}})
    )
    port = free_port()
    command = [executable, "dev", "--config", str(config), "--port", str(port)]
    command += ["--no-browser", "--no-reload", "--allow-blocking"]
    env = {**os.environ, "LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGSMITH_TRACING": "false"}
    log = (directory / "langgraph-dev.log").open("ab")
    process = subprocess.Popen(
        command, cwd=directory, env=env, stdout=log, stderr=log, preexec_fn=_die_with_parent
    )
    log.close()
    try:
        _wait_ready(f"http://127.0.0.1:{port}", process, 120)
        yield f"http://127.0.0.1:{port}", process
    finally:
        _stop(process)
