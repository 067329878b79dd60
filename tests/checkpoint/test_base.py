"""The saver contract: helper functions and the sync/async adaptation of BaseCheckpointSaver."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from stategraph import errors
from stategraph.checkpoint import base
from stategraph.checkpoint.base import (
    EXCLUDED_METADATA_KEYS,
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    CheckpointTuple,
    copy_checkpoint,
    empty_checkpoint,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from stategraph.checkpoint.serde import JsonPlusSerializer
from stategraph.errors import ErrorCode

from .conformance import Portal


def test_public_names() -> None:
    assert sorted(base.__all__) == sorted([
        "WRITES_IDX_MAP", "EXCLUDED_METADATA_KEYS", "BaseCheckpointSaver", "ChannelVersions",
        "Checkpoint", "CheckpointMetadata", "CheckpointTuple", "EmptyChannelError",
        "PendingWrite", "PruneStrategy", "copy_checkpoint", "empty_checkpoint",
        "get_checkpoint_id", "get_checkpoint_metadata", "LATEST_VERSION", "create_checkpoint",
        "get_serializable_checkpoint_metadata", "ChannelProtocol", "EncryptedSerializer",
    ])  # fmt: skip
    assert base.EmptyChannelError is errors.EmptyChannelError


def test_legacy_create_checkpoint_reads_versioned_channels() -> None:
    from stategraph.channels.last_value import LastValue

    seen, skipped, empty = LastValue(int), LastValue(int), LastValue(int)
    seen.update([1])
    skipped.update([2])
    source = {
        **empty_checkpoint(),
        "channel_versions": {"a": 1, "c": 1},
        "versions_seen": {"n": {"a": 1}},
    }
    made = base.create_checkpoint(source, {"a": seen, "b": skipped, "c": empty}, 3, id="fixed")
    assert (made["id"], made["v"], made["channel_values"]) == ("fixed", 2, {"a": 1})
    assert made["channel_versions"] == {"a": 1, "c": 1} and made["pending_sends"] == []
    assert base.create_checkpoint(source, None, 0)["channel_values"] == {}
    config = {"configurable": {"user": "u"}}
    assert base.get_serializable_checkpoint_metadata(config, {"writes": {}, "step": 1}) == {
        "step": 1,
        "user": "u",
    }


def test_special_write_indexes() -> None:
    assert WRITES_IDX_MAP == {
        "__error__": -1,
        "__scheduled__": -2,
        "__interrupt__": -3,
        "__resume__": -4,
    }


def test_empty_checkpoint() -> None:
    checkpoint = empty_checkpoint()
    assert checkpoint["v"] == base.LATEST_VERSION == 2  # LangGraph's legacy shape
    assert checkpoint["pending_sends"] == []  # type: ignore[typeddict-item]
    assert uuid.UUID(checkpoint["id"]).version == 6
    stamped = datetime.fromisoformat(checkpoint["ts"])
    assert stamped.tzinfo is not None and abs((datetime.now(UTC) - stamped).total_seconds()) < 5
    assert (
        checkpoint["channel_values"],
        checkpoint["channel_versions"],
        checkpoint["versions_seen"],
    ) == ({}, {}, {})
    assert checkpoint["updated_channels"] is None
    assert empty_checkpoint()["id"] > checkpoint["id"]


def test_copy_checkpoint_detaches_the_maps() -> None:
    original = empty_checkpoint()
    original.update(
        channel_values={"a": 1},
        channel_versions={"a": 1},
        versions_seen={"n": {"a": 1}},
        updated_channels=["a"],
    )
    copied = copy_checkpoint(original)
    copied["channel_values"]["a"] = 2
    copied["channel_versions"]["b"] = 1
    copied["versions_seen"]["n"]["a"] = 9
    copied["updated_channels"].append("b")  # type: ignore[union-attr]
    assert original["channel_values"] == {"a": 1} and original["channel_versions"] == {"a": 1}
    assert original["versions_seen"] == {"n": {"a": 1}} and original["updated_channels"] == ["a"]
    assert copy_checkpoint(empty_checkpoint())["updated_channels"] is None


def test_get_checkpoint_id() -> None:
    assert get_checkpoint_id({"configurable": {"checkpoint_id": "x"}}) == "x"
    assert get_checkpoint_id({"configurable": {"thread_id": "t"}}) is None
    assert get_checkpoint_id({}) is None


def test_get_checkpoint_metadata_merges_config_and_strips_nul() -> None:
    config = {
        "metadata": {"user": "a\x00nn", "source": "ignored", "obj": object()},
        "configurable": {
            "thread_id": "t", "checkpoint_ns": "", "__private": 1, "tenant": 7,
            "flag": True, "ratio": 0.5, "nested": {"no": 1},
        },
    }  # fmt: skip
    merged = get_checkpoint_metadata(config, {"source": "loop", "step": 1, "note": "x\x00y"})
    assert merged == {
        "source": "loop", "step": 1, "note": "xy", "user": "ann", "tenant": 7, "flag": True, "ratio": 0.5,
    }  # fmt: skip
    assert {
        "thread_id",
        "checkpoint_ns",
        "checkpoint_id",
        "langgraph_node",
    } <= EXCLUDED_METADATA_KEYS


def test_get_next_version_counts_ints_from_zero() -> None:
    saver = _SyncOnly()
    assert saver.get_next_version(None, None) == 0
    assert saver.get_next_version(0, None) == 1
    assert saver.get_next_version(41, "channel") == 42


def test_default_serde_and_config_specs() -> None:
    saver = _SyncOnly()
    assert isinstance(saver.serde, JsonPlusSerializer)
    assert saver.config_specs == []
    custom = JsonPlusSerializer()
    assert _SyncOnly(serde=custom).serde is custom


# --- adaptation between the sync and async sides -------------------------------------------


def _tuple(checkpoint_id: str) -> CheckpointTuple:
    checkpoint = empty_checkpoint()
    checkpoint["id"] = checkpoint_id
    return CheckpointTuple({"configurable": {"checkpoint_id": checkpoint_id}}, checkpoint, {})


class _SyncOnly(BaseCheckpointSaver[int]):
    """Implements only sync reads; records the thread each call ran on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threads: list[int] = []

    def get_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        self.threads.append(threading.get_ident())
        return _tuple(config["configurable"]["checkpoint_id"])

    def list(self, config: Any, **kwargs: Any) -> Iterator[CheckpointTuple]:
        self.threads.append(threading.get_ident())
        return iter([_tuple("b"), _tuple("a")][: kwargs.get("limit")])


