"""Channels: how each state key combines writes and what it saves (one module per kind)."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .any_value import AnyValue as AnyValue
    from .base import BaseChannel as BaseChannel
    from .binop import BinaryOperatorAggregate as BinaryOperatorAggregate
    from .ephemeral_value import EphemeralValue as EphemeralValue
    from .last_value import LastValue as LastValue
    from .last_value import LastValueAfterFinish as LastValueAfterFinish
    from .named_barrier_value import NamedBarrierValue as NamedBarrierValue
    from .named_barrier_value import NamedBarrierValueAfterFinish as NamedBarrierValueAfterFinish
    from .topic import Topic as Topic
    from .untracked_value import UntrackedValue as UntrackedValue

__all__ = [
    "AnyValue",
    "BaseChannel",
    "BinaryOperatorAggregate",
    "EphemeralValue",
    "LastValue",
    "LastValueAfterFinish",
    "NamedBarrierValue",
    "NamedBarrierValueAfterFinish",
    "Topic",
    "UntrackedValue",
]

# why: a state schema needs one or two channel kinds; load each module when its class is used.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AnyValue": ".any_value",
        "BaseChannel": ".base",
        "BinaryOperatorAggregate": ".binop",
        "EphemeralValue": ".ephemeral_value",
        "LastValue": ".last_value",
        "LastValueAfterFinish": ".last_value",
        "NamedBarrierValue": ".named_barrier_value",
        "NamedBarrierValueAfterFinish": ".named_barrier_value",
        "Topic": ".topic",
        "UntrackedValue": ".untracked_value",
    },
)
