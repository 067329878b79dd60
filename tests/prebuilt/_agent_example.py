"""The same small agent, run on langchain-core fakes or on stategraph's own fake (see test_agent_example)."""

import json
import sys

if sys.argv[1] == "own":
    sys.modules["langchain_core"] = None  # block it: everything below must work without it

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.prebuilt import create_react_agent

SCRIPT = [
    {"content": "", "tool_calls": [{"name": "add", "args": {"a": 2, "b": 3}, "id": "c1"},
                                   {"name": "shout", "args": {"text": "hey"}, "id": "c2"}]},
    {"content": "2 + 3 = 5 and HEY", "tool_calls": []},
]


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def shout(text: str) -> str:
    """Upper-case text."""
    return text.upper()


if sys.argv[1] == "own":
    from stategraph.testing import FakeChatModel, ai

    model = FakeChatModel([ai(s["content"], *s["tool_calls"]) for s in SCRIPT])
    tools = [add, shout]
else:
    from langchain_core.messages import AIMessage
    from langchain_core.tools import tool

    from stategraph.testing.langchain_models import FakeToolCallingChatModel

    model = FakeToolCallingChatModel([AIMessage(s["content"], tool_calls=s["tool_calls"]) for s in SCRIPT])
    tools = [tool(add), tool(shout)]

agent = create_react_agent(model, tools, prompt="Be brief.", checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "1"}}
tokens = [m.content for m, meta in agent.stream({"messages": [("user", "add 2 and 3, shout hey")]}, config,
                                                 stream_mode="messages") if m.content]
state = agent.get_state(config).values
print(json.dumps({
    "tokens": tokens,
    "history": [[m.type, m.content, [c["name"] for c in getattr(m, "tool_calls", [])]] for m in state["messages"]],
    "message_module": type(state["messages"][-1]).__module__.split(".")[0],
    "langchain_imported": any(k.startswith("langchain_core") and v for k, v in sys.modules.items()),
}))
