"""Human review of tool calls through ``interrupt()``: the request/response shapes and a wrapper.

``add_human_in_the_loop(tool)`` returns a tool that, when the model calls it, pauses the run with
a ``HumanInterrupt`` and continues after ``Command(resume=HumanResponse)``: ``accept`` runs the
call as is, ``edit`` runs it with the reviewer's arguments, ``response`` answers the model with
the reviewer's text instead, ``ignore`` skips the call.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Literal, TypedDict

__all__ = ["HumanInterruptConfig", "ActionRequest", "HumanInterrupt", "HumanResponse", "add_human_in_the_loop"]


class HumanInterruptConfig(TypedDict):
    allow_ignore: bool
    allow_respond: bool
    allow_edit: bool
    allow_accept: bool


class ActionRequest(TypedDict):
    action: str
    args: dict[str, Any]


class HumanInterrupt(TypedDict):
    action_request: ActionRequest
    config: HumanInterruptConfig
    description: str | None


class HumanResponse(TypedDict):
    type: Literal["accept", "ignore", "response", "edit"]
    args: Any


_ALL: HumanInterruptConfig = {"allow_ignore": True, "allow_respond": True, "allow_edit": True, "allow_accept": True}


def _decide(name: str, kwargs: dict[str, Any], config: HumanInterruptConfig, description: str | None) -> Any:
    from ..types import interrupt

    request: HumanInterrupt = {"action_request": {"action": name, "args": kwargs}, "config": config,
                               "description": description}
    response = interrupt([request])
    if isinstance(response, list):
        response = response[0]
    kind = response.get("type") if isinstance(response, dict) else None
    allowed = {"accept": config["allow_accept"], "edit": config["allow_edit"],
               "response": config["allow_respond"], "ignore": config["allow_ignore"]}
    if not allowed.get(kind or ""):
        raise ValueError(f"Review of {name!r} got response {response!r}; allowed types: "
                         f"{[k for k, ok in allowed.items() if ok]}.")
    return response


def add_human_in_the_loop(tool: Any, *, interrupt_config: HumanInterruptConfig | None = None,
                          description: str | None = None) -> Any:
    """Wrap a plain-function tool (or a langchain ``StructuredTool``'s function) with a review step."""
    fn = getattr(tool, "func", None) or tool
    if not callable(fn) or inspect.iscoroutinefunction(fn):
        raise TypeError(f"add_human_in_the_loop needs a sync function tool, got {tool!r}.")
    config = interrupt_config or _ALL
    name = getattr(tool, "name", None) or fn.__name__

    @functools.wraps(fn)
    def reviewed(**kwargs: Any) -> Any:
        response = _decide(name, kwargs, config, description or f"Please review the call of {name!r}.")
        kind = response["type"]
        if kind == "accept":
            return fn(**kwargs)
        if kind == "edit":
            edited = response["args"]
            return fn(**(edited.get("args", edited) if isinstance(edited, dict) else kwargs))
        if kind == "response":
            return f"The user answered instead of running the tool: {response['args']}"
        return f"The user chose not to run {name!r}."

    reviewed.__name__ = name
    return reviewed
