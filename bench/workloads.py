"""The workload registry, and the in-memory workloads (no checkpointer).

Each workload runs a graph from :mod:`bench.graphs`, built for the library
named by ``lib``, checks the answer, then times it. ``WORKLOADS`` lists every
workload in table order, including the checkpointed ones of :mod:`bench.durable`.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys

from bench import durable, durable_postgres, store, tracing
from bench._spec import Metrics, Settings, Workload, expect, metric
from bench._timing import amedian_seconds, median_seconds
from bench.floor import run_chain, run_fanout, run_gather
from bench.graphs import (
    WIDE_KEYS,
    SeqState,
    WideState,
    build_chain,
    build_fanout,
    build_seq,
    increment,
    nap,
    wide_nodes,
)

__all__ = ["WORKLOADS", "select"]

WIDE_STEPS = 20
WIDE_TOUCHED = 3
ASYNC_COPIES, ASYNC_NODES = 100, 5


def _seq(length: int) -> Workload:
    label = f"seq_{length} (per step)"

    def run(lib: str, settings: Settings) -> Metrics:
        graph = build_seq(lib, length)
        config = {"recursion_limit": length + 10}
        out = graph.invoke({"x": 0}, config)
        expect(out == {"x": length}, f"expected {{'x': {length}}}, got {out!r}")
        seconds = median_seconds(
            lambda: graph.invoke({"x": 0}, config), repeats=settings.pick(9, 3)
        )
        return {label: metric(seconds / length * 1e6, "us/step")}

    def floor(settings: Settings) -> Metrics:
        nodes = [increment] * length
        expect(run_chain(nodes, {"x": 0}) == {"x": length}, "floor chain is wrong")
        seconds = median_seconds(lambda: run_chain(nodes, {"x": 0}), repeats=settings.pick(9, 3))
        return {label: metric(seconds / length * 1e6, "us/step")}

    question = f"Per-step engine overhead of a {length}-node chain of trivial nodes."
    return Workload(f"seq_{length}", question, run, floor)


def _fanout(n: int) -> Workload:
    label = f"fanout_{n} (total)"
    # (repeats, quick repeats): LangGraph needs ~14 s per 10k fan-out on 2 cores.
    repeats, quick = {100: (9, 3), 1000: (5, 3), 10_000: (3, 1)}[n]
    want = [2 * i for i in range(n)]

    def run(lib: str, settings: Settings) -> Metrics:
        graph = build_fanout(lib)
        out = graph.invoke({"n": n, "results": []})
        expect(sorted(out["results"]) == want, f"fan-out of {n} lost or changed results")
        seconds = median_seconds(
            lambda: graph.invoke({"n": n, "results": []}),
            repeats=settings.pick(repeats, quick),
        )
        return {label: metric(seconds * 1e3, "ms")}

    def floor(settings: Settings) -> Metrics:
        expect(run_fanout(n)["results"] == want, "floor fan-out is wrong")
        seconds = median_seconds(lambda: run_fanout(n), repeats=settings.pick(repeats, quick))
        return {label: metric(seconds * 1e3, "ms")}

    question = f"Cost of one superstep of {n} Send workers whose writes fold with operator.add."
    return Workload(f"fanout_{n}", question, run, floor)


def _wide_input() -> dict[str, int]:
    return dict.fromkeys(WIDE_KEYS, 0)


def _wide_total(state: dict[str, int]) -> int:
    return sum(state[key] for key in WIDE_KEYS)


def _wide() -> Workload:
    label = f"wide_200 (per step, {WIDE_STEPS} steps)"
    nodes = wide_nodes(WIDE_STEPS, WIDE_TOUCHED)
    want = WIDE_STEPS * WIDE_TOUCHED

    def run(lib: str, settings: Settings) -> Metrics:
        graph = build_chain(lib, WideState, nodes)
        out = graph.invoke(_wide_input())
        expect(len(out) == len(WIDE_KEYS) and _wide_total(out) == want, "wide state is wrong")
        seconds = median_seconds(lambda: graph.invoke(_wide_input()), repeats=settings.pick(9, 3))
        return {label: metric(seconds / WIDE_STEPS * 1e6, "us/step")}

    def floor(settings: Settings) -> Metrics:
        expect(_wide_total(run_chain(nodes, _wide_input())) == want, "floor wide is wrong")
        seconds = median_seconds(
            lambda: run_chain(nodes, _wide_input()), repeats=settings.pick(9, 3)
        )
        return {label: metric(seconds / WIDE_STEPS * 1e6, "us/step")}

    question = "Per-step cost when the state has 200 keys and each node updates 3."
    return Workload("wide_200", question, run, floor)


def _async() -> Workload:
    label = f"async_{ASYNC_COPIES}x{ASYNC_NODES} (wall)"
    nodes = [nap] * ASYNC_NODES

    def run(lib: str, settings: Settings) -> Metrics:
        graph = build_chain(lib, SeqState, nodes)

        async def burst() -> None:
            outs = await asyncio.gather(*(graph.ainvoke({"x": 0}) for _ in range(ASYNC_COPIES)))
            expect(all(out == {"x": ASYNC_NODES} for out in outs), "async results are wrong")

        seconds = amedian_seconds(burst, repeats=settings.pick(5, 3))
        return {label: metric(seconds * 1e3, "ms")}

    def floor(settings: Settings) -> Metrics:
        async def burst() -> None:
            outs = await run_gather(nodes, ASYNC_COPIES)
            expect(all(out == {"x": ASYNC_NODES} for out in outs), "floor async is wrong")

        seconds = amedian_seconds(burst, repeats=settings.pick(5, 3))
        return {label: metric(seconds * 1e3, "ms")}

    question = (
        f"Wall time of {ASYNC_COPIES} concurrent ainvoke of a {ASYNC_NODES}-node graph "
        "whose nodes sleep 10 ms (ideal: 50 ms)."
    )
    return Workload(f"async_{ASYNC_COPIES}x{ASYNC_NODES}", question, run, floor)


IMPORT_CODE = (
    "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
)


def _import_seconds(module: str) -> float:
    """Import ``module`` in a fresh interpreter and return the seconds it took."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_CODE.format(module=module)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["(no output)"]
        raise ImportError(f"import {module} failed: {lines[-1]}")
    return float(done.stdout.strip().splitlines()[-1])


