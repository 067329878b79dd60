"""The server's resource tables: numbered migrations, JSON columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from stategraph.server import _db
from stategraph.server._db import Resources


def test_migrations_upgrade_an_older_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "old.db")
    with monkeypatch.context() as patch:
        patch.setattr(_db, "_MIGRATIONS", _db._MIGRATIONS[:1])
        old = Resources(path)
        old.insert(
            "runs",
            {
                "run_id": "r",
                "thread_id": "t",
                "assistant_id": "a",
                "status": "success",
                "metadata": {},
                "kwargs": {"input": [1]},
                "created_at": "1",
                "updated_at": "1",
            },
        )
        old.insert(
            "assistants",
            {
                "assistant_id": "a",
                "graph_id": "g",
                "name": "g",
                "description": None,
                "config": {},
                "context": {},
                "metadata": {"k": 1},
                "version": 1,
                "created_at": "1",
                "updated_at": "1",
            },
        )
        old.close()
    upgraded = Resources(path)
    assert upgraded._conn.execute("PRAGMA user_version").fetchone()[0] == len(_db._MIGRATIONS)
    run = upgraded.get("runs", "run_id", "r")
    assert run["kwargs"] == {"input": [1]} and run["error"] is None
    upgraded.update("runs", "run_id", "r", error={"error": "E", "message": "m"})
    assert upgraded.get("runs", "run_id", "r")["error"] == {"error": "E", "message": "m"}
    [version] = upgraded.select("assistant_versions")
    assert (version["assistant_id"], version["version"], version["metadata"]) == ("a", 1, {"k": 1})
    assert upgraded.delete("runs", "run_id", "r") == 1
    assert upgraded.select("runs") == []
