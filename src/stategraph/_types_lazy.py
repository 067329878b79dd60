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
    """Cache a node's writes keyed on its input; ``ttl`` in seconds, None for no expiry."""

    key_func: KeyFuncT = default_cache_key  # type: ignore[assignment]
    ttl: int | None = None


@dataclass(frozen=True, kw_only=True)
class TimeoutPolicy:
    """Per-attempt limits for a node: ``run_timeout`` wall clock, ``idle_timeout`` no progress."""

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
    """Return value of ``invoke(..., version="v2")``."""

    value: ValueT
    interrupts: tuple[Interrupt, ...] = ()


@dataclass(frozen=True)
class PregelExecutableTask:
    """A task as the engine runs it (exported for compatibility; treat as read-only)."""

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
