"""The nodes and routers create_react_agent wires together (model call, structured response).

Nodes are small objects with ``invoke``/``ainvoke`` so the engine runs them natively in both
sync and async graphs (no thread hop for async models).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..constants import END
from ..messages import SystemMessage, is_message, to_langchain
from ..messages._langchain import langchain_loaded
from ..pregel import _trace
from ..types import Send

__all__ = ["RunnableNode", "ModelCaller", "StructuredResponder", "state_messages", "last_ai", "pending_calls"]

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
    if callable(prompt):
        return list(prompt(state))
    raise TypeError(f"prompt must be a str, a system message, a callable or a runnable, got {prompt!r}.")


@dataclass
class ModelCaller:
    """The ``agent`` node: prompt + messages -> model -> one AI message (or 'need more steps')."""

    model: Any
    bind: Callable[[Any], Any]
    prompt: Any = None
    name: str | None = None
    return_direct: set[str] = field(default_factory=set)
    use_llm_input: bool = False

    def _input(self, state: Any) -> list[Any]:
        messages = state_messages(state)
        if self.use_llm_input and state_get(state, "llm_input_messages"):
            messages = list(state_get(state, "llm_input_messages"))
        return apply_prompt(self.prompt, state, messages)

    def _dynamic(self) -> bool:
        return callable(self.model) and not hasattr(self.model, "invoke")

    def _resolve(self, state: Any) -> Any:
        from ..runtime import get_runtime

        chosen = self.model(state, get_runtime())
        if inspect.isawaitable(chosen):
            raise TypeError("An async dynamic model function needs ainvoke()/astream() on the agent.")
        return self.bind(chosen)

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
        messages = for_model(model, self._input(state))
        if _trace.TRACER is None:
            response = await model.ainvoke(messages, config)
        else:
            with _trace.chat_span(model) as span:
                response = await model.ainvoke(messages, config)
                _trace.record_usage(span, response)
        return self._output(state, response)

    def _output(self, state: Any, response: Any) -> dict[str, Any]:
        if self.name is not None and getattr(response, "name", None) is None:
            response.name = self.name
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


@dataclass
class AgentRouter:
    """Where to go after the model (or the post-model hook) answered."""

    version: str
    tools_node: str | None
    after_answer: str
    entry: str
    handoffs: set[str] = field(default_factory=set)

    def __call__(self, state: Any) -> Any:
        messages = state_messages(state)
        pending = pending_calls(messages)
        if not pending or self.tools_node is None:
            last = messages[-1] if messages else None
            if getattr(last, "type", None) == "tool":
                return self.entry  # a post-model hook answered the calls itself
            return self.after_answer
        whole = len(pending) == len(last_ai(messages).tool_calls)
        if self.version == "v1" or (whole and any(c["name"] in self.handoffs for c in pending)):
            return self.tools_node  # handoffs run with their siblings so the answers travel together
        return [Send(self.tools_node, {"__type": "tool_call_with_context", "tool_call": c, "state": state})
                for c in pending]


def route_tool_responses(return_direct: set[str], entry: str) -> Callable[[Any], str]:
    def after_tools(state: Any) -> str:
        for m in reversed(state_messages(state)):
            if getattr(m, "type", None) != "tool":
                break
            if m.name in return_direct:
                return END
        return entry

    return after_tools
