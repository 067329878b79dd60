"""Checkpointing on PostgreSQL: steps/s on one thread, on 100 threads in 4 processes, and bytes.

Every run gets a throwaway schema on ``STATEGRAPH_POSTGRES_DSN`` (default: the local
server).  Each library is used the way its docs set it up: LangGraph's savers on
connections with ``autocommit``, ``prepare_threshold=0`` and ``dict_row`` (and ``setup()``
called), stategraph's through ``from_conn_string`` (its pool checks connections before use).
The 100-thread run starts 4 processes (``python -m bench.durable_postgres load ...``), each
running 25 graph threads, one OS thread each, on one ``PostgresSaver`` over a pool of 10.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench._spec import Metrics, Settings, Workload, expect, metric
from bench._timing import median_seconds
from bench.durable import WINDOW, _chat, message_text_bytes, thread_turns
from bench.graphs import api, build_chat, build_seq

__all__ = ["WORKLOADS", "main"]

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
SEQ = 10  # nodes per invoke: checkpointed steps per invoke
PROCESSES, TASKS, POOL_SIZE = 4, 25, 10
REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Yield a conninfo whose search_path is a new schema; drop the schema afterwards."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    dsn = os.environ.get("STATEGRAPH_POSTGRES_DSN", DEFAULT_DSN)
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield make_conninfo(dsn, options=f"-c search_path={schema}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _langgraph_kwargs() -> dict[str, Any]:
    from psycopg.rows import dict_row

    return {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}


@contextmanager
def sync_saver(lib: str, conninfo: str) -> Iterator[Any]:
    """Yield ``lib``'s PostgresSaver on one connection, set up."""
    with api(lib, "checkpoint.postgres").PostgresSaver.from_conn_string(conninfo) as saver:
        saver.setup()
        yield saver


@contextmanager
def pooled_saver(lib: str, conninfo: str) -> Iterator[Any]:
    """Yield ``lib``'s PostgresSaver over a pool of ``POOL_SIZE`` connections, set up."""
    postgres = api(lib, "checkpoint.postgres")
    if lib == "stategraph":
        pool_config = {"min_size": POOL_SIZE, "max_size": POOL_SIZE}
        with postgres.PostgresSaver.from_conn_string(conninfo, pool_config=pool_config) as saver:
            saver.setup()
            yield saver
        return
    from psycopg_pool import ConnectionPool

    kwargs = _langgraph_kwargs()
    with ConnectionPool(conninfo, min_size=POOL_SIZE, max_size=POOL_SIZE, kwargs=kwargs) as pool:
        saver = postgres.PostgresSaver(pool)
        saver.setup()
        yield saver


