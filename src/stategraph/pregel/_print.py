"""print_mode: chunks of the named stream modes printed to stdout as the run makes them.

The printed line is ``[mode]`` in bold, then (for a subgraph's chunk) its namespace as
``[graph=(...)]`` in yellow, then the chunk's repr, as LangGraph prints it. Printed modes are
streamed by the loop even when the caller did not ask to receive them; those are dropped here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any


def print_modes(print_mode: Any, debug: Any = None) -> list[str]:
    """``print_mode`` as a list of mode names (a single name, a sequence, or empty);
    ``debug=True`` (the call's, else the graph's) prints the updates and values too."""
    modes = [print_mode] if isinstance(print_mode, str) else list(print_mode or ())
    if debug:
        modes = list(dict.fromkeys([*modes, "updates", "values"]))
    return modes


def with_print_modes(modes: list[str], printed: list[str]) -> list[str]:
    """The modes the loop must stream: those asked for, then those only printed."""
    return list(dict.fromkeys([*modes, *printed]))


def print_chunk(chunk: tuple[Any, str, Any]) -> None:
    ns, mode, payload = chunk
    where = f"\x1b[1;30;33m[graph={ns!r}]\x1b[0m " if ns else ""
    print(f"\x1b[1m[{mode}]\x1b[0m {where}{payload!r}")


def tee(chunks: Iterable[Any], printed: list[str], wanted: Iterable[str]) -> Iterator[Any]:
    """Print the chunks of ``printed`` modes; pass on those of ``wanted`` modes."""
    keep = set(wanted)
    for chunk in chunks:
        if chunk[1] in printed:
            print_chunk(chunk)
        if chunk[1] in keep:
            yield chunk


async def atee(
    chunks: AsyncIterator[Any], printed: list[str], wanted: Iterable[str]
) -> AsyncIterator[Any]:
    """Async ``tee``."""
    keep = set(wanted)
    async for chunk in chunks:
        if chunk[1] in printed:
            print_chunk(chunk)
        if chunk[1] in keep:
            yield chunk
