"""The managed-value base class and its spec types, at LangGraph's ``langgraph.managed.base`` path.

A managed value is a state key the engine computes for each task (``IsLastStep``,
``RemainingSteps``) instead of reading it from a channel.

    >>> from stategraph.managed.base import ManagedValueMapping, is_managed_value
    >>> from stategraph.managed.is_last_step import RemainingStepsManager
    >>> mapping: ManagedValueMapping = {"remaining_steps": RemainingStepsManager}
    >>> is_managed_value(mapping["remaining_steps"])
    True
"""

from __future__ import annotations

from typing import TypeAlias

from . import ManagedValue, is_managed_value

__all__ = ["ManagedValue", "ManagedValueMapping", "ManagedValueSpec", "is_managed_value"]

ManagedValueSpec: TypeAlias = type[ManagedValue]
"""A managed value as a graph declares it: the ``ManagedValue`` subclass itself."""

ManagedValueMapping: TypeAlias = dict[str, ManagedValueSpec]
"""State key -> the managed value the engine computes for it."""
