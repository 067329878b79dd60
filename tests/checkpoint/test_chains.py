"""Delta chains in SQL (checkpoint/_sql/chains.py): one range read, legacy rows, upgrades."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from stategraph.checkpoint._sql import id_keys, migrations, segments
from stategraph.checkpoint._sql.blob_rows import ROW_DELTA_TYPE
from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.graph import START, MessagesState, StateGraph

THREAD = {"configurable": {"thread_id": "t"}}


def _chat(saver: SqliteSaver, turns: int) -> Any:
    def reply(state: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [{"role": "assistant", "content": f"r{len(state['messages'])}"}]}

    graph = (
        StateGraph(MessagesState)
        .add_node("reply", reply)
        .add_edge(START, "reply")
        .compile(checkpointer=saver)
    )
    for turn in range(turns):
        graph.invoke({"messages": [{"role": "user", "content": f"u{turn}" * 20}]}, THREAD)
    return graph


def _history(path: Path) -> list[tuple[str, list[str]]]:
    with SqliteSaver.from_conn_string(str(path)) as saver:  # a fresh saver: cold caches
        graph = _chat(saver, 0)
        return [
            (
                s.config["configurable"]["checkpoint_id"],
                [m.content for m in s.values.get("messages", [])],
            )
            for s in graph.get_state_history(THREAD)
        ]


def _id_text(key: Any) -> Any:
    return None if key is None else id_keys.to_text(key)


def to_text_ids(path: Path) -> None:
    """Rewrite every id column as text and forget the migration that made them keys."""
    with sqlite3.connect(path) as conn:
        conn.create_function("id_text", 1, _id_text, deterministic=True)
        for table, (_, columns) in migrations._ID_COLUMNS.items():
            sets = ", ".join(f"{column} = id_text({column})" for column in columns)
            conn.execute(f"UPDATE {table} SET {sets}")
        # forget the id-keys migration and every later one (none of which rewrites rows)
        conn.execute("DELETE FROM checkpoint_migrations WHERE v >= ?", (_ID_KEYS_MIGRATION,))


_ID_KEYS_MIGRATION = next(
    v
    for v, step in enumerate(migrations.MIGRATIONS)
    if isinstance(step, dict) and callable(step["sqlite"])
)


def _rows(path: Path, sql: str) -> list[Any]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def unsealed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every row in the tables: these tests read the tables' layout, or build the
    databases of releases that wrote no history segments."""
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 10**9)


