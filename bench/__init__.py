"""Benchmarks: the same workloads on LangGraph, stategraph and a hand-written floor.

Run ``python -m bench.run`` from the repository root with ``.venv-bench``; see
bench/README.md. Bench-only code: nothing in ``src/stategraph`` imports it.
"""
