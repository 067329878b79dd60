"""Timing helpers: warm-up runs, then the median of repeated perf_counter samples."""

from __future__ import annotations

import asyncio
import math
import statistics
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

__all__ = ["MIN_SAMPLE_SECONDS", "amedian_seconds", "median_seconds"]

# A sample shorter than this is padded with more back-to-back calls, so that
# sub-millisecond calls are not dominated by clock resolution and loop overhead.
MIN_SAMPLE_SECONDS = 0.02


def median_seconds(fn: Callable[[], Any], *, repeats: int, warmup: int = 0) -> float:
    """Return the median seconds per call of ``fn`` over ``repeats`` samples.

    The first calls size each sample: a sample runs as many back-to-back calls
    as fit in ``MIN_SAMPLE_SECONDS``, at least one. With ``warmup=0`` (the
    default, for callers that already ran ``fn`` once to check its answer) one
    sizing call is still made, and it counts as the first sample when it is
    long enough to be one, so a slow workload is not run twice for nothing.
    """
    start = perf_counter()
    for _ in range(max(1, warmup)):
        fn()
    per_call = (perf_counter() - start) / max(1, warmup)
    inner = max(1, math.ceil(MIN_SAMPLE_SECONDS / max(per_call, 1e-9)))
    samples = [per_call] if warmup == 0 and inner == 1 else []
    while len(samples) < max(1, repeats):
        start = perf_counter()
        for _ in range(inner):
            fn()
        samples.append((perf_counter() - start) / inner)
    return statistics.median(samples)


def amedian_seconds(make: Callable[[], Awaitable[Any]], *, repeats: int, warmup: int = 1) -> float:
    """Return the median wall seconds of awaiting ``make()``, all on one event loop."""

    async def measure() -> float:
        for _ in range(warmup):
            await make()
        samples = []
        for _ in range(max(1, repeats)):
            start = perf_counter()
            await make()
            samples.append(perf_counter() - start)
        return statistics.median(samples)

    return asyncio.run(measure())
