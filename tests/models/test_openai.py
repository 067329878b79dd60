"""OpenAIChatModel against a local fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.messages import AIMessage, SystemMessage, ToolMessage, tool_call
from stategraph.models.openai import OpenAIChatModel
from stategraph.prebuilt import create_react_agent


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def test_invoke_sends_the_wire_format_and_parses_tool_calls(openai_server) -> None:
    openai_server.replies.append({"tool_calls": [{"id": "c1", "name": "add", "args": {"a": 1, "b": 2}}]})
    model = OpenAIChatModel("m", base_url=openai_server.url, api_key="k", temperature=0).bind_tools([add], tool_choice="add")
    history = [SystemMessage("s"), ("user", "hi"), AIMessage("", tool_calls=[tool_call("add", {"a": 0, "b": 0}, "c0")]),
               ToolMessage("0", tool_call_id="c0")]
    reply = model.invoke(history)
    assert reply.tool_calls == [tool_call("add", {"a": 1, "b": 2}, "c1")] and reply.id == "cmpl-2"
    body = openai_server.requests[0]
    assert "stream" not in body and body["temperature"] == 0 and body["model"] == "m"
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "tool"]
    assert body["messages"][2]["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 0, "b": 0}'}
    assert body["tools"][0]["function"]["name"] == "add"
    assert body["tool_choice"] == {"type": "function", "function": {"name": "add"}}
    assert openai_server.headers[0]["Authorization"] == "Bearer k"


def test_stream_yields_tokens_and_merges_tool_call_fragments(openai_server) -> None:
    openai_server.replies.append({"tokens": ["Hel", "lo"], "tool_calls": [{"id": "c", "name": "add", "args": {"a": 5}}]})
    chunks = list(OpenAIChatModel("m", base_url=openai_server.url).stream("hi"))
    total = chunks[0]
    for c in chunks[1:]:
        total = total + c
    message = total.to_message()
    assert [c.content for c in chunks[:2]] == ["Hel", "lo"]
    assert message.content == "Hello" and message.tool_calls == [tool_call("add", {"a": 5}, "c")]
    assert message.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert message.response_metadata["finish_reason"] == "stop"
    assert openai_server.requests[0]["stream"] is True


def test_async_invoke_and_stream(openai_server) -> None:
    openai_server.replies += [{"content": "plain"}, {"tokens": ["a", "b"]}]
    model = OpenAIChatModel("m", base_url=openai_server.url)

    async def go() -> tuple[str, list[str]]:
        reply = await model.ainvoke("x")
        return reply.content, [c.content async for c in model.astream("y") if c.content]

    assert asyncio.run(go()) == ("plain", ["a", "b"])


def test_http_errors_say_what_failed(openai_server) -> None:
    openai_server.replies += [{"status": 404, "body": "no such model"}, {"status": 500, "body": "down"}]
    model = OpenAIChatModel("missing", base_url=openai_server.url)
    with pytest.raises(httpx.HTTPStatusError, match="HTTP 404: no such model"):
        model.invoke("x")
    with pytest.raises(httpx.HTTPStatusError, match="HTTP 500: down"):
        list(model.stream("x"))


def test_agent_streams_tokens_from_the_server(openai_server, driver) -> None:
    openai_server.replies += [{"tool_calls": [{"id": "c1", "name": "add", "args": {"a": 2, "b": 2}}]},
                              {"tokens": ["four", "!"]}]
    agent = create_react_agent(OpenAIChatModel("m", base_url=openai_server.url), [add])
    chunks = driver.stream(agent, {"messages": [("user", "2+2")]}, stream_mode="messages")
    assert [m.content for m, meta in chunks if m.content] == ["4", "four", "!"]
    assert all(r.get("stream") for r in openai_server.requests)  # tokens wanted: streaming requests


def test_structured_output_forces_the_schema_tool(openai_server) -> None:
    openai_server.replies.append({"tool_calls": [{"id": "s", "name": "Answer", "args": {"value": 4}}]})
    schema = {"title": "Answer", "type": "object", "properties": {"value": {"type": "integer"}}}
    out = OpenAIChatModel("m", base_url=openai_server.url).with_structured_output(schema).invoke("2+2")
    assert out == {"value": 4}
    assert openai_server.requests[0]["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}


def test_a_node_can_call_it_plainly_outside_messages_mode(openai_server) -> None:
    openai_server.replies.append({"content": "ok"})
    model = OpenAIChatModel("m", base_url=openai_server.url)
    g = StateGraph(MessagesState).add_node("c", lambda s: {"messages": [model.invoke(s["messages"])]})
    out = g.add_edge(START, "c").compile().invoke({"messages": "hi"})
    assert out["messages"][-1].content == "ok" and "stream" not in openai_server.requests[0]
