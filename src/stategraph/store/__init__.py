"""Long-term memory shared across threads: namespaced dict values with optional vector search.

``base`` holds the contract (items, ops, ``BaseStore``); ``memory`` the in-process store.
"""

from .base import NOT_PROVIDED as NOT_PROVIDED
from .base import BaseStore as BaseStore
from .base import GetOp as GetOp
from .base import IndexConfig as IndexConfig
from .base import InvalidNamespaceError as InvalidNamespaceError
from .base import Item as Item
from .base import ListNamespacesOp as ListNamespacesOp
from .base import MatchCondition as MatchCondition
from .base import PutOp as PutOp
from .base import SearchItem as SearchItem
from .base import SearchOp as SearchOp
from .base import TTLConfig as TTLConfig
from .memory import InMemoryStore as InMemoryStore

__all__ = [
    "NOT_PROVIDED",
    "BaseStore",
    "GetOp",
    "InMemoryStore",
    "IndexConfig",
    "InvalidNamespaceError",
    "Item",
    "ListNamespacesOp",
    "MatchCondition",
    "PutOp",
    "SearchItem",
    "SearchOp",
    "TTLConfig",
]
