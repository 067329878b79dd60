"""A tool call waits for a human: the run pauses with a review request and resumes on the answer."""

from stategraph.checkpoint.memory import InMemorySaver
from stategraph.prebuilt import create_react_agent
from stategraph.prebuilt.interrupt import add_human_in_the_loop
from stategraph.testing import FakeChatModel, ai, call
from stategraph.types import Command


def book_flight(destination: str, seats: int) -> str:
    """Book a flight."""
    return f"Booked {seats} seat(s) to {destination}."


model = FakeChatModel([
    ai("", call("book_flight", {"destination": "Lisbon", "seats": 4}, "b1")),
    "Done: your flight is booked.",
])
agent = create_react_agent(model, [add_human_in_the_loop(book_flight)], checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "trip-1"}}

paused = agent.invoke({"messages": [("user", "Book 4 seats to Lisbon")]}, config)
request = paused["__interrupt__"][0].value[0]
print("review:", request["action_request"])

# The reviewer lowers the seat count before approving.
edit = {"type": "edit", "args": {"args": {"destination": "Lisbon", "seats": 2}}}
final = agent.invoke(Command(resume=[edit]), config)
for message in final["messages"][-2:]:
    print(f"{message.type}: {message.content}")
