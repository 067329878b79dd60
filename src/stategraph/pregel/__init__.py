"""The Pregel engine: bulk-synchronous supersteps over versioned channels."""

from ._node import NodeBuilder as NodeBuilder
from ._node import PregelNode as PregelNode
from .main import Pregel as Pregel

__all__ = ["Pregel", "NodeBuilder", "PregelNode"]
