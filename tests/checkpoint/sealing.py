"""What the sealed-history suites share (``test_sealed``, ``test_sealed_postgres``): the
eager sealing, a plan driven on a plain DB-API connection, and backends that move a
thread's history back into the tables before a test corrupts one of its rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stategraph.checkpoint._sql import segments
from stategraph.checkpoint._sql.dialect import Dialect
from stategraph.checkpoint._sql.plans import Plan
from stategraph.checkpoint._sql.seal import unseal_thread

from .conformance import Portal


@pytest.fixture(autouse=True)
def seal_eagerly(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Seal all but the two newest checkpoints of a scope after every other step."""
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 2)
    monkeypatch.setattr(segments, "HOT_ROWS", 2)
    yield


def run_plan(conn: Any, plan: Plan[Any]) -> None:
    """Drive ``plan`` in one transaction on ``conn`` (sqlite3 or psycopg), then commit."""
    cursor = conn.cursor()
    result = None
    try:
        while True:
            query = plan.send(result)
            if query.many:
                cursor.executemany(query.sql, query.params)
                result = None
            else:
                cursor.execute(query.sql, query.params)
                result = cursor.fetchall() if cursor.description else []
    except StopIteration:
        conn.commit()


class Unsealing:
    """Corrupting a row needs it in its table: move the thread's history back first.

    Mixed in before a backend class that defines ``corrupt_checkpoint``/``corrupt_blob``;
    ``connect`` opens an operator's connection to its database.
    """

    dialect: Dialect

    def connect(self) -> Any:
        raise NotImplementedError

    def unseal(self, thread_id: str) -> None:
        conn = self.connect()
        try:
            run_plan(conn, unseal_thread(self.dialect, thread_id))
        finally:
            conn.close()

    def corrupt_checkpoint(
        self, saver: Any, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        self.unseal(thread_id)
        super().corrupt_checkpoint(saver, portal, thread_id, checkpoint_id)  # type: ignore[misc]

    def corrupt_blob(
        self, saver: Any, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        self.unseal(thread_id)
        super().corrupt_blob(saver, portal, thread_id, channel, origin)  # type: ignore[misc]