@pytest.mark.usefixtures("unsealed")
def test_a_long_chain_is_stored_as_deltas_with_their_root(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver:
        _chat(saver, 60)
    kinds = _rows(
        path,
        "SELECT type, base_checkpoint_id, root_checkpoint_id FROM checkpoint_blobs "
        "WHERE channel = 'messages' ORDER BY checkpoint_id",
    )
    snapshots = [row for row in kinds if row[0] != ROW_DELTA_TYPE]
    assert len(snapshots) <= 4 and len(kinds) == 120  # 120 deltas would be 2 snapshots of 60
    roots = {row[2] for row in kinds if row[0] == ROW_DELTA_TYPE}
    assert all(root is not None for root in roots)
    history = _history(path)
    assert history[0][1][-1] == "r119" and len(history[0][1]) == 120


@pytest.mark.usefixtures("unsealed")
def test_chains_without_roots_are_followed_link_by_link(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver:
        _chat(saver, 20)
    want = _history(path)
    with sqlite3.connect(path) as conn:  # as a release before the root column wrote them
        conn.execute("UPDATE checkpoint_blobs SET root_checkpoint_id = NULL")
    assert _history(path) == want


@pytest.mark.usefixtures("unsealed")
def test_an_old_database_is_upgraded_and_reads_the_same(tmp_path: Path) -> None:
    new, old = tmp_path / "new.sqlite", tmp_path / "old.sqlite"
    with SqliteSaver.from_conn_string(str(new)) as saver:
        _chat(saver, 15)
    want = _history(new)
    to_text_ids(new)
    with sqlite3.connect(old) as conn:  # schema version 4 (before roots and WITHOUT ROWID)
        conn.execute("CREATE TABLE checkpoint_migrations (v INTEGER PRIMARY KEY)")
        for version, step in enumerate(migrations.MIGRATIONS[:5]):
            assert isinstance(step, str)
            conn.execute(step.format(bytes="BLOB", json="TEXT"))
            conn.execute("INSERT INTO checkpoint_migrations (v) VALUES (?)", (version,))
        conn.execute("ATTACH DATABASE ? AS src", (str(new),))
        conn.execute("INSERT INTO checkpoints SELECT * FROM src.checkpoints")
        conn.execute("INSERT INTO checkpoint_writes SELECT * FROM src.checkpoint_writes")
        conn.execute(
            "INSERT INTO checkpoint_blobs SELECT thread_id, checkpoint_ns, channel, checkpoint_id, "
            "version, type, value, base_checkpoint_id FROM src.checkpoint_blobs"
        )
    assert _history(old) == want
    assert (
        max(v for (v,) in _rows(old, "SELECT v FROM checkpoint_migrations"))
        == len(migrations.MIGRATIONS) - 1
    )
    tables = _rows(
        old, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name LIKE 'checkpoint%s'"
    )
    assert all(
        "WITHOUT ROWID" in sql
        for (sql,) in tables
        if "migrations" not in sql and "segments" not in sql
    )
    with SqliteSaver.from_conn_string(str(old)) as saver:  # and it goes on growing
        graph = _chat(saver, 2)
        assert len(graph.get_state(THREAD).values["messages"]) == 34


def _to_old_format(path: Path) -> None:
    """Rewrite every row as the release before compact rows wrote it."""
    from stategraph.checkpoint import _records as records
    from stategraph.checkpoint._skeleton import SKELETON_TYPE, decode_skeleton
    from stategraph.checkpoint._sql.blob_rows import unpack
    from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer()
    to_text_ids(path)  # that release stored ids as text
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, "
            "checkpoint, blob_refs FROM checkpoints"
        ).fetchall()
        for thread, ns, checkpoint_id, parent_id, type_, data, text in rows:
            assert type_ == SKELETON_TYPE and text.startswith("[")
            refs = records.decode_refs(text, checkpoint_id, parent_id)
            for channel, ref in refs.items():
                if ref.inline is not None:  # old rows kept every value in a blob row
                    conn.execute(
                        "INSERT OR REPLACE INTO checkpoint_blobs VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                        (thread, ns, channel, ref.origin, str(ref.version), *ref.inline),
                    )
            old_type, old_data = serde.dumps_typed(decode_skeleton(checkpoint_id, data))
            conn.execute(
                "UPDATE checkpoints SET type = ?, checkpoint = ?, blob_refs = ? "
                "WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?",
                (old_type, old_data, records.encode_refs(refs), thread, ns, checkpoint_id),
            )
        for channel, key, type_, value, base in conn.execute(
            "SELECT channel, checkpoint_id, type, value, base_checkpoint_id FROM checkpoint_blobs"
        ).fetchall():
            conn.execute(
                "UPDATE checkpoint_blobs SET type = ?, value = ? WHERE channel = ? AND checkpoint_id = ?",
                (*unpack(type_, value, base), channel, key),
            )


@pytest.mark.usefixtures("unsealed")
def test_rows_in_the_previous_format_read_the_same_and_the_thread_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver:
        _chat(saver, 30)
    want = _history(path)
    _to_old_format(path)
    kinds = {type_ for (type_,) in _rows(path, "SELECT DISTINCT type FROM checkpoint_blobs")}
    assert "delta" in kinds and ROW_DELTA_TYPE not in kinds
    assert _rows(path, "SELECT DISTINCT type FROM checkpoints") == [("msgpack",)]
    assert _history(path) == want
    with SqliteSaver.from_conn_string(str(path)) as saver:  # new rows continue old chains
        graph = _chat(saver, 2)
        assert len(graph.get_state(THREAD).values["messages"]) == 64
    assert _history(path)[6:] == want  # two turns of three checkpoints


def test_the_upgrade_drops_the_unused_checkpoint_id_index(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE checkpoint_migrations (v INTEGER PRIMARY KEY)")
        for version, step in enumerate(migrations.MIGRATIONS[:4]):
            assert isinstance(step, str)
            conn.execute(step.format(bytes="BLOB", json="TEXT"))
            conn.execute("INSERT INTO checkpoint_migrations (v) VALUES (?)", (version,))
    assert _rows(path, "SELECT name FROM sqlite_master WHERE name = 'checkpoints_by_id'")
    with SqliteSaver.from_conn_string(str(path)) as saver:
        _chat(saver, 1)
    assert not _rows(
        path, "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'checkpoints_by_id'"
    )


@pytest.mark.usefixtures("unsealed")
def test_the_upgrade_to_id_keys_reads_the_same_history_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    with SqliteSaver.from_conn_string(str(path)) as saver:
        graph = _chat(saver, 12)
        fork = graph.update_state(list(graph.get_state_history(THREAD))[7].config, {"messages": []})
        graph.invoke(None, fork)
    want = _history(path)
    to_text_ids(path)  # the rows as the release before id keys wrote them
    ids = "SELECT DISTINCT typeof(checkpoint_id) FROM {}"
    for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
        assert _rows(path, ids.format(table)) == [("text",)]
    assert _history(path) == want  # opening upgrades the file
    for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
        assert _rows(path, ids.format(table)) == [("blob",)]
    assert _rows(path, "SELECT DISTINCT typeof(task_id) FROM checkpoint_writes") == [("blob",)]
    assert {
        row
        for row in _rows(
            path,
            "SELECT DISTINCT typeof(base_checkpoint_id), "
            "typeof(root_checkpoint_id) FROM checkpoint_blobs",
        )
    } <= {("blob", "blob"), ("null", "null")}
    with SqliteSaver.from_conn_string(str(path)) as saver:  # and the thread goes on
        graph = _chat(saver, 1)
        assert len(graph.get_state(THREAD).values["messages"]) == len(want[0][1]) + 2
    assert _history(path)[3:] == want
