"""Build-time validation of a StateGraph: every structural mistake we can see before running."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..constants import END, START
from ..errors import ErrorCode, coded

if TYPE_CHECKING:
    from .state import StateGraph


def _err(message: str, code: ErrorCode) -> ValueError:
    # why: LangGraph raises ValueError here and programs catch it by that type; we add the code.
    return coded(ValueError, message, code)


def _known(builder: StateGraph, name: str) -> str:
    close = [n for n in builder.nodes if n.lower() == name.lower() or n.startswith(name[:3])]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"Known nodes: {sorted(builder.nodes)}.{hint}"


def validate_graph(builder: StateGraph, interrupt: Sequence[str] | None = None) -> None:
    sources = {s for s, _ in builder.edges} | {s for starts, _ in builder.waiting_edges for s in starts}
    sources |= set(builder.branches)
    for s in sources:
        if s != START and s not in builder.nodes:
            raise _err(f"Found edge starting at unknown node '{s}'. {_known(builder, s)} Add it with add_node() first.",
                       ErrorCode.BUILD_UNKNOWN_NODE)
    if START not in sources:
        raise _err("Graph must have an entrypoint: add at least one edge from START to another node",
                   ErrorCode.BUILD_NO_ENTRY)
    for s, t in builder.edges:
        if t != END and t not in builder.nodes:
            raise _err(f"Found edge ending at unknown node `{t}` (from '{s}'). {_known(builder, t)}",
                       ErrorCode.BUILD_UNKNOWN_NODE)
    for source, branches in builder.branches.items():
        for name, branch in branches.items():
            for end in branch.ends or ():
                if end != END and end not in builder.nodes:
                    raise _err(f"At '{source}' node, '{name}' branch found unknown target '{end}'. {_known(builder, end)}",
                               ErrorCode.BUILD_UNKNOWN_NODE)
    for name, spec in builder.nodes.items():
        ends = spec.ends.values() if isinstance(spec.ends, dict) else spec.ends
        ends = spec.ends.keys() if isinstance(spec.ends, dict) else ends
        for end in ends:
            if end != END and end not in builder.nodes:
                raise _err(f"Node '{name}' declares destination '{end}', which is not a node. {_known(builder, end)}",
                           ErrorCode.BUILD_UNKNOWN_NODE)
    _warn_orphans(builder)
    for node in interrupt or ():
        if node != "*" and node not in builder.nodes:
            raise _err(f"Interrupt node `{node}` not found. {_known(builder, node)}", ErrorCode.BUILD_UNKNOWN_NODE)


def _warn_orphans(builder: StateGraph) -> None:
    """Warn about nodes nothing routes to (they can still be reached by an undeclared Command)."""
    import warnings

    reached = {t for _, t in builder.edges} | {t for _, t in builder.waiting_edges}
    for branches in builder.branches.values():
        for branch in branches.values():
            if branch.ends is None:
                return  # a path without a map may route anywhere
            reached.update(branch.ends)
    for spec in builder.nodes.values():
        reached.update(spec.ends.keys() if isinstance(spec.ends, dict) else spec.ends)
    orphans = sorted(n for n in builder.nodes if n not in reached)
    if orphans:
        warnings.warn(
            f"Nodes {orphans} have no incoming edge, conditional edge or declared destination, so "
            "they run only if some node returns Command(goto=...) or Send to them. Add an edge, or "
            "declare destinations=(...) / a Command[Literal[...]] return type on the routing node. "
            f"[{ErrorCode.BUILD_ORPHAN_NODE.value}]",
            stacklevel=4,
        )


def check_interrupt_list(builder: StateGraph, names: Any) -> None:
    if names == "*" or not names:
        return
    validate_graph(builder, list(names))
