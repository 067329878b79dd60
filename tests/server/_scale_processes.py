"""Start ``stategraph worker`` processes for the scale-out tests, and stop them for sure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stategraph._cli._serve import _die_with_parent
from stategraph.server._scale.settings import ScaleSettings

SRC = Path(__file__).resolve().parents[2] / "src"


def worker_command(config: Path, settings: ScaleSettings) -> list[str]:
    """The argv of a worker process with ``settings``' prefix and timings."""
    command = [sys.executable, "-m", "stategraph.cli", "worker", "--config", str(config)]
    command += ["--key-prefix", settings.key_prefix, "--jobs", str(settings.jobs)]
    command += ["--max-attempts", str(settings.max_attempts)]
    for name in ("lease_seconds", "heartbeat_seconds", "reap_seconds", "poll_seconds"):
        command += ["--" + name.replace("_", "-"), str(getattr(settings, name))]
    return command


def worker_env(settings: ScaleSettings, **extra: str) -> dict[str, str]:
    """The environment of a worker: the service URIs, this source tree, ``extra``."""
    path = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    uris = {"POSTGRES_URI": settings.postgres_uri, "REDIS_URI": settings.redis_uri}
    return {**os.environ, "PYTHONPATH": path, **uris, **extra}


def start_worker(config: Path, settings: ScaleSettings, **env: str) -> subprocess.Popen[str]:
    """Start a worker and return once it says it is ready (30 s at most)."""
    process = subprocess.Popen(
        worker_command(config, settings),
        env=worker_env(settings, **env),
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=_die_with_parent,  # a killed test run leaves no worker behind
    )
    deadline = time.monotonic() + 30
    assert process.stdout is not None
    line = process.stdout.readline()
    if "ready" not in line or time.monotonic() > deadline:
        process.kill()
        raise RuntimeError(f"worker did not start: {line!r}")
    return process


@contextmanager
def workers(config: Path, settings: ScaleSettings, count: int, **env: str) -> Iterator[Any]:
    """Run ``count`` worker processes; SIGTERM (then SIGKILL) whichever still live after."""
    started: list[subprocess.Popen[str]] = []
    try:
        for _ in range(count):
            started.append(start_worker(config, settings, **env))
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def serve_command(config: Path, settings: ScaleSettings, workers: int) -> Iterator[Any]:
    """Run ``stategraph serve --workers N`` in scale-out mode; yield (url, process)."""
    import httpx

    from .conftest import free_port

    port = free_port()
    command = [sys.executable, "-m", "stategraph.cli", "serve", "--workers", str(workers)]
    command += ["--port", str(port), *worker_command(config, settings)[4:]]
    process = subprocess.Popen(
        command, env=worker_env(settings), stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{url}/ok", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_pids(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
