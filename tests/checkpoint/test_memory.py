"""InMemorySaver: the conformance suite plus what is specific to keeping data in dicts."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

import pytest

from stategraph.checkpoint._delta import DELTA_TYPE, delta_base
from stategraph.checkpoint._frozen import FROZEN_KEY, PLAIN_TYPE
from stategraph.checkpoint.memory import InMemorySaver, MemorySaver
from stategraph.checkpoint.serde.encrypted import EncryptedSerializer
from stategraph.graph import END, START, StateGraph

from .conformance import *  # noqa: F403 - the shared spec cases run against this backend
from .conformance import Harness, Portal, StoredBlobInfo, Writer, config, make_checkpoint
from .conformance_delta import *  # noqa: F403
from .conformance_delta import grow
from .conformance_head import *  # noqa: F403
from .conformance_retention import *  # noqa: F403
from .conformance_runs import *  # noqa: F403
from .strategies import assert_same


def _base_or_none(blob: tuple[str, bytes]) -> str | None:
    try:
        return delta_base(blob)
    except ValueError:  # a blob a test corrupted
        return None


class MemoryBackend:
    name = "memory"

    @contextmanager
    def open(self, portal: Portal, tmp_path: Path) -> Iterator[InMemorySaver]:
        yield InMemorySaver()

    def corrupt_checkpoint(
        self, saver: InMemorySaver, portal: Portal, thread_id: str, checkpoint_id: str
    ) -> None:
        for (stored_thread, _), rows in saver.storage.items():
            if stored_thread == thread_id and checkpoint_id in rows:
                row = rows[checkpoint_id]
                # refs are kept decoded in memory: corrupt them as truncated JSON text
                # (a kept skeleton is data, not bytes: replace it by bytes no decoder takes)
                rows[checkpoint_id] = row._replace(
                    type="msgpack", checkpoint=b"\xc1", blob_refs='{"a": ['
                )

    def count_blobs(self, saver: InMemorySaver, portal: Portal, thread_id: str) -> int:
        return sum(1 for key in saver.blobs if key[0] == thread_id)

    def stored_blobs(
        self, saver: InMemorySaver, portal: Portal, thread_id: str
    ) -> dict[tuple[str, str, str], StoredBlobInfo]:
        return {
            key[1:]: StoredBlobInfo(blob[0], len(blob[1]), _base_or_none(blob))
            for key, blob in saver.blobs.items()
            if key[0] == thread_id
        }

    def corrupt_blob(
        self, saver: InMemorySaver, portal: Portal, thread_id: str, channel: str, origin: str
    ) -> None:
        for key, (type_, value) in list(saver.blobs.items()):
            if key[0] == thread_id and key[2:] == (channel, origin):
                saver.blobs[key] = (type_, value[:5])

    @contextmanager
    def open_newer_schema(self, portal: Portal, tmp_path: Path) -> Iterator[Any]:
        pytest.skip("InMemorySaver has no stored schema")
        yield


@pytest.fixture
def backend() -> MemoryBackend:
    return MemoryBackend()


def test_memory_saver_is_the_old_name() -> None:
    assert MemorySaver is InMemorySaver


def test_only_serialized_bytes_are_kept() -> None:
    saver = InMemorySaver()
    value = {"a": [1, 2]}
    saved = saver.put(config("t"), make_checkpoint({"v": value}, {"v": 1}), {}, {"v": 1})
    saver.put_writes(saved, [("v", value)], "task")
    (row,) = saver.storage[("t", "")].values()
    assert isinstance(row.checkpoint, bytes)
    assert "channel_values" not in saver.serde.loads_typed((row.type, row.checkpoint))
    for type_, data in saver.blobs.values():
        assert isinstance(type_, str) and isinstance(data, bytes)
    for stored in saver.writes.values():
        assert all(isinstance(value, bytes) for _, _, value, _ in stored.values())


def _frozen(config_: dict[str, Any]) -> dict[str, Any]:
    return {"configurable": {**config_["configurable"], FROZEN_KEY: True}}


def test_a_frozen_skeleton_is_kept_as_data_and_copied_on_read() -> None:
    saver, plain = InMemorySaver(), InMemorySaver()
    checkpoint = make_checkpoint({"v": [1]}, {"v": 1, "w": 2})
    saved = saver.put(_frozen(config("t")), checkpoint, {"step": 1}, {"v": 1})
    plain.put(config("t"), checkpoint, {"step": 1}, {"v": 1})
    (row,) = saver.storage[("t", "")].values()
    assert row.type == PLAIN_TYPE and "channel_values" not in row.checkpoint
    assert all(isinstance(data, bytes) for _, data in saver.blobs.values())  # values: bytes
    first = saver.get_tuple(saved)
    assert first is not None
    assert first.checkpoint == plain.get_tuple(saved).checkpoint  # type: ignore[union-attr]
    first.checkpoint["versions_seen"]["node"]["v"] = 99  # the reader's copy, not the store
    first.checkpoint["channel_versions"]["v"] = 99
    first.checkpoint["updated_channels"].append("x")
    again = saver.get_tuple(saved)
    assert again is not None and again.checkpoint == plain.get_tuple(saved).checkpoint  # type: ignore[union-attr]


def test_a_skeleton_without_the_promise_is_serialized() -> None:
    saver = InMemorySaver()
    checkpoint = make_checkpoint({"v": 1}, {"v": 1})
    saved = saver.put(config("t"), checkpoint, {}, {"v": 1})
    checkpoint["versions_seen"]["node"]["v"] = 99  # the caller keeps and edits its dicts
    (row,) = saver.storage[("t", "")].values()
    assert isinstance(row.checkpoint, bytes)
    loaded = saver.get_tuple(saved)
    assert loaded is not None and loaded.checkpoint["versions_seen"] == {"node": {"v": 1}}


def test_a_graph_run_reads_back_what_a_serializing_saver_returns() -> None:
    class Serializing(InMemorySaver):
        def put(self, config_: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            conf = {k: v for k, v in config_["configurable"].items() if k != FROZEN_KEY}
            return super().put({"configurable": conf}, checkpoint, metadata, new_versions)

    class State(TypedDict):
        x: int

    history = []
    for saver in (InMemorySaver(), Serializing()):
        builder = StateGraph(State)
        builder.add_node("a", lambda s: {"x": s["x"] + 1})
        builder.add_node("b", lambda s: {"x": s["x"] * 2})
        builder.add_edge(START, "a").add_edge("a", "b").add_edge("b", END)
        graph = builder.compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "t"}}
        graph.invoke({"x": 1}, cfg)
        graph.invoke({"x": 5}, cfg)  # a second run on the thread starts from the kept skeleton
        kinds = {type(row.checkpoint) for rows in saver.storage.values() for row in rows.values()}
        assert kinds == ({dict} if type(saver) is InMemorySaver else {bytes})
        history.append(
            [(t.checkpoint["channel_versions"], t.checkpoint["versions_seen"],
              t.checkpoint["updated_channels"], t.metadata["step"]) for t in saver.list(cfg)]
        )  # fmt: skip
    assert history[0] == history[1] and len(history[0]) == 8


def test_async_methods_run_inline_without_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_threads(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("InMemorySaver must not hop to a thread")

    monkeypatch.setattr(asyncio, "to_thread", no_threads)
    saver = InMemorySaver()

    async def scenario() -> Any:
        saved = await saver.aput(config("t"), make_checkpoint({"a": 1}, {"a": 1}), {}, {"a": 1})
        return [t async for t in saver.alist(None)], await saver.aget(saved)

    listed, checkpoint = asyncio.run(scenario())
    assert len(listed) == 1 and checkpoint["channel_values"] == {"a": 1}


def test_concurrent_writers_on_many_threads_all_land() -> None:
    saver = InMemorySaver()

    def write(thread_id: str) -> None:
        parent = config(thread_id)
        for step in range(20):
            parent = saver.put(
                parent,
                make_checkpoint({"n": step}, {"n": step + 1}, step=step),
                {},
                {"n": step + 1},
            )
            saver.put_writes(parent, [("n", step)], "task")

    workers = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(list(saver.list(None))) == 160
    assert all(saver.get(config(f"t{n}"))["channel_values"] == {"n": 19} for n in range(8))


def test_deltas_go_through_an_encrypting_serializer() -> None:
    saver = InMemorySaver(serde=EncryptedSerializer.from_aes(key=b"k" * 16))
    history = grow(Writer(Harness(saver, "sync", None), "t"), 60)  # type: ignore[arg-type]
    final_size = len(saver.serde.dumps_typed(history[-1][1])[1])
    blobs = [blob for key, blob in saver.blobs.items() if key[0] == "t"]
    assert sum(blob[0] == DELTA_TYPE for blob in blobs) > 40
    assert sum(len(blob[1]) for blob in blobs) <= 3 * final_size
    assert not any(b"question" in blob[1] for blob in blobs)  # the items stay encrypted
    for warm in (True, False):
        if not warm:
            saver._lists.clear()
        for saved, value in history:
            assert_same(saver.get(saved)["channel_values"]["messages"], value)


def test_metadata_is_copied_in_and_out() -> None:
    saver = InMemorySaver()
    metadata = {"step": 1, "tags": {"a": [1]}}
    saved = saver.put(config("t"), make_checkpoint({"v": 1}, {"v": 1}), metadata, {"v": 1})
    metadata["tags"]["a"].append(2)
    first = saver.get_tuple(saved)
    assert first is not None and first.metadata == {"step": 1, "tags": {"a": [1]}}
    first.metadata["tags"]["a"].append(3)
    again = saver.get_tuple(saved)
    assert again is not None and again.metadata == {"step": 1, "tags": {"a": [1]}}


def test_delta_skeletons_of_long_runs_read_back_as_a_serializing_saver_does() -> None:
    class Serializing(InMemorySaver):
        def put(self, config_: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            conf = {k: v for k, v in config_["configurable"].items() if not k.startswith("__")}
            return super().put({"configurable": conf}, checkpoint, metadata, new_versions)

    class State(TypedDict):
        x: int

    def bump(state: State) -> dict[str, int]:
        return {"x": state["x"] + 1}

    histories = []
    for saver in (InMemorySaver(), Serializing()):
        builder = StateGraph(State)
        names = [f"n{i}" for i in range(40)]  # more puts than MAX_DEPTH deltas in a row
        for name in names:
            builder.add_node(name, bump)
        builder.add_edge(START, names[0])
        for before, after in itertools.pairwise(names):
            builder.add_edge(before, after)
        builder.add_edge(names[-1], END)
        graph = builder.compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "t"}, "recursion_limit": 100}
        graph.invoke({"x": 0}, cfg)
        graph.invoke({"x": 5}, cfg)  # the second run extends a skeleton it restored
        histories.append(
            [(list(t.checkpoint["channel_versions"].items()),
              [(n, list(s.items())) for n, s in t.checkpoint["versions_seen"].items()],
              t.checkpoint["updated_channels"], t.checkpoint["channel_values"])
             for t in saver.list(cfg)]
        )  # fmt: skip
    assert histories[0] == histories[1] and len(histories[0]) == 84


def test_engine_metadata_is_kept_and_read_back_as_before() -> None:
    class State(TypedDict):
        x: int

    def stored(metadata: dict[str, Any]) -> list[dict[str, Any]]:
        saver = InMemorySaver()
        builder = StateGraph(State)
        builder.add_node("a", lambda s: {"x": s["x"] + 1})
        builder.add_edge(START, "a").add_edge("a", END)
        graph = builder.compile(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "t"}, "metadata": metadata}
        for chunk in graph.stream({"x": 1}, cfg, stream_mode="checkpoints"):
            chunk["metadata"]["parents"]["spoiled"] = "yes"  # the stream's copy only
            chunk["metadata"]["step"] = 99
        return [t.metadata for t in saver.list(cfg)]

    kept = stored({"user": "u", "score": 0.5})
    assert [m["step"] for m in kept] == [1, 0, -1]
    assert all(m["parents"] == {} and m["user"] == "u" and m["score"] == 0.5 for m in kept)
    with pytest.raises(TypeError, match="must be JSON"):
        stored({"score": float("nan")})  # still refused, as before


def test_list_of_all_threads_goes_thread_by_thread_as_first_stored() -> None:
    saver = InMemorySaver()
    for thread_id in ("b", "a", "c"):
        previous = None
        for step in range(2):
            checkpoint = make_checkpoint({"x": step}, {"x": step + 1}, step=step)
            cfg = previous or config(thread_id)
            previous = saver.put(cfg, checkpoint, {"step": step}, {"x": step + 1})
    listed = [(t.config["configurable"]["thread_id"], t.metadata["step"]) for t in saver.list(None)]
    assert listed == [("b", 1), ("b", 0), ("a", 1), ("a", 0), ("c", 1), ("c", 0)]
    assert [t.config["configurable"]["thread_id"] for t in saver.list(None, limit=3)] == [
        "b",
        "b",
        "a",
    ]


def test_unknown_classes_are_not_loaded_until_allowed(mode: str) -> None:
    """Overrides the shared case: InMemorySaver's bytes never leave the process, so by default it
    reads back any class of an imported module (as LangGraph's does); a strict serializer given
    explicitly still refuses unregistered classes."""
    from stategraph.checkpoint.serde.jsonplus import JsonPlusSerializer
    from stategraph.errors import ErrorCode, SerializationError

    from .conformance import Unregistered

    def read(saver: InMemorySaver, saved: Any) -> Any:
        if mode == "sync":
            return saver.get_tuple(saved)
        return asyncio.run(saver.aget_tuple(saved))

    checkpoint = make_checkpoint({"a": Unregistered(1)}, {"a": 1})
    own = InMemorySaver()
    saved = own.put(config("t"), checkpoint, {}, {"a": 1})
    assert read(own, saved).checkpoint["channel_values"] == {"a": Unregistered(1)}
    strict = InMemorySaver(serde=JsonPlusSerializer())
    saved = strict.put(config("t"), checkpoint, {}, {"a": 1})
    with pytest.raises(SerializationError) as raised:
        read(strict, saved)
    assert raised.value.code is ErrorCode.CHECKPOINT_UNKNOWN_TYPE
    assert read(strict.with_allowlist([Unregistered]), saved).checkpoint["channel_values"] == {
        "a": Unregistered(1)
    }
