"""Managed values: read-only state keys computed by the engine (remaining steps, last step)."""

from __future__ import annotations

from typing import Annotated, Any

__all__ = ["ManagedValue", "IsLastStep", "RemainingSteps", "is_managed_value"]


class ManagedValue:
    """Base of engine-computed keys; ``get_value(step, stop)`` gives the value for a task."""

    @staticmethod
    def get_value(step: int, stop: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class IsLastStepManager(ManagedValue):
    @staticmethod
    def get_value(step: int, stop: int) -> bool:
        return step == stop - 1


class RemainingStepsManager(ManagedValue):
    @staticmethod
    def get_value(step: int, stop: int) -> int:
        return stop - step


IsLastStep = Annotated[bool, IsLastStepManager]
RemainingSteps = Annotated[int, RemainingStepsManager]


def is_managed_value(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, ManagedValue)
