"""The checkpoint schema as numbered migrations; the list index is the version.

``checkpoint_migrations`` records applied versions.  Never edit a released
migration; append a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ...errors import CheckpointError, ErrorCode
from . import id_keys
from .dialect import Dialect
from .plans import Plan, Query

__all__ = ["MIGRATIONS", "setup"]

_TABLES = {  # table -> (columns, primary key), as migrations 0-5 leave them ({{}}: format)
    "checkpoints": (
        "thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '', "
        "checkpoint_id TEXT NOT NULL, parent_checkpoint_id TEXT, type TEXT NOT NULL, "
        "checkpoint BLOB NOT NULL, metadata TEXT NOT NULL DEFAULT '{{}}', "
        "blob_refs TEXT NOT NULL DEFAULT '{{}}'",
        "thread_id, checkpoint_ns, checkpoint_id",
    ),
    "checkpoint_blobs": (
        "thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL, "
        "checkpoint_id TEXT NOT NULL, version TEXT NOT NULL, type TEXT NOT NULL, value BLOB, "
        "base_checkpoint_id TEXT, root_checkpoint_id TEXT",
        "thread_id, checkpoint_ns, channel, checkpoint_id",
    ),
    "checkpoint_writes": (
        "thread_id TEXT NOT NULL, checkpoint_ns TEXT NOT NULL DEFAULT '', "
        "checkpoint_id TEXT NOT NULL, task_id TEXT NOT NULL, idx INTEGER NOT NULL, "
        "channel TEXT NOT NULL, type TEXT NOT NULL, value BLOB, task_path TEXT NOT NULL DEFAULT ''",
        "thread_id, checkpoint_ns, checkpoint_id, task_id, idx",
    ),
}


def _without_rowid() -> tuple[str, ...]:
    """Rebuild every table as WITHOUT ROWID, keeping its rows (SQLite's documented recipe)."""
    steps: list[str] = []
    for table, (columns, key) in _TABLES.items():
        names = ", ".join(column.split()[0] for column in columns.split(", "))
        steps += [
            f"CREATE TABLE {table}_new ({columns}, PRIMARY KEY ({key})) WITHOUT ROWID",
            f"INSERT INTO {table}_new ({names}) SELECT {names} FROM {table}",
            f"DROP TABLE {table}",
            f"ALTER TABLE {table}_new RENAME TO {table}",
        ]
    steps.append("CREATE INDEX IF NOT EXISTS checkpoints_by_id ON checkpoints (checkpoint_id)")
    return tuple(steps)


def _key(value: object) -> object:
    return id_keys.to_key(value) if type(value) is str else value


_ID_COLUMNS = {  # table -> (the key columns naming a row, the id columns to rewrite)
    "checkpoints": (
        ("thread_id", "checkpoint_ns", "checkpoint_id"),
        ("checkpoint_id", "parent_checkpoint_id"),
    ),
    "checkpoint_blobs": (
        ("thread_id", "checkpoint_ns", "channel", "checkpoint_id"),
        ("checkpoint_id", "base_checkpoint_id", "root_checkpoint_id"),
    ),
    "checkpoint_writes": (
        ("thread_id", "checkpoint_ns", "checkpoint_id", "task_id"),
        ("checkpoint_id", "task_id"),
    ),
}


def _id_keys() -> Plan[None]:
    """Rewrite every id column of every row as its ``id_keys`` key (SQLite).

    Runs in the setup transaction.  It holds the key columns of every row in memory
    (~100 bytes a row), not the values.
    """
    for table, (key_columns, id_columns) in _ID_COLUMNS.items():
        rows = yield Query(f"SELECT DISTINCT {', '.join(key_columns + id_columns)} FROM {table}")
        if not rows:
            continue
        assignments = ", ".join(f"{column} = ?" for column in id_columns)
        where = " AND ".join(f"{column} = ?" for column in key_columns)
        width = len(key_columns)
        updates = [(*map(_key, row[width:]), *row[:width]) for row in rows]
        yield Query(f"UPDATE {table} SET {assignments} WHERE {where}", updates, many=True)


# why: the DETAIL carries what ``_head.check_head`` needs to raise the same error as the
# other savers (the driver turns this exception into it); '' stands for "no head".
_HEAD_CHECK = """CREATE OR REPLACE FUNCTION stategraph_check_head(
        p_thread TEXT, p_ns TEXT, p_expected TEXT, p_new TEXT) RETURNS INTEGER
    LANGUAGE plpgsql AS $fn$
    DECLARE
        v_head TEXT;
    BEGIN
        SELECT MAX(checkpoint_id) INTO v_head FROM checkpoints
            WHERE thread_id = p_thread AND checkpoint_ns = p_ns;
        IF COALESCE(v_head, '') <> p_expected OR p_new <= v_head COLLATE "C" THEN
            RAISE EXCEPTION 'stategraph_head_moved' USING DETAIL = json_build_object(
                'thread_id', p_thread, 'checkpoint_ns', p_ns, 'checkpoint_id', p_new,
                'expected', p_expected, 'actual', v_head)::text;
        END IF;
        RETURN 1;
    END
    $fn$"""

# A migration is one statement for every dialect, or {dialect name: statements}, where
# the statements may be a plan (a function returning one) that reads rows to rewrite them.
Migration = str | Mapping[str, tuple[str, ...] | Callable[[], Plan[None]]]

MIGRATIONS: tuple[Migration, ...] = (
    """CREATE TABLE IF NOT EXISTS checkpoints (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        checkpoint_id TEXT NOT NULL,
        parent_checkpoint_id TEXT,
        type TEXT NOT NULL,
        checkpoint {bytes} NOT NULL,
        metadata {json} NOT NULL DEFAULT '{{}}',
        blob_refs {json} NOT NULL DEFAULT '{{}}',
        PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
    )""",
    # checkpoint_id is the checkpoint that stored the value; later checkpoints refer to it.
    """CREATE TABLE IF NOT EXISTS checkpoint_blobs (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        channel TEXT NOT NULL,
        checkpoint_id TEXT NOT NULL,
        version TEXT NOT NULL,
        type TEXT NOT NULL,
        value {bytes},
        PRIMARY KEY (thread_id, checkpoint_ns, channel, checkpoint_id)
    )""",
    """CREATE TABLE IF NOT EXISTS checkpoint_writes (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        checkpoint_id TEXT NOT NULL,
        task_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        channel TEXT NOT NULL,
        type TEXT NOT NULL,
        value {bytes},
        task_path TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
    )""",
    "CREATE INDEX IF NOT EXISTS checkpoints_by_id ON checkpoints (checkpoint_id)",
    # The base of a delta blob (see checkpoint._delta), also written in the blob itself; a
    # column so a recursive query can fetch a chain at once and prune can keep it.
    "ALTER TABLE checkpoint_blobs ADD COLUMN base_checkpoint_id TEXT",
    # The snapshot a delta chain starts from (NULL for a full value and for deltas written
    # before this column): a chain's blobs all sort between it and the newest delta, so one
    # range read of the primary key fetches the chain (see queries.select_blob_chains).
    "ALTER TABLE checkpoint_blobs ADD COLUMN root_checkpoint_id TEXT",
    # SQLite only: a rowid table keeps its text primary key twice (table and index);
    # WITHOUT ROWID keeps the rows in the key's b-tree, about a third of a thread's bytes.
    {"sqlite": _without_rowid(), "postgres": ()},
    # Every query names the thread, so the primary key serves it; a list across all
    # threads sorts instead.  The index cost ~10 % of a thread's bytes.
    "DROP INDEX IF EXISTS checkpoints_by_id",
    # SQLite only: ids as ``id_keys`` keys (16 bytes for a uuid, ordered as the text), a
    # sixth of a thread's bytes; the columns keep their declared type (SQLite stores the
    # blobs as given).  Postgres keeps text ids.
    {"sqlite": _id_keys, "postgres": ()},
    # Sealed history (see segments.py): a scope's older rows, packed and compressed.  A
    # rowid table on SQLite: its rows are large and few.
    """CREATE TABLE IF NOT EXISTS checkpoint_segments (
        thread_id TEXT NOT NULL,
        checkpoint_ns TEXT NOT NULL DEFAULT '',
        first_id TEXT NOT NULL,
        last_id TEXT NOT NULL,
        payload {bytes} NOT NULL,
        PRIMARY KEY (thread_id, checkpoint_ns, last_id)
    )""",
    # Postgres only: the head compare-and-set of a put (dialect.head_check), so a step's
    # statements go in one round trip.  The new id compares as bytes (COLLATE "C"), as in Python.
    {"sqlite": (), "postgres": (_HEAD_CHECK,)},
)


def setup(dialect: Dialect) -> Plan[None]:
    """Apply the missing migrations; refuse a database written by a newer version."""
    yield Query("CREATE TABLE IF NOT EXISTS checkpoint_migrations (v INTEGER PRIMARY KEY)")
    rows = yield Query("SELECT MAX(v) FROM checkpoint_migrations")
    current = rows[0][0] if rows and rows[0][0] is not None else -1
    if current >= len(MIGRATIONS):
        raise CheckpointError(
            f"The checkpoint database has schema version {current}, but this stategraph "
            f"knows versions up to {len(MIGRATIONS) - 1}: it was written by a newer release. "
            "Upgrade stategraph (or point the saver at another database).",
            code=ErrorCode.CHECKPOINT_SCHEMA_TOO_NEW,
        )
    for version in range(current + 1, len(MIGRATIONS)):
        migration = MIGRATIONS[version]
        steps = (migration,) if isinstance(migration, str) else migration[dialect.name]
        if callable(steps):
            yield from steps()
            steps = ()
        for step in steps:
            yield Query(step.format(bytes=dialect.bytes_type, json=dialect.json_type))
        yield Query(dialect.render("INSERT INTO checkpoint_migrations (v) VALUES (?)"), (version,))
