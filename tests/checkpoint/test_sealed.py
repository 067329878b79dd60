"""The saver conformance suites again, with history sealed after every other step.

``SEGMENT_ROWS``/``HOT_ROWS`` of 2 seal all but the two newest checkpoints of a scope
into segments (``_sql/segments``) as the cases run, so every read (get, list, filters,
``before``, pending writes, delta chains, forks of sealed checkpoints, prune, copy,
delete) goes through the sealed history as well as the tables.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from stategraph.checkpoint._sql.dialect import SQLITE

from .conformance import *  # noqa: F403 - the shared spec cases, on sealed history
from .conformance_delta import *  # noqa: F403
from .conformance_head import *  # noqa: F403
from .conformance_retention import *  # noqa: F403
from .conformance_runs import *  # noqa: F403
from .sealing import Unsealing, seal_eagerly  # noqa: F401 - seal_eagerly is autouse
from .test_sqlite import AsyncSqliteBackend, SqliteBackend


class _Unsealing(Unsealing):
    path: Path
    dialect = SQLITE

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path)


class SealedSqliteBackend(_Unsealing, SqliteBackend):
    name = "sealed_sqlite"


class SealedAsyncSqliteBackend(_Unsealing, AsyncSqliteBackend):
    name = "sealed_async_sqlite"


@pytest.fixture(
    params=[SealedSqliteBackend, SealedAsyncSqliteBackend],
    ids=["sealed_sqlite", "sealed_async_sqlite"],
)
def backend(request: pytest.FixtureRequest) -> SqliteBackend:
    return request.param()  # type: ignore[no-any-return]


def _segments(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM checkpoint_segments").fetchone()[0])
    finally:
        conn.close()


def test_a_checkpoint_put_below_sealed_history_stays_readable_and_sealing_goes_on(
    harness: Any, backend: SqliteBackend
) -> None:
    from .conformance import config, id_of, ids, make_checkpoint

    stray = make_checkpoint({"a": -1}, {"a": 1})  # an id older than everything sealed next
    parent, saved = config("t"), []
    for step in range(1, 9):
        checkpoint = make_checkpoint({"a": step}, {"a": step + 1}, step=step)
        parent = harness.put(parent, checkpoint, {"source": "loop", "step": step}, {"a": step + 1})
        saved.append(parent)
    before = _segments(backend.path)
    assert before >= 2
    harness.put(config("t"), stray, {"source": "fork", "step": 1}, {"a": 1})
    for step in range(9, 17):
        checkpoint = make_checkpoint({"a": step}, {"a": step + 1}, step=step)
        parent = harness.put(parent, checkpoint, {"source": "loop", "step": step}, {"a": step + 1})
        saved.append(parent)
    assert _segments(backend.path) > before  # the stray row does not stop later seals
    listed = harness.list(config("t"))
    assert ids(listed) == [id_of(c) for c in reversed(saved)] + [stray["id"]]
    assert harness.get_tuple(config("t", "", stray["id"])).checkpoint["channel_values"] == {"a": -1}
