"""FakeChatModel: scripted replies, shared scripts, token streaming, structured responses."""

from __future__ import annotations

import pytest

from stategraph.messages import AIMessage
from stategraph.testing import FakeChatModel, ScriptExhausted, ai, call


def test_replies_in_order_and_records_calls() -> None:
    model = FakeChatModel(["one", ai("", call("f", {"x": 1}, "c")), lambda msgs: f"saw {len(msgs)}",
                           {"role": "assistant", "content": "dict"}])
    assert model.invoke("a").content == "one"
    assert model.bind_tools([]).invoke("b").tool_calls[0]["name"] == "f"  # bound copies share the script
    assert model.invoke([("user", "a"), ("user", "b")]).content == "saw 2"
    assert model.invoke("c").content == "dict"
    assert [m[-1].content for m in model.calls] == ["a", "b", "b", "c"]
    with pytest.raises(ScriptExhausted, match="no scripted reply left"):
        model.invoke("d")


def test_streams_word_tokens_and_tool_calls_with_one_id() -> None:
    chunks = list(FakeChatModel([AIMessage("hi there", id="x", tool_calls=[call("f", {}, "c")])]).stream("q"))
    assert [c.content for c in chunks] == ["hi", " there", ""]
    assert {c.id for c in chunks} == {"x"} and chunks[-1].tool_call_chunks[0]["name"] == "f"


def test_cycle_and_bad_replies() -> None:
    model = FakeChatModel(["a"], cycle=True)
    assert [model.invoke("x").content for _ in range(3)] == ["a", "a", "a"]
    with pytest.raises(TypeError, match="must be AI messages"):
        FakeChatModel([("user", "not ai")]).invoke("x")


def test_scripted_structured_responses() -> None:
    model = FakeChatModel([], structured=[{"n": 1}, "raw"])
    runner = model.with_structured_output(dict)
    assert runner.invoke("x") == {"n": 1} and runner.invoke("y") == "raw"
    with pytest.raises(ScriptExhausted):
        runner.invoke("z")
