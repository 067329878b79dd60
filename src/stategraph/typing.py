"""Type variables of the public generics (StateGraph[StateT, ContextT, InputT, OutputT], ...)."""

from typing import Any, TypeVar

__all__ = ["StateT", "StateT_co", "StateT_contra", "ContextT", "ContextT_contra", "InputT", "OutputT", "NodeInputT"]

StateT = TypeVar("StateT", bound=Any)
StateT_co = TypeVar("StateT_co", covariant=True)
StateT_contra = TypeVar("StateT_contra", contravariant=True)
ContextT = TypeVar("ContextT", bound=Any, default=None) if hasattr(TypeVar, "__default__") else TypeVar("ContextT", bound=Any)
ContextT_contra = TypeVar("ContextT_contra", contravariant=True)
InputT = TypeVar("InputT", bound=Any)
OutputT = TypeVar("OutputT", bound=Any)
NodeInputT = TypeVar("NodeInputT")
