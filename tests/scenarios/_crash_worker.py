"""Crash-injection harness: run a durable graph on a SQLite file, SIGKILL it at random points,
resume, and check the invariants after every kill.

    python tests/scenarios/_crash_worker.py KILLS SEED DIR [--postgres DSN]

Kills land within a window after the run starts (the child signals when its setup is done):
at first 1.2x the uninterrupted (reference) run's duration on SQLite, then steered after
each kill (narrower when the run had finished, wider when nothing was committed yet), so
about half the kills land mid-run however fast runs are and however loaded the machine is.
With ``--postgres`` the runs use PostgresSaver instead, one schema per run in DSN's
database, and the kill window starts at 0.9x the (slower) uninterrupted run's duration.

Prints one JSON line: {"kills": n, "runs": n, "failures": [...], "seconds": s}.
The runner never starts threads itself (every graph run happens in a forked child), so
forking stays safe.  Invariants checked after each kill:
  1. the database opens and the thread's latest checkpoint loads;
  2. resuming (invoke(None)) completes and the final state equals an uninterrupted run's;
  3. no task whose writes were committed before the kill runs again during the resume.
History is sealed every other step (``_sql/segments``), so kills also hit those moves.
"""

from __future__ import annotations

import json
import operator
import os
import random
import signal
import sys
import time
from typing import Annotated, TypedDict

STEPS = 6
# why: a fixed window (0.12 s, about twice a run when written) let fewer kills land mid-run
# once runs got faster; the window now follows the reference run, fork and setup included
SQLITE_WINDOW = 1.2  # reference-run durations after the start within which a run is killed
POSTGRES_MIN_WINDOW = 0.12  # seconds
POSTGRES_DSN: str | None = None  # set by --postgres


class State(TypedDict):
    log: Annotated[list[str], operator.add]
    n: int


def build(saver, start_log: str | None = None):
    from stategraph.graph import END, START, StateGraph

    def node(name: str, delay: float):
        def run(state: State) -> dict:
            if start_log:
                with open(start_log, "a") as f:
                    f.write(f"{name}@{state['n']}\n")
            time.sleep(delay)
            return {"log": [f"{name}{state['n']}"]}

        return run

    def step(state: State) -> dict:
        return {"n": state["n"] + 1, "log": [f"s{state['n']}"]}

    def route(state: State) -> list[str] | str:
        return ["a", "b", "c"] if state["n"] < STEPS else END

    g = StateGraph(State)
    g.add_node("step", step)
    for name, delay in (("a", 0.002), ("b", 0.004), ("c", 0.006)):
        g.add_node(name, node(name, delay))
    g.add_edge(START, "step")
    g.add_conditional_edges("step", route, ["a", "b", "c", END])
    g.add_edge(["a", "b", "c"], "step")
    return g.compile(checkpointer=saver)


def _store(workdir: str, name: str) -> str:
    """Where run ``name`` keeps its checkpoints: a SQLite file, or a Postgres schema name."""
    return os.path.join(workdir, f"{name}.sqlite") if POSTGRES_DSN is None else name


def _saver(path: str):
    if POSTGRES_DSN is not None:
        return _postgres_saver(path)
    import sqlite3

    from stategraph.checkpoint.sqlite import SqliteSaver

    return SqliteSaver(sqlite3.connect(path, check_same_thread=False))


def _postgres_saver(schema: str):
    from psycopg.conninfo import make_conninfo

    from stategraph.checkpoint.postgres import PostgresSaver

    assert POSTGRES_DSN is not None
    return PostgresSaver(make_conninfo(POSTGRES_DSN, options=f"-c search_path={schema}"))


def _timed_run(workdir: str, name: str, cfg: dict) -> float:
    """Seconds an uninterrupted run takes in a forked child (fork and setup included)."""
    path = _store(workdir, name)
    started = time.monotonic()
    assert _in_child(lambda: build(_saver(path)).invoke({"log": [], "n": 0}, cfg)) == 0
    return time.monotonic() - started


