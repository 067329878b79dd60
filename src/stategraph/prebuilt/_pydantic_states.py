"""Pydantic forms of the agent state (``pydantic`` extra), re-exported by ``chat_agent_executor``.

Pass one as ``create_react_agent(..., state_schema=AgentStatePydantic)`` (or subclass it to add
keys) when nodes should receive the state as a model instead of a dict.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel

from ..graph.message import add_messages
from ..managed import RemainingSteps

__all__ = ["AgentStatePydantic", "AgentStateWithStructuredResponsePydantic"]


class AgentStatePydantic(BaseModel):
    """The agent state as a pydantic model: the conversation and the steps left.

    >>> AgentStatePydantic(messages=[]).remaining_steps
    25
    """

    messages: Annotated[Sequence[Any], add_messages]
    remaining_steps: RemainingSteps = 25


class AgentStateWithStructuredResponsePydantic(AgentStatePydantic):
    """``AgentStatePydantic`` plus the ``structured_response`` of ``response_format``.

    >>> AgentStateWithStructuredResponsePydantic(messages=[], structured_response={"a": 1}).structured_response
    {'a': 1}
    """

    structured_response: Any = None
