"""What a workload is: a name, the question it answers, and how to run it.

A run returns ``Metrics``: row label -> {"value": float, "unit": str}. Every
metric is lower-is-better, so a ratio langgraph/stategraph above 1 always means
stategraph did better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Metrics", "Settings", "Workload", "WrongResultError", "expect", "metric"]

Metrics = dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Settings:
    """Run options shared by every workload."""

    quick: bool = False

    def pick(self, full: int, quick: int) -> int:
        """Return ``quick`` in --quick mode, else ``full``."""
        return quick if self.quick else full


@dataclass(frozen=True, slots=True)
class Workload:
    """One benchmark: ``run(lib, settings)`` for a library, ``floor(settings)`` without one."""

    name: str
    question: str
    run: Callable[[str, Settings], Metrics]
    floor: Callable[[Settings], Metrics] | None = None


class WrongResultError(AssertionError):
    """A library returned a wrong answer, so its time would mean nothing."""


def metric(value: float, unit: str) -> dict[str, Any]:
    """Build one metric cell."""
    return {"value": float(value), "unit": unit}


def expect(ok: bool, what: str) -> None:
    """Raise ``WrongResultError(what)`` unless ``ok``."""
    if not ok:
        raise WrongResultError(what)
