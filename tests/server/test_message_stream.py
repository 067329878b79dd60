"""The server's messages mode: chunks folded per message id into partial/complete events."""

from __future__ import annotations

import pytest

from stategraph.messages import AIMessage, AIMessageChunk
from stategraph.server._message_stream import MessageAccumulator

META = {"langgraph_node": "reply"}


def test_stategraph_chunks_accumulate_into_whole_messages() -> None:
    folded = MessageAccumulator()
    first = folded.events((), AIMessageChunk("Hel", id="m1"), META)
    assert first[0] == ("messages/metadata", {"m1": {"metadata": META}})
    assert first[1][0] == "messages/partial"
    (message,) = first[1][1]
    assert type(message) is AIMessage and message.content == "Hel"
    second = folded.events((), AIMessageChunk("lo", id="m1"), META)
    assert [event for event, _ in second] == ["messages/partial"]
    assert second[0][1][0].content == "Hello"


def test_whole_message_is_complete_and_ids_are_kept_apart_by_namespace() -> None:
    folded = MessageAccumulator()
    folded.events(("sub:1",), AIMessageChunk("a", id="m1"), META)
    other = folded.events((), AIMessageChunk("b", id="m1"), META)
    assert other[0][0] == "messages/metadata"  # same id, other namespace: a new message
    assert other[1][1][0].content == "b"
    whole = AIMessage("done", id="m2")
    assert folded.events((), whole, META) == [
        ("messages/metadata", {"m2": {"metadata": META}}),
        ("messages/complete", [whole]),
    ]
    # the same message sent whole after its chunks: complete, without a second metadata
    assert folded.events(("sub:1",), AIMessage("a!", id="m1"), META) == [
        ("messages/complete", [AIMessage("a!", id="m1")])
    ]


def test_message_without_id_is_never_folded() -> None:
    folded = MessageAccumulator()
    folded.events((), AIMessageChunk("x"), META)
    again = folded.events((), AIMessageChunk("y"), META)
    assert [event for event, _ in again] == ["messages/metadata", "messages/partial"]
    assert again[1][1][0].content == "y"


def test_langchain_chunks_become_langchain_messages() -> None:
    messages = pytest.importorskip("langchain_core.messages")
    folded = MessageAccumulator()
    folded.events((), messages.AIMessageChunk(content="to", id="lc1"), META)
    ((event, (message,)),) = folded.events(
        (), messages.AIMessageChunk(content="ken", id="lc1"), META
    )
    assert event == "messages/partial"
    assert type(message) is messages.AIMessage and message.content == "token"
