"""Long-term store workloads: put/get/search throughput and vector search latency.

The same 10k items go into each library's store on each backend: ``memory``
(InMemoryStore), ``sqlite`` (SqliteStore, file in a temp dir) and ``postgres``
(PostgresStore, a throwaway schema on ``STATEGRAPH_POSTGRES_DSN`` or the local
server).  Both libraries get the same deterministic hashed-words embedding.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import re
import statistics
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from bench._spec import Metrics, Settings, Workload, expect, metric
from bench._timing import median_seconds
from bench.graphs import api

__all__ = ["WORKLOADS", "embed"]

ITEMS = 10_000
GROUPS = 50
DIMS = 64
BACKENDS = ("memory", "sqlite", "postgres")
DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
_WORD = re.compile(r"[a-z0-9]+")


def embed(texts: list[str]) -> list[list[float]]:
    """A hashed bag of words scaled to unit length: same vectors in every process."""
    vectors = []
    for text in texts:
        vector = [0.0] * DIMS
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vector[int.from_bytes(digest, "big") % DIMS] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        vectors.append([x / norm for x in vector])
    return vectors


QUERY = "topic42 tag7"


def _best_score(query: str, items: int) -> float:
    """The highest cosine any of the first ``items`` items reaches for ``query``, by brute force."""
    (target,) = embed([query])
    vectors = embed([_text(i) for i in range(items)])
    return max(sum(a * b for a, b in zip(target, vector, strict=True)) for vector in vectors)


def _text(i: int) -> str:
    return f"note {i} on topic{i % 97} with tag{i % 89}"


@contextmanager
def _postgres_conninfo() -> Iterator[str]:
    import psycopg
    from psycopg.conninfo import make_conninfo

    dsn = os.environ.get("STATEGRAPH_POSTGRES_DSN", DEFAULT_DSN)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield make_conninfo(dsn, options=f"-c search_path={schema}")
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def open_store(lib: str, backend: str, **kwargs: Any) -> Iterator[Any]:
    """Yield ``lib``'s store on ``backend``, set up and empty."""
    if backend == "memory":
        kwargs.pop("ttl", None)
        yield api(lib, "store.memory").InMemoryStore(**kwargs)
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "store.sqlite")
            with api(lib, "store.sqlite").SqliteStore.from_conn_string(path, **kwargs) as store:
                store.setup()
                yield store
        return
    with _postgres_conninfo() as conninfo:
        postgres = api(lib, "store.postgres")
        with postgres.PostgresStore.from_conn_string(conninfo, **kwargs) as store:
            store.setup()
            yield store


def _read_us(calls: list[Any], fn: Any, settings: Settings) -> float:
    """Median us per call over repeated passes of ``calls`` (reads leave the store as is).

    why: one pass is one sample, at the mercy of whatever else the 2 cores run; reads can
    be repeated, so they follow the suite's rule (median of samples).  Puts cannot (a
    second pass would overwrite), so they stay one pass over fresh keys.
    """

    def one_pass() -> None:
        for args in calls:
            fn(*args)

    return median_seconds(one_pass, repeats=settings.pick(5, 3)) / len(calls) * 1e6


