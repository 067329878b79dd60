"""ToolNode: run the tool calls of the last AI message (in parallel) and answer each one.

Accepted inputs: a state (dict or object) whose ``messages_key`` ends with an AI message, a list
of messages, or a ``ToolCallWithContext`` dict sent with ``Send`` (one call per task).  The
output is ``{messages_key: [tool messages]}`` (a list for list input), or Commands when tools
return them; see ``_outputs`` for how handoffs keep the history valid.
"""

# why: over 400 lines only through the runnable docstring examples of its five public names;
# the code itself is about 300 lines, one concept (running tool calls)
from __future__ import annotations

import asyncio
import contextvars
import inspect
import types
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Literal, TypedDict, Union, get_args, get_origin, get_type_hints

from ..errors import ErrorCode, GraphBubbleUp, coded, is_invalid_resume
from ..pregel import _trace
from ..types import Command
from ._injection import InjectedState, InjectedStore, ToolRuntime, adopt_langchain_base, resolve
from ._outputs import fold_parent_command, result_to_output, tool_message
from ._tools import Tool, ToolInvocationError, as_tool

__all__ = [
    "InjectedState",
    "InjectedStore",
    "ToolCallRequest",
    "ToolCallWithContext",
    "ToolNode",
    "ToolRuntime",
    "msg_content_output",
    "tools_condition",
]

_DEFAULT = object()
TOOL_CALL_ERROR_TEMPLATE = "Error: {error}\n Please fix your mistakes."


class ToolCallWithContext(TypedDict):
    """What create_react_agent(version="v2") sends to the tools node: one call plus the state.

    Examples:
        Send each tool call to the ToolNode as its own task:

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ToolNode
        >>> from stategraph.prebuilt.tool_node import ToolCallWithContext
        >>> from stategraph.types import Send
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> def one_task_per_call(state: MessagesState) -> list[Send]:
        ...     sends = []
        ...     for call in state["messages"][-1].tool_calls:
        ...         task: ToolCallWithContext = {
        ...             "__type": "tool_call_with_context", "tool_call": call, "state": state}
        ...         sends.append(Send("tools", task))
        ...     return sends
        >>> graph = (StateGraph(MessagesState).add_node("tools", ToolNode([add]))
        ...          .add_conditional_edges(START, one_task_per_call, ["tools"]).compile())
        >>> calls = [{"name": "add", "args": {"a": 1, "b": 2}, "id": "call-1"},
        ...          {"name": "add", "args": {"a": 3, "b": 4}, "id": "call-2"}]
        >>> out = graph.invoke({"messages": [AIMessage("", tool_calls=calls)]})
        >>> [(m.tool_call_id, m.content) for m in out["messages"][1:]]
        [('call-1', '3'), ('call-2', '7')]
    """

    __type: Literal["tool_call_with_context"]
    tool_call: dict[str, Any]
    state: Any


@dataclass
class ToolCallRequest:
    """One tool call as seen by ``wrap_tool_call`` middleware.

    Examples:
        Middleware sees the request and may run a changed copy of it (``override``):

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ToolCallRequest, ToolNode
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> def doubled(request: ToolCallRequest, execute):
        ...     print("running", request.tool.__name__, "for", request.runtime.tool_call_id)
        ...     args = {k: v * 2 for k, v in request.tool_call["args"].items()}
        ...     return execute(request.override(tool_call={**request.tool_call, "args": args}))
        >>> node = ToolNode([add], wrap_tool_call=doubled)
        >>> graph = StateGraph(MessagesState).add_node("tools", node).add_edge(START, "tools").compile()
        >>> call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call-1"}
        >>> graph.invoke({"messages": [AIMessage("", tool_calls=[call])]})["messages"][-1].content
        running add for call-1
        '6'
    """

    tool_call: dict[str, Any]
    tool: Any
    state: Any
    runtime: ToolRuntime[Any, Any]

    def override(self, **changes: Any) -> ToolCallRequest:
        return replace(self, **changes)


def msg_content_output(output: Any) -> Any:
    """The content a tool message gets for a tool's return value.

    Text and lists of content blocks are kept; anything else becomes JSON (or ``str``).

    Examples:
        >>> from stategraph.prebuilt.tool_node import msg_content_output
        >>> msg_content_output("sunny")
        'sunny'
        >>> msg_content_output({"temp": 21, "unit": "°C"})
        '{"temp": 21, "unit": "°C"}'
        >>> msg_content_output([{"type": "text", "text": "sunny"}])
        [{'type': 'text', 'text': 'sunny'}]
        >>> msg_content_output(["a", "b"]), msg_content_output({1})
        ('["a", "b"]', '{1}')
    """
    from ._outputs import _content

    return _content(output)


