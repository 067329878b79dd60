"""One shape for every tool the prebuilt agents run: plain functions and langchain-core tools.

``as_tool(obj)`` gives a ``Tool`` with the model-facing spec (injected arguments removed),
argument validation (failures raise ``ToolInvocationError``, which the default error handler
turns into an error message for the model) and ``run``/``arun`` returning the raw result.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ._injection import Injection, find_injections
from ._schema import describe, function_schema

__all__ = ["Tool", "ToolInvocationError", "as_tool", "tool_spec"]


class ToolInvocationError(Exception):
    """The model called a tool with arguments that do not fit its schema.

    By default ``ToolNode`` turns it into an error message for the model; with
    ``handle_tool_errors=False`` it propagates.

    Examples:
        >>> from stategraph.graph import START, MessagesState, StateGraph
        >>> from stategraph.messages import AIMessage
        >>> from stategraph.prebuilt import ToolInvocationError, ToolNode
        >>> def add(a: int, b: int) -> int:
        ...     '''Add two integers.'''
        ...     return a + b
        >>> node = ToolNode([add], handle_tool_errors=False)
        >>> graph = StateGraph(MessagesState).add_node("tools", node).add_edge(START, "tools").compile()
        >>> call = {"name": "add", "args": {"a": "two"}, "id": "call-1"}
        >>> try:
        ...     graph.invoke({"messages": [AIMessage("", tool_calls=[call])]})
        ... except ToolInvocationError as e:
        ...     print(type(e).__name__, e.tool_name, e.tool_kwargs)
        ...     print(e)
        ToolInvocationError add {'a': 'two'}
        Error invoking tool 'add' with kwargs {'a': 'two'} with error:
         a: Input should be a valid integer, unable to parse string as an integer
        b: Field required
         Please fix the error and try again.
    """

    def __init__(self, tool_name: str, args: Any, source: BaseException, injected: Iterable[str] = ()) -> None:
        super().__init__(
            f"Error invoking tool '{tool_name}' with kwargs {args} with error:\n"
            f" {_describe(source, set(injected))}\n Please fix the error and try again."
        )
        self.tool_name = tool_name
        self.tool_kwargs = args
        self.source = source


def _describe(source: BaseException, injected: set[str]) -> str:
    """A validation error as LangGraph shows it to the model: one 'loc: msg' line per problem.

    Problems with injected arguments are left out (the model cannot fix them); other errors
    are shown as they are.
    """
    errors = getattr(source, "errors", None)
    if not callable(errors):
        return str(source)
    try:
        details = [e for e in errors() if not (e.get("loc") and e["loc"][0] in injected)]
    except Exception:  # why: an ``errors`` attribute of another shape: show the error itself
        return str(source)
    return "\n".join(f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('msg', 'Unknown error')}"
                     for e in details)


def _is_langchain_tool(obj: Any) -> bool:
    return any(c.__name__ == "BaseTool" and c.__module__.startswith("langchain_core.") for c in type(obj).__mro__)


@dataclass
class Tool:
    """A runnable tool: name, description, model-facing JSON parameters, injected params."""

    name: str
    description: str
    parameters: dict[str, Any]
    injections: dict[str, Injection]
    source: Any
    validator: Any = None
    return_direct: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry for this tool."""
        return {"type": "function",
                "function": {"name": self.name, "description": self.description, "parameters": self.parameters}}

    def validate(self, args: dict[str, Any], injected: dict[str, Any]) -> dict[str, Any]:
        if self.validator is None:
            return {**args, **injected}
        try:
            return self.validator(args, injected)
        except Exception as exc:  # pydantic.ValidationError, TypeError from the plain checker
            raise ToolInvocationError(self.name, args, exc, self.injections) from exc

    def run(self, call: dict[str, Any], kwargs: dict[str, Any], config: Any) -> Any:
        if _is_langchain_tool(self.source):
            return _run_langchain(self.source, call, kwargs, config)
        fn = self.source
        if inspect.iscoroutinefunction(fn):
            return _run_coroutine(fn(**kwargs))
        return fn(**kwargs)

    async def arun(self, call: dict[str, Any], kwargs: dict[str, Any], config: Any) -> Any:
        if _is_langchain_tool(self.source):
            return await _arun_langchain(self.source, call, kwargs, config)
        fn = self.source
        if inspect.iscoroutinefunction(fn):
            return await fn(**kwargs)
        ctx = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(None, lambda: ctx.run(fn, **kwargs))


def _run_coroutine(coro: Any) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    coro.close()
    raise RuntimeError("An async tool was called from a sync ToolNode inside a running event loop: use ainvoke().")


