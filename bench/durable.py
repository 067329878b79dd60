"""Checkpointed workloads: what durable execution costs per step, per turn and per byte."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter
from typing import Any

from bench._spec import Metrics, Settings, Workload, expect, metric
from bench._timing import median_seconds
from bench.graphs import ai_text, api, build_chat, build_interrupt_loop, build_seq, human_text

__all__ = ["WORKLOADS", "message_text_bytes", "thread_turns"]

SEQ_LENGTH = 100
INTERRUPTS = 100
WINDOW = 100  # turns averaged at the start and at the end of the thread


@contextmanager
def _sqlite_saver(lib: str, path: str) -> Iterator[Any]:
    with api(lib, "checkpoint.sqlite").SqliteSaver.from_conn_string(path) as saver:
        yield saver


@contextmanager
def _saver(lib: str, kind: str) -> Iterator[Any]:
    if kind == "memory":
        yield api(lib, "checkpoint.memory").InMemorySaver()
        return
    with tempfile.TemporaryDirectory() as tmp:
        with _sqlite_saver(lib, os.path.join(tmp, "bench.sqlite")) as saver:
            yield saver


def _seq_saved(kind: str) -> Workload:
    label = f"seq_{SEQ_LENGTH}_{kind} (per step)"

    def run(lib: str, settings: Settings) -> Metrics:
        with _saver(lib, kind) as saver:
            graph = build_seq(lib, SEQ_LENGTH, checkpointer=saver)
            threads = itertools.count()

            def call() -> Any:  # a new thread per invoke: every run starts from scratch
                config = {
                    "recursion_limit": SEQ_LENGTH + 10,
                    "configurable": {"thread_id": f"t{next(threads)}"},
                }
                return graph.invoke({"x": 0}, config)

            out = call()
            expect(out == {"x": SEQ_LENGTH}, f"expected {{'x': {SEQ_LENGTH}}}, got {out!r}")
            seconds = median_seconds(call, repeats=settings.pick(7, 3))
        return {label: metric(seconds / SEQ_LENGTH * 1e6, "us/step")}

    saver = "InMemorySaver" if kind == "memory" else "SqliteSaver (file in a temp dir)"
    question = f"Per-step cost of seq_{SEQ_LENGTH} with a checkpoint after every step, {saver}."
    return Workload(f"seq_{SEQ_LENGTH}_{kind}", question, run)


def thread_turns(settings: Settings) -> int:
    """Turns in the message-thread workload: 1000, or 200 with --quick."""
    return settings.pick(1000, 2 * WINDOW)


def message_text_bytes(turns: int) -> int:
    """Bytes of the thread's messages as compact JSON: the least a store must keep."""
    messages = []
    for turn in range(1, turns + 1):
        messages.append({"role": "user", "content": human_text(turn)})
        messages.append({"role": "assistant", "content": ai_text(turn)})
    return len(json.dumps(messages, separators=(",", ":")).encode())


def _content(message: Any) -> str:
    return message["content"] if isinstance(message, dict) else message.content


def _chat(graph: Any, turns: int, config: dict[str, Any]) -> tuple[list[float], list[Any]]:
    """Run ``turns`` turns on one thread; return seconds per turn and the final messages."""
    times = []
    for turn in range(1, turns + 1):
        start = perf_counter()
        graph.invoke({"messages": [{"role": "user", "content": human_text(turn)}]}, config)
        times.append(perf_counter() - start)
    messages = graph.get_state(config).values["messages"]
    expect(len(messages) == 2 * turns, f"expected {2 * turns} messages, got {len(messages)}")
    want = [text(t) for t in range(1, turns + 1) for text in (human_text, ai_text)]
    expect([_content(m) for m in messages] == want, "thread messages are wrong or out of order")
    return times, messages


def _db_bytes(path: str) -> int:
    """Size of the SQLite database, with its WAL and shared-memory files if any."""
    files = [path + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    return sum(os.path.getsize(f) for f in files if os.path.exists(f))


def _thread_labels(turns: int) -> tuple[str, str, str, str]:
    return (
        f"thread_{turns} db bytes (floor: message JSON)",
        f"thread_{turns} serialized final messages (saver serde)",
        f"thread_{turns} ms/turn, turns 1-{WINDOW}",
        f"thread_{turns} ms/turn, turns {turns - WINDOW + 1}-{turns}",
    )


def _thread() -> Workload:
    def run(lib: str, settings: Settings) -> Metrics:
        turns = thread_turns(settings)
        size_label, final_label, early_label, late_label = _thread_labels(turns)
        config = {"configurable": {"thread_id": "chat"}}
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "thread.sqlite")
            with _sqlite_saver(lib, path) as saver:
                times, messages = _chat(build_chat(lib, saver), turns, config)
                # The least a saver could store: the final list, as its own serde encodes it.
                final = len(saver.serde.dumps_typed(messages)[1])
            size = _db_bytes(path)
        return {
            size_label: metric(size, "bytes"),
            final_label: metric(final, "bytes"),
            early_label: metric(statistics.fmean(times[:WINDOW]) * 1e3, "ms"),
            late_label: metric(statistics.fmean(times[-WINDOW:]) * 1e3, "ms"),
        }

    def floor(settings: Settings) -> Metrics:
        turns = thread_turns(settings)
        return {_thread_labels(turns)[0]: metric(message_text_bytes(turns), "bytes")}

    question = (
        "A 1000-turn chat thread (MessagesState, add_messages, SqliteSaver), one ~100-char "
        "human and AI message per turn: DB size vs message text, and ms/turn early vs late."
    )
    return Workload("thread", question, run, floor)


def _interrupt_cycle(lib: str, count: int) -> float:
    """Interrupt ``count`` times on one thread; return seconds per resume."""
    graph = build_interrupt_loop(lib, api(lib, "checkpoint.memory").InMemorySaver())
    command = api(lib, "types").Command
    config = {"configurable": {"thread_id": "hitl"}}
    graph.invoke({"count": 0, "limit": count, "answers": []}, config)
    start = perf_counter()
    for answer in range(count):
        out = graph.invoke(command(resume=answer), config)
    seconds = (perf_counter() - start) / count
    expect(out.get("answers") == list(range(count)), f"resume answers are wrong: {out!r:.200}")
    return seconds


def _interrupt() -> Workload:
    label = f"interrupt_{INTERRUPTS} (per resume)"

    def run(lib: str, settings: Settings) -> Metrics:
        _interrupt_cycle(lib, 5)  # warm-up
        samples = [_interrupt_cycle(lib, INTERRUPTS) for _ in range(settings.pick(3, 1))]
        return {label: metric(statistics.median(samples) * 1e3, "ms")}

    question = (
        f"Cost of one interrupt()/Command(resume=...) cycle: {INTERRUPTS} interrupts "
        "on one thread with InMemorySaver."
    )
    return Workload(f"interrupt_{INTERRUPTS}", question, run)


WORKLOADS = [_seq_saved("memory"), _seq_saved("sqlite"), _thread(), _interrupt()]
