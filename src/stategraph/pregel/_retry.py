"""RetryPolicy decisions (pure): should this failure be retried, and after how long."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..types import RetryPolicy


def _matches(policy: RetryPolicy, exc: Exception) -> bool:
    on = policy.retry_on
    if isinstance(on, type) and issubclass(on, BaseException):
        return isinstance(exc, on)
    if isinstance(on, Sequence) and not isinstance(on, str):
        return isinstance(exc, tuple(on))
    if callable(on):
        return bool(on(exc))
    raise TypeError(f"RetryPolicy.retry_on must be an exception class, a sequence of them or a callable, got {on!r}")


def retry_delay(policies: Sequence[RetryPolicy] | None, exc: Exception, attempt: int) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``, or None to fail now."""
    if not policies:
        return None
    policy: Any = next((p for p in policies if _matches(p, exc)), None)
    if policy is None or attempt >= policy.max_attempts:
        return None
    delay = min(policy.max_interval, policy.initial_interval * policy.backoff_factor ** (attempt - 1))
    if policy.jitter:
        import random

        delay += random.uniform(0, 1)
    return delay