class _AsyncOnly(BaseCheckpointSaver[int]):
    """Implements only async reads, bound to the loop it was created on (like aiosqlite)."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None

    async def aget_tuple(self, config: Mapping[str, Any]) -> CheckpointTuple | None:
        self.threads.append(threading.get_ident())
        return _tuple(config["configurable"]["checkpoint_id"])

    async def alist(self, config: Any, **kwargs: Any) -> AsyncIterator[CheckpointTuple]:
        self.threads.append(threading.get_ident())
        for item in [_tuple("b"), _tuple("a")][: kwargs.get("limit")]:
            yield item


@pytest.mark.anyio
async def test_async_calls_on_a_sync_saver_run_in_a_worker_thread() -> None:
    saver = _SyncOnly()
    found = await saver.aget_tuple({"configurable": {"checkpoint_id": "x"}})
    listed = [t.checkpoint["id"] async for t in saver.alist(None, limit=1)]
    checkpoint = await saver.aget({"configurable": {"checkpoint_id": "y"}})
    assert found is not None and found.checkpoint["id"] == "x"
    assert listed == ["b"] and checkpoint is not None and checkpoint["id"] == "y"
    assert threading.get_ident() not in saver.threads and len(saver.threads) == 3


def test_sync_calls_on_an_async_saver_run_on_its_loop() -> None:
    portal = Portal()
    try:

        async def create() -> _AsyncOnly:
            return _AsyncOnly()

        saver = portal.run(create())
        assert saver.get({"configurable": {"checkpoint_id": "x"}})["id"] == "x"  # type: ignore[index]
        assert [t.checkpoint["id"] for t in saver.list(None)] == ["b", "a"]
        assert set(saver.threads) == {portal._thread.ident}

        async def sync_call_on_the_loop() -> None:
            saver.get_tuple({"configurable": {"checkpoint_id": "x"}})

        with pytest.raises(asyncio.InvalidStateError) as raised:  # LangGraph's type
            portal.run(sync_call_on_the_loop())
        assert raised.value.code is ErrorCode.RUN_ASYNC_IN_SYNC  # type: ignore[attr-defined]
    finally:
        portal.close()


def test_an_async_saver_without_a_loop_gets_one_per_sync_call() -> None:
    saver = _AsyncOnly()
    assert saver.loop is None
    assert saver.get({"configurable": {"checkpoint_id": "x"}})["id"] == "x"  # type: ignore[index]


@pytest.mark.anyio
async def test_a_saver_implementing_neither_side_says_so() -> None:
    saver = _SyncOnly()
    with pytest.raises(NotImplementedError, match="neither 'put' nor 'aput'"):
        saver.put({}, empty_checkpoint(), {}, {})
    with pytest.raises(NotImplementedError, match="neither 'delete_thread' nor 'adelete_thread'"):
        await saver.adelete_thread("t")
    with pytest.raises(NotImplementedError, match="neither 'put_writes' nor 'aput_writes'"):
        await asyncio.to_thread(_AsyncOnly().put_writes, {}, [], "task")


@dataclasses.dataclass
class _Payload:
    x: int


def test_with_allowlist_returns_a_copy_sharing_storage() -> None:
    saver = _SyncOnly()
    allowed = saver.with_allowlist([_Payload])
    assert allowed is not saver and allowed.threads is saver.threads
    data = saver.serde.dumps_typed(_Payload(1))
    assert allowed.serde.loads_typed(data) == _Payload(1)
    with pytest.raises(errors.SerializationError):
        saver.serde.loads_typed(data)


class _PruneRecorder(BaseCheckpointSaver[int]):
    """Implements only ``aprune``, as a saver written before ``max_age`` existed did."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[Any, ...]] = []

    async def aprune(  # type: ignore[override]
        self, thread_ids: Any, *, keep_last: Any = None, strategy: Any = "keep_latest"
    ) -> None:
        self.calls.append((list(thread_ids), keep_last, strategy))


