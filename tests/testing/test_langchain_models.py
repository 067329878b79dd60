"""FakeToolCallingChatModel: a langchain-core fake that binds tools and streams tool calls."""

from __future__ import annotations

import pytest

lc = pytest.importorskip("langchain_core.messages")

from stategraph.testing.langchain_models import FakeToolCallingChatModel  # noqa: E402


def test_streams_tokens_then_tool_calls_and_shares_the_cursor() -> None:
    reply = lc.AIMessage("a b", id="r", tool_calls=[{"name": "f", "args": {"x": 1}, "id": "c"}])
    model = FakeToolCallingChatModel([reply, "second"])
    chunks = list(model.bind_tools(["spec"]).stream("q"))
    total = chunks[0]
    for c in chunks[1:]:
        total = total + c
    assert total.content == "a b" and total.tool_calls[0]["args"] == {"x": 1}
    assert model.invoke("q2").content == "second" and model.bound == [(["spec"], {})]
    with pytest.raises(IndexError, match="ran out"):
        model.invoke("q3")
