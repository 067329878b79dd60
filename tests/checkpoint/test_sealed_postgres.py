"""The saver conformance suites on Postgres, with history sealed after every other step
(see ``test_sealed``): the sealed reads through Postgres' text ids and BYTEA payloads."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from stategraph.checkpoint._sql.dialect import POSTGRES
from stategraph.checkpoint._sql.plans import Plan

from .conformance import *  # noqa: F403 - the shared spec cases, on sealed history
from .conformance_delta import *  # noqa: F403
from .conformance_head import *  # noqa: F403
from .conformance_retention import *  # noqa: F403
from .conformance_runs import *  # noqa: F403
from .sealing import Unsealing, run_plan, seal_eagerly  # noqa: F401 - seal_eagerly is autouse
from .test_postgres import AsyncPostgresBackend, PostgresBackend, database, schema  # noqa: F401


def _run(dsn: str, plan: Plan[Any]) -> None:
    with psycopg.connect(dsn, application_name="sgtest_admin") as conn:
        run_plan(conn, plan)


class _Unsealing(Unsealing):
    dsn: str
    dialect = POSTGRES

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.dsn, application_name="sgtest_admin")


class SealedPostgresBackend(_Unsealing, PostgresBackend):
    name = "sealed_postgres"


class SealedAsyncPostgresBackend(_Unsealing, AsyncPostgresBackend):
    name = "sealed_async_postgres"


@pytest.fixture(
    params=[SealedPostgresBackend, SealedAsyncPostgresBackend],
    ids=["sealed_postgres", "sealed_async_postgres"],
)
def backend(request: pytest.FixtureRequest, database: str) -> PostgresBackend:  # noqa: F811
    return request.param(database)  # type: ignore[no-any-return]


def test_a_read_keeps_its_snapshot_while_a_seal_moves_its_rows(schema: str) -> None:  # noqa: F811
    """A seal committed between a read's statements does not hide the checkpoint's writes."""
    from stategraph.checkpoint._sql import plans
    from stategraph.checkpoint._sql.seal import seal
    from stategraph.checkpoint.postgres import PostgresSaver
    from stategraph.checkpoint.postgres._operation import SNAPSHOT_BEGIN

    from .conformance import config, make_checkpoint

    with PostgresSaver.from_conn_string(schema) as saver:
        saver.setup()
        saved, parent = [], config("t")
        for step in range(6):  # step metadata 1: no put seals on its own
            checkpoint = make_checkpoint({"a": step}, {"a": step + 1}, step=step)
            parent = saver.put(parent, checkpoint, {"source": "loop", "step": 1}, {"a": step + 1})
            saved.append(parent)
        saver.put_writes(saved[0], [("a", "written")], "task-1")
        reader = plans.get_tuple(POSTGRES, saver.serde, saved[0], saver._lists)
        with psycopg.connect(schema) as conn, conn.cursor() as cursor:
            cursor.execute(SNAPSHOT_BEGIN)
            query, result, first = next(reader), None, True
            try:
                while True:
                    cursor.execute(query.sql, query.params)
                    result = cursor.fetchall()
                    if first:  # the checkpoint row is read: now seal it away
                        _run(schema, seal(POSTGRES, "t", ""))
                        first = False
                    query = reader.send(result)
            except StopIteration as done:
                found = done.value
        assert found.pending_writes == [("task-1", "a", "written")]
        sealed = (
            psycopg.connect(schema).execute("SELECT COUNT(*) FROM checkpoint_segments").fetchone()
        )
        assert sealed == (1,)
        assert saver.get_tuple(saved[0]).pending_writes == [("task-1", "a", "written")]
