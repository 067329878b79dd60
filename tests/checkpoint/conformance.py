"""Spec tests every checkpoint saver must pass, through its sync and its async API.

A backend's test module opts in with::

    from .conformance import *  # noqa: F403

    @pytest.fixture(params=[...])
    def backend(request) -> Backend: ...

Each case then runs for every backend x ``mode`` ("sync" calls ``saver.put``,
"async" awaits ``saver.aput`` on a loop in another thread, like the engine does).
"""

# why: over 400 lines: one saver conformance suite, run against every saver; its cases belong
# together so every backend meets the same list.

from __future__ import annotations

import asyncio
import dataclasses
import threading
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import pytest
from hypothesis import HealthCheck, given, settings

from stategraph.checkpoint._ids import new_checkpoint_id
from stategraph.checkpoint.base import BaseCheckpointSaver, Checkpoint, empty_checkpoint
from stategraph.errors import CheckpointError, ErrorCode, SerializationError

from .strategies import assert_same, checkpoint_values

# --- plumbing ---------------------------------------------------------------------------


class Portal:
    """An event loop running in a daemon thread; ``run`` waits for a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


@dataclasses.dataclass(frozen=True)
class StoredBlobInfo:
    type: str
    size: int  # bytes of the stored value
    base: str | None  # origin of the base blob, for a delta


class Backend(Protocol):
    """What the suite needs from a backend besides the saver API."""

    name: str

    def open(
        self, portal: Portal, tmp_path: Path
    ) -> AbstractContextManager[BaseCheckpointSaver[Any]]:
        """Yield a fresh, empty saver."""

    def corrupt_checkpoint(
        self, saver: Any, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        """Truncate the stored checkpoint bytes and blob refs of one checkpoint."""

    def count_blobs(self, saver: Any, portal: Portal, thread_id: str) -> int:
        """Return how many value blobs are stored for a thread."""

    def stored_blobs(
        self, saver: Any, portal: Portal, thread_id: str
    ) -> dict[tuple[str, str, str], StoredBlobInfo]:
        """Describe a thread's value blobs by (namespace, channel, origin checkpoint id)."""

    def corrupt_blob(
        self, saver: Any, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        """Truncate one stored value blob to its first 5 bytes."""

    def open_newer_schema(self, portal: Portal, tmp_path: Path) -> AbstractContextManager[Any]:
        """Yield a saver over storage whose schema is newer than the code (or skip)."""


class Harness:
    """Call a saver through its sync or async API with one signature."""

    def __init__(self, saver: BaseCheckpointSaver[Any], mode: str, portal: Portal) -> None:
        self.saver, self.mode, self.portal = saver, mode, portal

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.mode == "sync":
            return getattr(self.saver, name)(*args, **kwargs)
        return self.portal.run(getattr(self.saver, f"a{name}")(*args, **kwargs))

    def put(self, *args: Any) -> dict[str, Any]:
        return self._call("put", *args)

    def put_writes(self, *args: Any, **kwargs: Any) -> None:
        return self._call("put_writes", *args, **kwargs)

    def get_tuple(self, config: dict[str, Any]) -> Any:
        return self._call("get_tuple", config)

    def get(self, config: dict[str, Any]) -> Any:
        return self._call("get", config)

    def batch(self, ops: list[tuple[Any, ...]]) -> list[Any]:
        return self._call("batch", ops)  # type: ignore[no-any-return]

    def delete_thread(self, thread_id: str) -> None:
        return self._call("delete_thread", thread_id)

    def copy_thread(self, source: str, target: str) -> None:
        return self._call("copy_thread", source, target)

    def prune(self, thread_ids: list[str], **kwargs: Any) -> None:
        return self._call("prune", thread_ids, **kwargs)

    def delete_for_runs(self, run_ids: list[str], **kwargs: Any) -> None:
        return self._call("delete_for_runs", run_ids, **kwargs)

    def list(self, config: dict[str, Any] | None, **kwargs: Any) -> list[Any]:
        if self.mode == "sync":
            return list(self.saver.list(config, **kwargs))

        async def collect() -> list[Any]:
            return [item async for item in self.saver.alist(config, **kwargs)]

        return self.portal.run(collect())


class Writer:
    """Builds a checkpoint chain like the engine: versions bump on change, parent = previous."""

    def __init__(self, harness: Harness, thread_id: str, checkpoint_ns: str = "") -> None:
        self.harness = harness
        self.config: dict[str, Any] = config(thread_id, checkpoint_ns)
        self.values: dict[str, Any] = {}
        self.versions: dict[str, int] = {}
        self.step = -1

    def save(
        self, updates: dict[str, Any], *, drop: tuple[str, ...] = (), **metadata: Any
    ) -> dict[str, Any]:
        new_versions = {}
        for channel in (*updates, *drop):
            self.versions[channel] = self.versions.get(channel, 0) + 1
            new_versions[channel] = self.versions[channel]
        self.values.update(updates)
        for channel in drop:
            self.values.pop(channel, None)
        checkpoint = make_checkpoint(dict(self.values), dict(self.versions), step=self.step)
        meta = {"source": "loop", "step": self.step, **metadata}
        self.config = self.harness.put(self.config, checkpoint, meta, new_versions)
        self.step += 1
        return self.config

    def fork(self, from_config: dict[str, Any]) -> Writer:
        """A writer continuing from an older checkpoint (time travel / update_state)."""
        found = self.harness.get_tuple(from_config)
        writer = Writer(self.harness, found.config["configurable"]["thread_id"])
        writer.config = found.config
        writer.values = dict(found.checkpoint["channel_values"])
        writer.versions = dict(found.checkpoint["channel_versions"])
        writer.step = found.metadata["step"] + 1
        return writer


def config(
    thread_id: str, checkpoint_ns: str | None = "", checkpoint_id: str | None = None
) -> dict[str, Any]:
    configurable: dict[str, Any] = {"thread_id": thread_id}
    if checkpoint_ns is not None:
        configurable["checkpoint_ns"] = checkpoint_ns
    if checkpoint_id is not None:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def make_checkpoint(
    values: dict[str, Any], versions: dict[str, Any], *, step: int = 0
) -> Checkpoint:
    checkpoint = empty_checkpoint()
    checkpoint["id"] = new_checkpoint_id(step)
    checkpoint["channel_values"] = values
    checkpoint["channel_versions"] = versions
    checkpoint["versions_seen"] = {"node": {k: v for k, v in versions.items()}}
    checkpoint["updated_channels"] = sorted(values)
    return checkpoint


def id_of(config_: dict[str, Any]) -> str:
    return config_["configurable"]["checkpoint_id"]


def ids(tuples: list[Any]) -> list[str]:
    return [id_of(t.config) for t in tuples]


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    running = Portal()
    yield running
    running.close()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def saver(backend: Backend, portal: Portal, tmp_path: Path) -> Iterator[BaseCheckpointSaver[Any]]:
    with backend.open(portal, tmp_path) as opened:
        yield opened


@pytest.fixture
def harness(saver: BaseCheckpointSaver[Any], mode: str, portal: Portal) -> Harness:
    return Harness(saver, mode, portal)


@dataclasses.dataclass
class Unregistered:
    """A user class the serializer was not told about."""

    payload: int


# --- put / get_tuple --------------------------------------------------------------------


def test_put_returns_config_naming_the_new_checkpoint(harness: Harness) -> None:
    checkpoint = make_checkpoint({"a": 1}, {"a": 1})
    returned = harness.put(config("t"), checkpoint, {"source": "input", "step": -1}, {"a": 1})
    assert returned == config("t", "", checkpoint["id"])


def test_get_tuple_round_trips_every_field(harness: Harness) -> None:
    checkpoint = make_checkpoint({"a": [1, 2], "b": ("x", None)}, {"a": 3, "b": 7}, step=4)
    metadata = {
        "source": "loop",
        "step": 4,
        "parents": {"": "p"},
        "run_id": "r",
        "user": {"k": [1]},
    }
    saved = harness.put(config("t"), checkpoint, metadata, {"a": 3, "b": 7})
    found = harness.get_tuple(saved)
    assert found.config == saved
    assert found.metadata == metadata
    assert found.parent_config is None
    assert found.pending_writes == []
    assert_same(found.checkpoint, checkpoint)


def test_get_tuple_without_id_returns_latest_and_missing_returns_none(harness: Harness) -> None:
    writer = Writer(harness, "t")
    writer.save({"a": 1})
    second = writer.save({"a": 2})
    assert id_of(harness.get_tuple(config("t")).config) == id_of(second)
    assert harness.get_tuple(config("t", checkpoint_ns=None)).config == second
    assert harness.get_tuple(config("other")) is None
    assert harness.get_tuple(config("t", "", new_checkpoint_id())) is None
    assert harness.get(config("t"))["channel_values"] == {"a": 2}


def test_parent_config_links_each_checkpoint_to_the_previous(harness: Harness) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1})
    second = writer.save({"a": 2})
    assert harness.get_tuple(first).parent_config is None
    assert harness.get_tuple(second).parent_config == first


