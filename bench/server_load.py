"""Server load and fault bench: runs of a five-node graph through the real SDK client.

    python -m bench.server_load [--runs 1000] [--concurrency 50] [--only embedded,scale,...]

Scenarios (each on a fresh server, Postgres schema and private Redis, all on loopback):
``embedded`` (SQLite, runs in the API process), ``scale`` (Postgres + Redis, ``serve
--workers 3``), ``kill_worker`` (SIGKILL one worker at 30 % of the load), ``redis_restart``
(kill the private Redis at 30 %, start it again 2 s later), ``pg_terminate``
(``pg_terminate_backend`` on every server connection at 30 % and 60 %) and ``reconnect``
(resumable streams dropped after two events and resumed with ``Last-Event-ID``).

Each run is a stateless ``runs.create`` + ``runs.join`` (``durability="sync"`` in the two
scenarios that kill a worker or its connections, see ``scenario``).  Every scenario checks that every
run succeeded with the full chain as its final state and, from a file each node appends to,
that no node ran twice, except in ``kill_worker`` and ``pg_terminate``, where only the node in
flight when a worker died or its connection dropped may run again (its step never got its
checkpoint written), at most once per run.  Exit status 1 if any check
fails.  See bench/README.md for figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import _server_procs as procs
from bench.server_graphs import NODES

SCENARIOS = ("embedded", "scale", "kill_worker", "redis_restart", "pg_terminate", "reconnect")
Fault = Callable[[], Awaitable[str]]
LANGGRAPH_EXECUTABLE: list[str] = []  # the `langgraph` CLI, when --langgraph-dev names one


@dataclass
class Outcome:
    """What one scenario measured and found wrong."""

    scenario: str
    runs: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float | None:
            if not self.latencies:
                return None  # a scenario that times streams, not runs
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "seconds": round(self.seconds, 2),
            "runs_per_s": round(self.runs / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.5),
            "p95_ms": pct(0.95),
            "ok": not self.problems,
            "problems": self.problems[:5],
            "notes": self.notes,
        }


async def load(
    url: str, runs: int, concurrency: int, outcome: Outcome, fault: Any, durability: str = "async"
) -> None:
    """Submit ``runs`` runs (``concurrency`` at a time) and join each; fire ``fault`` at 30 %."""
    from langgraph_sdk import get_client

    client = get_client(url=url, timeout=120)
    gate = asyncio.Semaphore(concurrency)
    done = 0
    results: dict[str, Any] = {}
    triggers = dict(fault or {})

    async def one(i: int) -> None:
        nonlocal done
        async with gate:
            began = time.perf_counter()
            try:
                run = await client.runs.create(
                    None,
                    "chain",
                    input={"items": []},
                    on_completion="keep",
                    durability=durability,
                )
                results[run["run_id"]] = await client.runs.join(run["thread_id"], run["run_id"])
                outcome.latencies.append(time.perf_counter() - began)
            except Exception as exc:  # a failed request is a finding, not a crash
                outcome.problems.append(f"run {i}: {type(exc).__name__}: {exc}")
            done += 1
            for share in [s for s in triggers if done >= s * runs]:
                outcome.notes.append(await triggers.pop(share)())

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(runs)))
    outcome.seconds = time.perf_counter() - began
    outcome.runs = len(outcome.latencies)
    wrong = [r for r, v in results.items() if v != {"items": list(NODES)}]
    if wrong:
        example = str(results[wrong[0]])[:300]
        outcome.problems.append(f"{len(wrong)} runs ended with a wrong state, e.g. {example}")
    outcome.notes.append(f"{len(results)} of {runs} runs joined")
    results_ids = set(results)
    outcome.__dict__["run_ids"] = results_ids


def check_executions(counter: Path, outcome: Outcome, *, reruns_allowed: bool) -> None:
    """No node ran twice (or, after a worker kill, only the node in flight, once more)."""
    lines = counter.read_text(encoding="utf-8").splitlines() if counter.exists() else []
    counts = Counter(tuple(line.split()) for line in lines)
    run_ids = outcome.__dict__.get("run_ids", set())
    missing = [(r, n) for r in run_ids for n in NODES if counts[(r, n)] == 0]
    if missing:
        outcome.problems.append(f"{len(missing)} node executions missing, e.g. {missing[0]}")
    twice = [key for key, n in counts.items() if n > 1]
    per_run = Counter(run for run, _ in twice)
    outcome.notes.append(f"{len(twice)} node executions repeated, in {len(per_run)} runs")
    if twice and not reruns_allowed:
        outcome.problems.append(f"nodes ran twice: {twice[:3]}")
    if any(n > 2 for n in counts.values()) or any(n > 1 for n in per_run.values()):
        outcome.problems.append("a run repeated more than its one in-flight node")


async def scenario(name: str, runs: int, concurrency: int, work: Path) -> Outcome:
    """Run one scenario on fresh servers; return its outcome."""
    outcome = Outcome(name)
    counter = work / f"{name}.counter"
    env = {"SG_COUNTER_FILE": str(counter)}
    config = procs.write_config(work)
    if name == "langgraph_dev":  # LangGraph's server: final states checked, no counter
        with procs.langgraph_dev(LANGGRAPH_EXECUTABLE[0], work) as (url, _):
            await load(url, runs, concurrency, outcome, None)
        return outcome
    if name == "embedded":
        with procs.server(config, env=env) as (url, _):
            await load(url, runs, concurrency, outcome, None)
        check_executions(counter, outcome, reruns_allowed=False)
        return outcome
    with procs.pg_schema() as dsn, procs.PrivateRedis() as redis:
        with procs.server(config, postgres=dsn, redis=redis.url, env=env) as (url, serve):
            if name == "reconnect":
                await reconnect(url, min(runs, 50), outcome)
                return outcome
            # why: with the default durability ("async") a worker killed mid-run may take
            # its last steps' checkpoints with it, and those steps run again on resume; with
            # "sync" every finished step is on disk, so only the node in flight may repeat
            durability = "sync" if name in ("kill_worker", "pg_terminate") else "async"
            injected = faults(name, serve, redis, dsn)
            await load(url, runs, concurrency, outcome, injected, durability)
        outcome.notes.append(f"{reclaimed(dsn)} runs claimed more than once")
        outcome.problems += [f"run {r}" for r in unfinished(dsn)]
    # why: a node whose process died, or whose checkpoint write met a dropped connection,
    # never completed its step; running it again on resume is the at-least-once of a step
    check_executions(counter, outcome, reruns_allowed=name in ("kill_worker", "pg_terminate"))
    return outcome


def reclaimed(dsn: str) -> int:
    """How many runs a worker claimed again (after a lost worker or connection)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM sg_server_runs WHERE attempt > 1").fetchone()
    return int(row[0]) if row else 0


