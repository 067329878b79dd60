"""Hostile text in every place a caller controls reaches SQL only as a bound parameter.

Each SQL store gets the same puts, gets, searches and listings as an InMemoryStore,
with SQL metacharacters in namespace labels, keys, filter keys (plain and dotted),
filter values, ``$in`` lists and index field paths.  The results must equal the
in-memory reference, and the tables must still be there afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _services import postgres_dsn
from stategraph.store.base import BaseStore
from stategraph.store.memory import InMemoryStore
from stategraph.store.sqlite import SqliteStore

from .conformance import indexed

HOSTILE = [
    "'; DROP TABLE store; --",
    '"; DROP TABLE store_vectors; --',
    "' OR '1'='1",
    '") OR 1=1 --',
    "$",
    "$[0]",
    "a'b\"c",
    "%s",
    "%",
    "_",
    "?",
    "\\",
    "\x01",
    "\x02",
    "$eq",
    "名前",
]
# Put namespaces may not hold dots; search prefixes and filter keys may.
DOTTED = ["a.b", "$.value", "'.'", "x'); DELETE FROM store; --.y"]


def _items() -> list[tuple[tuple[str, ...], str, dict[str, Any]]]:
    items = []
    for i, text in enumerate(HOSTILE):
        items.append(((text,), text, {text: text, "n": i, "text": f"note {i}"}))
        items.append((("users", text), f"k{i}", {"nested": {text: text}, "tag": text}))
    items.append((("plain",), "dotted", {"a": {"b": "'; DROP TABLE store; --"}, "a.b": "literal"}))
    return items


def _searches() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    searches: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for text in HOSTILE:
        searches.append(((text,), {}))
        searches.append(((), {text: text}))
        searches.append(((), {text: {"$eq": text}}))
        searches.append((("users",), {"tag": text}))
        searches.append((("users",), {"tag": {"$in": [text, "'; --"]}}))
        searches.append((("users",), {"tag": {"$nin": [text]}}))
        searches.append((("users",), {f"nested.{text}": text}))
        searches.append((("users", text), {"tag": {"$gt": text}}))
    for text in DOTTED:
        searches.append(((text,), {}))
        searches.append(((), {text: "literal"}))
        searches.append(((), {text: "'; DROP TABLE store; --"}))
    return searches


def _snapshot(store: BaseStore) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for namespace, key, _ in _items():
        item = store.get(namespace, key)
        found[f"get {namespace!r} {key!r}"] = item and (item.namespace, item.key, item.value)
    for prefix, filter in _searches():
        items = store.search(prefix, filter=filter, limit=100)
        found[f"search {prefix!r} {filter!r}"] = sorted((i.namespace, i.key) for i in items)
    for text in [*HOSTILE, *DOTTED]:
        found[f"prefix {text!r}"] = store.list_namespaces(prefix=(text,))
        found[f"suffix {text!r}"] = store.list_namespaces(suffix=(text,))
        found[f"both {text!r}"] = store.list_namespaces(prefix=("users", "*"), suffix=(text,))
    found["all"] = store.list_namespaces(limit=1000)
    return found


def _fill(store: BaseStore) -> None:
    for namespace, key, value in _items():
        store.put(namespace, key, value)
    for text in HOSTILE:  # field paths: embedded texts come from Python, never SQL
        store.put(("paths",), text, {text: "cats purr", "text": "dogs"}, index=[text, "text"])


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqliteStore]:
    with SqliteStore.from_conn_string(str(tmp_path / "s.db"), index=indexed()) as store:
        yield store


@pytest.fixture
def postgres_store() -> Iterator[BaseStore]:
    import uuid

    import psycopg
    from psycopg.conninfo import make_conninfo

    from stategraph.store.postgres import PostgresStore

    dsn = postgres_dsn()
    schema = f"sg_inj_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        conninfo = make_conninfo(dsn, options=f"-c search_path={schema}")
        with PostgresStore.from_conn_string(conninfo, index=indexed()) as store:
            yield store
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _table_counts(store: Any) -> tuple[int, int]:
    # sqlite3 and psycopg connections both offer execute(sql).fetchone()
    count = "SELECT COUNT(*) FROM {}"
    return tuple(
        store.conn.execute(count.format(t)).fetchone()[0] for t in ("store", "store_vectors")
    )


@pytest.mark.parametrize("backend", ["sqlite_store", "postgres_store"])
def test_hostile_text_everywhere_matches_memory(
    backend: str, request: pytest.FixtureRequest
) -> None:
    store = request.getfixturevalue(backend)
    reference = InMemoryStore(index=indexed())
    _fill(store)
    _fill(reference)
    got, want = _snapshot(store), _snapshot(reference)
    assert {k: v for k, v in got.items() if v != want[k]} == {}
    # the hostile searches found what they should, not everything and not nothing
    assert want['search () {"\'; DROP TABLE store; --": "\'; DROP TABLE store; --"}'] == [
        (("'; DROP TABLE store; --",), "'; DROP TABLE store; --")
    ]
    assert want["search () {'a.b': 'literal'}"] == [(("plain",), "dotted")]
    items, vectors = _table_counts(store)
    assert items == len(_items()) + len(HOSTILE)
    assert vectors > 0
    ranked = {i.key: i.score for i in store.search(("paths",), query="cats purr", limit=100)}
    expected = {i.key: i.score for i in reference.search(("paths",), query="cats purr", limit=100)}
    assert ranked == pytest.approx(expected, abs=1e-6)
    assert sum(score == pytest.approx(1.0, abs=1e-6) for score in ranked.values()) >= 10
