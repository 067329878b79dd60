"""stategraph.managed.base: the managed-value spec types at LangGraph's path."""

from __future__ import annotations

from stategraph.managed import ManagedValue
from stategraph.managed.base import ManagedValueMapping, is_managed_value
from stategraph.managed.is_last_step import IsLastStepManager, RemainingStepsManager


def test_managers_are_managed_value_specs() -> None:
    mapping: ManagedValueMapping = {"last": IsLastStepManager, "left": RemainingStepsManager}
    assert all(
        is_managed_value(spec) and issubclass(spec, ManagedValue) for spec in mapping.values()
    )
    assert not is_managed_value(int) and not is_managed_value(IsLastStepManager())
