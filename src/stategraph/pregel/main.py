"""Pregel: the compiled, runnable graph (invoke/stream in sync and async, state access, batch)."""

# why: over the 400-line target: this is the public compat surface, one thin method per
# LangGraph name in both its sync and async form; each delegates to the driver, _state or _stream.

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from ..channels._restore import make_restorer
from ..channels.base import MISSING, BaseChannel
from ..channels.binop import BinaryOperatorAggregate
from ..channels.last_value import LastValue, LastValueAfterFinish
from ..channels.named_barrier_value import NamedBarrierValue
from ..channels.untracked_value import UntrackedValue
from ..constants import INTERRUPT, TASKS
from ..errors import ErrorCode, InvalidUpdateError
from ..types import RetryPolicy, Send, ensure_valid_checkpointer
from . import _sync_driver
from ._node import NodeBuilder, PregelNode
from ._prepare import make_loop
from ._print import atee, print_modes, tee, with_print_modes
from ._stream import make_formatter, normalize_modes

_QUIET = (LastValue, LastValueAfterFinish, BinaryOperatorAggregate, NamedBarrierValue, UntrackedValue)


# why: one class is LangGraph's public surface (run, stream, state, cache, drawing); each
# method is short and most delegate to their own modules (_prepare, _state, _draw), so the length
# is the surface itself rather than logic that would read better split.
class Pregel:
    """A graph of nodes over channels, run in bulk-synchronous supersteps.

    In each step every node whose trigger channels changed runs on the values of the
    last step; their writes are applied together at the end of the step.  The run
    ends when no node is triggered.  ``StateGraph.compile()`` builds one of these.

    Examples:
        Two steps: ``split`` runs on the input, then ``count`` on what ``split`` wrote:

        >>> from stategraph.channels import EphemeralValue, LastValue
        >>> from stategraph.pregel import NodeBuilder, Pregel
        >>> split = NodeBuilder().subscribe_only("text").do(str.split).write_to("words")
        >>> count = NodeBuilder().subscribe_only("words").do(len).write_to("total")
        >>> app = Pregel(
        ...     nodes={"split": split, "count": count},
        ...     channels={"text": EphemeralValue(str), "words": LastValue(list), "total": LastValue(int)},
        ...     input_channels="text",
        ...     output_channels=["words", "total"],
        ... )
        >>> app.invoke("to be or not")
        {'words': ['to', 'be', 'or', 'not'], 'total': 4}
        >>> for update in app.stream("let it be", stream_mode="updates"):
        ...     print(update)
        {'split': {'words': ['let', 'it', 'be']}}
        {'count': {'total': 3}}
    """

    # A prebuilt agent's name: its runs are traced as ``invoke_agent`` (see _trace).
    trace_agent: str | None = None

    def __init__(
        self,
        *,
        nodes: Mapping[str, PregelNode | NodeBuilder],
        channels: Mapping[str, BaseChannel | Any] | None,
        input_channels: str | Sequence[str],
        output_channels: str | Sequence[str],
        stream_channels: str | Sequence[str] | None = None,
        stream_mode: str = "values",
        stream_eager: bool = False,
        interrupt_before_nodes: Any = (),
        interrupt_after_nodes: Any = (),
        debug: bool | None = None,
        checkpointer: Any = None,
        store: Any = None,
        cache: Any = None,
        retry_policy: RetryPolicy | Sequence[RetryPolicy] = (),
        cache_policy: Any = None,
        context_schema: Any = None,
        config: dict[str, Any] | None = None,
        name: str = "LangGraph",
        step_timeout: float | None = None,
        trigger_to_nodes: Mapping[str, Sequence[str]] | None = None,
        auto_validate: bool = True,
        **_: Any,
    ) -> None:
        self.nodes: dict[str, PregelNode] = {
            k: (v.build() if isinstance(v, NodeBuilder) else v) for k, v in nodes.items()
        }
        for k, n in self.nodes.items():
            n.name = n.name or k
            if not hasattr(n, "update_mode"):
                pass
        self.managed: dict[str, Any] = {}
        self.channels: dict[str, BaseChannel] = {}
        for k, ch in (channels or {}).items():
            if isinstance(ch, BaseChannel):
                ch.key = k
                self.channels[k] = ch
            else:
                self.managed[k] = ch
        self.input_channels = input_channels
        self.output_channels = output_channels
        self.stream_channels = stream_channels
        self.stream_mode = stream_mode
        self.stream_eager = stream_eager
        self.interrupt_before_nodes = interrupt_before_nodes
        self.interrupt_after_nodes = interrupt_after_nodes
        self.debug = debug
        self.checkpointer = ensure_valid_checkpointer(checkpointer)
        self.store = store
        self.cache = cache
        self.retry_policy = [retry_policy] if isinstance(retry_policy, RetryPolicy) else list(retry_policy)
        self.cache_policy = cache_policy
        self.context_schema = context_schema
        self.config = config or {}
        self.name = name
        self.step_timeout = step_timeout
        self._given_trigger_to_nodes = trigger_to_nodes
        if auto_validate:
            self.validate()

    # ------------------------------------------------------------------ derived structure
    def validate(self) -> Pregel:
        for name, node in self.nodes.items():
            for ch in node.triggers:
                if ch not in self.channels:
                    raise ValueError(f"Node '{name}' is triggered by unknown channel '{ch}'. Add it to channels=.")
            reads = [node.channels] if isinstance(node.channels, str) else node.channels
            for ch in reads:
                if ch not in self.channels and ch not in self.managed:
                    raise ValueError(f"Node '{name}' reads unknown channel '{ch}'. Add it to channels=.")
            if not hasattr(node, "update_mode"):
                pass
        ins = [self.input_channels] if isinstance(self.input_channels, str) else self.input_channels
        for ch in ins:
            if ch not in self.channels:
                raise ValueError(f"Input channel '{ch}' is not in channels=.")
        shared: dict[tuple[str, ...], list[str]] = {}
        for node in self.nodes.values():
            if not isinstance(node.channels, str):
                # nodes reading the same keys share one list: the run keeps one input view per list
                node.channels = shared.setdefault(tuple(node.channels), node.channels)
        t2n: dict[str, list[str]] = {}
        for name, node in self.nodes.items():
            for ch in node.triggers:
                t2n.setdefault(ch, []).append(name)
        self.trigger_to_nodes = {k: sorted(v) for k, v in t2n.items()}
        # triggers readable before anything is written (e.g. a reducer's initial value)
        self.blank_triggers = tuple(
            ch for ch in self.trigger_to_nodes if self.channels[ch].from_checkpoint(MISSING).is_available()
        )
        self.restore_channels = make_restorer(self.channels)
        # what "changed" when a run starts from nothing: the channels readable while blank
        self.blank_available = frozenset(
            k for k, c in self.channels.items() if c.from_checkpoint(MISSING).is_available()
        )
        self.consumers = frozenset(k for k, c in self.channels.items() if type(c).consume is not BaseChannel.consume)
        self.finishers = frozenset(k for k, c in self.channels.items() if type(c).finish is not BaseChannel.finish)
        self.trigger_channels = frozenset(self.trigger_to_nodes) | {TASKS}
        self.has_error_handlers = any(n.error_handler is not None for n in self.nodes.values())
        # one-step values: cleared by apply_writes in every step that does not write them; the Send
        # topic always is one (delivered Sends must not be delivered again)
        self.ephemeral_channels = frozenset(
            k for k, c in self.channels.items() if not isinstance(c, _QUIET) or k == TASKS
        )
        # without stream_channels, values chunks and snapshots show every channel (as LangGraph)
        sc = self.stream_channels or list(self.channels)
        if isinstance(sc, str):
            self.stream_channels_set = frozenset([sc])
            self.single_output: str | None = sc
        else:
            self.stream_channels_set = frozenset(sc)
            self.single_output = None
        self.stream_channels_asis = sc
        self.input_node = PregelNode(name="__input__", triggers=[], channels=[], hidden=True)
        self.input_channels_label = self.input_channels if isinstance(self.input_channels, str) else ", ".join(self.input_channels)
        return self

    def map_output_values(self, values: Any) -> Any:
        return values

    def coerce_output(self, value: Any) -> Any:
        return value

    def coerce_state(self, value: Any) -> Any:
        return value

    def validate_output_keys(self, keys: Any) -> None:
        """``output_keys=`` names channels of this graph (LangGraph raises ValueError too)."""
        for key in [keys] if isinstance(keys, str) else keys:
            if key not in self.channels:
                raise ValueError(
                    f"output_keys names {key!r}, which is not a channel of this graph. "
                    f"Channels: {sorted(k for k in self.channels if not k.startswith('__'))}."
                )

    def validate_send(self, send: Send, *, source: str) -> None:
        if send.node not in self.nodes:
            raise InvalidUpdateError(
                f"{source} sent Send({send.node!r}, ...) to an unknown node. Known nodes: "
                f"{sorted(n for n in self.nodes if not n.startswith('__'))}.",
                code=ErrorCode.RUN_BAD_SEND,
                node=send.node,
            )

    def get_name(self) -> str:
        return self.name

    def copy(self, update: dict[str, Any] | None = None) -> Pregel:
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.__dict__.update(update or {})
        return new

    def with_config(self, config: dict[str, Any] | None = None, **kwargs: Any) -> Pregel:
        from ._prepare import merge_configs

        return self.copy({"config": merge_configs(self.config, config, kwargs)})

    # ------------------------------------------------------------------ running
    def _modes(self, stream_mode: Any) -> tuple[list[str], bool]:
        return normalize_modes(stream_mode, self.stream_mode)

    def _setup(self, make_run: Any, input: Any, config: Any, stream_mode: Any, subgraphs: bool, *,
               streaming: bool = True, context: Any, durability: str | None, interrupt_before: Any,
               interrupt_after: Any, output_keys: Any = None, control: Any = None) -> Any:
        """The driver state of one run, its loop, and whether a single mode was asked for.

        Written once for stream/astream/invoke/ainvoke; ``streaming=False`` (invoke) means
        nobody consumes chunks, so the loop builds none.
        """
        run = make_run(config.get("max_concurrency") if config else None)
        modes, single = self._modes(stream_mode) if streaming else ((), True)
        loop = make_loop(self, input, config, modes=set(modes), put=run.put if streaming else None,
                         subgraphs=subgraphs, context=context, durability=durability,
                         interrupt_before=interrupt_before, interrupt_after=interrupt_after, control=control)
        if output_keys is not None:
            self.validate_output_keys(output_keys)
            loop.output_keys = output_keys
        return run, loop, single

    def stream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: Any = None,
        print_mode: Any = (),
        output_keys: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        control: Any = None,
        subgraphs: bool = False,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> Iterator[Any]:
        """Run the graph, yielding chunks of the requested stream mode(s)."""
        printed = print_modes(print_mode, self.debug if debug is None else debug)
        wanted, single = self._modes(stream_mode)
        run, loop, _ = self._setup(_sync_driver.SyncRun, input, config,
                                   with_print_modes(wanted, printed) if printed else stream_mode, subgraphs,
                                   context=context, durability=durability, interrupt_before=interrupt_before,
                                   interrupt_after=interrupt_after, output_keys=output_keys, control=control)
        fmt = make_formatter(self, single_mode=single, subgraphs=subgraphs, version=kwargs.get("version"))
        chunks = _sync_driver.drive(loop, run)
        for chunk in tee(chunks, printed, wanted) if printed else chunks:
            yield fmt(chunk)

    async def astream(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: Any = None,
        print_mode: Any = (),
        output_keys: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        control: Any = None,
        subgraphs: bool = False,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        """Async ``stream``: the same loop, driven by asyncio."""
        from . import _async_driver

        printed = print_modes(print_mode, self.debug if debug is None else debug)
        wanted, single = self._modes(stream_mode)
        run, loop, _ = self._setup(_async_driver.AsyncRun, input, config,
                                   with_print_modes(wanted, printed) if printed else stream_mode, subgraphs,
                                   context=context, durability=durability, interrupt_before=interrupt_before,
                                   interrupt_after=interrupt_after, output_keys=output_keys, control=control)
        fmt = make_formatter(self, single_mode=single, subgraphs=subgraphs, version=kwargs.get("version"))
        chunks = _async_driver.drive(loop, run)
        async for chunk in atee(chunks, printed, wanted) if printed else chunks:
            yield fmt(chunk)

    def astream_events(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        version: str = "v2",
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Run the graph, yielding langchain-core ``StreamEvent`` dicts (needs langchain-core).

        ``on_chain_start``/``on_chain_stream``/``on_chain_end`` for the graph and for each node
        (tagged ``graph:step:N``, with ``langgraph_*`` metadata), and the events of chat models,
        tools and runnables called inside nodes, as children. ``version`` is ``"v2"`` (default)
        or ``"v1"`` (deprecated); ``"v3"`` raises ``NotImplementedError``. The ``include_*`` and
        ``exclude_*`` filters are langchain-core's; other keyword arguments go to ``astream``.
        """
        from . import _stream_events

        _stream_events.check_version("astream_events", version)
        filters = {"include_names": include_names, "include_types": include_types, "include_tags": include_tags,
                   "exclude_names": exclude_names, "exclude_types": exclude_types, "exclude_tags": exclude_tags}
        return _stream_events.astream_events(self, input, config, version=version, filters=filters, kwargs=kwargs)

    def stream_events(self, input: Any, config: dict[str, Any] | None = None, *, version: str = "v2",
                      **kwargs: Any) -> Any:
        """Sync event stream: not available for v1/v2 (use ``astream_events``), as in LangGraph.

        Raises ``NotImplementedError`` for every version: langchain-core has no synchronous
        v1/v2 event stream, and stategraph does not implement the v3 protocol.
        """
        from . import _stream_events

        _stream_events.check_version("stream_events", version)
        raise NotImplementedError(f"Unsupported version: {version!r}. Expected 'v1', 'v2', or 'v3'.")

    def invoke(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: Any = "values",
        print_mode: Any = (),
        output_keys: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        control: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Run the graph to completion (or interrupt) and return its output."""
        if stream_mode != "values":
            return list(self.stream(input, config, context=context, stream_mode=stream_mode, print_mode=print_mode,
                                    output_keys=self._invoke_keys(output_keys),
                                    interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                    durability=durability, control=control, **kwargs))
        printed = print_modes(print_mode, kwargs.get("debug", self.debug))
        run, loop, _ = self._setup(_sync_driver.SyncRun, input, config, printed or None, False,
                                   streaming=bool(printed), context=context, durability=durability,
                                   interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                   output_keys=output_keys, control=control)
        chunks = _sync_driver.drive(loop, run)
        for _ in tee(chunks, printed, ()) if printed else chunks:
            pass
        return self._final_output(loop, kwargs.get("version"))

    async def ainvoke(
        self,
        input: Any,
        config: dict[str, Any] | None = None,
        *,
        context: Any = None,
        stream_mode: Any = "values",
        print_mode: Any = (),
        output_keys: Any = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        control: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Async ``invoke``."""
        if stream_mode != "values":
            return [c async for c in self.astream(input, config, context=context, stream_mode=stream_mode,
                                                  print_mode=print_mode,
                                                  output_keys=self._invoke_keys(output_keys),
                                                  interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                                  durability=durability, control=control, **kwargs)]
        from . import _async_driver

        printed = print_modes(print_mode, kwargs.get("debug", self.debug))
        run, loop, _ = self._setup(_async_driver.AsyncRun, input, config, printed or None, False,
                                   streaming=bool(printed), context=context, durability=durability,
                                   interrupt_before=interrupt_before, interrupt_after=interrupt_after,
                                   output_keys=output_keys, control=control)
        chunks = _async_driver.drive(loop, run)
        async for _ in atee(chunks, printed, ()) if printed else chunks:
            pass
        return self._final_output(loop, kwargs.get("version"))

    def _invoke_keys(self, output_keys: Any) -> Any:
        # invoke reports the graph's output channels (stream, by default, its stream channels)
        return output_keys if output_keys is not None else self.output_channels

    def _final_output(self, loop: Any, version: str | None) -> Any:
        out = self.map_output_values(loop.read_output())
        if version == "v2":
            from ..types import GraphOutput

            return GraphOutput(self.coerce_output(out), tuple(loop.interrupts))
        if loop.interrupts:
            if isinstance(out, dict):
                return {**out, INTERRUPT: list(loop.interrupts)}
            return {INTERRUPT: list(loop.interrupts)}
        return out

    def batch(self, inputs: Sequence[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any) -> list[Any]:
        """Invoke once per input (each with its own config), concurrently."""
        configs = config if isinstance(config, list) else [config] * len(inputs)
        if len(configs) != len(inputs):
            raise ValueError(f"batch() got {len(inputs)} inputs but {len(configs)} configs.")

        def one(pair: tuple[Any, Any]) -> Any:
            try:
                return self.invoke(pair[0], pair[1], **kwargs)
            except Exception as exc:
                if return_exceptions:
                    return exc
                raise

        if len(inputs) <= 1:
            return [one(p) for p in zip(inputs, configs, strict=True)]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(inputs), 16)) as pool:
            return list(pool.map(one, zip(inputs, configs, strict=True)))

    def batch_as_completed(
        self, inputs: Sequence[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any
    ) -> Iterator[tuple[int, Any]]:
        """Like ``batch``, yielding ``(index, output)`` as each run finishes."""
        from ._batch import batch_as_completed

        return batch_as_completed(self, inputs, config, return_exceptions, kwargs)

    def abatch_as_completed(
        self, inputs: Sequence[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any
    ) -> AsyncIterator[tuple[int, Any]]:
        """Like ``abatch``, yielding ``(index, output)`` as each run finishes."""
        from ._batch import abatch_as_completed

        return abatch_as_completed(self, inputs, config, return_exceptions, kwargs)

    async def abatch(self, inputs: Sequence[Any], config: Any = None, *, return_exceptions: bool = False, **kwargs: Any) -> list[Any]:
        configs = config if isinstance(config, list) else [config] * len(inputs)
        coros = [self.ainvoke(i, c, **kwargs) for i, c in zip(inputs, configs, strict=True)]
        import asyncio

        return list(await asyncio.gather(*coros, return_exceptions=return_exceptions))

    # ------------------------------------------------------------------ state (see _state.py)
    def get_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> Any:
        from . import _state

        return _state.get_state(self, config, subgraphs=subgraphs)

    async def aget_state(self, config: dict[str, Any], *, subgraphs: bool = False) -> Any:
        from . import _state

        return await _state.aget_state(self, config, subgraphs=subgraphs)

    def get_state_history(self, config: dict[str, Any], *, filter: Any = None, before: Any = None, limit: int | None = None) -> Iterator[Any]:
        from . import _state

        return _state.get_state_history(self, config, filter=filter, before=before, limit=limit)

    async def aget_state_history(self, config: dict[str, Any], *, filter: Any = None, before: Any = None, limit: int | None = None) -> AsyncIterator[Any]:
        from . import _state

        for snap in await _state.aget_state_history(self, config, filter=filter, before=before, limit=limit):
            yield snap

    def update_state(self, config: dict[str, Any], values: Any, as_node: str | None = None, task_id: str | None = None) -> dict[str, Any]:
        from . import _state

        return _state.update_state(self, config, values, as_node=as_node, task_id=task_id)

    async def aupdate_state(self, config: dict[str, Any], values: Any, as_node: str | None = None, task_id: str | None = None) -> dict[str, Any]:
        from . import _state

        return await _state.aupdate_state(self, config, values, as_node=as_node, task_id=task_id)

    def bulk_update_state(self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
        from . import _state

        return _state.bulk_update_state(self, config, supersteps)

    async def abulk_update_state(self, config: dict[str, Any], supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
        from . import _state

        return await _state.abulk_update_state(self, config, supersteps)

    # ------------------------------------------------------------------ introspection
    def get_subgraphs(self, *, namespace: str | None = None, recurse: bool = False) -> Iterator[tuple[str, Pregel]]:
        for name, node in self.nodes.items():
            for sub in node.subgraphs:
                if namespace is not None and not namespace.startswith(name):
                    continue
                yield name, sub
                if recurse:
                    for ns, child in sub.get_subgraphs(recurse=True):
                        yield f"{name}|{ns}", child

    async def aget_subgraphs(self, *, namespace: str | None = None, recurse: bool = False) -> AsyncIterator[tuple[str, Pregel]]:
        for item in self.get_subgraphs(namespace=namespace, recurse=recurse):
            yield item

    def get_input_jsonschema(self, config: Any = None) -> dict[str, Any]:
        """The JSON Schema of the input (an entrypoint's parameter type, else the channels')."""
        from ._io_schema import io_jsonschema

        return io_jsonschema(self, output=False)

    def get_output_jsonschema(self, config: Any = None) -> dict[str, Any]:
        """The JSON Schema of the output (an entrypoint's return type, else the channels')."""
        from ._io_schema import io_jsonschema

        return io_jsonschema(self, output=True)

    def get_context_jsonschema(self) -> dict[str, Any] | None:
        """JSON Schema of the run context (``context_schema``); None when it declares none."""
        from ..graph._jsonschema import schema_json

        return schema_json(self.context_schema) if self.context_schema is not None else None

    def get_graph(self, config: Any = None, *, xray: int | bool = False) -> Any:
        from ._drawing import pregel_drawable

        return pregel_drawable(self, xray=xray)

    async def aget_graph(self, config: Any = None, *, xray: int | bool = False) -> Any:
        return self.get_graph(config, xray=xray)

    def clear_cache(self, nodes: Sequence[str] | None = None) -> None:
        if self.cache is None:
            raise ValueError("No cache is set for this graph. Cannot clear cache.")
        self.cache.clear(self._cache_namespaces(nodes))

    async def aclear_cache(self, nodes: Sequence[str] | None = None) -> None:
        if self.cache is None:
            raise ValueError("No cache is set for this graph. Cannot clear cache.")
        await self.cache.aclear(self._cache_namespaces(nodes))

    def _cache_namespaces(self, nodes: Sequence[str] | None) -> list[tuple[str, ...]]:
        from ._cache import _identifier

        names = nodes if nodes is not None else list(self.nodes)
        return [("__pregel_ns_writes", _identifier(self.nodes[n]), n) for n in names if n in self.nodes]

    @property
    def stream_channels_list(self) -> list[str]:
        return sorted(self.stream_channels_set)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, nodes={list(self.nodes)!r})"


__all__ = ["Pregel", "TASKS"]