def test_namespaces_and_threads_are_separate_chains(harness: Harness) -> None:
    root = Writer(harness, "t").save({"a": "root"})
    child = Writer(harness, "t", "node:1").save({"a": "child"})
    other = Writer(harness, "u").save({"a": "other"})
    assert harness.get_tuple(config("t")).config == root
    assert harness.get_tuple(config("t", "node:1")).config == child
    assert harness.get_tuple(config("u")).config == other
    assert harness.get(config("t", "node:1"))["channel_values"] == {"a": "child"}
    assert harness.get_tuple(config("t", "node:1", id_of(root))) is None


def test_values_round_trip_with_exact_types(harness: Harness) -> None:
    values = {
        "list": [1, (2, 3)], "tuple": (1, [2]), "set": {1, 2}, "frozen": frozenset({"a"}),
        "bytes": b"\x00\xff", "none": None, "nested": {"k": {1: (True, 1.5)}}, "big": 2**70,
    }  # fmt: skip
    saved = harness.put(
        config("t"), make_checkpoint(values, dict.fromkeys(values, 1)), {}, dict.fromkeys(values, 1)
    )
    assert_same(harness.get(saved)["channel_values"], values)


def test_stored_values_are_copies(harness: Harness) -> None:
    values = {"a": [1]}
    saved = harness.put(config("t"), make_checkpoint(values, {"a": 1}), {}, {"a": 1})
    values["a"].append(2)
    loaded = harness.get(saved)
    loaded["channel_values"]["a"].append(3)
    assert harness.get(saved)["channel_values"] == {"a": [1]}