def as_tool(obj: Any) -> Tool:
    """Wrap a plain function, a ``Tool`` or a langchain-core tool."""
    if isinstance(obj, Tool):
        return obj
    if _is_langchain_tool(obj):
        return _from_langchain(obj)
    if not callable(obj):
        raise ValueError(f"Tools must be functions or langchain-core tools, got {obj!r}.")  # LangGraph's type
    injections = find_injections(obj)
    schema = function_schema(obj, set(injections))
    summary, _ = describe(obj)

    def validate(args: dict[str, Any], injected: dict[str, Any]) -> dict[str, Any]:
        return {**schema.validate(args), **injected}

    return Tool(getattr(obj, "__name__", type(obj).__name__), summary, schema.parameters, injections, obj, validate)


def tool_spec(obj: Any) -> dict[str, Any]:
    """The OpenAI-style ``tools`` entry for a tool-like object or an already-built spec dict."""
    if isinstance(obj, dict):
        return obj if "function" in obj else {"type": "function", "function": obj}
    return as_tool(obj).spec()


# ---------------------------------------------------------------- langchain-core tools
def _from_langchain(obj: Any) -> Tool:
    from langchain_core.utils.function_calling import convert_to_openai_tool

    injections = {}
    for fn in (getattr(obj, "func", None), getattr(obj, "coroutine", None), getattr(obj, "_run", None)):
        injections.update(find_injections(fn))
    injections.update(_schema_injections(obj))
    params = dict(convert_to_openai_tool(obj)["function"].get("parameters") or {})
    props = {k: v for k, v in (params.get("properties") or {}).items() if k not in injections}
    params = {**params, "properties": props,
              "required": [r for r in params.get("required", []) if r not in injections]}
    schema = obj.args_schema if isinstance(obj.args_schema, type) else None

    def validate(args: dict[str, Any], injected: dict[str, Any]) -> dict[str, Any]:
        full = {**args, **injected}
        if schema is not None and hasattr(schema, "model_validate"):
            schema.model_validate(full)
        return full

    return Tool(obj.name, obj.description or "", params, injections, obj, validate,
                return_direct=bool(getattr(obj, "return_direct", False)))


def _schema_injections(obj: Any) -> dict[str, Injection]:
    from typing import Annotated

    from ._injection import _marker_of

    schema = obj.args_schema if isinstance(obj.args_schema, type) else None
    found = {}
    for name, info in (getattr(schema, "model_fields", None) or {}).items():
        ann = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        marker = _marker_of(ann)
        if marker is not None:
            found[name] = replace(marker, optional=not info.is_required())
    return found


def _boxed(obj: Any) -> Any:
    """A copy of a StructuredTool whose function results survive langchain's output coercion.

    langchain-core stringifies tool results that are not its own ``ToolOutputMixin`` when the tool
    is invoked with a tool call; stategraph's ``Command`` is not one, so we box it on the way out.
    """
    box = _box_class()
    update = {}
    for attr in ("func", "coroutine"):
        fn = getattr(obj, attr, None)
        if fn is None:
            continue
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def wrapped_async(*a: Any, _fn: Any = fn, **kw: Any) -> Any:
                return _box_commands(box, await _fn(*a, **kw))
            update[attr] = wrapped_async
        else:
            @functools.wraps(fn)
            def wrapped(*a: Any, _fn: Any = fn, **kw: Any) -> Any:
                return _box_commands(box, _fn(*a, **kw))
            update[attr] = wrapped
    return obj.model_copy(update=update) if update else obj


_BOX: list[Any] = []


def _box_commands(box: Any, result: Any) -> Any:
    from ..types import Command

    if isinstance(result, Command) or (isinstance(result, list) and any(isinstance(r, Command) for r in result)):
        return box(result)
    return result


def _box_class() -> Any:
    if not _BOX:
        from langchain_core.messages.tool import ToolOutputMixin

        class _Boxed(ToolOutputMixin):
            def __init__(self, value: Any) -> None:
                self.value = value

        _BOX.append(_Boxed)
    return _BOX[0]


def _unbox(result: Any) -> Any:
    if _BOX and isinstance(result, _BOX[0]):
        return result.value
    return result


def _run_langchain(obj: Any, call: dict[str, Any], kwargs: dict[str, Any], config: Any) -> Any:
    tool_call = {"name": call["name"], "args": kwargs, "id": call.get("id"), "type": "tool_call"}
    return _unbox(_boxed(obj).invoke(tool_call, _lc_config(config)))


async def _arun_langchain(obj: Any, call: dict[str, Any], kwargs: dict[str, Any], config: Any) -> Any:
    tool_call = {"name": call["name"], "args": kwargs, "id": call.get("id"), "type": "tool_call"}
    return _unbox(await _boxed(obj).ainvoke(tool_call, _lc_config(config)))


def _lc_config(config: Any) -> Any:
    if not config:
        return None
    return {k: v for k, v in config.items() if k in ("tags", "metadata", "callbacks", "run_name", "configurable",
                                                      "recursion_limit", "max_concurrency")}
