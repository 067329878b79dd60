"""cache.sqlite: SqliteCache storage details (behaviour shared with other caches is in conformance.py)."""

from __future__ import annotations

import dataclasses
import pickle
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from stategraph.cache.sqlite import SqliteCache

NS = ("__pregel_ns_writes", "module.node", "node")


@dataclasses.dataclass
class Unlisted:
    """Not on the default serializer's allowlist."""

    n: int


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cache.db"


def rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT ns, key, expiry, encoding, val FROM stategraph_cache"
        ).fetchall()


def test_entries_survive_reopening_the_file(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        cache.set({(NS, "a"): ([("x", (1, 2))], None)})
    with SqliteCache(path=str(path)) as reopened:
        assert reopened.get([(NS, "a")]) == {(NS, "a"): [("x", (1, 2))]}


def test_file_is_in_wal_mode_with_one_row_per_entry(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        cache.set({(NS, "a"): (1, 30), (NS, "b"): (2, None)})
        cache.set({(NS, "a"): (3, None)})
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        stored = sorted(rows(path))
    assert [(ns, key, expiry) for ns, key, expiry, _, _ in stored] == [
        ('["__pregel_ns_writes", "module.node", "node"]', "a", None),
        ('["__pregel_ns_writes", "module.node", "node"]', "b", None),
    ]


def test_values_are_msgpack_never_pickle(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("SqliteCache must not pickle")

    for name in ("dumps", "loads", "dump", "load"):
        monkeypatch.setattr(pickle, name, refuse)
    with SqliteCache(path=path) as cache:
        cache.set({(NS, "a"): ([("x", {"k": (1, None)})], None)})
        assert cache.get([(NS, "a")]) == {(NS, "a"): [("x", {"k": (1, None)})]}
    [(_, _, _, encoding, val)] = rows(path)
    assert encoding == "msgpack" and not val.startswith(b"\x80")


def test_expiry_is_wall_clock_and_dead_rows_are_purged(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        cache._clock = lambda: 1000.0
        cache.set({(NS, "short"): (1, 10), (NS, "long"): (2, 100)})
        assert [row[2] for row in sorted(rows(path))] == [1100.0, 1010.0]
        cache._clock = lambda: 1010.0  # expiry is exclusive: at 1010 "short" is gone
        assert cache.get([(NS, "short"), (NS, "long")]) == {(NS, "long"): 2}
        cache.set({(NS, "other"): (3, None)})
        assert sorted(row[1] for row in rows(path)) == ["long", "other"]


def test_unlisted_class_is_a_miss_with_a_warning(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        cache.set({(NS, "a"): ([("x", Unlisted(1))], None), (NS, "b"): ([("x", 2)], None)})
        with pytest.warns(RuntimeWarning, match=r"'a' in namespace .*allowed_modules"):
            assert cache.get([(NS, "a"), (NS, "b")]) == {(NS, "b"): [("x", 2)]}


def test_corrupt_row_is_a_miss_with_a_warning(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        cache.set({(NS, "a"): ([("x", 1)], None)})
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE stategraph_cache SET val = x'c1c1c1'")
        with pytest.warns(RuntimeWarning, match="could not be read"):
            assert cache.get([(NS, "a")]) == {}


def test_unserializable_value_raises_and_stores_nothing(path: Path) -> None:
    with SqliteCache(path=path) as cache:
        with pytest.raises(TypeError, match="Cannot serialize"):
            cache.set({(NS, "ok"): (1, None), (NS, "bad"): ([("x", threading.Lock())], None)})
        assert cache.get([(NS, "ok")]) == {}


def test_many_keys_span_several_statements(path: Path) -> None:
    keys = [((f"n{i % 7}",), f"k{i}") for i in range(1500)]
    with SqliteCache(path=path) as cache:
        cache.set({key: (i, None) for i, key in enumerate(keys)})
        assert cache.get(keys) == {key: i for i, key in enumerate(keys)}
        cache.clear([(f"n{i}",) for i in range(7)])
        assert cache.get(keys) == {}


def test_private_in_memory_database() -> None:
    with SqliteCache(path=":memory:") as cache:
        cache.set({(NS, "a"): (1, None)})
        assert cache.get([(NS, "a")]) == {(NS, "a"): 1}


def test_closed_cache_cannot_be_used(path: Path) -> None:
    cache: SqliteCache[Any] = SqliteCache(path=path)
    cache.close()
    with pytest.raises(sqlite3.ProgrammingError):
        cache.get([(NS, "a")])


WRITER = """
import sys
from stategraph.cache.sqlite import SqliteCache
cache = SqliteCache(path=sys.argv[1])
worker = sys.argv[2]
for i in range(150):
    cache.set({(("w", worker), str(i)): ([("x", worker, i)], None), (("shared",), "k"): (worker, None)})
    assert cache.get([(("w", worker), str(i))]), "a write was not visible to its writer"
cache.close()
"""


def test_processes_share_one_file(path: Path) -> None:
    SqliteCache(path=path).close()  # create the schema before the writers race
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(w)]) for w in range(3)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    with SqliteCache(path=path) as cache:
        keys = [(("w", str(w)), str(i)) for w in range(3) for i in range(150)]
        assert len(cache.get(keys)) == 450
        assert cache.get([(("shared",), "k")])[(("shared",), "k")] in {"0", "1", "2"}
