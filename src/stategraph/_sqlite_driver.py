"""Run a plan (a generator of queries) on a sqlite3 connection in one transaction.

Shared by the SQLite checkpoint saver and the SQLite store: both express their operations
as plans yielding objects with ``sql``, ``params`` and ``many``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from typing import Any


def drive(conn: sqlite3.Connection, plan: Generator[Any, Any, Any], begin: str | None) -> Any:
    """Run ``plan`` on ``conn``; the plan's pure prelude runs before the transaction starts."""
    try:
        query = next(plan)
    except StopIteration as done:
        return done.value
    cursor = conn.cursor()
    if begin is not None and not conn.in_transaction:
        cursor.execute(begin)
    try:
        while True:
            if query.many:
                cursor.executemany(query.sql, query.params)
                reply = None
            else:
                reply = cursor.execute(query.sql, query.params).fetchall()
            try:
                query = plan.send(reply)
            except StopIteration as done:
                result = done.value
                break
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return result


async def adrive(conn: Any, plan: Generator[Any, Any, Any], begin: str | None) -> Any:
    """``drive`` for an aiosqlite connection."""
    try:
        query = next(plan)
    except StopIteration as done:
        return done.value
    if begin is not None and not conn.in_transaction:
        await conn.execute(begin)
    try:
        while True:
            if query.many:
                await conn.executemany(query.sql, query.params)
                reply = None
            else:
                async with conn.execute(query.sql, query.params) as cursor:
                    reply = await cursor.fetchall()
            try:
                query = plan.send(reply)
            except StopIteration as done:
                result = done.value
                break
    except BaseException:
        await conn.rollback()
        raise
    await conn.commit()
    return result
