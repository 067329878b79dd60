"""PregelNode: one actor of the engine (what triggers it, what it reads, what it runs, what it writes).

``NodeBuilder`` is the public fluent way to build one for a hand-made ``Pregel``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._types_lazy import CachePolicy, TimeoutPolicy

from ..types import RetryPolicy
from ._call import adapt_callable

__all__ = ["PregelNode", "NodeBuilder", "ChannelWriteEntry"]

# A writer turns a node's output into writes: writer(output, task) -> None | awaitable.
Writer = Callable[[Any, Any], Any]


class PregelNode:
    """An engine actor.  ``func``/``afunc`` take (input, task) and return the output.

    It runs when one of its ``triggers`` channels changes, reads ``channels`` and
    writes through its ``writers``.  Build one with ``NodeBuilder``; every node of a
    compiled graph is one.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel import PregelNode
        >>> class State(TypedDict):
        ...     x: int
        >>> builder = StateGraph(State).add_node("inc", lambda state: {"x": state["x"] + 1})
        >>> graph = builder.add_edge(START, "inc").compile()
        >>> node = graph.nodes["inc"]
        >>> isinstance(node, PregelNode), node.name, node.triggers
        (True, 'inc', ['branch:to:inc'])
    """

    __slots__ = (
        "name",
        "triggers",
        "trigger_tuple",
        "channels",
        "mapper",
        "func",
        "afunc",
        "writers",
        "retry_policy",
        "cache_policy",
        "metadata",
        "tags",
        "subgraphs",
        "timeout",
        "hidden",
        "bound",
        "input_schema",
        "update_mode",
        "error_handler",
    )

    def __init__(
        self,
        *,
        name: str = "",
        triggers: Sequence[str],
        channels: Sequence[str] | str,
        func: Callable[[Any, Any], Any] | None = None,
        afunc: Callable[[Any, Any], Any] | None = None,
        writers: Sequence[Writer] = (),
        mapper: Callable[[Any], Any] | None = None,
        retry_policy: Sequence[RetryPolicy] | None = None,
        cache_policy: CachePolicy | None = None,
        metadata: dict[str, Any] | None = None,
        tags: Sequence[str] | None = None,
        subgraphs: Sequence[Any] = (),
        timeout: TimeoutPolicy | None = None,
        hidden: bool = False,
        bound: Any = None,
        input_schema: Any = None,
        update_mode: str = "writes",
        error_handler: str | None = None,
    ) -> None:
        self.name = name
        self.triggers = list(triggers)
        self.trigger_tuple = tuple(triggers)
        self.channels = channels if isinstance(channels, str) else list(channels)
        self.func = func
        self.afunc = afunc
        self.writers = list(writers)
        self.mapper = mapper
        self.retry_policy = retry_policy
        self.cache_policy = cache_policy
        self.metadata = metadata or {}
        self.tags = list(tags or ())
        self.subgraphs = list(subgraphs)
        self.timeout = timeout
        self.hidden = hidden
        self.bound = bound
        self.input_schema = input_schema
        self.update_mode = (
            update_mode  # "writes": updates show channel writes; "return": the __return__ value
        )
        self.error_handler = (
            error_handler  # the node that runs, in the same step, when this one fails
        )

    def __repr__(self) -> str:
        return f"PregelNode(name={self.name!r}, triggers={self.triggers!r})"


class ChannelWriteEntry:
    """Write ``value`` (or the node output when value is PASSTHROUGH) to ``channel``."""

    __slots__ = ("channel", "value", "skip_none", "mapper")
    PASSTHROUGH: Any = object()

    def __init__(
        self, channel: str, value: Any = PASSTHROUGH, skip_none: bool = False, mapper: Any = None
    ) -> None:
        self.channel = channel
        self.value = value
        self.skip_none = skip_none
        self.mapper = mapper


def _entries_writer(entries: list[ChannelWriteEntry]) -> Writer:
    def write(output: Any, task: Any) -> None:
        writes = []
        for e in entries:
            value = output if e.value is ChannelWriteEntry.PASSTHROUGH else e.value
            if e.mapper is not None:
                value = e.mapper(value)
            if value is None and e.skip_none:
                continue
            writes.append((e.channel, value))
        task.send(writes)

    write.channels = tuple(e.channel for e in entries)  # type: ignore[attr-defined]  # for drawing
    return write


class NodeBuilder:
    """Fluent builder of a PregelNode: subscribe_only/subscribe_to/read_from/do/write_to/build.

    Examples:
        Two nodes triggered by the same input channel, each writing its own output:

        >>> from stategraph.channels import EphemeralValue, LastValue
        >>> from stategraph.pregel import NodeBuilder, Pregel
        >>> shout = NodeBuilder().subscribe_only("text").do(str.upper).write_to("loud")
        >>> count = NodeBuilder().subscribe_only("text").do(len).write_to("size")
        >>> app = Pregel(
        ...     nodes={"shout": shout, "count": count},
        ...     channels={"text": EphemeralValue(str), "loud": LastValue(str), "size": LastValue(int)},
        ...     input_channels="text",
        ...     output_channels=["loud", "size"],
        ... )
        >>> app.invoke("hello")
        {'loud': 'HELLO', 'size': 5}

        ``write_to`` also takes ``channel=function`` to write a derived value:

        >>> node = NodeBuilder().subscribe_only("n").do(lambda n: n * 2)
        >>> node = node.write_to("double", plus_one=lambda n: n + 1)
        >>> app = Pregel(
        ...     nodes={"node": node},
        ...     channels={"n": EphemeralValue(int), "double": LastValue(int), "plus_one": LastValue(int)},
        ...     input_channels="n",
        ...     output_channels=["double", "plus_one"],
        ... )
        >>> app.invoke(5)
        {'double': 10, 'plus_one': 11}
    """

    def __init__(self) -> None:
        self._channels: str | list[str] = []
        self._triggers: list[str] = []
        self._funcs: list[Any] = []
        self._writes: list[ChannelWriteEntry] = []
        self._writers: list[Writer] = []
        self._retry: list[RetryPolicy] = []
        self._cache: CachePolicy | None = None
        self._meta: dict[str, Any] = {}
        self._tags: list[str] = []

    def subscribe_only(self, channel: str) -> NodeBuilder:
        """Trigger on ``channel`` and receive its bare value as input."""
        self._channels = channel
        self._triggers.append(channel)
        return self

    def subscribe_to(self, *channels: str, read: bool = True) -> NodeBuilder:
        """Trigger on ``channels``; with read=True receive them in a dict input."""
        if isinstance(self._channels, str):
            raise ValueError(
                "subscribe_to() cannot follow subscribe_only(): a node reads a single channel or a dict."
            )
        self._triggers.extend(channels)
        if read:
            self._channels.extend(channels)
        return self

    def read_from(self, *channels: str) -> NodeBuilder:
        """Also read ``channels`` (without being triggered by them)."""
        if isinstance(self._channels, str):
            raise ValueError("read_from() cannot follow subscribe_only().")
        self._channels.extend(channels)
        return self

    def do(self, func: Any) -> NodeBuilder:
        """Append a step: each step receives the previous step's output."""
        self._funcs.append(func)
        return self

    def write_to(self, *channels: str | ChannelWriteEntry, **kwargs: Any) -> NodeBuilder:
        """Write the output to ``channels``; kwargs map channel -> static value or callable(output)."""
        for c in channels:
            self._writes.append(c if isinstance(c, ChannelWriteEntry) else ChannelWriteEntry(c))
        for k, v in kwargs.items():
            if callable(v):
                self._writes.append(ChannelWriteEntry(k, mapper=v))
            else:
                self._writes.append(ChannelWriteEntry(k, value=v))
        return self

    def meta(self, *tags: str, **metadata: Any) -> NodeBuilder:
        self._tags.extend(tags)
        self._meta.update(metadata)
        return self

    def add_retry_policies(self, *policies: RetryPolicy) -> NodeBuilder:
        self._retry.extend(policies)
        return self

    def add_cache_policy(self, policy: CachePolicy) -> NodeBuilder:
        self._cache = policy
        return self

    def build(self) -> PregelNode:
        func, afunc = _chain([adapt_callable(f) for f in self._funcs])
        writers = list(self._writers)
        if self._writes:
            writers.insert(0, _entries_writer(self._writes))
        return PregelNode(
            triggers=self._triggers,
            channels=self._channels,
            func=func,
            afunc=afunc,
            writers=writers,
            retry_policy=self._retry or None,
            cache_policy=self._cache,
            metadata=self._meta,
            tags=self._tags,
        )


def passthrough(value: Any, task: Any) -> Any:
    """A node body that outputs its input."""
    return value


async def apassthrough(value: Any, task: Any) -> Any:
    """``passthrough`` for async runs: awaited in place, no hop to a worker thread."""
    return value


def _chain(adapted: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    if not adapted:
        return passthrough, apassthrough
    if len(adapted) == 1:
        return adapted[0]
    if all(f is not None for f, _ in adapted):

        def run_sync(value: Any, task: Any) -> Any:
            for f, _ in adapted:
                value = f(value, task)
            return value
    else:
        run_sync = None  # type: ignore[assignment]

    async def run_async(value: Any, task: Any) -> Any:
        from ._runner import call_in_thread

        for f, af in adapted:
            value = (
                await af(value, task) if af is not None else await call_in_thread(f, value, task)
            )
        return value

    return run_sync, run_async