def _import() -> Workload:
    def run(lib: str, settings: Settings) -> Metrics:
        _import_seconds(f"{lib}.graph")  # warm-up: byte-code compiled, files in page cache
        samples = [_import_seconds(f"{lib}.graph") for _ in range(settings.pick(5, 3))]
        return {"import <lib>.graph (cold)": metric(statistics.median(samples) * 1e3, "ms")}

    question = "Time to import <lib>.graph in a fresh interpreter (median of 5)."
    return Workload("import", question, run)


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in [
        *(_seq(length) for length in (10, 100, 1000)),
        *(_fanout(n) for n in (100, 1000, 10_000)),
        _wide(),
        _async(),
        _import(),
        *durable.WORKLOADS,
        *durable_postgres.WORKLOADS,
        *store.WORKLOADS,
        *tracing.WORKLOADS,
    ]
}


def select(only: str | None) -> list[Workload]:
    """Return the workloads named in the comma list ``only`` (a name or a name prefix).

    ``"seq"`` selects every ``seq_*`` workload; ``None`` selects all.
    """
    if not only:
        return list(WORKLOADS.values())
    patterns = [p.strip() for p in only.split(",") if p.strip()]
    chosen = [
        w
        for w in WORKLOADS.values()
        if any(w.name == p or w.name.startswith(p + "_") for p in patterns)
    ]
    if not chosen:
        raise KeyError(f"no workload matches {only!r}; known: {', '.join(WORKLOADS)}")
    return chosen