def test_unchanged_channels_reuse_the_parent_blob(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    writer.save({"a": 1, "big": ["x"] * 100})
    writer.save({"a": 2})
    third = writer.save({"a": 3})
    assert harness.get(third)["channel_values"] == {"a": 3, "big": ["x"] * 100}
    assert backend.count_blobs(saver, portal, "t") == 4  # a x3, big x1


def test_only_channels_in_new_versions_are_stored(harness: Harness) -> None:
    first = harness.put(config("t"), make_checkpoint({"a": "old"}, {"a": 1}), {}, {"a": 1})
    # Same version, not in new_versions: the saver keeps referring to the stored value.
    second = harness.put(first, make_checkpoint({"a": "ignored"}, {"a": 1}), {}, {})
    assert harness.get(second)["channel_values"] == {"a": "old"}


def test_forks_reusing_a_version_number_keep_their_own_values(harness: Harness) -> None:
    main = Writer(harness, "t")
    start = main.save({"a": "start", "b": "keep"})
    after = main.save({"a": "main"})
    fork = main.fork(start)
    forked = fork.save({"a": "fork"})  # the same int version as `after`
    later = fork.save({"c": 1})
    assert harness.get(after)["channel_values"] == {"a": "main", "b": "keep"}
    assert harness.get(forked)["channel_values"] == {"a": "fork", "b": "keep"}
    assert harness.get(later)["channel_values"] == {"a": "fork", "b": "keep", "c": 1}
    assert harness.get(after)["channel_versions"] == harness.get(forked)["channel_versions"]


def test_channels_can_be_added_and_emptied(harness: Harness) -> None:
    writer = Writer(harness, "t")
    writer.save({"a": 1})
    added = writer.save({"b": 2})
    emptied = writer.save({}, drop=("a",))
    assert harness.get(added)["channel_values"] == {"a": 1, "b": 2}
    loaded = harness.get(emptied)
    assert loaded["channel_values"] == {"b": 2}
    assert loaded["channel_versions"] == {"a": 2, "b": 1}


def test_put_of_an_existing_id_replaces_it(harness: Harness) -> None:
    checkpoint = make_checkpoint({"a": 1}, {"a": 1})
    harness.put(config("t"), checkpoint, {"n": 1}, {"a": 1})
    checkpoint = {**checkpoint, "channel_values": {"a": 2}}
    saved = harness.put(config("t"), checkpoint, {"n": 2}, {"a": 1})
    found = harness.get_tuple(saved)
    assert (found.checkpoint["channel_values"], found.metadata) == ({"a": 2}, {"n": 2})
    assert len(harness.list(config("t"))) == 1


def test_pending_writes_come_back_by_task_path_then_task_id(harness: Harness) -> None:
    saved = Writer(harness, "t").save({"a": 1})
    harness.put_writes(saved, [("x", 1)], "task-a", "~__pregel_pull, z")
    harness.put_writes(saved, [("x", 2), ("y", 3)], "task-b", "~__pregel_pull, m")
    harness.put_writes(saved, [("x", 4)], "task-0", "~__pregel_pull, z")
    assert harness.get_tuple(saved).pending_writes == [  # LangGraph's order of a step's writes
        ("task-b", "x", 2),
        ("task-b", "y", 3),
        ("task-0", "x", 4),
        ("task-a", "x", 1),
    ]


# --- list -------------------------------------------------------------------------------


def test_list_is_newest_first_and_covers_namespaces(harness: Harness) -> None:
    root = Writer(harness, "t")
    child = Writer(harness, "t", "node:1")
    made = [root.save({"a": 1}), child.save({"a": 2}), root.save({"a": 3})]
    Writer(harness, "u").save({"a": 4})
    listed = ids(harness.list(config("t", checkpoint_ns=None)))
    if type(harness.saver).__name__ == "InMemorySaver":  # LangGraph's order: namespace by namespace
        assert listed == [id_of(made[2]), id_of(made[0]), id_of(made[1])]
    else:  # LangGraph's SQL savers: newest first across namespaces
        assert listed == [id_of(c) for c in reversed(made)]
    assert ids(harness.list(config("t", ""))) == [id_of(made[2]), id_of(made[0])]
    assert ids(harness.list(config("t", "node:1"))) == [id_of(made[1])]
    assert len(harness.list(None)) == 4
    assert harness.list(config("nobody")) == []


def test_list_with_checkpoint_id_returns_only_that_checkpoint(harness: Harness) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1})
    writer.save({"a": 2})
    assert ids(harness.list(first)) == [id_of(first)]


