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
    """Which answers the reviewer may give: accept, edit, respond (answer instead) or ignore.

    Examples:
        Allow only accepting or skipping the call; another answer fails the run:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.interrupt import HumanInterruptConfig, add_human_in_the_loop
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> from stategraph.types import Command
        >>> def book_hotel(city: str) -> str:
        ...     '''Book a hotel.'''
        ...     return f"Booked a hotel in {city}."
        >>> model = FakeChatModel([ai("", call("book_hotel", {"city": "Paris"}, "call-1")), "Done."])
        >>> yes_or_no: HumanInterruptConfig = {
        ...     "allow_accept": True, "allow_ignore": True, "allow_edit": False, "allow_respond": False}
        >>> tool = add_human_in_the_loop(book_hotel, interrupt_config=yes_or_no)
        >>> agent = create_react_agent(model, [tool], checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "review-1"}}
        >>> _ = agent.invoke({"messages": [("user", "Book a hotel in Paris")]}, config)
        >>> try:
        ...     agent.invoke(Command(resume=[{"type": "response", "args": "Lyon!"}]), config)
        ... except ValueError as e:
        ...     print(e)
        Review of 'book_hotel' got response {'type': 'response', 'args': 'Lyon!'}; allowed types:
        ['accept', 'ignore'].
        >>> out = agent.invoke(Command(resume=[{"type": "ignore", "args": None}]), config)
        >>> out["messages"][-2].content
        "The user chose not to run 'book_hotel'."
    """

    allow_ignore: bool
    allow_respond: bool
    allow_edit: bool
    allow_accept: bool


class ActionRequest(TypedDict):
    """The call under review: the tool's name and its arguments.

    Examples:
        The reviewer finds it in the interrupt, and sends one back to edit the call:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.interrupt import ActionRequest, add_human_in_the_loop
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> from stategraph.types import Command
        >>> def book_hotel(city: str) -> str:
        ...     '''Book a hotel.'''
        ...     return f"Booked a hotel in {city}."
        >>> model = FakeChatModel([ai("", call("book_hotel", {"city": "Paris"}, "call-1")), "Done."])
        >>> agent = create_react_agent(model, [add_human_in_the_loop(book_hotel)],
        ...                            checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "review-1"}}
        >>> out = agent.invoke({"messages": [("user", "Book a hotel in Paris")]}, config)
        >>> out["__interrupt__"][0].value[0]["action_request"]
        {'action': 'book_hotel', 'args': {'city': 'Paris'}}
        >>> edited: ActionRequest = {"action": "book_hotel", "args": {"city": "Lyon"}}
        >>> out = agent.invoke(Command(resume=[{"type": "edit", "args": edited}]), config)
        >>> out["messages"][-2].content
        'Booked a hotel in Lyon.'
    """

    action: str
    args: dict[str, Any]


class HumanInterrupt(TypedDict):
    """What the run pauses with (a list of one): the call, the allowed answers, a description.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.interrupt import HumanInterrupt, add_human_in_the_loop
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> from stategraph.types import Command
        >>> def book_hotel(city: str) -> str:
        ...     '''Book a hotel.'''
        ...     return f"Booked a hotel in {city}."
        >>> model = FakeChatModel([ai("", call("book_hotel", {"city": "Paris"}, "call-1")), "Done."])
        >>> tool = add_human_in_the_loop(book_hotel, description="Book this hotel?")
        >>> agent = create_react_agent(model, [tool], checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "review-1"}}
        >>> out = agent.invoke({"messages": [("user", "Book a hotel in Paris")]}, config)
        >>> request: HumanInterrupt = out["__interrupt__"][0].value[0]
        >>> request["description"], request["action_request"]["args"], request["config"]["allow_edit"]
        ('Book this hotel?', {'city': 'Paris'}, True)
    """

    action_request: ActionRequest
    config: HumanInterruptConfig
    description: str | None


class HumanResponse(TypedDict):
    """The reviewer's answer, sent with ``Command(resume=[response])``.

    ``type`` is ``accept`` (``args`` unused), ``edit`` (``args`` an ``ActionRequest``),
    ``response`` (``args`` the text for the model) or ``ignore``.

    Examples:
        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.interrupt import HumanResponse, add_human_in_the_loop
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> from stategraph.types import Command
        >>> def book_hotel(city: str) -> str:
        ...     '''Book a hotel.'''
        ...     return f"Booked a hotel in {city}."
        >>> model = FakeChatModel([ai("", call("book_hotel", {"city": "Paris"}, "call-1")), "Done."])
        >>> agent = create_react_agent(model, [add_human_in_the_loop(book_hotel)],
        ...                            checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "review-1"}}
        >>> _ = agent.invoke({"messages": [("user", "Book a hotel in Paris")]}, config)
        >>> answer: HumanResponse = {"type": "response", "args": "Not Paris, Lyon please."}
        >>> out = agent.invoke(Command(resume=[answer]), config)
        >>> out["messages"][-2].content
        'The user answered instead of running the tool: Not Paris, Lyon please.'
    """

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
    """Wrap a plain-function tool (or a langchain ``StructuredTool``'s function) with a review step.

    Examples:
        The run pauses before the tool runs; accepting runs it as the model asked:

        >>> from stategraph.checkpoint.memory import InMemorySaver
        >>> from stategraph.prebuilt import create_react_agent
        >>> from stategraph.prebuilt.interrupt import add_human_in_the_loop
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> from stategraph.types import Command
        >>> def book_hotel(city: str) -> str:
        ...     '''Book a hotel.'''
        ...     return f"Booked a hotel in {city}."
        >>> model = FakeChatModel([ai("", call("book_hotel", {"city": "Paris"}, "call-1")), "Done."])
        >>> agent = create_react_agent(model, [add_human_in_the_loop(book_hotel)],
        ...                            checkpointer=InMemorySaver())
        >>> config = {"configurable": {"thread_id": "review-1"}}
        >>> out = agent.invoke({"messages": [("user", "Book a hotel in Paris")]}, config)
        >>> out["__interrupt__"][0].value[0]["description"]
        "Please review the call of 'book_hotel'."
        >>> out = agent.invoke(Command(resume=[{"type": "accept", "args": None}]), config)
        >>> [m.content for m in out["messages"][-2:]]
        ['Booked a hotel in Paris.', 'Done.']
    """
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
