"""The Pregel engine: bulk-synchronous supersteps over versioned channels."""

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from ._node import NodeBuilder as NodeBuilder
    from ._node import PregelNode as PregelNode
    from .main import Pregel as Pregel

__all__ = ["Pregel", "NodeBuilder", "PregelNode"]

# why: graph-building modules import small helpers from this package (e.g. ``pregel._call``);
# loading the whole engine then would cost most of ``import stategraph.graph``.
__getattr__, __dir__ = lazy_exports(__name__, {"Pregel": ".main", "NodeBuilder": "._node", "PregelNode": "._node"})
