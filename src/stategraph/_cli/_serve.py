"""``stategraph dev``, ``serve`` and ``worker``: serve a langgraph.json's graphs.

``dev`` is the embedded server (SQLite, in memory by default).  ``serve`` is the same on a
SQLite file, or, given ``--postgres-uri`` and ``--redis-uri`` (or ``POSTGRES_URI`` and
``REDIS_URI``), the scale-out API server with ``--workers N`` worker processes beside it.
``worker`` only executes runs; any number of them, on any machines, share one Postgres and
one Redis with the API servers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["add_scale_arguments", "dev", "serve", "worker"]

_TIMINGS = ("lease_seconds", "heartbeat_seconds", "reap_seconds", "poll_seconds")
DRAIN_SECONDS = 20.0  # how long a stopping worker may take to hand its runs back


def add_scale_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``serve`` and ``worker`` share: config, services, queue timings."""
    parser.add_argument("--config", default="langgraph.json", help="config file (langgraph.json)")
    parser.add_argument("--postgres-uri", help="PostgreSQL URI (or env POSTGRES_URI)")
    parser.add_argument("--redis-uri", help="Redis URI (or env REDIS_URI)")
    parser.add_argument("--key-prefix", default="stategraph", help="Redis key prefix")
    parser.add_argument("--jobs", type=int, default=10, help="runs one worker executes at once")
    parser.add_argument("--max-attempts", type=int, default=3, help="claims before a run fails")
    for name in _TIMINGS:
        flag = "--" + name.replace("_", "-")
        parser.add_argument(flag, type=float, help=f"queue timing ({name}; see ScaleSettings)")


def _load(args: Any) -> tuple[Any, Any] | int:
    """(config, settings or None) from ``args``; an exit status after a printed error."""
    try:
        from ..server import ConfigError, load_config
        from ..server._scale.settings import ScaleSettings
    except ImportError as exc:
        print(f"stategraph {args.command} needs the server extra ({exc})", file=sys.stderr)
        return 2
    try:
        settings = ScaleSettings.from_env(args.postgres_uri, args.redis_uri)
        config = load_config(args.config)
    except (ConfigError, TypeError) as exc:
        print(f"stategraph {args.command}: {exc}", file=sys.stderr)
        return 2
    if settings is not None:
        timings = {n: getattr(args, n) for n in _TIMINGS if getattr(args, n) is not None}
        settings = _replace(settings, args, timings)
    return config, settings


def _replace(settings: Any, args: Any, timings: dict[str, float]) -> Any:
    from dataclasses import replace

    return replace(
        settings,
        key_prefix=args.key_prefix,
        jobs=args.jobs,
        max_attempts=args.max_attempts,
        **timings,
    )


