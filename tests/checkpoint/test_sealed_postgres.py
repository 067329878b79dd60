"""The saver conformance suites on Postgres, with history sealed after every other step
(see ``test_sealed``): the sealed reads through Postgres' text ids and BYTEA payloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from stategraph.checkpoint._sql import segments
from stategraph.checkpoint._sql.dialect import POSTGRES
from stategraph.checkpoint._sql.plans import Plan
from stategraph.checkpoint._sql.seal import unseal_thread

from .conformance import *  # noqa: F403 - the shared spec cases, on sealed history
from .conformance import Portal
from .conformance_delta import *  # noqa: F403
from .conformance_head import *  # noqa: F403
from .test_postgres import AsyncPostgresBackend, PostgresBackend, database  # noqa: F401


@pytest.fixture(autouse=True)
def seal_eagerly(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 2)
    monkeypatch.setattr(segments, "HOT_ROWS", 2)
    yield


def _run(dsn: str, plan: Plan[Any]) -> None:
    """Drive a plan in one transaction on a plain connection."""
    with psycopg.connect(dsn, application_name="sgtest_admin") as conn:
        result = None
        try:
            while True:
                query = plan.send(result)
                with conn.cursor() as cursor:
                    if query.many:
                        cursor.executemany(query.sql, query.params)
                        result = None
                    else:
                        cursor.execute(query.sql, query.params)
                        result = cursor.fetchall() if cursor.description else []
        except StopIteration:
            conn.commit()


class _Unsealing:
    """Corrupting a row needs it in its table: move the thread's history back first."""

    dsn: str

    def corrupt_checkpoint(
        self, saver: Any, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        _run(self.dsn, unseal_thread(POSTGRES, thread_id))
        super().corrupt_checkpoint(saver, portal, thread_id, checkpoint_id)  # type: ignore[misc]

    def corrupt_blob(
        self, saver: Any, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        _run(self.dsn, unseal_thread(POSTGRES, thread_id))
        super().corrupt_blob(saver, portal, thread_id, channel, origin)  # type: ignore[misc]


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
