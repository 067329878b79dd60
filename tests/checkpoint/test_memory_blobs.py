"""The in-memory saver's blob planning and encoding (checkpoint/_memory_blobs.py)."""

from __future__ import annotations

from typing import Any

from stategraph.checkpoint._memory_blobs import encode, plan_plain
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.checkpoint.serde.encrypted import EncryptedSerializer

from .conformance import config, make_checkpoint


def test_only_changed_channels_get_a_new_blob() -> None:
    saver = InMemorySaver()
    first = saver.put(
        config("t"), make_checkpoint({"a": 1, "b": 2}, {"a": 1, "b": 1}), {}, {"a": 1, "b": 1}
    )
    (parent,) = saver.storage[("t", "")].values()
    checkpoint = make_checkpoint({"a": 5, "b": 2}, {"a": 2, "b": 1})
    refs, blobs = plan_plain(saver.serde, "new-id", checkpoint, {"a": 2}, parent)
    first_id = first["configurable"]["checkpoint_id"]
    assert refs == ("a", 2, "new-id", "b", 1, first_id)  # b keeps its parent's blob
    assert blobs == [("a", saver.serde.dumps_typed(5))]
    refs, blobs = plan_plain(saver.serde, "new-id", checkpoint, {"a": 2}, None)
    assert [channel for channel, _ in blobs] == ["a", "b"]  # no parent: every value stored


def _put_scalars(saver: InMemorySaver) -> Any:
    checkpoint = make_checkpoint({"a": 7, "b": None}, {"a": 1, "b": 1})
    saved = saver.put(config("t"), checkpoint, {}, {"a": 1, "b": 1})
    saver.put_writes(saved, [("a", 7), ("b", None), ("c", 2**70)], "task")
    loaded = saver.get_tuple(saved)
    assert loaded is not None and loaded.checkpoint["channel_values"] == {"a": 7, "b": None}
    assert [w[1:] for w in loaded.pending_writes] == [("a", 7), ("b", None), ("c", 2**70)]
    return saved


def test_scalar_blobs_are_made_once_with_the_default_serializer_only() -> None:
    plain = InMemorySaver()
    saved = _put_scalars(plain)
    value_blob = plain.blobs[("t", "", "a", saved["configurable"]["checkpoint_id"])]
    (stored,) = plain.writes.values()
    write_row = stored[("task", 0)]
    assert value_blob == plain.serde.dumps_typed(7)
    assert (write_row[1], write_row[2]) == value_blob  # the same blob for the write
    assert encode(plain.serde, "a", 7) is value_blob  # made once, shared
    encrypted = InMemorySaver(serde=EncryptedSerializer.from_aes(key=b"k" * 16))
    _put_scalars(encrypted)
    assert not any(blob == value_blob for blob in encrypted.blobs.values())  # encrypted
