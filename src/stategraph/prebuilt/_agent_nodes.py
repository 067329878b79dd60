"""The nodes and routers create_react_agent wires together (model call, structured response).

Nodes are small objects with ``invoke``/``ainvoke`` so the engine runs them natively in both
sync and async graphs (no thread hop for async models).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..constants import END
from ..errors import ErrorCode, create_error_message
from ..messages import SystemMessage, is_message, to_langchain
from ..messages._langchain import langchain_loaded
from ..pregel import _trace
from ..types import Send

__all__ = [
    "AgentRouter",
    "check_prompt",
    "ModelCaller",
    "PostHookRouter",
    "RunnableNode",
    "StructuredResponder",
    "last_ai",
    "pending_calls",
    "route_tool_responses",
    "state_messages",
    "validate_chat_history",
]

NEED_MORE_STEPS = "Sorry, need more steps to process this request."


class RunnableNode:
    """A node with a sync and an async body (either may be derived from the other)."""

    def __init__(self, name: str, func: Callable[[Any, Any], Any], afunc: Callable[[Any, Any], Any]) -> None:
        self.name = name
        self.func = func
        self.afunc = afunc

    def get_name(self) -> str:
        return self.name

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return self.func(input, config)

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        return await self.afunc(input, config)


def state_get(state: Any, key: str, default: Any = None) -> Any:
    if isinstance(state, dict):
        return state.get(key, default)
    return getattr(state, key, default)


def state_messages(state: Any, key: str = "messages") -> list[Any]:
    messages = state_get(state, key)
    if messages is None:
        raise ValueError(f"Expected the agent state to have {key!r} (a list of messages), got {state!r}.")
    return list(messages)


def last_ai(messages: Sequence[Any]) -> Any:
    return next((m for m in reversed(messages) if getattr(m, "type", None) == "ai"), None)


def pending_calls(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """Tool calls of the last AI message that no later tool message answers."""
    for i in range(len(messages) - 1, -1, -1):
        if getattr(messages[i], "type", None) == "ai":
            answered = {getattr(m, "tool_call_id", None) for m in messages[i + 1:]}
            return [c for c in messages[i].tool_calls if c.get("id") not in answered]
    return []


def _is_langchain(obj: Any) -> bool:
    return any(c.__module__.startswith("langchain") for c in type(obj).__mro__)


def for_model(model: Any, messages: list[Any]) -> list[Any]:
    """Messages in the model's own message model (langchain models get langchain messages)."""
    if not _is_langchain(model):
        return messages
    from ..messages import BaseMessage

    return [to_langchain(m) if isinstance(m, BaseMessage) else m for m in messages]


def system_message(text: str) -> Any:
    msg = SystemMessage(text)
    return to_langchain(msg) if langchain_loaded() else msg


def check_prompt(prompt: Any) -> None:
    """Refuse, when the agent is built, a prompt that is none of the accepted kinds."""
    if prompt is None or isinstance(prompt, str) or getattr(prompt, "type", None) == "system" \
            or hasattr(prompt, "invoke") or callable(prompt):
        return
    raise ValueError(f"prompt must be a str, a SystemMessage, a function of the state or a runnable; "
                     f"got {type(prompt).__name__} {prompt!r}.")


def apply_prompt(prompt: Any, state: Any, messages: list[Any]) -> list[Any]:
    if prompt is None:
        return messages
    if isinstance(prompt, str):
        return [system_message(prompt), *messages]
    if is_message(prompt):
        return [prompt, *messages]
    if hasattr(prompt, "invoke"):
        out = prompt.invoke(state)
        return list(out.to_messages()) if hasattr(out, "to_messages") else list(out)
    if inspect.iscoroutinefunction(prompt):
        raise TypeError("The agent's prompt is an async function but the agent was invoked synchronously: "
                        "use ainvoke()/astream(), or pass a sync prompt function.")
    if callable(prompt):
        return list(prompt(state))
    raise TypeError(f"prompt must be a str, a system message, a callable or a runnable, got {prompt!r}.")


