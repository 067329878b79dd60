"""Conditional edges: a path function whose result picks the next nodes (or Sends)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Literal, get_args, get_origin, get_type_hints

from ..constants import END, START, TASKS
from ..pregel._call import adapt_callable
from ..types import Send


class Branch:
    """path + path_map; ``ends`` are every node the branch can reach (for drawing/validation)."""

    def __init__(self, path: Any, path_map: dict[Hashable, str] | Sequence[str] | None) -> None:
        self.path = path
        self.func, self.afunc = adapt_callable(path)
        if path_map is None:
            path_map = _literal_map(path)
        elif not isinstance(path_map, dict):
            path_map = {name: name for name in path_map}
        self.path_map: dict[Hashable, str] | None = path_map

    @property
    def ends(self) -> list[str] | None:
        return list(dict.fromkeys(self.path_map.values())) if self.path_map else None

    def writer(self, source: str, graph: Any, reads: Any) -> Callable[[Any, Any], Any]:
        """The node writer that evaluates this branch after ``source`` ran."""

        def route(result: Any, task: Any) -> None:
            task.send(self._writes(result, source, graph))

        def write(output: Any, task: Any) -> Any:
            state = task.read_fresh(reads) if reads is not None else output
            if self.func is not None:
                return route(self.func(state, task), task)
            if self.afunc is None:
                raise RuntimeError(f"Conditional edge from '{source}' is not callable.")

            async def run_async() -> None:
                route(await self.afunc(state, task), task)

            return run_async()

        return write

    def _writes(self, result: Any, source: str, graph: Any) -> list[tuple[str, Any]]:
        results = result if isinstance(result, list) else [result]
        writes: list[tuple[str, Any]] = []
        for r in results:
            if isinstance(r, Send):
                graph.validate_send(r, source=f"Conditional edge from '{source}'")
                writes.append((TASKS, r))
                continue
            if self.path_map is not None:
                if r not in self.path_map:
                    raise KeyError(
                        f"Conditional edge from '{source}' returned {r!r}, which is not in its path map "
                        f"{list(self.path_map)!r}. Return one of those keys or add it to path_map."
                    )
                dest = self.path_map[r]
            else:
                dest = r
            if dest is None or dest == START:
                raise ValueError(f"Conditional edge from '{source}' cannot route to {dest!r}.")
            if dest == END:
                continue
            if dest not in graph.nodes:
                raise ValueError(
                    f"Conditional edge from '{source}' routed to unknown node {dest!r}. Known nodes: "
                    f"{sorted(n for n in graph.nodes if n != START)}."
                )
            writes.append((f"branch:to:{dest}", None))
        return writes


def _literal_map(path: Any) -> dict[Hashable, str] | None:
    fn = path if inspect.isfunction(path) or inspect.ismethod(path) else (path.__call__ if callable(path) else None)
    try:
        ann = get_type_hints(fn).get("return") if fn is not None else None
    except (TypeError, NameError):
        return None
    if ann is None or get_origin(ann) is not Literal:
        return None
    return {v: v for v in get_args(ann)}
