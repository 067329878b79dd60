"""A supervisor team: one model routes to a researcher and a calculator, then answers.

Every tool call in the shared history is answered (check_tool_history finds nothing to report),
so the same history would be accepted by strict providers.
"""

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.prebuilt import create_react_agent
from stategraph.prebuilt.handoff import check_tool_history
from stategraph.prebuilt.supervisor import create_supervisor
from stategraph.testing import FakeChatModel, ai, call


def search(query: str) -> str:
    """Search the company wiki."""
    return "Headcount: 120 in 2024, 150 in 2025."


def multiply(a: float, b: float) -> float:
    """Multiply two numbers."""
    return a * b


researcher = create_react_agent(
    FakeChatModel([ai("", call("search", {"query": "headcount"}, "r1")), "2025 headcount is 150."]),
    [search], name="researcher")
calculator = create_react_agent(
    FakeChatModel([ai("", call("multiply", {"a": 150, "b": 1.1}, "m1")), "150 * 1.1 = 165."]),
    [multiply], name="calculator")
supervisor_model = FakeChatModel([
    ai("", call("transfer_to_researcher", {}, "s1")),
    ai("", call("transfer_to_calculator", {}, "s2")),
    "Next year's headcount at +10% is 165.",
])
team = create_supervisor([researcher, calculator], model=supervisor_model).compile(checkpointer=InMemorySaver())

result = team.invoke({"messages": [("user", "What is our headcount next year if we grow 10%?")]},
                     {"configurable": {"thread_id": "team-1"}})
for m in result["messages"]:
    calls = ", ".join(c["name"] for c in getattr(m, "tool_calls", None) or [])
    print(f"{m.type:>5} {m.name or '':<28} {m.content}{'  -> ' + calls if calls else ''}")
print("history problems:", check_tool_history(result["messages"]))
