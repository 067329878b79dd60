"""stategraph: stateful, durable agent workflows (LangGraph-compatible API).

Import what you need from the public modules (``stategraph.graph``, ``stategraph.types`` ...);
this top-level module only offers the compatibility switch.
"""

from typing import Any

__all__ = ["install_as_langgraph"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "install_as_langgraph":
        from .compat import install_as_langgraph

        return install_as_langgraph
    raise AttributeError(f"module 'stategraph' has no attribute {name!r}")
