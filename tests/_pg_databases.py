"""Throwaway PostgreSQL databases and schemas for the tests that use the real server.

``fresh_database`` creates ``sgtest_<random>`` and drops it afterwards (``WITH (FORCE)``,
so a test that leaks a connection cannot keep it alive); ``fresh_schema`` gives a
conninfo whose ``search_path`` is a new schema and whose ``application_name`` names it,
so ``terminate_backends`` can kill exactly that test's connections.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

__all__ = ["fresh_database", "fresh_schema", "terminate_backends"]


@contextmanager
def fresh_database(dsn: str) -> Iterator[str]:
    """Create an empty database on ``dsn``'s server; yield its conninfo; drop it."""
    name = f"sgtest_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(dsn, dbname=name)
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    """Create a schema; yield a conninfo that uses it (and is named after it); drop it."""
    name = f"sg_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    schema_dsn = make_conninfo(dsn, options=f"-c search_path={name}", application_name=name)
    try:
        yield schema_dsn
    finally:
        terminate_backends(schema_dsn)  # connections a failed test left open
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def terminate_backends(dsn: str) -> int:
    """Kill every server connection opened with ``dsn``'s application_name; return how many."""
    application_name = conninfo_to_dict(dsn).get("application_name")
    if not application_name:
        raise ValueError("terminate_backends needs a conninfo with an application_name")
    with psycopg.connect(dsn, autocommit=True, application_name="sgtest_admin") as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (application_name,),
        ).fetchall()
    return sum(1 for (killed,) in rows if killed)
