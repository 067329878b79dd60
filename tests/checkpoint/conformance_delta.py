"""Spec cases for delta blobs (lists that extend their parent's list) every saver passes.

Backend test modules opt in next to ``conformance``::

    from .conformance_delta import *  # noqa: F403

``saver._lists.clear()`` empties the saver's list cache, so the next read or put works
from storage alone, as a new process would.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stategraph.checkpoint._delta import DELTA_TYPE
from stategraph.errors import CheckpointError, ErrorCode

from .conformance import Backend, Harness, Portal, Writer, config, id_of
from .strategies import assert_same, checkpoint_values

PAD = {"pad": "p" * 500}  # a first item big enough that a small delta beats a snapshot


def turn_items(turn: int) -> list[dict[str, Any]]:
    """Two message-like dicts of ~100 characters (with a tuple, which must stay a tuple)."""
    return [
        {"role": "user", "content": f"question {turn}: " + "q" * 86, "meta": (turn, "q")},
        {"role": "ai", "content": f"answer {turn}: " + "a" * 88, "meta": (turn, "a")},
    ]


def grow(
    writer: Writer, turns: int, *, start: int = 0, messages: list[Any] | None = None
) -> list[tuple[dict[str, Any], list[Any]]]:
    """Save ``turns`` checkpoints, each adding two messages; return (config, value) pairs."""
    history = []
    messages = [] if messages is None else messages
    for turn in range(start, start + turns):
        messages = messages + turn_items(turn)  # a new list, as operator.add makes
        history.append((writer.save({"messages": messages}), messages))
    return history


def messages_of(harness: Harness, saved: dict[str, Any]) -> Any:
    return harness.get(saved)["channel_values"]["messages"]


def test_a_growing_message_list_is_stored_in_bounded_bytes(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    history = grow(Writer(harness, "t"), 300)
    final = history[-1][1]
    final_size = len(saver.serde.dumps_typed(final)[1])
    blobs = backend.stored_blobs(saver, portal, "t")
    assert len(blobs) == 300
    assert sum(info.size for info in blobs.values()) <= 3 * final_size
    assert_same(messages_of(harness, history[-1][0]), final)  # from the warm cache
    saver._lists.clear()
    listed = harness.list(config("t"))
    assert [t.config for t in listed] == [saved for saved, _ in reversed(history)]
    for found, (_, value) in zip(listed, reversed(history), strict=True):
        assert_same(found.checkpoint["channel_values"]["messages"], value)


def test_forks_extend_or_replace_their_own_parents_list(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    main = grow(writer, 20)
    fork_point, fork_value = main[9]
    extended = grow(writer.fork(fork_point), 5, start=100, messages=fork_value)
    edited_value = [*main[4][1][:-1], {"role": "ai", "content": "edited"}]
    edited = writer.fork(main[4][0]).save({"messages": edited_value})
    blobs = backend.stored_blobs(saver, portal, "t")
    first_of_fork = blobs[("", "messages", id_of(extended[0][0]))]
    assert (first_of_fork.type, first_of_fork.base) == (DELTA_TYPE, id_of(fork_point))
    assert blobs[("", "messages", id_of(edited))].type != DELTA_TYPE
    for warm in (True, False):
        if not warm:
            saver._lists.clear()
        for saved, value in [*main, *extended, (edited, edited_value)]:
            assert_same(messages_of(harness, saved), value)


def test_only_list_extensions_are_stored_as_deltas(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    steps = [
        ([PAD, {"k": 1}], False),  # first value
        ([PAD, {"k": 1}, {"k": 2}], True),
        ([PAD, {"k": 1}, {"k": 3}], False),  # an item replaced
        ([PAD, {"k": 1}, {"k": 3}, {"k": 4}], True),
        ([PAD, {"k": 1}], False),  # items removed
        ([PAD, 1, 2], False),
        ([PAD, True, 2, 3], False),  # == [PAD, 1, 2] + [3], but True is not 1
        ([PAD, True, 2, 3, 4.0], True),
        ([PAD, True, 2, 3, 4], False),  # 4 == 4.0
        ((PAD, True, 2, 3, 4, 5), False),  # a tuple is not a list
        ([PAD, True, 2, 3, 4, 5], False),
        ([PAD, True, 2, 3, 4, 5], True),  # unchanged but rewritten: an empty delta
    ]
    writer = Writer(harness, "t")
    saved = [writer.save({"v": value}) for value, _ in steps]
    blobs = backend.stored_blobs(saver, portal, "t")
    kinds = [blobs[("", "v", id_of(c))].type == DELTA_TYPE for c in saved]
    assert kinds == [is_delta for _, is_delta in steps]
    for warm in (True, False):
        if not warm:
            saver._lists.clear()
        for config_, (value, _) in zip(saved, steps, strict=True):
            assert_same(harness.get(config_)["channel_values"]["v"], value)


def test_an_item_changed_in_place_is_not_taken_for_an_extension(harness: Harness) -> None:
    writer = Writer(harness, "t")
    messages = [dict(PAD), {"content": "original"}]
    first = writer.save({"messages": messages})
    messages[1]["content"] = "edited in place"  # the engine's list and item, mutated
    messages.append({"content": "next"})
    second = writer.save({"messages": messages})
    assert messages_of(harness, first) == [PAD, {"content": "original"}]
    assert messages_of(harness, second) == [
        PAD, {"content": "edited in place"}, {"content": "next"},
    ]  # fmt: skip
    # Reads return a new list each time (items are shared, see checkpoint._list_cache).
    loaded = messages_of(harness, second)
    loaded.append({"content": "caller extends what it read"})
    assert len(messages_of(harness, second)) == 3


def test_an_item_edited_in_place_and_returned_again_is_stored(harness: Harness) -> None:
    writer = Writer(harness, "t")
    messages = [dict(PAD), {"content": "original"}]
    writer.save({"messages": messages})
    messages[1]["content"] = "edited in place"  # re-returned by id: same objects, a new list
    second = writer.save({"messages": list(messages)})
    assert messages_of(harness, second) == [PAD, {"content": "edited in place"}]


def test_a_saver_with_an_empty_cache_continues_chains_from_storage(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    history = grow(writer, 10)
    saver._lists.clear()
    ((saved, value),) = grow(writer, 1, start=10, messages=history[-1][1])
    info = backend.stored_blobs(saver, portal, "t")[("", "messages", id_of(saved))]
    assert (info.type, info.base) == (DELTA_TYPE, id_of(history[-1][0]))
    saver._lists.clear()
    assert_same(messages_of(harness, saved), value)


def test_prune_keeps_the_delta_chains_of_kept_checkpoints(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    history = grow(writer, 40)
    harness.prune(["t"], keep_last=3)
    blobs = backend.stored_blobs(saver, portal, "t")
    assert 3 < len(blobs) < 40  # the bases of the kept blobs stay, the rest go
    assert all(("", "messages", info.base) in blobs for info in blobs.values() if info.base)
    saver._lists.clear()
    for saved, value in history[-3:]:
        assert_same(messages_of(harness, saved), value)
    more = grow(writer, 5, start=40, messages=history[-1][1])
    harness.prune(["t"], keep_last=1)
    saver._lists.clear()
    assert_same(messages_of(harness, config("t")), more[-1][1])


def test_copy_thread_copies_whole_chains(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    history = grow(Writer(harness, "src"), 30)
    harness.copy_thread("src", "dst")
    harness.delete_thread("src")
    assert backend.count_blobs(saver, portal, "src") == 0
    saver._lists.clear()
    for saved, value in history:
        assert_same(messages_of(harness, config("dst", "", id_of(saved))), value)
    ((saved, value),) = grow(Writer(harness, "dst").fork(config("dst")), 1, messages=value)
    assert backend.stored_blobs(saver, portal, "dst")[("", "messages", id_of(saved))].base
    assert_same(messages_of(harness, saved), value)
    harness.delete_thread("dst")
    assert backend.count_blobs(saver, portal, "dst") == 0


def test_a_corrupt_delta_is_reported_naming_the_thread_and_checkpoint(
    harness: Harness, backend: Backend, saver: Any, portal: Portal
) -> None:
    writer = Writer(harness, "t")
    history = grow(writer, 12)
    latest = id_of(history[-1][0])
    info = backend.stored_blobs(saver, portal, "t")[("", "messages", latest)]
    assert info.type == DELTA_TYPE and info.base is not None
    backend.corrupt_blob(saver, portal, "t", "messages", info.base)  # a link of the chain
    saver._lists.clear()
    for checkpoint_id in (latest, info.base):
        with pytest.raises(CheckpointError) as raised:
            harness.get_tuple(config("t", "", checkpoint_id))
        assert raised.value.code is ErrorCode.CHECKPOINT_CORRUPT
        assert (raised.value.thread_id, raised.value.checkpoint_id) == ("t", checkpoint_id)
        assert checkpoint_id in str(raised.value) and "'t'" in str(raised.value)
    assert_same(messages_of(harness, history[0][0]), history[0][1])
    # Writing on does not need the broken chain: the next value is stored in full.
    ((saved, value),) = grow(writer, 1, start=12, messages=history[-1][1])
    assert backend.stored_blobs(saver, portal, "t")[("", "messages", id_of(saved))].base is None
    assert_same(messages_of(harness, saved), value)


_edits = st.tuples(
    st.sampled_from(["append", "replace", "cut", "fork"]),
    st.lists(checkpoint_values, max_size=3),
    st.integers(min_value=0, max_value=50),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(_edits, min_size=1, max_size=20))
def test_any_history_of_list_edits_reads_back_exactly(
    harness: Harness, saver: Any, edits: list[tuple[str, list[Any], int]]
) -> None:
    writer = Writer(harness, str(uuid.uuid4()))
    value: list[Any] = [dict(PAD)]
    history: list[tuple[dict[str, Any], list[Any]]] = []
    for edit, items, at in edits:
        if edit == "fork" and history:
            fork_point, value = history[at % len(history)]
            writer = writer.fork(fork_point)
        elif edit == "append":
            value = value + items
        elif edit == "replace" and value:
            position = at % len(value)
            value = [*value[:position], *items, *value[position + 1 :]]
        elif edit == "cut":
            value = value[: at % (len(value) + 1)]
        history.append((writer.save({"v": value}), value))
    for warm in (True, False):
        if not warm:
            saver._lists.clear()
        for saved, expected in history:
            assert_same(harness.get(saved)["channel_values"]["v"], expected)
