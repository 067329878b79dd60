"""Policy and result types of ``stategraph.types`` that most programs never touch.

Kept apart so ``import stategraph.graph`` does not pay for building their dataclasses;
``stategraph.types`` re-exports them lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, Literal, TypeVar

from .types import CacheKey, Interrupt, RetryPolicy

ValueT = TypeVar("ValueT")

KeyFuncT = TypeVar("KeyFuncT", bound=Callable[..., str | bytes])


def default_cache_key(*args: Any, **kwargs: Any) -> str:
    """The default ``CachePolicy.key_func`` (named as LangGraph's, which reprs show)."""
    from .cache._key import default_cache_key as key

    return key(*args, **kwargs)


@dataclass(frozen=True, kw_only=True)
class CachePolicy(Generic[KeyFuncT]):
    """Cache a node's writes keyed on its input; ``ttl`` in seconds, None for no expiry.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.cache.memory import InMemoryCache
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.pregel.types import CachePolicy
        >>> class State(TypedDict):
        ...     n: int
        >>> runs = []
        >>> def double(state: State) -> State:
        ...     runs.append(state["n"])
        ...     return {"n": state["n"] * 2}
        >>> builder = StateGraph(State).add_node("double", double, cache_policy=CachePolicy(ttl=60))
        >>> graph = builder.add_edge(START, "double").compile(cache=InMemoryCache())
        >>> graph.invoke({"n": 2}), graph.invoke({"n": 2}), graph.invoke({"n": 3})
        ({'n': 4}, {'n': 4}, {'n': 6})
        >>> runs  # the second call with n=2 was served from the cache
        [2, 3]
    """

    key_func: KeyFuncT = default_cache_key  # type: ignore[assignment]
    ttl: int | None = None


@dataclass(frozen=True, kw_only=True)
class TimeoutPolicy:
    """Per-attempt limits for a node: ``run_timeout`` wall clock, ``idle_timeout`` no progress.

    Examples:
        >>> import asyncio
        >>> from typing_extensions import TypedDict
        >>> from stategraph.errors import NodeTimeoutError
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import TimeoutPolicy
        >>> class State(TypedDict):
        ...     n: int
        >>> async def slow(state: State) -> State:
        ...     await asyncio.sleep(5)
        ...     return {"n": 1}
        >>> builder = StateGraph(State).add_node("slow", slow, timeout=TimeoutPolicy(run_timeout=0.05))
        >>> graph = builder.add_edge(START, "slow").compile()
        >>> try:
        ...     asyncio.run(graph.ainvoke({"n": 0}))
        ... except NodeTimeoutError as e:
        ...     print(e)
        Node 'slow' exceeded its run timeout of 0.05 s (attempt 1). Raise the timeout, or make the node faster; the default retry policy retries this. [E207]
    """

    run_timeout: float | None = None
    idle_timeout: float | None = None
    refresh_on: Literal["auto", "heartbeat"] = "auto"

    def __post_init__(self) -> None:
        for name in ("run_timeout", "idle_timeout"):
            v = getattr(self, name)
            if v is not None and v <= 0:
                raise ValueError(f"TimeoutPolicy.{name} must be positive, got {v!r}")

    @classmethod
    def coerce(cls, value: float | timedelta | TimeoutPolicy | None) -> TimeoutPolicy | None:
        if value is None or isinstance(value, TimeoutPolicy):
            return value
        if isinstance(value, timedelta):
            value = value.total_seconds()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return cls(run_timeout=float(value))
        raise TypeError(
            f"timeout must be a number of seconds, a timedelta or a TimeoutPolicy, got {value!r}"
        )


@dataclass(frozen=True)
class GraphOutput(Generic[ValueT]):
    """Return value of ``invoke(..., version="v2")``.

    Examples:
        >>> from typing_extensions import TypedDict
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.graph import START, StateGraph
        >>> from stategraph.types import GraphOutput, interrupt
        >>> class State(TypedDict):
        ...     answer: str
        >>> def ask(state: State) -> State:
        ...     return {"answer": interrupt("Approve?")}
        >>> graph = StateGraph(State).add_node(ask).add_edge(START, "ask").compile(
        ...     checkpointer=InMemorySaver()
        ... )
        >>> out = graph.invoke({"answer": ""}, {"configurable": {"thread_id": "1"}}, version="v2")
        >>> isinstance(out, GraphOutput), out.value  # the state stays apart from the pauses
        (True, {'answer': ''})
        >>> [pause.value for pause in out.interrupts]
        ['Approve?']
    """

    value: ValueT
    interrupts: tuple[Interrupt, ...] = ()


@dataclass(frozen=True)
class PregelExecutableTask:
    """A task as the engine runs it (exported for compatibility; treat as read-only).

    Examples:
        >>> from stategraph.pregel.debug import PregelExecutableTask
        >>> task = PregelExecutableTask(
        ...     name="plan", input={"goal": "ship"}, proc=None, writes=[], config={},
        ...     triggers=["branch:to:plan"], retry_policy=[], cache_key=None,
        ...     id="task-1", path=("__pregel_pull", "plan"),
        ... )
        >>> task.name, task.input, task.triggers, task.timeout
        ('plan', {'goal': 'ship'}, ['branch:to:plan'], None)
    """

    name: str
    input: Any
    proc: Any
    writes: Any
    config: dict[str, Any]
    triggers: Sequence[str]
    retry_policy: Sequence[RetryPolicy]
    cache_key: CacheKey | None
    id: str
    path: tuple[Any, ...]
    writers: Sequence[Any] = ()
    subgraphs: Sequence[Any] = ()
    timeout: TimeoutPolicy | None = None
