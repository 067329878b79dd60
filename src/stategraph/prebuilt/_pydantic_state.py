"""The pydantic forms of the agent states (imported on first use, so pydantic stays optional)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Union

import pydantic

from ..graph.message import add_messages
from ..managed import RemainingSteps

__all__ = ["AgentStatePydantic", "AgentStateWithStructuredResponsePydantic"]

StructuredResponse = Union[dict, pydantic.BaseModel]  # noqa: UP007 - evaluated by pydantic at class time


class AgentStatePydantic(pydantic.BaseModel):
    """The default agent state as a pydantic model."""

    messages: Annotated[Sequence[Any], add_messages]
    remaining_steps: RemainingSteps = 25


class AgentStateWithStructuredResponsePydantic(AgentStatePydantic):
    """The agent state with the structured response, as a pydantic model."""

    structured_response: StructuredResponse