def schema_bytes(conninfo: str) -> int:
    """Bytes of every table of the conninfo's schema, with indexes and TOAST."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM")  # so dead tuples do not count against either library
        row = conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        ).fetchone()
    assert row is not None
    return int(row[0])


# --- one thread -----------------------------------------------------------------------


def _one_thread() -> Workload:
    label = f"pg_seq_{SEQ} 1 thread (per checkpointed step)"

    def run(lib: str, settings: Settings) -> Metrics:
        with fresh_schema() as conninfo, sync_saver(lib, conninfo) as saver:
            graph = build_seq(lib, SEQ, checkpointer=saver)
            config = {"configurable": {"thread_id": "one"}}
            out = graph.invoke({"x": 0}, config)
            expect(out == {"x": SEQ}, f"expected {{'x': {SEQ}}}, got {out!r}")
            seconds = median_seconds(
                lambda: graph.invoke({"x": 0}, config), repeats=settings.pick(7, 3)
            )
        return {label: metric(seconds / SEQ * 1e6, "us/step")}

    question = (
        f"seq_{SEQ} invoked again and again on one thread with PostgresSaver (one connection): "
        "time per checkpointed step (1e6 / this = steps/s)."
    )
    return Workload("pg_seq_1thread", question, run)


# --- 100 threads in 4 processes ---------------------------------------------------------


def _load(lib: str, conninfo: str, rounds: int, go: Path, name: str) -> dict[str, Any]:
    """Run ``TASKS`` graph threads ``rounds`` invokes each once ``go`` exists."""
    with pooled_saver(lib, conninfo) as saver:
        graph = build_seq(lib, SEQ, checkpointer=saver)
        configs = [{"configurable": {"thread_id": f"{name}-{n}"}} for n in range(TASKS)]
        for config in configs:  # warm-up, and every thread has a history
            graph.invoke({"x": 0}, config)
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.001)
        outs: list[Any] = []

        def thread(config: dict[str, Any]) -> None:
            outs.extend(graph.invoke({"x": 0}, config) for _ in range(rounds))

        workers = [threading.Thread(target=thread, args=(config,)) for config in configs]
        started = time.time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        ended = time.time()
    ok = len(outs) == TASKS * rounds and all(out == {"x": SEQ} for out in outs)
    return {"started": started, "ended": ended, "steps": TASKS * rounds * SEQ, "ok": ok}


def _spawn(lib: str, conninfo: str, rounds: int, go: Path, name: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "bench.durable_postgres", "load", lib, conninfo]
    return subprocess.Popen(
        [*command, str(rounds), str(go), name],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _many_threads() -> Workload:
    label = f"pg_seq_{SEQ} {PROCESSES * TASKS} threads x {PROCESSES} procs (wall per step)"

    def run(lib: str, settings: Settings) -> Metrics:
        rounds = settings.pick(20, 5)
        with fresh_schema() as conninfo, tempfile.TemporaryDirectory() as tmp:
            # why: LangGraph's setup() is not safe from several processes at once (its
            # CREATE INDEX CONCURRENTLY waits on the others), so the schema is made here.
            with sync_saver(lib, conninfo):
                pass
            go = Path(tmp) / "go"
            workers = [_spawn(lib, conninfo, rounds, go, f"p{n}") for n in range(PROCESSES)]
            for worker in workers:
                if (worker.stdout.readline() if worker.stdout else "") != "ready\n":
                    expect(False, f"a load process failed: {worker.communicate()[1][-500:]}")
            go.touch()
            outputs = [worker.communicate(timeout=600) for worker in workers]
        reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
        expect(all(r["ok"] for r in reports), "a graph thread returned a wrong state")
        wall = max(r["ended"] for r in reports) - min(r["started"] for r in reports)
        steps = sum(r["steps"] for r in reports)
        return {label: metric(wall / steps * 1e6, "us/step")}

    question = (
        f"{PROCESSES} processes x {TASKS} OS threads, each its own graph thread invoking "
        f"seq_{SEQ} again and again, PostgresSaver over a pool of {POOL_SIZE} per process: wall time "
        "per checkpointed step over all of them (1e6 / this = aggregate steps/s)."
    )
    return Workload("pg_seq_100threads", question, run)


# --- the message thread -----------------------------------------------------------------


def _thread_labels(turns: int) -> tuple[str, str, str]:
    return (
        f"pg_thread_{turns} db bytes (floor: message JSON)",
        f"pg_thread_{turns} ms/turn, turns 1-{WINDOW}",
        f"pg_thread_{turns} ms/turn, turns {turns - WINDOW + 1}-{turns}",
    )


def _thread() -> Workload:
    def run(lib: str, settings: Settings) -> Metrics:
        turns = thread_turns(settings)
        size_label, early_label, late_label = _thread_labels(turns)
        config = {"configurable": {"thread_id": "chat"}}
        with fresh_schema() as conninfo:
            with sync_saver(lib, conninfo) as saver:
                times, _ = _chat(build_chat(lib, saver), turns, config)
            size = schema_bytes(conninfo)
        return {
            size_label: metric(size, "bytes"),
            early_label: metric(statistics.fmean(times[:WINDOW]) * 1e3, "ms"),
            late_label: metric(statistics.fmean(times[-WINDOW:]) * 1e3, "ms"),
        }

    def floor(settings: Settings) -> Metrics:
        turns = thread_turns(settings)
        return {_thread_labels(turns)[0]: metric(message_text_bytes(turns), "bytes")}

    question = (
        "The 1000-turn chat thread (MessagesState, add_messages) on PostgresSaver: bytes of "
        "the schema's tables (indexes and TOAST included, after VACUUM), ms/turn early vs late."
    )
    return Workload("pg_thread", question, run, floor)


WORKLOADS = [_one_thread(), _many_threads(), _thread()]


def main(argv: list[str]) -> int:
    """Entry point of a load process: ``load LIB CONNINFO ROUNDS GO_FILE NAME``."""
    if argv[:1] != ["load"]:
        print(__doc__, file=sys.stderr)
        return 2
    lib, conninfo, rounds, go, name = argv[1:6]
    report = _load(lib, conninfo, int(rounds), Path(go), name)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