def with_messages(state: Any, messages: list[Any]) -> Any:
    """The state the prompt sees: ``messages`` replaced by what the model gets (a copy)."""
    if isinstance(state, dict):
        return {**state, "messages": messages}
    if hasattr(state, "model_copy"):
        return state.model_copy(update={"messages": messages})
    clone = copy.copy(state)
    clone.messages = messages
    return clone


def validate_chat_history(messages: Sequence[Any]) -> None:
    """Refuse a history where an AI tool call has no tool message answering it."""
    answered = {getattr(m, "tool_call_id", None) for m in messages if getattr(m, "type", None) == "tool"}
    missing = [c for m in messages if getattr(m, "type", None) == "ai"
               for c in (getattr(m, "tool_calls", None) or []) if c.get("id") not in answered]
    if missing:
        raise ValueError(create_error_message(
            message=f"The agent's history has AI tool calls without a ToolMessage answering them: {missing[:3]}. "
                    "Every tool call needs a ToolMessage with its tool_call_id before the model is called again; "
                    "add the missing answers (e.g. with update_state) or remove the calls.",
            error_code=ErrorCode.INVALID_CHAT_HISTORY))


@dataclass
class ModelCaller:
    """The ``agent`` node: prompt + messages -> model -> one AI message (or 'need more steps')."""

    model: Any
    bind: Callable[[Any], Any]
    prompt: Any = None
    name: str | None = None
    return_direct: set[str] = field(default_factory=set)
    use_llm_input: bool = False

    def _messages(self, state: Any) -> list[Any]:
        messages = state_messages(state)
        if self.use_llm_input and state_get(state, "llm_input_messages"):
            messages = list(state_get(state, "llm_input_messages"))
        validate_chat_history(messages)
        return messages

    def _input(self, state: Any) -> list[Any]:
        messages = self._messages(state)
        return apply_prompt(self.prompt, with_messages(state, messages), messages)

    async def _ainput(self, state: Any) -> list[Any]:
        if not inspect.iscoroutinefunction(self.prompt):
            return self._input(state)
        messages = self._messages(state)
        return list(await self.prompt(with_messages(state, messages)))

    def _dynamic(self) -> bool:
        return callable(self.model) and not hasattr(self.model, "invoke")

    def _resolve(self, state: Any) -> Any:
        from ..runtime import get_runtime

        if inspect.iscoroutinefunction(self.model):
            raise RuntimeError("The agent's model is an async function but the agent was invoked synchronously: "
                               "use ainvoke()/astream(), or pass a sync model function.")
        return self.bind(self.model(state, get_runtime()))

    async def _aresolve(self, state: Any) -> Any:
        from ..runtime import get_runtime

        chosen = self.model(state, get_runtime())
        if inspect.isawaitable(chosen):
            chosen = await chosen
        return self.bind(chosen)

    def __call__(self, state: Any, config: Any) -> Any:
        model = self._resolve(state) if self._dynamic() else self.model
        messages = for_model(model, self._input(state))
        if _trace.TRACER is None:
            response = model.invoke(messages, config)
        else:
            with _trace.chat_span(model) as span:
                response = model.invoke(messages, config)
                _trace.record_usage(span, response)
        return self._output(state, response)

    async def acall(self, state: Any, config: Any) -> Any:
        model = await self._aresolve(state) if self._dynamic() else self.model
        messages = for_model(model, await self._ainput(state))
        if _trace.TRACER is None:
            response = await model.ainvoke(messages, config)
        else:
            with _trace.chat_span(model) as span:
                response = await model.ainvoke(messages, config)
                _trace.record_usage(span, response)
        return self._output(state, response)

    def _output(self, state: Any, response: Any) -> dict[str, Any]:
        response.name = self.name  # LangGraph stamps the agent's name (None included) on every reply
        calls = list(getattr(response, "tool_calls", None) or [])
        remaining = state_get(state, "remaining_steps")
        all_direct = bool(calls) and all(c["name"] in self.return_direct for c in calls)
        out_of_steps = remaining is not None and ((remaining < 1 and all_direct) or (remaining < 2 and bool(calls)))
        if out_of_steps:
            from ..messages import AIMessage

            stop = AIMessage(NEED_MORE_STEPS, id=response.id)
            return {"messages": [to_langchain(stop) if langchain_loaded() else stop]}
        return {"messages": [response]}


