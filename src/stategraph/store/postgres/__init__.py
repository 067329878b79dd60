"""PostgreSQL long-term stores on psycopg 3: ``PostgresStore`` and ``AsyncPostgresStore``.

Each accepts a connection or a ``psycopg_pool`` pool, or opens one with
``from_conn_string``.  Vectors: see ``base`` for how similarity is computed.
"""

from .aio import AsyncPostgresStore as AsyncPostgresStore
from .base import PoolConfig as PoolConfig
from .base import PostgresStore as PostgresStore

__all__ = ["AsyncPostgresStore", "PoolConfig", "PostgresStore"]
