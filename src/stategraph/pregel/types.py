"""Old home of the engine's value types, kept so ``from langgraph.pregel.types import ...`` ports.

Everything here is the same object as in ``stategraph.types``; new code should import from there.

    >>> from stategraph.pregel.types import StateSnapshot
    >>> import stategraph.types
    >>> StateSnapshot is stategraph.types.StateSnapshot
    True
"""

from ..types import (
    All,
    CachePolicy,
    PregelExecutableTask,
    PregelTask,
    RetryPolicy,
    StateSnapshot,
    StateUpdate,
    StreamMode,
    StreamWriter,
    default_retry_on,
)

__all__ = [
    "All",
    "CachePolicy",
    "PregelExecutableTask",
    "PregelTask",
    "RetryPolicy",
    "StateSnapshot",
    "StateUpdate",
    "StreamMode",
    "StreamWriter",
    "default_retry_on",
]
