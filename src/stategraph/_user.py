"""``BaseUser``: the shape of the authenticated user in ``Runtime.server_info.user``.

The same protocol as ``langgraph_sdk.auth.types.BaseUser``, written here so the core does
not depend on the SDK; ``stategraph.auth.types`` exports this same class, and its ``User``
satisfies it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, runtime_checkable

__all__ = ["BaseUser"]


@runtime_checkable
class BaseUser(Protocol):
    """An authenticated user: identity, display name, permissions, and dict-like extra fields.

    Any class with these members satisfies it (it is a runtime-checkable ``Protocol``).

    Examples:
        >>> from stategraph.auth.types import BaseUser
        >>> class User:
        ...     is_authenticated = True
        ...     display_name = identity = "ada"
        ...     permissions = ("threads:read",)
        ...     def __getitem__(self, key): return getattr(self, key)
        ...     def __contains__(self, key): return hasattr(self, key)
        ...     def __iter__(self): return iter(("identity",))
        >>> user = User()
        >>> isinstance(user, BaseUser), user["identity"], "threads:read" in user.permissions
        (True, 'ada', True)
        >>> isinstance(object(), BaseUser)
        False
    """

    @property
    def is_authenticated(self) -> bool:
        """Whether the user proved who they are."""
        ...

    @property
    def display_name(self) -> str:
        """A name to show for the user."""
        ...

    @property
    def identity(self) -> str:
        """The user's unique id."""
        ...

    @property
    def permissions(self) -> Sequence[str]:
        """The permission strings granted to the user."""
        ...

    def __getitem__(self, key: str) -> Any: ...

    def __contains__(self, key: str) -> bool: ...

    def __iter__(self) -> Iterator[str]: ...
