"""Which compiled graphs a node runs: the node itself, or graphs its function refers to.

A node that calls ``subgraph.invoke(state)`` runs a subgraph as surely as a node that *is* the
subgraph; its snapshot task then points at the child's checkpoints and ``get_subgraphs()``
lists it.  A graph compiled with ``checkpointer=False`` keeps no state of its own, so it is
never reported.
"""

from __future__ import annotations

from typing import Any

__all__ = ["find_subgraphs"]


def _is_graph(value: Any) -> bool:
    return hasattr(value, "nodes") and hasattr(value, "stream_channels_asis")


def _referenced(fn: Any) -> list[Any]:
    """Values a plain function reads from its closure or its module globals (by name)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    found: list[Any] = []
    closure = getattr(fn, "__closure__", None) or ()
    for cell in closure:
        try:
            found.append(cell.cell_contents)
        except ValueError:  # an empty cell: the variable is not bound yet
            continue
    globals_ = getattr(fn, "__globals__", {})
    names = set(code.co_names)
    for const in code.co_consts:  # comprehensions and inner functions read names too
        if hasattr(const, "co_names"):
            names.update(const.co_names)
    found.extend(globals_[n] for n in names if n in globals_)
    return found


def find_subgraphs(runnable: Any) -> list[Any]:
    """The first graph ``runnable`` is or refers to (as a one-item list), else an empty list."""
    candidates = [runnable]
    fn = getattr(runnable, "__func__", runnable)  # a bound method: look at its function
    if not _is_graph(runnable):
        candidates.extend(_referenced(fn))
    for value in candidates:
        target = getattr(value, "__self__", value)  # `sub.invoke` stored in a variable
        if _is_graph(target) and target.checkpointer is not False:
            return [target]
    return []
