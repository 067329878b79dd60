"""How the Postgres savers' own pools check connections: those idle a while, before use.

A check costs a round trip, so ``from_conn_string(pool_config=...)`` checks only a
connection that sat in the pool ``IDLE_CHECK`` seconds or more; one that dies between
two quick operations is replaced by the drivers' retry instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from _pg_databases import fresh_database, fresh_schema, terminate_backends
from _services import postgres_dsn
from stategraph.checkpoint.postgres import PostgresSaver, _connect
from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver

from .conformance import Portal, config
from .conformance import portal as portal  # the fixture, for the async cases


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with fresh_database(postgres_dsn()) as dsn:
        yield dsn


@pytest.fixture
def schema(database: str) -> Iterator[str]:
    with fresh_schema(database) as dsn:
        yield dsn


def _read_after_kill(flavour: str, dsn: str, portal: Portal) -> None:
    """Read, kill the pool's connections, read again (a lone pooled connection)."""
    if flavour == "sync":
        with PostgresSaver.from_conn_string(dsn, pool_config={"max_size": 1}) as saver:
            saver.get_tuple(config("t"))
            assert terminate_backends(dsn) == 1
            assert saver.get_tuple(config("t")) is None
        return

    async def run() -> None:
        opening = AsyncPostgresSaver.from_conn_string(dsn, pool_config={"max_size": 1})
        async with opening as saver:
            await saver.aget_tuple(config("t"))
            assert terminate_backends(dsn) == 1
            assert await saver.aget_tuple(config("t")) is None

    portal.run(run())


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_connection_idle_long_enough_is_checked_and_replaced(
    schema: str, portal: Portal, flavour: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    monkeypatch.setattr(_connect, "IDLE_CHECK", 0.0)  # every connection counts as idle
    caplog.set_level(logging.WARNING, "stategraph.checkpoint")
    _read_after_kill(flavour, schema, portal)
    assert "connection lost" not in caplog.text  # the check replaced it before use


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_connection_used_just_now_is_not_checked_and_a_drop_is_retried(
    schema: str, portal: Portal, flavour: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    monkeypatch.setattr(_connect, "IDLE_CHECK", 3600.0)
    caplog.set_level(logging.WARNING, "stategraph.checkpoint")
    _read_after_kill(flavour, schema, portal)
    assert "connection lost" in caplog.text  # not checked: the read's retry replaced it
