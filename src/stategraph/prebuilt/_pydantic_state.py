"""The pydantic forms of the agent states (imported on first use, so pydantic stays optional)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Union

import pydantic

from .._schema_description import publish_description
from ..graph.message import add_messages
from ..managed import RemainingSteps

__all__ = ["AgentStatePydantic", "AgentStateWithStructuredResponsePydantic"]

StructuredResponse = Union[dict, pydantic.BaseModel]  # noqa: UP007 - evaluated by pydantic at class time


class AgentStatePydantic(pydantic.BaseModel):
    """The default agent state as a pydantic model.

    Examples:
        Subclass it for a pydantic agent state; nodes and the prompt then get model instances:

        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.chat_agent_executor import AgentStatePydantic
        >>> from stategraph.testing import FakeChatModel
        >>> class State(AgentStatePydantic):
        ...     user_name: str = "guest"
        >>> def prompt(state: State) -> list:
        ...     return [("system", f"The user is {state.user_name}."), *state.messages]
        >>> model = FakeChatModel(["Hello, Ada!"])
        >>> agent = create_react_agent(model, [], state_schema=State, prompt=prompt)
        >>> out = agent.invoke({"messages": [("user", "Hi")], "user_name": "Ada"})
        >>> out["messages"][-1].content, model.calls[0][0].content
        ('Hello, Ada!', 'The user is Ada.')
        >>> AgentStatePydantic(messages=[]).remaining_steps
        25
    """

    messages: Annotated[Sequence[Any], add_messages]
    remaining_steps: RemainingSteps = 25


class AgentStateWithStructuredResponsePydantic(AgentStatePydantic):
    """The agent state with the structured response, as a pydantic model.

    As in LangGraph, ``structured_response`` is a required field here (a dict or a model).

    Examples:
        >>> import pydantic
        >>> from stategraph.prebuilt.chat_agent_executor import (
        ...     AgentStateWithStructuredResponsePydantic)
        >>> state = AgentStateWithStructuredResponsePydantic(
        ...     messages=[], structured_response={"city": "Paris", "sky": "sunny"})
        >>> state.structured_response, state.remaining_steps
        ({'city': 'Paris', 'sky': 'sunny'}, 25)
        >>> try:
        ...     AgentStateWithStructuredResponsePydantic(messages=[])
        ... except pydantic.ValidationError as e:
        ...     print([(err["loc"], err["type"]) for err in e.errors()])
        [(('structured_response',), 'missing')]
    """

    structured_response: StructuredResponse


publish_description(AgentStatePydantic, "The state of the agent.")
publish_description(AgentStateWithStructuredResponsePydantic, "The state of the agent with a structured response.")
