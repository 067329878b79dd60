"""The functional API: ``@entrypoint`` turns a function into a graph, ``@task`` into a durable step.

Both lower onto the same Pregel engine as StateGraph: an entrypoint is one node triggered by
the input; each task call is a PUSH task of the same superstep whose result is saved, so a
resumed entrypoint gets stored results back instead of calling again.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..channels.ephemeral_value import EphemeralValue
from ..channels.last_value import LastValue
from ..constants import END, PREVIOUS, RETURN, START
from ..pregel._call import adapt_callable, is_async_callable
from ..pregel._node import PregelNode
from ..pregel.main import Pregel
from ..types import CachePolicy, RetryPolicy

__all__ = ["entrypoint", "task"]

R = TypeVar("R")
S = TypeVar("S")


def _return_writer(out: Any, task: Any) -> None:
    task.send([(RETURN, out)])


class _TaskFunction:
    """What ``@task`` returns: call it inside a run to get a future of the result."""

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        name: str | None,
        retry_policy: Any,
        cache_policy: Any,
        timeout: Any = None,
    ) -> None:
        from ..types import TimeoutPolicy

        self.func = func
        self.timeout = TimeoutPolicy.coerce(timeout)
        if self.timeout is not None and not is_async_callable(func):
            raise ValueError(
                f"@task {getattr(func, '__name__', func)!r}: timeout= needs an async function."
            )
        self.name = name or getattr(func, "__name__", "task")
        self.retry_policy = retry_policy
        self.cache_policy = cache_policy
        policies = [retry_policy] if isinstance(retry_policy, RetryPolicy) else retry_policy
        if is_async_callable(func):
            sync, asyn = None, _star(func, is_async=True)
        else:
            sync, asyn = _star(func, is_async=False), None
        self.node = PregelNode(
            name=self.name,
            triggers=[],
            channels=[],
            func=sync,
            afunc=asyn,
            writers=[_return_writer],
            retry_policy=policies,
            cache_policy=cache_policy,
            bound=func,
            update_mode="return",
            timeout=self.timeout,
        )
        functools.update_wrapper(self, func)
        self.__name__ = self.name  # name= renames the task everywhere, as LangGraph does

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..pregel._functional import call_task

        return call_task(self.name, self.node, args, kwargs)

    def clear_cache(self, cache: Any) -> None:
        cache.clear([("__pregel_ns_writes", self.name)])

    async def aclear_cache(self, cache: Any) -> None:
        await cache.aclear([("__pregel_ns_writes", self.name)])


def _star(func: Callable[..., Any], *, is_async: bool) -> Callable[[Any, Any], Any]:
    if is_async:

        async def call_async(value: Any, task: Any) -> Any:
            args, kwargs = value
            return await func(*args, **kwargs)

        return call_async

    def call(value: Any, task: Any) -> Any:
        args, kwargs = value
        return func(*args, **kwargs)

    return call


def task(
    func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    retry_policy: RetryPolicy | None = None,
    cache_policy: CachePolicy | None = None,
    timeout: Any = None,
    **kwargs: Any,
) -> Any:
    """Mark ``func`` as a durable task: ``@task`` or ``@task(retry_policy=...)``.

    Calling a task inside an entrypoint (or a node) starts it and returns a future;
    ``.result()`` waits for it.  With a checkpointer, finished tasks are not rerun
    when the run resumes.

    Examples:
        >>> from stategraph.func import entrypoint, task
        >>> @task
        ... def square(n: int) -> int:
        ...     return n * n
        >>> @entrypoint()
        ... def sum_squares(numbers: list[int]) -> int:
        ...     futures = [square(n) for n in numbers]  # run in parallel
        ...     return sum(future.result() for future in futures)
        >>> sum_squares.invoke([1, 2, 3])
        14
        >>> try:
        ...     square(3)
        ... except RuntimeError as e:
        ...     print(e.code.name)
        RUN_OUTSIDE_CONTEXT
    """
    retry_policy = retry_policy or kwargs.pop("retry", None)

    def decorate(fn: Callable[..., Any]) -> _TaskFunction:
        return _TaskFunction(
            fn, name=name, retry_policy=retry_policy, cache_policy=cache_policy, timeout=timeout
        )

    return decorate(func) if func is not None else decorate


class entrypoint(Generic[R]):
    """Decorator: turn a function of one input into a runnable, checkpointable graph.

    The function may take keyword-only ``previous`` (its last saved return value on
    the thread), ``config``, ``runtime``, ``store`` or ``writer`` parameters.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.func import entrypoint
        >>> from stategraph.types import Command, interrupt
        >>> @entrypoint(checkpointer=InMemorySaver())
        ... def review(draft: str) -> str:
        ...     verdict = interrupt({"draft": draft})  # pause until a human answers
        ...     return f"{draft}: {verdict}"
        >>> config = {"configurable": {"thread_id": "t1"}}
        >>> review.invoke("essay", config)["__interrupt__"][0].value
        {'draft': 'essay'}
        >>> review.invoke(Command(resume="approved"), config)
        'essay: approved'

        ``previous`` carries a value from one run of a thread to the next:

        >>> @entrypoint(checkpointer=InMemorySaver())
        ... def running_total(n: int, *, previous: int | None = None) -> int:
        ...     return (previous or 0) + n
        >>> running_total.invoke(1, config), running_total.invoke(5, config)
        (1, 6)
    """

    def __init__(
        self,
        checkpointer: Any = None,
        store: Any = None,
        cache: Any = None,
        context_schema: Any = None,
        cache_policy: CachePolicy | None = None,
        retry_policy: RetryPolicy | None = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> None:
        from ..types import TimeoutPolicy

        self.timeout = TimeoutPolicy.coerce(timeout)
        self.checkpointer = checkpointer
        self.store = store
        self.cache = cache
        self.context_schema = context_schema or kwargs.pop("config_schema", None)
        self.cache_policy = cache_policy
        self.retry_policy = retry_policy or kwargs.pop("retry", None)

    @dataclass(frozen=True, kw_only=True, slots=True)  # keyword-only, as LangGraph's
    class final(Generic[R, S]):
        """Return ``value`` to the caller but save ``save`` as ``previous`` for the next run."""

        value: R
        save: S

    def __call__(self, func: Callable[..., Any]) -> Pregel:
        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            raise NotImplementedError(
                "Generators are not supported by @entrypoint: return a value instead."
            )
        if not inspect.signature(func).parameters:
            raise ValueError(
                f"@entrypoint function {func.__name__!r} needs at least one parameter for its input."
            )
        name = func.__name__
        if self.timeout is not None and not is_async_callable(func):
            raise ValueError(f"@entrypoint {name!r}: timeout= needs an async function.")
        sync, asyn = adapt_callable(func)

        def write_result(out: Any, task: Any) -> None:
            if isinstance(out, entrypoint.final):
                task.send([(END, out.value), (PREVIOUS, out.save)])
            else:
                task.send([(END, out), (PREVIOUS, out)])

        node = PregelNode(
            name=name,
            triggers=[START],
            channels=START,
            func=sync,
            afunc=asyn,
            writers=[write_result],
            bound=func,
            retry_policy=[self.retry_policy]
            if isinstance(self.retry_policy, RetryPolicy)
            else self.retry_policy,
            cache_policy=self.cache_policy,
            timeout=self.timeout,
        )
        # The graph keeps Pregel's default name ("LangGraph"), as LangGraph's entrypoints do.
        graph = Pregel(
            nodes={name: node},
            channels={START: EphemeralValue(Any), END: LastValue(Any), PREVIOUS: LastValue(Any)},
            input_channels=START,
            output_channels=END,
            stream_channels=END,
            stream_mode="updates",
            stream_eager=True,
            checkpointer=self.checkpointer,
            store=self.store,
            cache=self.cache,
            context_schema=self.context_schema,
        )
        functools.update_wrapper(graph, func, updated=())  # type: ignore[arg-type]
        graph.input_type, graph.output_type = _io_types(func)
        if self.checkpointer not in (None, True, False):  # its input/return types round-trip
            from ..graph._declared_types import allow_declared_classes, function_types

            allow_declared_classes(self.checkpointer, function_types(func))
        return graph


def _io_types(func: Callable[..., Any]) -> tuple[Any, Any]:
    """The entrypoint's input type (its first parameter) and output type (the return type, or
    the value type of an ``entrypoint.final[value, save]``); ``Any`` where not annotated."""
    import typing

    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: the schemas say nothing
        hints = {}
    first = next(iter(inspect.signature(func).parameters))
    returned = hints.get("return", Any)
    if typing.get_origin(returned) is entrypoint.final:
        returned = typing.get_args(returned)[0]
    return hints.get(first, Any), returned
