"""Running one graph over many inputs, yielding each (index, output) as soon as it finishes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from ..errors import ErrorCode, coded

__all__ = ["per_input_configs", "batch_as_completed", "abatch_as_completed"]


def per_input_configs(inputs: Sequence[Any], config: Any) -> list[Any]:
    """One config per input: a list is matched by position, anything else is shared."""
    configs = config if isinstance(config, list) else [config] * len(inputs)
    if len(configs) != len(inputs):
        raise coded(
            ValueError,
            f"batch got {len(inputs)} inputs but {len(configs)} configs: pass one config, "
            "or a list with one config per input.",
            ErrorCode.RUN_BAD_INPUT,
        )
    return configs


def batch_as_completed(
    graph: Any, inputs: Sequence[Any], config: Any, return_exceptions: bool, kwargs: dict[str, Any]
) -> Iterator[tuple[int, Any]]:
    """``graph.invoke`` per input in threads; yield ``(index, output)`` in completion order.

    An error is yielded in place of the output with ``return_exceptions``, else raised."""
    configs = per_input_configs(inputs, config)
    if not inputs:
        return

    def one(i: int) -> tuple[int, Any]:
        try:
            return i, graph.invoke(inputs[i], configs[i], **kwargs)
        except Exception as exc:
            if return_exceptions:
                return i, exc
            raise

    if len(inputs) == 1:
        yield one(0)
        return
    with ThreadPoolExecutor(max_workers=min(len(inputs), 16)) as pool:
        futures = [pool.submit(one, i) for i in range(len(inputs))]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()


async def abatch_as_completed(
    graph: Any, inputs: Sequence[Any], config: Any, return_exceptions: bool, kwargs: dict[str, Any]
) -> AsyncIterator[tuple[int, Any]]:
    """``graph.ainvoke`` per input concurrently; yield ``(index, output)`` as each finishes."""
    configs = per_input_configs(inputs, config)

    async def one(i: int) -> tuple[int, Any]:
        try:
            return i, await graph.ainvoke(inputs[i], configs[i], **kwargs)
        except Exception as exc:
            if return_exceptions:
                return i, exc
            raise

    pending = [asyncio.ensure_future(one(i)) for i in range(len(inputs))]
    try:
        for next_done in asyncio.as_completed(pending):
            yield await next_done
    finally:
        for fut in pending:
            fut.cancel()
