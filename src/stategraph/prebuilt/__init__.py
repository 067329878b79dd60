"""Prebuilt agents and tool execution, built only from the public graph API.

``ToolNode``/``tools_condition`` run tools; ``create_react_agent`` builds a tool-calling agent;
``stategraph.prebuilt.supervisor`` and ``stategraph.prebuilt.swarm`` build multi-agent teams.
Works with langchain-core models, tools and messages, or with stategraph's own.
"""

from typing import Any

from ._injection import InjectedState as InjectedState
from ._injection import InjectedStore as InjectedStore
from ._injection import ToolRuntime as ToolRuntime
from ._tools import ToolInvocationError as ToolInvocationError
from .tool_node import ToolCallRequest as ToolCallRequest
from .tool_node import ToolNode as ToolNode
from .tool_node import tools_condition as tools_condition

__all__ = [
    "InjectedState",
    "InjectedStore",
    "ToolCallRequest",
    "ToolInvocationError",
    "ToolNode",
    "ToolRuntime",
    "ValidationNode",
    "create_react_agent",
    "tools_condition",
]


def __getattr__(name: str) -> Any:
    # the agent factory pulls in the graph builder and models; import it only when asked for
    if name == "create_react_agent":
        from .chat_agent_executor import create_react_agent

        return create_react_agent
    if name == "ValidationNode":
        from .validation import ValidationNode

        return ValidationNode
    raise AttributeError(f"module 'stategraph.prebuilt' has no attribute {name!r}")