def unfinished(dsn: str) -> list[str]:
    """Runs whose row is not ``success`` (each a finding)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT run_id, status, attempt, error FROM sg_server_runs WHERE status <> 'success'"
        ).fetchall()
    return [
        f"{run_id} {status} after {attempt} attempts: {error}"
        for run_id, status, attempt, error in rows
    ]


def faults(name: str, serve: Any, redis: procs.PrivateRedis, dsn: str) -> dict[float, Fault]:
    """The fault injections of scenario ``name``, keyed by the share of runs done."""
    application_name = dsn.split("application_name=")[-1].strip("'")

    async def kill_worker() -> str:
        pid = procs.children(serve.pid)[0]
        procs._signal(pid, 9)
        return f"SIGKILLed worker pid {pid}"

    async def restart_redis() -> str:
        redis.kill()
        await asyncio.sleep(2.0)
        redis.start()
        return "killed Redis, restarted it 2 s later"

    async def terminate() -> str:
        return f"terminated {procs.terminate_connections(application_name)} PG connections"

    return {
        "kill_worker": {0.3: kill_worker},
        "redis_restart": {0.3: restart_redis},
        "pg_terminate": {0.3: terminate, 0.6: terminate},
    }.get(name, {})


async def reconnect(url: str, streams: int, outcome: Outcome) -> None:
    """Drop resumable streams after two events; resume with Last-Event-ID; check the ids."""
    import httpx

    async def one(http: httpx.AsyncClient) -> None:
        body = {"assistant_id": "chain", "input": {"items": []}, "stream_resumable": True}
        body.update(on_disconnect="continue", if_not_exists="create")
        thread = f"/threads/{(await http.post('/threads', json={})).json()['thread_id']}"
        ids: list[int] = []
        async with http.stream("POST", f"{thread}/runs/stream", json=body) as response:
            location = response.headers["location"]
            async for line in response.aiter_lines():
                if line.startswith("id: "):
                    ids.append(int(line[4:]))
                    if len(ids) == 2:
                        break
        again = await http.get(location, headers={"Last-Event-ID": str(ids[-1])})
        ids += [int(line[4:]) for line in again.text.splitlines() if line.startswith("id: ")]
        if ids != list(range(len(NODES) + 1)):
            outcome.problems.append(f"stream ids after reconnect {ids}")

    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        await asyncio.gather(*(one(http) for _ in range(streams)))
    outcome.seconds, outcome.runs = time.perf_counter() - began, streams
    outcome.notes.append(f"{streams} streams dropped after 2 events and resumed")


def run_bench(
    runs: int, concurrency: int, only: list[str], keep: Path | None = None
) -> list[dict[str, Any]]:
    """Run the chosen scenarios; return their figures (``keep``: leave the logs there)."""
    figures = []
    with tempfile.TemporaryDirectory(prefix="sg-server-load-") as scratch:
        tmp = keep or scratch
        for name in only:
            work = Path(tmp) / name
            work.mkdir(parents=True)
            outcome = asyncio.run(scenario(name, runs, concurrency, work))
            figures.append(outcome.figures())
            print(json.dumps(figures[-1]), file=sys.stderr, flush=True)
    return figures


def render(figures: list[dict[str, Any]]) -> str:
    """A Markdown table of the figures."""
    rows = ["| scenario | runs | s | runs/s | p50 ms | p95 ms | ok | notes |", "|" + "---|" * 8]
    for f in figures:
        notes = "; ".join(f["notes"] + f["problems"])
        cells = [f["scenario"], f["runs"], f["seconds"], f["runs_per_s"], f["p50_ms"]]
        cells += [f["p95_ms"], "yes" if f["ok"] else "NO", notes]
        cells = ["—" if c is None else c for c in cells]
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_load", description=__doc__)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma list of scenarios")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep the servers' logs in this new folder")
    parser.add_argument(
        "--langgraph-dev",
        metavar="EXE",
        help="also time `langgraph dev` (langgraph-cli[inmem] installed elsewhere: its CLI)",
    )
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    if args.langgraph_dev:
        LANGGRAPH_EXECUTABLE.append(args.langgraph_dev)
        only.append("langgraph_dev")
    unknown = sorted(set(only) - {*SCENARIOS, "langgraph_dev"})
    if unknown:
        parser.error(f"unknown scenario(s) {unknown}; choose from {SCENARIOS}")
    figures = run_bench(args.runs, args.concurrency, only, args.keep)
    print(render(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0 if all(f["ok"] for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
