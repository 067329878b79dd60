"""How the Postgres savers open connections and pools, and reopen a dropped connection."""

from __future__ import annotations

from time import monotonic
from typing import Any, TypedDict
from weakref import WeakKeyDictionary

from psycopg.conninfo import make_conninfo
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

__all__ = [
    "CONNECTION_KWARGS",
    "IDLE_CHECK",
    "PoolConfig",
    "async_pool_checks",
    "conninfo_of",
    "pool_arguments",
    "pool_checks",
]

# Each operation is one explicit transaction; rows as tuples whatever the caller set.
CONNECTION_KWARGS: dict[str, Any] = {"autocommit": True, "row_factory": tuple_row}


class PoolConfig(TypedDict, total=False):
    """Options of the pool that ``from_conn_string(pool_config=...)`` opens.

    Examples:
        >>> import uuid
        >>> from stategraph.checkpoint.postgres import PoolConfig, PostgresSaver
        >>> pool_config: PoolConfig = {"min_size": 1, "max_size": 4}
        >>> url = "postgresql://postgres@127.0.0.1:5432/postgres"
        >>> thread_id = f"docs-{uuid.uuid4()}"
        >>> with PostgresSaver.from_conn_string(url, pool_config=pool_config) as saver:
        ...     saver.setup()
        ...     print(type(saver.conn).__name__, saver.conn.max_size)
        ...     print(saver.get_tuple({"configurable": {"thread_id": thread_id}}))
        ConnectionPool 4
        None
    """

    min_size: int
    max_size: int
    kwargs: dict[str, Any]  # extra connection arguments, e.g. {"prepare_threshold": None}


# why: a check is a round trip before every operation.  A connection back in the pool for
# less than this has just worked; connections die while idle (a pooler's or the server's
# idle timeout, a restart), and a drop mid-use is retried by the drivers anyway.
IDLE_CHECK = 1.0  # seconds

_returned: WeakKeyDictionary[Any, float] = WeakKeyDictionary()  # connection -> when


def _idle(conn: Any) -> bool:
    return monotonic() - _returned.get(conn, float("-inf")) >= IDLE_CHECK


def _stamp(conn: Any) -> None:
    _returned[conn] = monotonic()


def pool_checks() -> dict[str, Any]:
    """``check`` and ``reset`` for a ConnectionPool: check a connection idle ``IDLE_CHECK``."""

    def check(conn: Any) -> None:
        if _idle(conn):
            ConnectionPool.check_connection(conn)

    return {"check": check, "reset": _stamp}


def async_pool_checks() -> dict[str, Any]:
    """``pool_checks`` for an AsyncConnectionPool."""

    async def check(conn: Any) -> None:
        if _idle(conn):
            await AsyncConnectionPool.check_connection(conn)

    async def reset(conn: Any) -> None:
        _stamp(conn)

    return {"check": check, "reset": reset}


def pool_arguments(
    conn_string: str, pool_config: PoolConfig, checks: dict[str, Any]
) -> dict[str, Any]:
    """Arguments of a (not yet open) psycopg pool whose ``checks`` test connections
    before use (``pool_checks``)."""
    return {
        "conninfo": conn_string,
        "min_size": pool_config.get("min_size", 1),
        "max_size": pool_config.get("max_size"),
        "kwargs": {**CONNECTION_KWARGS, **pool_config.get("kwargs", {})},
        **checks,
        "open": False,
    }


def conninfo_of(conn: Any) -> str:
    """Return the connection string that reopens ``conn`` (password included)."""
    password = conn.info.password
    dsn = conn.info.dsn
    return make_conninfo(dsn, password=password) if password else dsn