def test_list_filter_matches_metadata_exactly(harness: Harness) -> None:
    writer = Writer(harness, "t")
    a = writer.save({"x": 1}, source="input", user="ann", tags=["p", "q"], score=1, flag=True)
    b = writer.save({"x": 2}, source="loop", user="bob", tags=["p"], score=1.5, flag=False)
    c = writer.save({"x": 3}, source="loop", user="ann", nested={"k": [1, {"z": None}]})
    find = lambda **f: ids(harness.list(config("t", checkpoint_ns=None), filter=f))  # noqa: E731
    assert find(source="loop") == [id_of(c), id_of(b)]
    assert find(source="loop", user="ann") == [id_of(c)]
    assert find(step=0) == [id_of(b)]
    assert find(tags=["p", "q"]) == [id_of(a)]
    assert find(tags=["q", "p"]) == []
    assert find(score=1) == [id_of(a)]
    assert find(score=1.0) == []  # types must match: 1.0 is not 1
    assert find(flag=True) == [id_of(a)]
    assert find(flag=1) == []
    assert find(nested={"k": [1, {"z": None}]}) == [id_of(c)]
    assert find(user="nobody") == []
    assert find(nested=None) == [id_of(b), id_of(a)]  # a missing key equals None
    assert find() == [id_of(c), id_of(b), id_of(a)]


