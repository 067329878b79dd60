"""Deprecation warnings raised for LangGraph APIs kept for compatibility.

Each warning knows the LangGraph version that deprecated the API (``since``) and the one
expected to remove it (``expected_removal``), and says both in its text, as LangGraph's do.
"""

from __future__ import annotations

__all__ = [
    "LangGraphDeprecationWarning",
    "LangGraphDeprecatedSinceV05",
    "LangGraphDeprecatedSinceV10",
    "LangGraphDeprecatedSinceV11",
]


class LangGraphDeprecationWarning(DeprecationWarning):
    """Base of the deprecation warnings (name kept from LangGraph so filters keep working).

    ``message`` says what is deprecated and what to use instead; ``since`` and
    ``expected_removal`` are ``(major, minor)`` LangGraph versions (removal defaults to the
    next major version).

    Examples:
        One filter covers every version's deprecations:

        >>> import warnings
        >>> from stategraph.graph import StateGraph
        >>> from stategraph.warnings import LangGraphDeprecationWarning
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("error", LangGraphDeprecationWarning)
        ...     try:
        ...         StateGraph(dict, input=dict)
        ...     except LangGraphDeprecationWarning as w:
        ...         print(type(w).__name__, w.since, w.expected_removal)
        LangGraphDeprecatedSinceV05 (0, 5) (2, 0)
    """

    message: str
    since: tuple[int, int] | None
    expected_removal: tuple[int, int] | None

    def __init__(
        self,
        message: str,
        *args: object,
        since: tuple[int, int] | None = None,
        expected_removal: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(message, *args)
        self.message = message.rstrip(".")
        self.since = since
        if expected_removal is None and since is not None:
            expected_removal = (since[0] + 1, 0)
        self.expected_removal = expected_removal

    def __str__(self) -> str:
        if self.since is None or self.expected_removal is None:
            return f"{self.message}."
        (major, minor), (r_major, r_minor) = self.since, self.expected_removal
        return (
            f"{self.message}. Deprecated in LangGraph V{major}.{minor} "
            f"to be removed in V{r_major}.{r_minor}."
        )


class LangGraphDeprecatedSinceV05(LangGraphDeprecationWarning):
    """An API deprecated in LangGraph 0.5 (to be removed in 2.0).

    Examples:
        The old keyword ``add_node(retry=...)`` still works and warns:

        >>> import warnings
        >>> from stategraph.graph import StateGraph
        >>> from stategraph.types import RetryPolicy
        >>> from stategraph.warnings import LangGraphDeprecatedSinceV05
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = StateGraph(dict).add_node("a", lambda s: s, retry=RetryPolicy())
        >>> caught[0].category is LangGraphDeprecatedSinceV05
        True
        >>> print(caught[0].message)
        `retry` is deprecated and will be removed. Please use `retry_policy` instead.
        Deprecated in LangGraph V0.5 to be removed in V2.0.
    """

    def __init__(self, message: str, *args: object) -> None:
        super().__init__(message, *args, since=(0, 5), expected_removal=(2, 0))


class LangGraphDeprecatedSinceV10(LangGraphDeprecationWarning):
    """An API deprecated in LangGraph 1.0 (to be removed in 2.0).

    Examples:
        ``config_schema=`` became ``context_schema=``:

        >>> import warnings
        >>> from typing import TypedDict
        >>> from stategraph.graph import StateGraph
        >>> from stategraph.warnings import LangGraphDeprecatedSinceV10
        >>> class Context(TypedDict):
        ...     user: str
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     builder = StateGraph(dict, config_schema=Context)
        >>> caught[0].category is LangGraphDeprecatedSinceV10, builder.context_schema is Context
        (True, True)
    """

    def __init__(self, message: str, *args: object) -> None:
        super().__init__(message, *args, since=(1, 0), expected_removal=(2, 0))


class LangGraphDeprecatedSinceV11(LangGraphDeprecationWarning):
    """An API deprecated in LangGraph 1.1 (to be removed in 3.0).

    Examples:
        >>> import warnings
        >>> from stategraph.warnings import LangGraphDeprecatedSinceV11
        >>> warning = LangGraphDeprecatedSinceV11("`result[key]` is deprecated. Use `result.value`.")
        >>> warning.since, warning.expected_removal
        ((1, 1), (3, 0))
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("error", LangGraphDeprecatedSinceV11)
        ...     try:
        ...         warnings.warn(warning)
        ...     except LangGraphDeprecatedSinceV11 as w:
        ...         print(w)
        `result[key]` is deprecated. Use `result.value`.
        Deprecated in LangGraph V1.1 to be removed in V3.0.
    """

    def __init__(self, message: str, *args: object) -> None:
        super().__init__(message, *args, since=(1, 1), expected_removal=(3, 0))
