"""Channels: how each state key combines writes and what it saves (one module per kind)."""

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