def test_list_filter_keys_cannot_inject_sql(harness: Harness) -> None:
    Writer(harness, "t").save({"a": 1}, source="loop")
    for key in ["x') OR 1=1 --", "source' OR '1'='1", "a.b", "$.source"]:
        assert harness.list(None, filter={key: "loop"}) == []
    for key in ['x" OR 1=1', "back\\slash", "", "tab\t"]:
        with pytest.raises(CheckpointError) as raised:
            harness.list(None, filter={key: 1})
        assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT
    assert len(harness.list(None, filter={"source": "loop"})) == 1


def test_list_before_and_limit(harness: Harness) -> None:
    writer = Writer(harness, "t")
    made = [writer.save({"a": n}) for n in range(5)]
    newest_first = [id_of(c) for c in reversed(made)]
    assert ids(harness.list(config("t"), limit=2)) == newest_first[:2]
    assert ids(harness.list(config("t"), before=made[3])) == newest_first[2:]
    assert ids(harness.list(config("t"), before=made[3], limit=1)) == newest_first[2:3]
    assert ids(harness.list(config("t"), before=made[0])) == []
    assert ids(harness.list(config("t"), filter={"step": 1}, before=made[3])) == [id_of(made[2])]
    assert ids(harness.list(config("t"), filter={"step": 2}, before=made[3])) == []


def test_list_includes_pending_writes(harness: Harness) -> None:
    saved = Writer(harness, "t").save({"a": 1})
    harness.put_writes(saved, [("a", 2)], "task-1")
    (found,) = harness.list(config("t"))
    assert found.pending_writes == [("task-1", "a", 2)]


def test_metadata_must_be_json(harness: Harness) -> None:
    with pytest.raises(TypeError) as raised:
        harness.put(
            config("t"), make_checkpoint({}, {}), {"source": "loop", "bad": {"x": object()}}, {}
        )
    assert raised.value.code is ErrorCode.CHECKPOINT_NOT_SERIALIZABLE
    assert "metadata.bad.x" in str(raised.value)
    assert harness.get_tuple(config("t")) is None


# --- put_writes -------------------------------------------------------------------------


def test_writes_attach_to_their_checkpoint_in_task_and_index_order(harness: Harness) -> None:
    writer = Writer(harness, "t")
    first = writer.save({"a": 1})
    harness.put_writes(first, [("a", 10), ("b", (1,))], "task-b", "path")
    harness.put_writes(first, [("a", 20)], "task-a")
    second = writer.save({"a": 2})
    assert harness.get_tuple(first).pending_writes == [
        ("task-a", "a", 20), ("task-b", "a", 10), ("task-b", "b", (1,)),
    ]  # fmt: skip
    assert harness.get_tuple(second).pending_writes == []


def test_regular_writes_are_idempotent(harness: Harness) -> None:
    saved = Writer(harness, "t").save({"a": 1})
    harness.put_writes(saved, [("a", "first"), ("b", "first")], "task")
    harness.put_writes(saved, [("a", "retry"), ("b", "retry"), ("c", "new")], "task")
    assert harness.get_tuple(saved).pending_writes == [
        ("task", "a", "first"), ("task", "b", "first"), ("task", "c", "new"),
    ]  # fmt: skip


def test_special_writes_are_stored_at_fixed_indexes_and_replaced(harness: Harness) -> None:
    saved = Writer(harness, "t").save({"a": 1})
    harness.put_writes(saved, [("a", 1), ("__interrupt__", ["first"])], "task")
    harness.put_writes(saved, [("__interrupt__", ["second"]), ("__error__", "boom")], "task")
    harness.put_writes(saved, [("__resume__", "yes")], "task")
    assert harness.get_tuple(saved).pending_writes == [
        ("task", "__resume__", "yes"), ("task", "__interrupt__", ["second"]),
        ("task", "__error__", "boom"), ("task", "a", 1),
    ]  # fmt: skip


