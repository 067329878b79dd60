"""The scale-out resource tables on real PostgreSQL, and the Redis bus with Redis gone."""

from __future__ import annotations

import time
from typing import Any

import psycopg
import pytest

from _pg_databases import terminate_backends
from stategraph.server._db import now_iso
from stategraph.server._scale import _pg_resources
from stategraph.server._scale._bus import Bus
from stategraph.server._scale._pg_resources import PgResources

from .conftest import free_port

pytestmark = pytest.mark.anyio


def _thread(thread_id: str) -> dict[str, Any]:
    stamp = now_iso()
    return {
        "thread_id": thread_id,
        "metadata": {"owner": "ada", "nested": {"n": [1, 2]}},
        "status": "idle",
        "values": None,
        "interrupts": {},
        "config": {},
        "created_at": stamp,
        "updated_at": stamp,
    }


def test_rows_round_trip_as_the_sqlite_tables_give_them(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        row = _thread("t1")
        resources.insert("threads", row)
        stored = {**row, "ttl": None, "ttl_swept_at": None}  # the TTL columns' defaults
        assert resources.get("threads", "thread_id", "t1") == stored  # same ISO time strings
        resources.update("threads", "thread_id", "t1", values={"items": ["a"]}, status="busy")
        found = resources.select("threads", "status = ?", ["busy"])
        assert [(r["thread_id"], r["values"]) for r in found] == [("t1", {"items": ["a"]})]
        assert resources.select("threads", "thread_id = ?", ["t1' OR '1'='1"]) == []
        assert resources.delete("threads", "thread_id", "t1") == 1
        assert resources.get("threads", "thread_id", "t1") is None
    finally:
        resources.close()


def test_migrations_run_once_for_many_instances(scale: dict[str, Any]) -> None:
    first, second = PgResources(scale["dsn"]), PgResources(scale["dsn"])
    try:
        versions = first.execute("SELECT version FROM sg_server_migrations ORDER BY version")
        assert versions == [{"version": v + 1} for v in range(len(_pg_resources._MIGRATIONS))]
    finally:
        first.close()
        second.close()


def test_a_terminated_connection_is_reopened(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        resources.insert("threads", _thread("t1"))
        assert terminate_backends(scale["dsn"]) >= 1
        time.sleep(0.2)
        assert resources.get("threads", "thread_id", "t1") is not None
        with pytest.raises(psycopg.errors.UndefinedTable):
            resources.execute("SELECT * FROM no_such_table")  # other errors still raise
    finally:
        resources.close()


async def test_the_bus_shrugs_off_a_missing_redis() -> None:
    bus = Bus(f"redis://127.0.0.1:{free_port()}/0", "sgtest:gone")
    try:
        await bus.wake()
        await bus.publish(bus.done_channel, "r1")
        await bus.add_event("r1", 0, "values", {"x": 1})
        began = time.monotonic()
        assert await bus.wait_wake(0.2) is False
        assert time.monotonic() - began >= 0.2  # waited like a poll, did not spin
        assert await bus.event_count("r1") == 0
        assert await bus.has_stream("r1") is False
    finally:
        await bus.close()
