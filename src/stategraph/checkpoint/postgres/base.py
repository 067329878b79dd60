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
    """Common type of ``PostgresSaver`` and ``AsyncPostgresSaver`` (see the module docstring)."""