def test_writes_are_scoped_to_namespace(harness: Harness) -> None:
    root = Writer(harness, "t").save({"a": 1})
    child = harness.put(config("t", "node:1"), make_checkpoint({"a": 1}, {"a": 1}), {}, {"a": 1})
    harness.put_writes(child, [("a", "child")], "task")
    assert harness.get_tuple(root).pending_writes == []
    assert harness.get_tuple(child).pending_writes == [("task", "a", "child")]


def test_put_writes_needs_a_checkpoint_id(harness: Harness) -> None:
    with pytest.raises(KeyError) as raised:  # the type LangGraph's savers raise
        harness.put_writes(config("t"), [("a", 1)], "task")
    assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT  # type: ignore[attr-defined]


def test_a_config_without_thread_id_is_rejected(harness: Harness) -> None:
    with pytest.raises(KeyError) as raised:  # the type LangGraph's savers raise
        harness.get_tuple({"configurable": {}})
    assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        harness.list({"configurable": {"checkpoint_ns": ""}})
    assert len(harness.list({})) == len(harness.list(None))  # an empty config lists every thread
    assert "thread_id" in str(raised.value)


# --- delete / copy / prune ---------------------------------------------------------------


def _thread_with_history(harness: Harness, thread_id: str) -> list[dict[str, Any]]:
    writer = Writer(harness, thread_id)
    made = [writer.save({"a": n, "fixed": "f"} if n == 0 else {"a": n}) for n in range(3)]
    harness.put_writes(made[-1], [("a", "w")], "task")
    Writer(harness, thread_id, "node:1").save({"a": "child"})
    return made


