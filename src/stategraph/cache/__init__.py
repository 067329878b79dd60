"""Caches for node and task results (``CachePolicy``): the ``BaseCache`` contract and backends."""

from .base import BaseCache as BaseCache
from .memory import InMemoryCache as InMemoryCache

__all__ = ["BaseCache", "InMemoryCache"]