def _put_us(items: list[Any], put: Any, settings: Settings) -> float:
    """Median us per put over consecutive slices of ``items`` (every put is a new key).

    why: a put cannot be repeated without becoming an overwrite, so the 10k puts are cut
    into 5 slices (3 with --quick), each one sample; a burst of disk or CPU use by
    another process then spoils one sample, not the row.
    """
    slices = settings.pick(5, 3)
    size = -(-len(items) // slices)
    samples = [_per_call_us(items[i : i + size], put) for i in range(0, len(items), size)]
    return statistics.median(samples)


def _memory_floor(labels: list[str]) -> Any:
    """Plain dicts: copy the value in with one timestamp; look it up and copy it out."""

    def floor(settings: Settings) -> Metrics:
        from datetime import UTC, datetime

        items = _items()
        probes = _probes(items, settings)
        data: dict[tuple[str, ...], dict[str, Any]] = {}

        def put(namespace: tuple[str, ...], key: str, value: dict[str, Any]) -> None:
            records = data.get(namespace)
            if records is None:
                records = data[namespace] = {}
            records[key] = (value.copy(), datetime.now(UTC))

        def get(namespace: tuple[str, ...], key: str) -> Any:
            value, stamp = data[namespace][key]
            return value.copy(), stamp

        put_us = _put_us(items, put, settings)
        get_us = _read_us([(n, k) for n, k, _ in probes], get, settings)
        return {labels[0]: metric(put_us, "us"), labels[1]: metric(get_us, "us")}

    return floor


def _per_call_us(calls: list[Any], fn: Any) -> float:
    start = perf_counter()
    for args in calls:
        fn(*args)
    return (perf_counter() - start) / len(calls) * 1e6


def _items() -> list[tuple[tuple[str, ...], str, dict[str, Any]]]:
    return [
        (
            ("users", f"u{i % 10}", "memories"),
            f"k{i}",
            {"text": _text(i), "group": f"g{i % GROUPS}", "i": i},
        )
        for i in range(ITEMS)
    ]


def _probes(items: list[Any], settings: Settings) -> list[Any]:
    rng = random.Random(7)
    return [items[rng.randrange(ITEMS)] for _ in range(settings.pick(ITEMS, 2000))]


def _sqlite_floor(labels: list[str]) -> Any:
    """Raw sqlite3, same file settings (WAL): one INSERT + COMMIT per put, one SELECT per get."""

    def floor(settings: Settings) -> Metrics:
        import json
        import sqlite3

        items = _items()
        probes = _probes(items, settings)
        with tempfile.TemporaryDirectory() as tmp:
            conn = sqlite3.connect(os.path.join(tmp, "floor.sqlite"))
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE kv (ns TEXT, key TEXT, value TEXT, PRIMARY KEY (ns, key))")
            insert = "INSERT INTO kv VALUES (?, ?, ?)"

            def put(namespace: Any, key: str, value: Any) -> None:
                conn.execute(insert, (".".join(namespace), key, json.dumps(value)))
                conn.commit()

            put_us = _put_us(items, put, settings)
            select = "SELECT value FROM kv WHERE ns = ? AND key = ?"
            get_us = _read_us(
                [(".".join(n), k) for n, k, _ in probes],
                lambda ns, key: json.loads(conn.execute(select, (ns, key)).fetchone()[0]),
                settings,
            )
            conn.close()
        return {labels[0]: metric(put_us, "us"), labels[1]: metric(get_us, "us")}

    return floor


def _postgres_floor(labels: list[str]) -> Any:
    """Raw psycopg in autocommit: one durable INSERT per put, one prepared SELECT per get.

    Nothing a store can do per put is cheaper than one fsync'd commit, nor per get than
    one round trip; the "x floor" ratios show what the store adds on top.
    """

    def floor(settings: Settings) -> Metrics:
        import psycopg
        from psycopg.types.json import Jsonb

        items = _items()
        probes = _probes(items, settings)
        with _postgres_conninfo() as conninfo, psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(
                'CREATE TABLE kv (ns TEXT COLLATE "C", key TEXT COLLATE "C", value JSONB, '
                "PRIMARY KEY (ns, key))"
            )
            insert = "INSERT INTO kv VALUES (%s, %s, %s)"
            put_us = _put_us(
                items,
                lambda n, k, v: conn.execute(insert, (".".join(n), k, Jsonb(v)), prepare=True),
                settings,
            )
            select = "SELECT value FROM kv WHERE ns = %s AND key = %s"
            get_us = _read_us(
                [(".".join(n), k) for n, k, _ in probes],
                lambda ns, key: conn.execute(select, (ns, key), prepare=True).fetchone(),
                settings,
            )
        return {labels[0]: metric(put_us, "us"), labels[1]: metric(get_us, "us")}

    return floor


def _crud(backend: str) -> Workload:
    labels = [f"store_{backend} {what}" for what in ("put", "get", "search", "search filter")]

    def run(lib: str, settings: Settings) -> Metrics:
        items = _items()
        probes = _probes(items, settings)
        searches = settings.pick(500, 100)
        with open_store(lib, backend) as store:
            put_us = _put_us(items, store.put, settings)
            found = [store.get(namespace, key) for namespace, key, _ in probes[:50]]
            expect(
                all(
                    f is not None and f.value == v
                    for f, (_, _, v) in zip(found, probes, strict=False)
                ),
                "get returned wrong items",
            )
            get_us = _read_us([(n, k) for n, k, _ in probes], store.get, settings)
            hits = store.search(("users",), limit=10)
            expect(len(hits) == 10, f"search returned {len(hits)} items")
            search_us = _read_us([(("users",),)] * searches, store.search, settings)
            filtered = store.search(("users",), filter={"group": "g7"}, limit=10)
            expect(
                len(filtered) == 10 and all(h.value["group"] == "g7" for h in filtered),
                "filtered search is wrong",
            )
            calls = [(("users", f"u{g % 10}"), f"g{g}") for g in range(GROUPS)] * (
                searches // GROUPS
            )
            filter_us = _read_us(
                calls, lambda ns, g: store.search(ns, filter={"group": g}, limit=10), settings
            )
        values = (put_us, get_us, search_us, filter_us)
        return {label: metric(value, "us") for label, value in zip(labels, values, strict=True)}

    question = (
        f"{ITEMS} puts, then gets of random keys, namespace searches (limit 10) and filtered "
        f"searches (limit 10) on the {backend} store: us per call."
    )
    floors = {"memory": _memory_floor, "sqlite": _sqlite_floor, "postgres": _postgres_floor}
    floor = floors[backend](labels) if backend in floors else None
    return Workload(f"store_{backend}", question, run, floor)


def _vector(backend: str, items: int) -> Workload:
    size = f"{items // 1000}k"
    label = f"store_{backend}_vector search @{size} (per query)"
    # why: at 100k a query takes a large fraction of a second; fewer repeats keep a full
    # run within minutes (the median of 10 is still stable to a few percent)
    repeats = (50, 10) if items <= ITEMS else (10, 3)

    def run(lib: str, settings: Settings) -> Metrics:
        index = {"dims": DIMS, "embed": embed, "fields": ["text"]}
        put_op = api(lib, "store.base").PutOp
        with open_store(lib, backend, index=index) as store:
            for start in range(0, items, 500):
                store.batch(
                    [
                        put_op(("docs",), f"k{i}", {"text": _text(i)})
                        for i in range(start, min(start + 500, items))
                    ]
                )
            top = store.search(("docs",), query=QUERY, limit=10)
            best = _best_score(QUERY, items)
            expect(abs(top[0].score - best) < 1e-4, f"wrong top hit {top[0]!r}")
            queries = [(("docs",),) for _ in range(settings.pick(*repeats))]
            us = _per_call_us(queries, lambda ns: store.search(ns, query=QUERY, limit=10))
        return {label: metric(us / 1e3, "ms")}

    question = (
        f"Semantic search latency (limit 10) over {items} items indexed with {DIMS}-dim "
        f"vectors, {backend} store."
    )
    name = f"store_{backend}_vector" if items == ITEMS else f"store_{backend}_vector_{size}"
    return Workload(name, question, run)


VECTOR_SIZES = (ITEMS, 10 * ITEMS)
WORKLOADS = [
    workload
    for backend in BACKENDS
    for workload in (_crud(backend), *(_vector(backend, n) for n in VECTOR_SIZES))
]
