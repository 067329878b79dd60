"""Sealed history under a running graph: a long chat reads the same whether or not its
older rows were sealed, and forks, replays, prune, copy and delete work across the seal.
Each case runs on SqliteSaver (sync) and AsyncSqliteSaver (async)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from stategraph.checkpoint._sql import segments
from stategraph.checkpoint.sqlite import SqliteSaver
from stategraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from stategraph.graph import START, MessagesState, StateGraph

THREAD = {"configurable": {"thread_id": "chat"}}


def _graph(saver: Any) -> Any:
    def reply(state: dict[str, Any]) -> dict[str, Any]:
        return {"messages": [{"role": "assistant", "content": f"re {len(state['messages'])}"}]}

    builder = StateGraph(MessagesState).add_node("reply", reply).add_edge(START, "reply")
    return builder.compile(checkpointer=saver)


class Session:
    """One saver on one file, driven through the sync or the async API."""

    def __init__(self, mode: str, path: Path) -> None:
        self.mode, self.path = mode, path

    @contextmanager
    def open(self) -> Iterator[Any]:
        if self.mode == "sync":
            with SqliteSaver.from_conn_string(str(self.path)) as saver:
                self.graph, self.saver = _graph(saver), saver
                yield self
            return
        loop = asyncio.new_event_loop()
        opening = AsyncSqliteSaver.from_conn_string(str(self.path))
        saver = loop.run_until_complete(opening.__aenter__())
        self.graph, self.saver, self.loop = _graph(saver), saver, loop
        try:
            yield self
        finally:
            loop.run_until_complete(opening.__aexit__(None, None, None))
            loop.close()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        target = self.graph if hasattr(self.graph, name) else self.saver
        if self.mode == "sync":
            return getattr(target, name)(*args, **kwargs)
        return self.loop.run_until_complete(getattr(target, "a" + name)(*args, **kwargs))

    def list(self, config: dict[str, Any], **options: Any) -> list[Any]:
        if self.mode == "sync":
            return list(self.saver.list(config, **options))

        async def collect() -> list[Any]:
            return [t async for t in self.saver.alist(config, **options)]

        return self.loop.run_until_complete(collect())

    def history(self, config: dict[str, Any] = THREAD) -> list[Any]:
        if self.mode == "sync":
            return list(self.graph.get_state_history(config))

        async def collect() -> list[Any]:
            return [s async for s in self.graph.aget_state_history(config)]

        return self.loop.run_until_complete(collect())

    def chat(self, turns: int, start: int = 0) -> None:
        for turn in range(start, start + turns):
            self.call("invoke", {"messages": [{"role": "user", "content": f"q {turn}"}]}, THREAD)


def _view(snapshots: list[Any]) -> list[Any]:
    """What a history shows, without the ids (two runs never share ids)."""
    return [
        (
            s.metadata["step"],
            s.metadata["source"],
            [m.content for m in s.values.get("messages", [])],
            s.next,
            [(t.name, t.result) for t in s.tasks],
        )
        for s in snapshots
    ]


def _rows(path: Path, sql: str) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def small_segments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(segments, "SEGMENT_ROWS", 8)
    monkeypatch.setattr(segments, "HOT_ROWS", 8)


@pytest.mark.usefixtures("small_segments")
def test_a_sealed_history_reads_as_the_unsealed_one(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(mode, tmp_path / "sealed.sqlite").open() as sealed:
        sealed.chat(40)
    assert len(_rows(sealed.path, "SELECT * FROM checkpoint_segments")) >= 10
    assert _rows(sealed.path, "SELECT COUNT(*) FROM checkpoints")[0][0] <= 3 * 8  # hot tail only
    with monkeypatch.context() as patch:
        patch.setattr(segments, "SEGMENT_ROWS", 10**9)
        with Session(mode, tmp_path / "plain.sqlite").open() as plain:
            plain.chat(40)
            want = _view(plain.history())
    assert _rows(plain.path, "SELECT COUNT(*) FROM checkpoint_segments") == [(0,)]
    with Session(mode, sealed.path).open() as fresh:  # cold caches: every read is from disk
        got = fresh.history()
        assert _view(got) == want
        limited = fresh.history({"configurable": {"thread_id": "chat"}})[50:53]
        before = {
            "configurable": {
                "thread_id": "chat",
                "checkpoint_id": limited[0].config["configurable"]["checkpoint_id"],
            }
        }
        page = fresh.list(THREAD, before=before, limit=2)
        assert [t.config for t in page] == [s.config for s in limited[1:3]]
        old = fresh.call("get_state", got[100].config)
        assert _view([old]) == [want[100]]
        fresh.chat(5, start=40)  # and the thread goes on
        assert len(fresh.call("get_state", THREAD).values["messages"]) == 90


@pytest.mark.usefixtures("small_segments")
def test_forks_and_replays_of_sealed_checkpoints(mode: str, tmp_path: Path) -> None:
    with Session(mode, tmp_path / "c.sqlite").open() as session:
        session.chat(30)
        history = session.history()
        sealed = next(s for s in history[60:] if s.metadata["source"] == "loop" and not s.next)
        count = len(sealed.values["messages"])
        forked = session.call(
            "update_state", sealed.config, {"messages": [{"role": "user", "content": "fork"}]}
        )
        out = session.call("invoke", {"messages": [{"role": "user", "content": "after"}]}, forked)
        assert [m.content for m in out["messages"][count:]] == ["fork", "after", f"re {count + 2}"]
        replayed = session.call("invoke", None, history[-2].config)  # the first turn's __start__
        assert [m.content for m in replayed["messages"]] == ["q 0", "re 1"]


@pytest.mark.usefixtures("small_segments")
def test_prune_copy_and_delete_see_the_sealed_rows(mode: str, tmp_path: Path) -> None:
    with Session(mode, tmp_path / "c.sqlite").open() as session:
        session.chat(20)
        session.call("copy_thread", "chat", "copy")
        copied = session.history({"configurable": {"thread_id": "copy"}})
        assert _view(copied) == _view(session.history())
        session.call("prune", ["chat"], keep_last=4)
        kept = session.history()
        assert 4 <= len(kept) < 10 and kept[0].values == copied[0].values
        session.call("delete_thread", "copy")
    assert _rows(
        session.path, "SELECT COUNT(*) FROM checkpoint_segments WHERE thread_id = 'copy'"
    ) == [(0,)]
    assert _rows(session.path, "SELECT COUNT(*) FROM checkpoints WHERE thread_id = 'copy'") == [
        (0,)
    ]


@pytest.mark.usefixtures("small_segments")
def test_large_steps_seal_fewer_checkpoints_and_large_blobs_stay_in_their_table(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stategraph.checkpoint._sql import seal

    with monkeypatch.context() as patch:
        patch.setattr(segments, "SEGMENT_ROWS", 10**9)
        with Session(mode, tmp_path / "plain.sqlite").open() as plain:
            plain.chat(30)
            want = _view(plain.history())
    monkeypatch.setattr(seal, "MAX_SEGMENT_BYTES", 1)  # one checkpoint a segment
    monkeypatch.setattr(seal, "LOOSE_BLOB", 100)  # message deltas stay in the blob table
    with Session(mode, tmp_path / "c.sqlite").open() as session:
        session.chat(30)
    sizes = _rows(session.path, "SELECT payload FROM checkpoint_segments")
    assert len(sizes) >= 5
    from stategraph.checkpoint._sql.segments import decode_segment

    decoded = [decode_segment(payload, "test") for (payload,) in sizes]
    assert all(len(segment.checkpoints) == 1 for segment in decoded)
    assert all(len(row[4] or b"") <= 100 for segment in decoded for row in segment.blobs)
    big = _rows(session.path, "SELECT COUNT(*) FROM checkpoint_blobs WHERE length(value) > 100")
    assert big[0][0] > 0
    with Session(mode, session.path).open() as fresh:
        assert _view(fresh.history()) == want


@pytest.mark.usefixtures("small_segments")
def test_a_backlog_of_unsealed_rows_is_sealed_as_the_thread_goes_on(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:  # as a release before sealing left the thread
        patch.setattr(segments, "SEGMENT_ROWS", 10**9)
        with Session(mode, tmp_path / "c.sqlite").open() as session:
            session.chat(40)
    assert _rows(session.path, "SELECT COUNT(*) FROM checkpoints") == [(120,)]
    with Session(mode, session.path).open() as session:
        want = _view(session.history())
        session.chat(8, start=40)
        assert _rows(session.path, "SELECT COUNT(*) FROM checkpoints")[0][0] <= 144 - 2 * 3 * 8
        assert _view(session.history())[24:] == want


@pytest.mark.usefixtures("small_segments")
def test_prune_seals_what_it_keeps(mode: str, tmp_path: Path) -> None:
    with Session(mode, tmp_path / "c.sqlite").open() as session:
        session.chat(30)
        want = _view(session.history())[:40]
        session.call("prune", ["chat"], keep_last=40)
        assert _view(session.history()) == want
    assert _rows(session.path, "SELECT COUNT(*) FROM checkpoint_segments")[0][0] >= 2
    assert _rows(session.path, "SELECT COUNT(*) FROM checkpoints")[0][0] < 8 + 8 + 8