def _prepare(path: str) -> None:
    """On Postgres, create and migrate the run's schema first, so kills land in the run."""
    if POSTGRES_DSN is None:
        return

    def create() -> None:
        import psycopg

        with psycopg.connect(POSTGRES_DSN, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{path}"')
        _saver(path).setup()

    assert _in_child(create) == 0, f"setting up schema {path!r} failed"


def _in_child(fn) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            fn()
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _committed_tasks(path: str, cfg: dict) -> set[str]:
    """``name@n`` of the latest checkpoint's tasks whose successful writes are stored."""
    saver = _saver(path)
    graph = build(saver)
    snap = graph.get_state(cfg)
    n = (snap.values or {}).get("n")
    return {f"{t.name}@{n}" for t in snap.tasks if t.result is not None and t.error is None and not t.interrupts}


def _kill_mid_run(path: str, cfg: dict, delay: float, durability: str) -> None:
    """Fork a run on ``path`` and SIGKILL it ``delay`` seconds after its setup is done."""
    ready, started_run = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(ready)
            graph = build(_saver(path))
            os.write(started_run, b"!")  # setup done: the run starts now
            graph.invoke({"log": [], "n": 0}, cfg, durability=durability)
        finally:
            os._exit(0)
    os.close(started_run)
    os.read(ready, 1)  # the kill window counts from the run's start, not the fork's
    os.close(ready)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _steer(window: float, stage: dict) -> float:
    """The next kill window after a kill that left ``stage``.

    why: load on a shared machine stretches or shrinks runs after the window was timed;
    steer it so kills keep landing mid-run (a kill after the end tests nothing).
    """
    if stage["done"]:
        return window * 0.9
    if stage["step"] is None:
        return window * 1.1
    return window


def main() -> int:
    global POSTGRES_DSN
    kills, seed, workdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if sys.argv[4:5] == ["--postgres"]:
        POSTGRES_DSN = sys.argv[5]
        import stategraph.checkpoint.postgres
    import stategraph.checkpoint.sqlite
    import stategraph.graph  # noqa: F401
    from stategraph.checkpoint._sql import segments

    # seal history every other step, so kills also land inside the transactions that move
    # rows into history segments (a run has only ~8 checkpoints)
    segments.SEGMENT_ROWS = segments.HOT_ROWS = 2
    rng = random.Random(seed)
    cfg = {"configurable": {"thread_id": "crash"}}
    reference_path = _store(workdir, "reference")
    ref_out = os.path.join(workdir, "reference.json")

    def reference() -> None:
        out = build(_saver(reference_path)).invoke({"log": [], "n": 0}, cfg)
        with open(ref_out, "w") as f:
            json.dump(out, f)

    _prepare(reference_path)
    reference_started = time.monotonic()
    assert _in_child(reference) == 0, "uninterrupted run failed"
    reference_seconds = time.monotonic() - reference_started
    if POSTGRES_DSN is None:
        # why: one timing is at the mercy of a load spike on a shared machine; take the median
        timings = [reference_seconds, *(_timed_run(workdir, f"timing{n}", cfg) for n in range(4))]
        reference_seconds = sorted(timings)[len(timings) // 2]
    window = SQLITE_WINDOW * reference_seconds
    if POSTGRES_DSN is not None:
        window = max(POSTGRES_MIN_WINDOW, 0.9 * reference_seconds)
    with open(ref_out) as f:
        expected = json.load(f)
    failures: list[str] = []
    mid_run = resumed_with_committed = 0
    started = time.monotonic()
    for i in range(kills):
        path = _store(workdir, f"run{i}")
        _prepare(path)
        # why: both modes must keep what they committed; "sync" commits each task's writes
        # as it finishes, while "async" groups a run's steps (on Postgres, a step's writes
        # and checkpoint usually commit together), so sync runs are where kills land
        # between a step's committed tasks and its checkpoint
        durability = "sync" if i % 2 else "async"
        _kill_mid_run(path, cfg, rng.uniform(0.0, window), durability)
        result_file = os.path.join(workdir, f"run{i}.json")
        starts = os.path.join(workdir, f"run{i}.starts")
        committed_file = os.path.join(workdir, f"run{i}.committed")
        stage_file = os.path.join(workdir, f"run{i}.stage")

        def check_and_resume(path: str = path, starts: str = starts, stage_file: str = stage_file,
                             committed_file: str = committed_file, result_file: str = result_file) -> None:
            committed = _committed_tasks(path, cfg)
            snap = build(_saver(path)).get_state(cfg)
            # done: the run finished (no tasks left).  `not snap.next` would also hold mid-step
            # when every task's writes were committed but the step's checkpoint was not.
            with open(stage_file, "w") as f:
                json.dump({"step": (snap.metadata or {}).get("step"), "done": not snap.tasks and bool(snap.values)}, f)
            with open(committed_file, "w") as f:
                json.dump(sorted(committed), f)
            graph = build(_saver(path), start_log=starts)
            if graph.get_state(cfg).values:  # killed before the input checkpoint: nothing to resume
                out = graph.invoke(None, cfg)  # a finished thread just returns its state
            else:
                out = graph.invoke({"log": [], "n": 0}, cfg)
            with open(result_file, "w") as f:
                json.dump(out, f)

        if _in_child(check_and_resume) != 0:
            failures.append(f"kill {i}: database did not open or resume raised")
            continue
        with open(result_file) as f:
            got = json.load(f)
        if got != expected:
            failures.append(f"kill {i}: final state differs: {got} != {expected}")
        with open(committed_file) as f:
            committed = set(json.load(f))
        with open(stage_file) as f:
            stage = json.load(f)
        mid_run += 0 if stage["done"] or stage["step"] is None else 1
        window = _steer(window, stage)
        resumed_with_committed += 1 if committed else 0
        first_round = set()
        if os.path.exists(starts):
            with open(starts) as f:
                first_round = {line.strip() for line in f if line.strip()}
        again = committed & first_round
        if again:
            failures.append(f"kill {i}: committed tasks ran again after resume: {sorted(again)}")
        for suffix in (".sqlite", ".sqlite-wal", ".sqlite-shm", ".json", ".starts", ".committed", ".stage"):
            p = os.path.join(workdir, f"run{i}{suffix}")
            if os.path.exists(p):
                os.remove(p)
    print(json.dumps({
        "kills": kills, "killed_mid_run": mid_run, "resumed_with_committed_tasks": resumed_with_committed,
        "failures": failures, "seconds": round(time.monotonic() - started, 1),
    }))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