@dataclass
class StructuredResponder:
    """The ``generate_structured_response`` node: one structured-output call over the history."""

    model: Any
    response_format: Any

    def _prepare(self, state: Any) -> tuple[Any, list[Any]]:
        schema, messages = self.response_format, state_messages(state)
        model = self.model
        if callable(model) and not hasattr(model, "invoke"):  # dynamic model: pick it for this state
            from ..runtime import get_runtime

            model = model(state, get_runtime())
        if isinstance(schema, tuple):
            system, schema = schema
            messages = [system_message(system) if isinstance(system, str) else system, *messages]
        return model.with_structured_output(schema), for_model(model, messages)

    def __call__(self, state: Any, config: Any) -> dict[str, Any]:
        runnable, messages = self._prepare(state)
        return {"structured_response": runnable.invoke(messages, config)}

    async def acall(self, state: Any, config: Any) -> dict[str, Any]:
        runnable, messages = self._prepare(state)
        return {"structured_response": await runnable.ainvoke(messages, config)}


def _is_ai(message: Any) -> bool:
    return getattr(message, "type", None) in ("ai", "AIMessageChunk")


def _sends(tools_node: str, calls: Sequence[dict[str, Any]], state: Any) -> list[Send]:
    return [Send(tools_node, {"__type": "tool_call_with_context", "tool_call": c, "state": state}) for c in calls]


@dataclass
class AgentRouter:
    """Where to go after the model answered: the hook, the tools, the structured response or END.

    Mirrors LangGraph: only the *last* message counts; v1 runs the whole turn in one ``tools``
    task, v2 sends each call of the turn as its own task (handoffs keep the turn together).
    """

    version: str
    tools_node: str | None
    after_answer: str
    post_hook: str | None = None
    handoffs: set[str] = field(default_factory=set)

    def __call__(self, state: Any) -> Any:
        last = state_messages(state)[-1]
        calls = list(getattr(last, "tool_calls", None) or []) if _is_ai(last) else []
        if not calls:
            return self.post_hook or self.after_answer
        if self.version == "v1" or self.tools_node is None:
            return self.tools_node
        if self.post_hook is not None:
            return self.post_hook
        if any(c["name"] in self.handoffs for c in calls):
            return self.tools_node  # handoffs run with their siblings so the answers travel together
        return _sends(self.tools_node, calls, state)


@dataclass
class PostHookRouter:
    """Where to go after the post-model hook: pending calls, back to the entry, or the answer."""

    tools_node: str
    after_answer: str
    entry: str

    def __call__(self, state: Any) -> Any:
        messages = state_messages(state)
        answered = {getattr(m, "tool_call_id", None) for m in messages if getattr(m, "type", None) == "tool"}
        ai = last_ai(messages)
        if ai is None:
            raise ValueError("The post-model hook's state has no AI message to route on.")
        pending = [c for c in ai.tool_calls if c.get("id") not in answered]
        if pending:
            return _sends(self.tools_node, pending, state)
        if getattr(messages[-1], "type", None) == "tool":
            return self.entry  # the hook answered the calls itself: ask the model again
        return self.after_answer


def route_tool_responses(return_direct: set[str], entry: str) -> Callable[[Any], str]:
    def after_tools(state: Any) -> str:
        message = None
        for message in reversed(state_messages(state)):
            if getattr(message, "type", None) != "tool":
                break
            if message.name in return_direct:
                return END
        if _is_ai(message) and any(c["name"] in return_direct for c in message.tool_calls):
            return END
        return entry

    return after_tools