def dev(args: Any) -> int:
    """Run uvicorn on ``create_app`` (embedded mode: SQLite, in memory by default).

    Unless ``--no-reload``, the server restarts when a file under the config's folder changes
    (``*.py``, ``*.json``, ``.env``), as ``langgraph dev`` does; threads in an in-memory
    database do not survive a restart (pass ``--database FILE`` to keep them).
    """
    try:
        import uvicorn

        from ..server import ConfigError, create_app, load_config
    except ImportError as exc:
        print(
            f"stategraph dev needs the server extra: pip install 'stategraph[server]' ({exc})",
            file=sys.stderr,
        )
        return 2
    try:
        if getattr(args, "no_reload", True):
            app = create_app(args.config, database=args.database)
        else:
            load_config(args.config)  # why: a bad config fails here, not in a reloaded child
    except (ConfigError, TypeError) as exc:
        print(f"stategraph dev: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "no_reload", True):
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
        return 0
    from ..server._dev_app import CONFIG_ENV, DATABASE_ENV

    config = Path(args.config).resolve()
    os.environ[CONFIG_ENV], os.environ[DATABASE_ENV] = str(config), args.database
    uvicorn.run(
        "stategraph.server._dev_app:app",
        factory=True,
        reload=True,
        reload_dirs=[str(config.parent)],
        reload_includes=["*.py", "*.json", ".env"],
        host=args.host,
        port=args.port,
        log_level="info",
    )
    return 0


def serve(args: Any) -> int:
    """The API server; in scale-out mode with ``--workers`` worker processes beside it."""
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    config, settings = loaded
    import uvicorn

    from ..server import create_app

    if settings is None:
        if args.workers > 1:
            print(
                "stategraph serve: --workers > 1 needs --postgres-uri and --redis-uri "
                "(the embedded SQLite mode runs every run in this one process).",
                file=sys.stderr,
            )
            return 2
        Path(args.database).parent.mkdir(parents=True, exist_ok=True)
        app = create_app(config, database=args.database)
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
        return 0
    from ..server import ConfigError

    try:
        app = create_app(config, scale=settings, run_worker=args.workers == 0)
    except ConfigError as exc:
        print(f"stategraph serve: {exc}", file=sys.stderr)
        return 2
    children = [_spawn_worker(args, settings) for _ in range(args.workers)]
    # why: uvicorn re-raises the SIGTERM it caught once it has shut down; with the default
    # action the process would die there and never stop its workers
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    finally:
        _stop_children(children)
    return 0


def _spawn_worker(args: Any, settings: Any) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "stategraph.cli", "worker", "--config", args.config]
    command += ["--key-prefix", settings.key_prefix, "--jobs", str(settings.jobs)]
    command += ["--max-attempts", str(settings.max_attempts)]
    for name in _TIMINGS:
        command += ["--" + name.replace("_", "-"), str(getattr(settings, name))]
    # why: URIs go by environment, not argv, so a password never shows in `ps`
    env = {**os.environ, "POSTGRES_URI": settings.postgres_uri, "REDIS_URI": settings.redis_uri}
    return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """In a worker child: get SIGTERM when the serve process dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the workers outlive a killed serve; stop them by hand


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + DRAIN_SECONDS + 5  # one deadline for all of them
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def worker(args: Any) -> int:
    """Execute runs from Postgres + Redis until SIGTERM/SIGINT (then drain and exit)."""
    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    config, settings = loaded
    if settings is None:
        print(
            "stategraph worker: needs --postgres-uri and --redis-uri (or POSTGRES_URI and "
            "REDIS_URI); workers share runs through them.",
            file=sys.stderr,
        )
        return 2
    from ..server import ConfigError

    try:
        asyncio.run(_work(config, settings))
    except ConfigError as exc:
        print(f"stategraph worker: {exc}", file=sys.stderr)
        return 2
    return 0


async def _work(config: Any, settings: Any) -> None:
    from ..server._scale._state import open_scale
    from ..server._thread_ttl import sweeper_for

    backends = open_scale(config, settings)
    stop = asyncio.Event()

    def on_signal() -> None:
        if stop.is_set():  # a second signal: stop draining, the leases expire instead
            os._exit(1)
        stop.set()

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal)
    await backends.worker.start()
    ticking = loop.create_task(backends.crons.run())  # every instance schedules crons
    sweeping = loop.create_task(sweeper_for(backends, config.thread_ttl).run())  # and sweeps
    print(f"stategraph worker {backends.worker.worker_id} ready", flush=True)
    await stop.wait()
    ticking.cancel()
    sweeping.cancel()
    try:
        await asyncio.wait_for(_shut_down(backends), DRAIN_SECONDS)
    except TimeoutError:
        print(f"stategraph worker: drain took over {DRAIN_SECONDS} s; exiting", file=sys.stderr)
        os._exit(1)  # why: a stuck drain must not outlive its server; leases expire


async def _shut_down(backends: Any) -> None:
    await backends.worker.stop(drain=True)
    await backends.runs.close()
    await backends.close()