class _AgePruneRecorder(_SyncOnly):
    """Implements only ``prune``, taking ``max_age``."""

    def prune(self, thread_ids: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.kwargs = kwargs


@pytest.mark.anyio
async def test_prune_passes_max_age_across_sync_and_async_only_when_given() -> None:
    old_style = _PruneRecorder()
    await asyncio.to_thread(old_style.prune, ["t"], keep_last=2)
    assert old_style.calls == [(["t"], 2, "keep_latest")]
    with pytest.raises(TypeError, match="max_age"):
        await asyncio.to_thread(old_style.prune, ["t"], max_age=60)
    saver = _AgePruneRecorder()
    await saver.aprune(["t"], strategy="delete", max_age=60)
    assert saver.kwargs == {"keep_last": None, "strategy": "delete", "max_age": 60}
    await saver.aprune(["t"])
    assert saver.kwargs == {"keep_last": None, "strategy": "keep_latest"}


@pytest.mark.anyio
async def test_delete_for_runs_without_either_form_is_not_implemented() -> None:
    class NoRuns(BaseCheckpointSaver[int]):
        pass

    saver = NoRuns()
    with pytest.raises(NotImplementedError, match="neither 'delete_for_runs' nor"):
        saver.delete_for_runs(["run-1"])
    with pytest.raises(NotImplementedError, match="adelete_for_runs"):
        await saver.adelete_for_runs(["run-1"])
