"""``BasePostgresSaver``: the common type of the Postgres savers, at LangGraph's module path.

``PostgresSaver`` and ``AsyncPostgresSaver`` are both instances, so one ``isinstance`` check
covers either; it is a type to check against, not a base class to extend (subclass
``BaseCheckpointSaver`` to write a saver).

    >>> from stategraph.checkpoint.postgres import PostgresSaver
    >>> issubclass(PostgresSaver, BasePostgresSaver)
    True
"""

from __future__ import annotations

from abc import ABC

__all__ = ["BasePostgresSaver"]


class BasePostgresSaver(ABC):  # noqa: B024 - a type for isinstance, with no methods of its own
    """Common type of ``PostgresSaver`` and ``AsyncPostgresSaver`` (see the module docstring).

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.checkpoint.postgres import PostgresSaver
        >>> from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver
        >>> from stategraph.checkpoint.postgres.base import BasePostgresSaver
        >>> def is_postgres(saver):
        ...     return isinstance(saver, BasePostgresSaver)
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> is_postgres(PostgresSaver(url)), is_postgres(AsyncPostgresSaver(url))
        (True, True)
        >>> is_postgres(InMemorySaver())
        False
    """
