"""The pydantic agent states and LangGraph's older factory name."""

from __future__ import annotations

import pytest

from stategraph.prebuilt.chat_agent_executor import create_react_agent, create_tool_calling_executor
from stategraph.testing.chat_models import FakeChatModel, ai, call

pytest.importorskip("pydantic")

from stategraph.prebuilt.chat_agent_executor import (
    AgentStatePydantic,
    AgentStateWithStructuredResponsePydantic,
)


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_an_agent_runs_on_the_pydantic_state(driver, version: str) -> None:
    model = FakeChatModel([ai("", call("add", {"a": 1, "b": 2}, "c1")), ai("three")])
    agent = create_react_agent(model, [add], state_schema=AgentStatePydantic, version=version)
    out = driver.run(agent, {"messages": [("user", "1+2?")]})
    assert [m.content for m in out["messages"]][-2:] == ["3", "three"]


def test_structured_response_state_and_the_old_factory_name() -> None:
    assert create_tool_calling_executor is create_react_agent
    assert issubclass(AgentStateWithStructuredResponsePydantic, AgentStatePydantic)
    assert AgentStateWithStructuredResponsePydantic.model_fields["structured_response"].is_required()
    assert AgentStatePydantic.model_fields["remaining_steps"].default == 25
