"""How the Postgres savers open connections and pools, and reopen a dropped connection."""

from __future__ import annotations

from typing import Any, TypedDict

from psycopg.conninfo import make_conninfo
from psycopg.rows import tuple_row

__all__ = [
    "CONNECTION_KWARGS",
    "PoolConfig",
    "conninfo_of",
    "pool_arguments",
]

# Each operation is one explicit transaction; rows as tuples whatever the caller set.
CONNECTION_KWARGS: dict[str, Any] = {"autocommit": True, "row_factory": tuple_row}


class PoolConfig(TypedDict, total=False):
    """Options of the pool that ``from_conn_string(pool_config=...)`` opens."""

    min_size: int
    max_size: int
    kwargs: dict[str, Any]  # extra connection arguments, e.g. {"prepare_threshold": None}


def pool_arguments(conn_string: str, pool_config: PoolConfig, check: Any) -> dict[str, Any]:
    """Arguments of a (not yet open) psycopg pool that checks connections before each use."""
    return {
        "conninfo": conn_string,
        "min_size": pool_config.get("min_size", 1),
        "max_size": pool_config.get("max_size"),
        "kwargs": {**CONNECTION_KWARGS, **pool_config.get("kwargs", {})},
        "check": check,
        "open": False,
    }


def conninfo_of(conn: Any) -> str:
    """Return the connection string that reopens ``conn`` (password included)."""
    password = conn.info.password
    dsn = conn.info.dsn
    return make_conninfo(dsn, password=password) if password else dsn
