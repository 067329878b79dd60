"""``PregelProtocol``: what every runnable graph offers, local (``Pregel``) or remote (``RemoteGraph``).

Mirrors ``langgraph.pregel.protocol``.  Annotate with it to accept either kind of graph;
``isinstance`` recognises any class that has the run and state methods, so compiled graphs
and ``RemoteGraph`` qualify without inheriting from it.

    >>> from stategraph.graph import StateGraph
    >>> from typing_extensions import TypedDict
    >>> class S(TypedDict):
    ...     x: int
    >>> graph = StateGraph(S).add_node("a", lambda s: {"x": 1}).set_entry_point("a").compile()
    >>> isinstance(graph, PregelProtocol)
    True
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, TypeAlias

__all__ = ["PregelProtocol", "StreamChunk"]

StreamChunk: TypeAlias = tuple[tuple[str, ...], str, Any]
"""One streamed item as the engine emits it: (namespace, stream mode, payload)."""

# the methods isinstance() looks for (bulk_update_state is optional: RemoteGraph lacks it)
_REQUIRED = (
    "invoke",
    "ainvoke",
    "stream",
    "astream",
    "get_state",
    "aget_state",
    "get_state_history",
    "aget_state_history",
    "update_state",
    "aupdate_state",
    "get_graph",
    "aget_graph",
    "with_config",
)


class PregelProtocol(ABC):
    """The public interface of a runnable graph: run it, read and update its threads' state.

    Examples:
        Accept a local or a remote graph alike:

        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.protocol import PregelProtocol
        >>> from stategraph.pregel.remote import RemoteGraph
        >>> def run_twice(graph: PregelProtocol, value: dict) -> dict:
        ...     return graph.invoke(graph.invoke(value))
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"x": state["x"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> run_twice(graph, {"x": 1})
        {'x': 3}
        >>> isinstance(graph, PregelProtocol), isinstance(RemoteGraph("agent"), PregelProtocol)
        (True, True)
        >>> isinstance(object(), PregelProtocol)
        False
    """

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        if cls is PregelProtocol:
            return all(callable(getattr(other, name, None)) for name in _REQUIRED) or NotImplemented
        return NotImplemented

    @abstractmethod
    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> PregelProtocol:
        """Return a copy of the graph bound to ``config``."""

    @abstractmethod
    def get_graph(self, config: dict[str, Any] | None = None, *, xray: int | bool = False) -> Any:
        """Return the drawable structure of the graph."""

    @abstractmethod
    async def aget_graph(
        self, config: dict[str, Any] | None = None, *, xray: int | bool = False
    ) -> Any:
        """Async ``get_graph``."""

    @abstractmethod
    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> Any:
        """Return the thread's ``StateSnapshot`` at the config's checkpoint."""

    @abstractmethod
    async def aget_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> Any:
        """Async ``get_state``."""

    @abstractmethod
    def get_state_history(self, config: dict[str, Any], **kwargs: Any) -> Iterator[Any]:
        """Yield the thread's snapshots, newest first."""

    @abstractmethod
    def aget_state_history(self, config: dict[str, Any], **kwargs: Any) -> AsyncIterator[Any]:
        """Async ``get_state_history``."""

    def bulk_update_state(
        self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
    ) -> dict[str, Any]:
        """Apply several supersteps of updates; optional (``NotImplementedError`` by default)."""
        raise NotImplementedError(f"{type(self).__name__} does not support bulk_update_state().")

    async def abulk_update_state(
        self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]
    ) -> dict[str, Any]:
        """Async ``bulk_update_state``; optional (``NotImplementedError`` by default)."""
        raise NotImplementedError(f"{type(self).__name__} does not support abulk_update_state().")

    @abstractmethod
    def update_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None
    ) -> dict[str, Any]:
        """Write ``values`` as if ``as_node`` returned them; return the new checkpoint's config."""

    @abstractmethod
    async def aupdate_state(
        self, config: dict[str, Any], values: Any, as_node: str | None = None
    ) -> dict[str, Any]:
        """Async ``update_state``."""

    @abstractmethod
    def stream(
        self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Run the graph, yielding stream chunks."""

    @abstractmethod
    def astream(
        self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Async ``stream``."""

    @abstractmethod
    def invoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Run the graph to completion or interrupt; return its output."""

    @abstractmethod
    async def ainvoke(self, input: Any, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Async ``invoke``."""
