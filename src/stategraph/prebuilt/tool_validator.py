"""``ValidationNode`` at LangGraph's ``langgraph.prebuilt.tool_validator`` path.

The same class as ``stategraph.prebuilt.ValidationNode`` (defined in ``stategraph.prebuilt.validation``).

    >>> from stategraph.prebuilt.tool_validator import ValidationNode
    >>> from stategraph.prebuilt import ValidationNode as Same
    >>> ValidationNode is Same
    True
"""

from .validation import ValidationNode

__all__ = ["ValidationNode"]
