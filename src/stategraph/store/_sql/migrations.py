"""The store schema as numbered migrations; the tuple index is the version.

``store_migrations`` records applied versions.  Never edit a released migration;
append a new one.  Postgres takes an advisory lock first, so concurrent ``setup()``
calls from several processes apply each migration once.
"""

from __future__ import annotations

from ...errors import ErrorCode, StoreError
from .dialect import StoreDialect
from .plans import Plan, Query

__all__ = ["MIGRATIONS", "setup"]

# A migration is SQL for every dialect, or a dict dialect name -> SQL (absent: nothing to
# do there, but the version is still recorded so version numbers agree everywhere).
MIGRATIONS: tuple[str | dict[str, str], ...] = (
    # prefix: the namespace in codec.encode_namespace form; times: epoch seconds
    """CREATE TABLE IF NOT EXISTS store (
        prefix {text} NOT NULL,
        key {text} NOT NULL,
        value {json} NOT NULL,
        created_at {float} NOT NULL,
        updated_at {float} NOT NULL,
        expires_at {float},
        ttl_minutes {float},
        PRIMARY KEY (prefix, key)
    )""",
    "CREATE INDEX IF NOT EXISTS store_updated_at ON store (updated_at)",
    "CREATE INDEX IF NOT EXISTS store_expires_at ON store (expires_at) "
    "WHERE expires_at IS NOT NULL",
    # One row per embedded text of an item (idx = position among its texts); unit
    # vectors as little-endian float32 (codec.encode_vector).
    """CREATE TABLE IF NOT EXISTS store_vectors (
        prefix {text} NOT NULL,
        key {text} NOT NULL,
        idx INTEGER NOT NULL,
        embedding {bytes} NOT NULL,
        PRIMARY KEY (prefix, key, idx)
    )""",
    # Newest-first search orders by (updated_at, prefix, key) DESC; an index in that
    # exact order lets a broad search stop after one page instead of sorting every row.
    "DROP INDEX IF EXISTS store_updated_at",
    "CREATE INDEX IF NOT EXISTS store_recent ON store (updated_at, prefix, key)",
    # SQLite has no data-modifying CTE, so triggers clear an item's vectors whenever its
    # value is written: a put is then one statement there too (StoreDialect.clears_by_trigger).
    # Expiry refreshes (UPDATE OF expires_at) keep the vectors.
    {
        "sqlite": "CREATE TRIGGER IF NOT EXISTS store_insert_clears_vectors AFTER INSERT ON "
        "store BEGIN DELETE FROM store_vectors WHERE prefix = NEW.prefix AND key = NEW.key; END"
    },
    {
        "sqlite": "CREATE TRIGGER IF NOT EXISTS store_update_clears_vectors AFTER UPDATE OF "
        "value ON store BEGIN "
        "DELETE FROM store_vectors WHERE prefix = OLD.prefix AND key = OLD.key; END"
    },
)


def setup(dialect: StoreDialect) -> Plan[int]:
    """Apply the missing migrations and return the schema version now in force."""
    if dialect.setup_lock:
        yield Query(dialect.setup_lock)
    yield Query("CREATE TABLE IF NOT EXISTS store_migrations (v INTEGER PRIMARY KEY)")
    rows = yield Query("SELECT MAX(v) FROM store_migrations")
    current = rows[0][0] if rows and rows[0][0] is not None else -1
    if current >= len(MIGRATIONS):
        raise StoreError(
            f"The store database has schema version {current}, but this stategraph knows "
            f"versions up to {len(MIGRATIONS) - 1}: a newer release wrote it. Upgrade "
            "stategraph, or point the store at another database.",
            # why: no store-specific code exists yet; E302 is "persistence schema too new"
            code=ErrorCode.CHECKPOINT_SCHEMA_TOO_NEW,
        )
    for version in range(current + 1, len(MIGRATIONS)):
        migration = MIGRATIONS[version]
        sql = migration.get(dialect.name) if isinstance(migration, dict) else migration
        if sql is not None:
            yield Query(dialect.render(sql))
        yield Query(dialect.render("INSERT INTO store_migrations (v) VALUES (?)"), (version,))
    return len(MIGRATIONS) - 1
