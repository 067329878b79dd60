"""``IsLastStep`` and ``RemainingSteps`` with their managers, at LangGraph's module path.

>>> from typing import Annotated, get_args
>>> from stategraph.managed.is_last_step import RemainingSteps, RemainingStepsManager
>>> get_args(RemainingSteps)[1] is RemainingStepsManager
True
>>> RemainingStepsManager.get_value(step=3, stop=10)
7
"""

from . import IsLastStep, IsLastStepManager, RemainingSteps, RemainingStepsManager

__all__ = ["IsLastStep", "IsLastStepManager", "RemainingSteps", "RemainingStepsManager"]
