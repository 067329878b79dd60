"""BasePostgresSaver: one isinstance check for both Postgres savers."""

from __future__ import annotations

import pytest

pytest.importorskip("psycopg")

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.checkpoint.postgres import PostgresSaver
from stategraph.checkpoint.postgres.aio import AsyncPostgresSaver
from stategraph.checkpoint.postgres.base import BasePostgresSaver
from stategraph.checkpoint.sqlite import SqliteSaver


def test_both_postgres_savers_and_nothing_else() -> None:
    assert issubclass(PostgresSaver, BasePostgresSaver) and issubclass(
        AsyncPostgresSaver, BasePostgresSaver
    )
    assert not issubclass(SqliteSaver, BasePostgresSaver)
    assert not isinstance(InMemorySaver(), BasePostgresSaver)
