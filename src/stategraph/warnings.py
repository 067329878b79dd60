"""Deprecation warnings raised for LangGraph APIs kept for compatibility."""

__all__ = ["LangGraphDeprecationWarning", "LangGraphDeprecatedSinceV05", "LangGraphDeprecatedSinceV10",
           "LangGraphDeprecatedSinceV11"]


class LangGraphDeprecationWarning(DeprecationWarning):
    """Base of the deprecation warnings (name kept from LangGraph so filters keep working)."""


class LangGraphDeprecatedSinceV05(LangGraphDeprecationWarning):
    pass


class LangGraphDeprecatedSinceV10(LangGraphDeprecationWarning):
    pass


class LangGraphDeprecatedSinceV11(LangGraphDeprecationWarning):
    """Deprecated in LangGraph 1.1 (kept so ``warnings.filterwarnings`` calls port)."""
