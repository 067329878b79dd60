"""Shared fixtures: one behaviour test, both drivers (sync threads and asyncio)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest


class Driver:
    """Runs a graph through the sync (invoke/stream) or async (ainvoke/astream) surface."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    @property
    def is_async(self) -> bool:
        return self.kind == "async"

    def __repr__(self) -> str:
        return f"Driver({self.kind!r})"

    def run(self, graph: Any, input: Any, config: Any = None, **kw: Any) -> Any:
        if self.kind == "sync":
            return graph.invoke(input, config, **kw)
        return asyncio.run(graph.ainvoke(input, config, **kw))

    def stream(self, graph: Any, input: Any, config: Any = None, **kw: Any) -> list[Any]:
        if self.kind == "sync":
            return list(graph.stream(input, config, **kw))

        async def collect() -> list[Any]:
            return [chunk async for chunk in graph.astream(input, config, **kw)]

        return asyncio.run(collect())

    def batch(self, graph: Any, inputs: list[Any], config: Any = None, **kw: Any) -> list[Any]:
        if self.kind == "sync":
            return graph.batch(inputs, config, **kw)
        return asyncio.run(graph.abatch(inputs, config, **kw))

    # -- thread state ------------------------------------------------------------------
    def get_state(self, graph: Any, config: Any, **kw: Any) -> Any:
        if self.kind == "sync":
            return graph.get_state(config, **kw)
        return asyncio.run(graph.aget_state(config, **kw))

    def history(self, graph: Any, config: Any, **kw: Any) -> list[Any]:
        if self.kind == "sync":
            return list(graph.get_state_history(config, **kw))

        async def collect() -> list[Any]:
            return [snap async for snap in graph.aget_state_history(config, **kw)]

        return asyncio.run(collect())

    def update_state(
        self, graph: Any, config: Any, values: Any, as_node: Any = None, **kw: Any
    ) -> Any:
        if self.kind == "sync":
            return graph.update_state(config, values, as_node, **kw)
        return asyncio.run(graph.aupdate_state(config, values, as_node, **kw))

    def bulk_update_state(self, graph: Any, config: Any, supersteps: Any) -> Any:
        if self.kind == "sync":
            return graph.bulk_update_state(config, supersteps)
        return asyncio.run(graph.abulk_update_state(config, supersteps))


@pytest.fixture(params=["sync", "async"])
def driver(request: pytest.FixtureRequest) -> Driver:
    return Driver(request.param)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _delta_skeletons_read_back_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every delta skeleton an in-memory saver keeps reads back as the whole skeleton.

    The engine's promise behind ``DELTA_KEY`` (checkpoint/_frozen.py: versions and versions
    seen are the base's plus the changes it names) is checked at every put of every test,
    key order included, not only where a test looks at the stored versions.
    """
    from stategraph.checkpoint import _frozen

    freeze = _frozen.freeze

    def checked(checkpoint: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kept = freeze(checkpoint, *args, **kwargs)
        if _frozen.DELTA_SLOT in kept:
            whole, got = _frozen.thaw(freeze(checkpoint)), _frozen.thaw(kept)
            assert list(got) == list(whole)
            for key in ("channel_versions", "versions_seen"):
                assert list(got[key].items()) == list(whole[key].items()), key
        return kept

    monkeypatch.setattr(_frozen, "freeze", checked)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Under ``STATEGRAPH_REQUIRE_EMBEDDINGS=1`` (CI's real-model run) a skipped
    ``embeddings`` test fails: the extra it needs was meant to be installed."""
    outcome = yield
    report = outcome.get_result()
    required = os.environ.get("STATEGRAPH_REQUIRE_EMBEDDINGS") == "1"
    if required and report.skipped and item.get_closest_marker("embeddings") is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, but STATEGRAPH_REQUIRE_EMBEDDINGS=1 requires it: {report.longrepr}"
        )