def _error_types(handler: Callable[..., Any]) -> tuple[type[BaseException], ...]:
    try:
        params = list(inspect.signature(handler).parameters.values())
        hints = get_type_hints(handler)
    except (TypeError, ValueError, NameError):
        return (Exception,)
    ann = hints.get(params[0].name) if params else None
    if ann is None:
        return (Exception,)
    if get_origin(ann) in (Union, types.UnionType):
        return tuple(a for a in get_args(ann) if isinstance(a, type))
    return (ann,) if isinstance(ann, type) else (Exception,)


class ToolNode:
    """A graph node that executes tool calls; see the module docstring.

    Examples:
        The calls of the last AI message run in parallel, each answered by a tool message;
        arguments that do not fit the tool's signature come back as an error for the model:

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ToolNode
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> tools = ToolNode([add])
        >>> tools.tool_specs[0]["function"]["parameters"]["required"]
        ['a', 'b']
        >>> graph = StateGraph(MessagesState).add_node("tools", tools).add_edge(START, "tools").compile()
        >>> calls = [{"name": "add", "args": {"a": 2, "b": 3}, "id": "call-1"},
        ...          {"name": "add", "args": {"a": "two", "b": 3}, "id": "call-2"}]
        >>> for m in graph.invoke({"messages": [AIMessage("", tool_calls=calls)]})["messages"][1:]:
        ...     print(m.tool_call_id, m.status, m.content.splitlines()[0])
        call-1 success 5
        call-2 error Error invoking tool 'add' with kwargs {'a': 'two', 'b': 3} with error:
    """

    def __init__(
        self,
        tools: Sequence[Any],
        *,
        name: str = "tools",
        tags: list[str] | None = None,
        handle_tool_errors: Any = _DEFAULT,
        messages_key: str = "messages",
        wrap_tool_call: Callable[..., Any] | None = None,
        awrap_tool_call: Callable[..., Any] | None = None,
    ) -> None:
        self.name = name
        self.tags = list(tags or [])
        self.handle_tool_errors = handle_tool_errors
        self.messages_key = messages_key
        self.wrap_tool_call = wrap_tool_call
        self.awrap_tool_call = awrap_tool_call
        self._tools: dict[str, Tool] = {}
        self.tools_by_name: dict[str, Any] = {}
        adopt_langchain_base()  # langchain tools given: their schemas must hide injected args
        for obj in tools:
            tool = as_tool(obj)
            self._tools[tool.name] = tool
            self.tools_by_name[tool.name] = obj

    def get_name(self) -> str:
        return self.name

    @property
    def tool_specs(self) -> list[dict[str, Any]]:
        """The OpenAI-style tool specs to bind to a chat model (injected args hidden)."""
        return [t.spec() for t in self._tools.values()]

    def tool(self, name: str) -> Tool | None:
        return self._tools.get(name)

    # ------------------------------------------------------------ input
    def _parse(self, value: Any) -> tuple[list[dict[str, Any]], Any, str]:
        """(tool calls, state for injection, input kind 'dict' | 'list' | 'call')."""
        if isinstance(value, dict) and value.get("__type") == "tool_call_with_context":
            return [value["tool_call"]], value.get("state"), "call"
        if isinstance(value, list):
            messages, kind = value, "list"
        elif isinstance(value, dict):
            messages, kind = value.get(self.messages_key, []), "dict"
        else:
            messages, kind = getattr(value, self.messages_key, None) or [], "dict"
        last_ai = next(
            (m for m in reversed(messages) if getattr(m, "type", None) in ("ai", "AIMessageChunk")),
            None,
        )
        if last_ai is None:
            raise ValueError(
                f"ToolNode '{self.name}' found no AI message in its input's {self.messages_key!r}: "
                "it runs the tool calls of the last AI message."
            )
        return list(last_ai.tool_calls), value, kind

    def _runtime(self, config: Any) -> tuple[Any, Any]:
        from ..pregel._context import CURRENT_TASK

        task = CURRENT_TASK.get()
        if task is None:
            raise coded(
                ValueError,
                f"ToolNode '{self.name}' was invoked outside a running graph: it needs the graph's runtime "
                "(store, context, stream writer). Add it as a node of a StateGraph, or call it from inside a node.",
                ErrorCode.RUN_OUTSIDE_CONTEXT,
            )
        return task.runtime, (config if config is not None else task.config)

    def _request(
        self, call: dict[str, Any], state: Any, runtime: Any, config: Any
    ) -> ToolCallRequest:
        tool = self._tools.get(call["name"])
        tool_runtime: ToolRuntime[Any, Any] = ToolRuntime(
            state=state,
            context=runtime.context,
            config=config or {},
            stream_writer=runtime.stream_writer,
            tool_call_id=call.get("id"),
            store=runtime.store,
            tools=list(self.tools_by_name.values()),
            execution_info=runtime.execution_info,
            server_info=runtime.server_info,
        )
        return ToolCallRequest(
            tool_call=call, tool=tool.source if tool else None, state=state, runtime=tool_runtime
        )

    # ------------------------------------------------------------ errors
    def _on_error(self, exc: Exception, call: dict[str, Any]) -> Any:
        if is_invalid_resume(exc):  # a bad resume value: the model cannot fix it, fail the run
            raise exc
        mode = self.handle_tool_errors
        if mode is _DEFAULT:
            if not isinstance(exc, ToolInvocationError):
                raise exc
            content = str(exc)
        elif mode is True:
            content = TOOL_CALL_ERROR_TEMPLATE.format(error=repr(exc))
        elif mode is False:
            raise exc
        elif isinstance(mode, str):
            content = mode
        elif isinstance(mode, type) or (
            isinstance(mode, tuple) and all(isinstance(t, type) for t in mode)
        ):
            if not isinstance(exc, mode):
                raise exc
            content = TOOL_CALL_ERROR_TEMPLATE.format(error=repr(exc))
        elif callable(mode):
            if not isinstance(exc, _error_types(mode)):
                raise exc
            content = str(mode(exc))
        else:
            raise TypeError(
                f"handle_tool_errors must be a bool, str, exception type(s) or callable, got {mode!r}."
            )
        return tool_message(
            content, name=call["name"], tool_call_id=call.get("id") or "", status="error"
        )

    def _unknown(self, call: dict[str, Any]) -> Any:
        names = ", ".join(self._tools)
        return tool_message(
            f"Error: {call['name']} is not a valid tool, try one of [{names}].",
            name=call["name"],
            tool_call_id=call.get("id") or "",
            status="error",
        )

    def _kwargs(self, request: ToolCallRequest) -> dict[str, Any]:
        tool = self._tools[request.tool_call["name"]]
        injected = {
            p: resolve(inj, state=request.state, runtime=request.runtime)
            for p, inj in tool.injections.items()
        }
        return tool.validate(dict(request.tool_call.get("args") or {}), injected)

    # ------------------------------------------------------------ sync execution
    def _execute(self, request: ToolCallRequest) -> Any:
        call = request.tool_call
        if call.get("name") not in self._tools:
            return self._unknown(call)  # a wrapper may have renamed it, or it was unknown
        try:
            tool = self._tools[call["name"]]
            kwargs, config = self._kwargs(request), request.runtime.config
            if _trace.TRACER is None:
                result = tool.run(call, kwargs, config)
            else:
                with _trace.tool_span(call):
                    result = tool.run(call, kwargs, config)
            return result_to_output(result, call, self.messages_key)
        except GraphBubbleUp:
            raise
        except Exception as exc:
            return self._on_error(exc, call)

    def _run_one(self, call: dict[str, Any], state: Any, runtime: Any, config: Any) -> Any:
        if self.wrap_tool_call is None and call.get("name") not in self._tools:
            return self._unknown(call)
        request = self._request(
            call, state, runtime, config
        )  # wrappers see unknown tools too (tool=None)
        if self.wrap_tool_call is not None:
            return self.wrap_tool_call(request, self._execute)
        return self._execute(request)

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        calls, state, kind = self._parse(input)
        runtime, config = self._runtime(config)
        if len(calls) <= 1:
            outputs = [self._run_one(c, state, runtime, config) for c in calls]
        else:
            with ThreadPoolExecutor(
                max_workers=min(len(calls), (config or {}).get("max_concurrency") or 32)
            ) as pool:
                futures = [
                    pool.submit(
                        contextvars.copy_context().run, self._run_one, c, state, runtime, config
                    )
                    for c in calls
                ]
                outputs = [f.result() for f in futures]
        return self._combine(outputs, calls, kind)

    # ------------------------------------------------------------ async execution
    async def _aexecute(self, request: ToolCallRequest) -> Any:
        call = request.tool_call
        if call.get("name") not in self._tools:
            return self._unknown(call)  # a wrapper may have renamed it, or it was unknown
        try:
            tool = self._tools[call["name"]]
            kwargs, config = self._kwargs(request), request.runtime.config
            if _trace.TRACER is None:
                result = await tool.arun(call, kwargs, config)
            else:
                with _trace.tool_span(call):
                    result = await tool.arun(call, kwargs, config)
            return result_to_output(result, call, self.messages_key)
        except GraphBubbleUp:
            raise
        except Exception as exc:
            return self._on_error(exc, call)

    async def _arun_one(self, call: dict[str, Any], state: Any, runtime: Any, config: Any) -> Any:
        wrapped = self.awrap_tool_call is not None or self.wrap_tool_call is not None
        if not wrapped and call.get("name") not in self._tools:
            return self._unknown(call)
        request = self._request(
            call, state, runtime, config
        )  # wrappers see unknown tools too (tool=None)
        if self.awrap_tool_call is not None:
            return await self.awrap_tool_call(request, self._aexecute)
        if self.wrap_tool_call is not None:
            return self.wrap_tool_call(request, self._execute)
        return await self._aexecute(request)

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        calls, state, kind = self._parse(input)
        runtime, config = self._runtime(config)
        outputs = await asyncio.gather(*(self._arun_one(c, state, runtime, config) for c in calls))
        return self._combine(list(outputs), calls, kind)

    # ------------------------------------------------------------ output
    def _combine(self, outputs: list[Any], calls: list[dict[str, Any]], kind: str) -> Any:
        flat_outputs = [o[0] if isinstance(o, list) and len(o) == 1 else o for o in outputs]
        if any(isinstance(o, Command) and o.graph == Command.PARENT for o in flat_outputs):
            return fold_parent_command(flat_outputs, calls, self.messages_key)
        items = [item for out in outputs for item in (out if isinstance(out, list) else [out])]
        if not any(isinstance(item, Command) for item in items):
            return items if kind == "list" else {self.messages_key: items}
        # with Commands: one update per call, in call order (LangGraph's shape), so the state and
        # the updates stream list each tool's writes where its call was
        return [
            item
            if isinstance(item, Command)
            else ([item] if kind == "list" else {self.messages_key: [item]})
            for item in items
        ]


