"""The seed example (reference/seed_example.py), langgraph renamed stategraph, minus its demo call.

Served by the Studio tests: its node reads ``context.user_id`` and the store item the tests put.
"""

from dataclasses import dataclass
from typing import TypedDict

from stategraph.graph import StateGraph
from stategraph.runtime import Runtime
from stategraph.store.memory import InMemoryStore


@dataclass
class Context:
    user_id: str


class State(TypedDict, total=False):
    response: str


store = InMemoryStore()
store.put(("users",), "user_123", {"name": "Alice"})


def personalized_greeting(state: State, runtime: Runtime[Context]) -> State:
    """Generate personalized greeting using runtime context and store."""
    user_id = runtime.context.user_id
    name = "unknown_user"
    if runtime.store:
        if memory := runtime.store.get(("users",), user_id):
            name = memory.value["name"]

    response = f"Hello {name}! Nice to see you again."
    return {"response": response}


graph = (
    StateGraph(state_schema=State, context_schema=Context)
    .add_node("personalized_greeting", personalized_greeting)
    .set_entry_point("personalized_greeting")
    .set_finish_point("personalized_greeting")
    .compile(store=store)
)


# > {'response': 'Hello Alice! Nice to see you again.'}
