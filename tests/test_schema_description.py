"""Library state classes publish LangGraph's short schema description, not their docstrings."""

from __future__ import annotations

import pytest

from stategraph.graph import START, MessagesState, StateGraph
from stategraph.prebuilt.chat_agent_executor import (
    AgentState,
    AgentStatePydantic,
    AgentStateWithStructuredResponse,
    AgentStateWithStructuredResponsePydantic,
)


def _schemas(state: type) -> list[dict]:
    graph = StateGraph(state).add_node("n", lambda s: {}).add_edge(START, "n").compile()
    return [graph.get_input_jsonschema(), graph.get_output_jsonschema()]


@pytest.mark.parametrize(
    ("state", "description"),
    [
        (MessagesState, None),
        (AgentState, "The state of the agent."),
        (AgentStatePydantic, "The state of the agent."),
        (AgentStateWithStructuredResponse, "The state of the agent with a structured response."),
        (
            AgentStateWithStructuredResponsePydantic,
            "The state of the agent with a structured response.",
        ),
    ],
)
def test_published_description(state: type, description: str | None) -> None:
    assert state.__doc__ and "Examples:" in state.__doc__  # the reference keeps its examples
    for schema in _schemas(state):
        assert schema.get("description") == description


def test_subclasses_describe_themselves() -> None:
    class Documented(AgentState):
        """My agent's state."""

        mood: str

    class Plain(AgentStatePydantic):
        mood: str = "calm"

    assert [s.get("description") for s in _schemas(Documented)] == ["My agent's state."] * 2
    assert [s.get("description") for s in _schemas(Plain)] == [None, None]
