"""Managed values: read-only state keys computed by the engine (remaining steps, last step)."""

from __future__ import annotations

from typing import Annotated, Any

__all__ = ["ManagedValue", "IsLastStep", "RemainingSteps", "is_managed_value"]


class ManagedValue:
    """Base of engine-computed keys; ``get_value(step, stop)`` gives the value for a task.

    ``step`` is the running superstep and ``stop`` the step at which the recursion limit is
    reached.  Annotate a state key with a subclass to have the engine fill it; nodes cannot
    write it.

    Examples:
        >>> from typing import Annotated, TypedDict
        >>> from stategraph.graph import END, START, StateGraph
        >>> from stategraph.managed import ManagedValue
        >>> class StepNumber(ManagedValue):
        ...     @staticmethod
        ...     def get_value(step, stop):
        ...         return step
        >>> class State(TypedDict):
        ...     seen: list
        ...     step: Annotated[int, StepNumber]
        >>> def record(state):
        ...     return {"seen": state["seen"] + [state["step"]]}
        >>> builder = StateGraph(State).add_node("record", record).add_edge(START, "record")
        >>> def route(state):
        ...     return END if len(state["seen"]) == 3 else "record"
        >>> builder = builder.add_conditional_edges("record", route)
        >>> builder.compile().invoke({"seen": []})
        {'seen': [1, 2, 3]}
    """

    @staticmethod
    def get_value(step: int, stop: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class IsLastStepManager(ManagedValue):
    """The value of an ``IsLastStep`` key: True in the last step before the recursion limit.

    Examples:
        >>> from typing import TypedDict
        >>> from stategraph.graph import END, START, StateGraph
        >>> from stategraph.managed import IsLastStep
        >>> from stategraph.managed.is_last_step import IsLastStepManager
        >>> IsLastStepManager.get_value(step=3, stop=4), IsLastStepManager.get_value(step=1, stop=4)
        (True, False)
        >>> class State(TypedDict):
        ...     rounds: int
        ...     is_last_step: IsLastStep
        >>> def route(state):
        ...     return END if state["is_last_step"] else "work"
        >>> builder = StateGraph(State).add_node("work", lambda s: {"rounds": s["rounds"] + 1})
        >>> builder = builder.add_edge(START, "work").add_conditional_edges("work", route)
        >>> builder.compile().invoke({"rounds": 0}, {"recursion_limit": 4})  # stops instead of failing
        {'rounds': 3}
    """

    @staticmethod
    def get_value(step: int, stop: int) -> bool:
        return step == stop - 1


class RemainingStepsManager(ManagedValue):
    """The value of a ``RemainingSteps`` key: the steps left before the recursion limit.

    Examples:
        >>> from typing import TypedDict
        >>> from stategraph.graph import END, START, StateGraph
        >>> from stategraph.managed import RemainingSteps
        >>> from stategraph.managed.is_last_step import RemainingStepsManager
        >>> RemainingStepsManager.get_value(step=1, stop=10)
        9
        >>> class State(TypedDict):
        ...     left: list
        ...     remaining_steps: RemainingSteps
        >>> def work(state):
        ...     return {"left": state["left"] + [state["remaining_steps"]]}
        >>> builder = StateGraph(State).add_node("work", work).add_edge(START, "work")
        >>> def route(state):
        ...     return END if state["remaining_steps"] <= 2 else "work"
        >>> builder = builder.add_conditional_edges("work", route)
        >>> builder.compile().invoke({"left": []}, {"recursion_limit": 5})
        {'left': [4, 3, 2]}
    """

    @staticmethod
    def get_value(step: int, stop: int) -> int:
        return stop - step


IsLastStep = Annotated[bool, IsLastStepManager]
RemainingSteps = Annotated[int, RemainingStepsManager]


def is_managed_value(value: Any) -> bool:
    """Whether ``value`` is a ``ManagedValue`` class (the metadata of a managed state key).

    Examples:
        >>> from typing import get_args
        >>> from stategraph.managed import RemainingSteps, is_managed_value
        >>> [is_managed_value(arg) for arg in get_args(RemainingSteps)]
        [False, True]
        >>> is_managed_value(RemainingSteps)  # the Annotated alias itself is not
        False
    """
    return isinstance(value, type) and issubclass(value, ManagedValue)