def tools_condition(state: Any, messages_key: str = "messages") -> Literal["tools", "__end__"]:
    """Route to "tools" when the last message is an AI message with tool calls, else to END.

    Examples:
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import tools_condition
        >>> call = {"name": "add", "args": {"a": 2, "b": 3}, "id": "call-1"}
        >>> tools_condition({"messages": [AIMessage("", tool_calls=[call])]})
        'tools'
        >>> tools_condition({"messages": [AIMessage("2 + 3 = 5")]})
        '__end__'

        The usual agent loop: the model's node routes with it, the tools answer back:

        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.prebuilt import ToolNode
        >>> from stategraph.testing import FakeChatModel, ai, call
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> model = FakeChatModel([ai("", call("add", {"a": 2, "b": 3}, "call-1")), "2 + 3 = 5"])
        >>> def agent(state: MessagesState) -> dict:
        ...     return {"messages": [model.invoke(state["messages"])]}
        >>> builder = StateGraph(MessagesState).add_node("agent", agent).add_node("tools", ToolNode([add]))
        >>> _ = builder.add_edge(START, "agent").add_conditional_edges("agent", tools_condition)
        >>> graph = builder.add_edge("tools", "agent").compile()
        >>> out = graph.invoke({"messages": [("user", "What is 2 + 3?")]})
        >>> [m.type for m in out["messages"]], out["messages"][-1].content
        (['human', 'ai', 'tool', 'ai'], '2 + 3 = 5')
    """
    if isinstance(state, list):
        messages = state
    elif isinstance(state, dict):
        messages = state.get(messages_key, [])
    else:
        messages = getattr(state, messages_key, [])
    if not messages:
        raise ValueError(
            f"No messages found in input state to tools_condition (key {messages_key!r})."
        )
    last = messages[-1]
    return "tools" if getattr(last, "tool_calls", None) else "__end__"