def test_delete_thread_removes_everything_of_that_thread_only(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    _thread_with_history(harness, "t")
    kept = Writer(harness, "u").save({"a": 1})
    harness.delete_thread("t")
    assert harness.list(config("t", checkpoint_ns=None)) == []
    assert harness.get_tuple(config("t", "node:1")) is None
    assert backend.count_blobs(saver, portal, "t") == 0
    assert harness.get_tuple(config("u")).config == kept


def test_copy_thread_duplicates_history_independently(harness: Harness) -> None:
    made = _thread_with_history(harness, "src")
    harness.copy_thread("src", "dst")
    harness.copy_thread("src", "dst")  # harmless twice
    source = harness.list(config("src", checkpoint_ns=None))
    copied = harness.list(config("dst", checkpoint_ns=None))
    assert ids(copied) == ids(source)
    harness.delete_thread("src")
    latest = harness.get_tuple(config("dst", "", id_of(made[-1])))
    assert latest.checkpoint["channel_values"] == {"a": 2, "fixed": "f"}
    assert latest.pending_writes == [("task", "a", "w")]
    assert latest.parent_config == config("dst", "", id_of(made[1]))
    assert harness.get(config("dst", "node:1"))["channel_values"] == {"a": "child"}


def test_prune_keeps_the_latest_per_namespace_with_its_values_and_writes(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    made = _thread_with_history(harness, "t")
    other = _thread_with_history(harness, "u")
    harness.prune(["t"])
    remaining = harness.list(config("t", checkpoint_ns=None))
    assert len(remaining) == 2  # the newest of "" and of "node:1"
    latest = harness.get_tuple(config("t"))
    assert latest.config == made[-1]
    assert latest.checkpoint["channel_values"] == {"a": 2, "fixed": "f"}  # blob from a pruned one
    assert latest.pending_writes == [("task", "a", "w")]
    assert backend.count_blobs(saver, portal, "t") == 3  # a@2 and fixed@0 (root), a (child)
    assert len(harness.list(config("u", checkpoint_ns=None))) == 4
    assert harness.get_tuple(other[0]) is not None


def test_prune_keep_last_keeps_that_many(harness: Harness) -> None:
    made = _thread_with_history(harness, "t")
    harness.prune(["t"], keep_last=2)
    assert ids(harness.list(config("t", ""))) == [id_of(made[2]), id_of(made[1])]


def test_prune_keeps_interrupted_leaves_and_fork_points(harness: Harness) -> None:
    main = Writer(harness, "t")
    first = main.save({"a": 1})
    fork_point = main.save({"a": 2})
    paused = main.save({"a": 3})
    harness.put_writes(paused, [("__interrupt__", ["ask"])], "task")
    resumed_elsewhere = main.fork(fork_point)
    harness.put_writes(first, [("__interrupt__", ["answered"])], "task")  # has a child: not pending
    newest = resumed_elsewhere.save({"a": "fork"})
    harness.prune(["t"], keep_last=1)
    assert set(ids(harness.list(config("t")))) == {id_of(newest), id_of(fork_point), id_of(paused)}
    assert harness.get(paused)["channel_values"] == {"a": 3}
    assert harness.get_tuple(paused).pending_writes == [("task", "__interrupt__", ["ask"])]


def test_prune_delete_strategy_and_bad_arguments(harness: Harness) -> None:
    _thread_with_history(harness, "t")
    for bad in ({"keep_last": 0}, {"keep_last": -1}, {"strategy": "nope"}):
        with pytest.raises(CheckpointError) as raised:
            harness.prune(["t"], **bad)
        assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT
    harness.prune(["t", "missing"], strategy="delete")
    assert harness.list(config("t", checkpoint_ns=None)) == []


# --- errors and serialization -------------------------------------------------------------


def test_a_corrupt_checkpoint_raises_naming_it(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    good = writer.save({"a": 1})
    bad = writer.save({"a": 2})
    backend.corrupt_checkpoint(saver, portal, "t", id_of(bad))
    with pytest.raises(CheckpointError) as raised:
        harness.get_tuple(config("t"))
    assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
    assert (raised.value.thread_id, raised.value.checkpoint_id) == ("t", id_of(bad))
    assert id_of(bad) in str(raised.value)
    assert harness.get(good)["channel_values"] == {"a": 1}


def test_a_failed_prune_changes_nothing(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    made = _thread_with_history(harness, "t")
    _thread_with_history(harness, "u")
    backend.corrupt_checkpoint(saver, portal, "u", id_of(harness.get_tuple(config("u")).config))
    with pytest.raises(CheckpointError) as raised:
        harness.prune(["t", "u"])
    assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
    assert [harness.get(c)["channel_values"]["a"] for c in made] == [0, 1, 2]
    assert backend.count_blobs(saver, portal, "t") == 5


def test_a_newer_schema_is_refused(
    backend: Backend, portal: Portal, tmp_path: Path, mode: str
) -> None:
    with backend.open_newer_schema(portal, tmp_path) as newer:
        with pytest.raises(CheckpointError) as raised:
            Harness(newer, mode, portal).get_tuple(config("t"))
    assert raised.value.code is ErrorCode.CHECKPOINT_SCHEMA_TOO_NEW
    assert "newer" in str(raised.value)


def test_an_unserializable_value_names_its_path_and_stores_nothing(harness: Harness) -> None:
    values = {"messages": ["ok", {"payload": object()}]}
    with pytest.raises(TypeError) as raised:
        harness.put(config("t"), make_checkpoint(values, {"messages": 1}), {}, {"messages": 1})
    assert raised.value.path == "$.messages[1].payload"
    assert "builtins.object" in str(raised.value)
    assert harness.get_tuple(config("t")) is None


def test_unknown_classes_are_not_loaded_until_allowed(
    harness: Harness, saver: Any, mode: str, portal: Portal
) -> None:
    saved = harness.put(
        config("t"), make_checkpoint({"a": Unregistered(1)}, {"a": 1}), {}, {"a": 1}
    )
    with pytest.raises(SerializationError) as raised:
        harness.get(saved)
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    assert "Unregistered" in str(raised.value)
    allowed = Harness(saver.with_allowlist([Unregistered]), mode, portal)
    assert allowed.get(saved)["channel_values"] == {"a": Unregistered(1)}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=checkpoint_values)
def test_any_supported_value_round_trips(harness: Harness, value: Any) -> None:
    thread_id = str(uuid.uuid4())
    saved = harness.put(config(thread_id), make_checkpoint({"v": value}, {"v": 1}), {}, {"v": 1})
    harness.put_writes(saved, [("v", value)], "task")
    found = harness.get_tuple(saved)
    assert_same(found.checkpoint["channel_values"]["v"], value)
    assert_same(found.pending_writes[0][2], value)
