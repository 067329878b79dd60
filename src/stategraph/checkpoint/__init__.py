"""Checkpoint persistence: the saver contract (``base``), serializers (``serde``) and backends.

Backends: ``memory.InMemorySaver``, ``sqlite.SqliteSaver``, ``sqlite.aio.AsyncSqliteSaver``.
They depend only on ``stategraph.types``, ``stategraph.errors`` and ``serde``.
"""
