"""Lower a StateGraph to Pregel nodes and channels (branch:to:*, join:*, __start__, __pregel_tasks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..channels.ephemeral_value import EphemeralValue
from ..channels.last_value import LastValueAfterFinish
from ..channels.named_barrier_value import NamedBarrierValue, NamedBarrierValueAfterFinish
from ..channels.topic import Topic
from ..constants import END, ROOT, START, TAG_HIDDEN, TASKS
from ..errors import ErrorCode, InvalidUpdateError, ParentCommand
from ..pregel._call import adapt_callable
from ..pregel._io import goto_writes, update_as_tuples
from ..pregel._node import PregelNode, apassthrough, passthrough
from ..types import Command, RetryPolicy, Send
from ._error_handlers import DEFAULT_HANDLER, handler_node, handler_of
from ._schema import channels_of, make_mapper
from ._subgraphs import find_subgraphs
from ._validate import validate_graph

if TYPE_CHECKING:
    from ._compiled import CompiledStateGraph
    from .state import StateGraph


def compile_graph(builder: StateGraph, **opts: Any) -> CompiledStateGraph:
    from ..pregel.main import Pregel
    from ._compiled import CompiledStateGraph

    interrupts = [n for n in (opts["interrupt_before"], opts["interrupt_after"]) if n and n != "*"]
    validate_graph(builder, [x for n in interrupts for x in n])
    channels: dict[str, Any] = dict(builder.channels)
    channels.update(builder.managed)
    channels[START] = EphemeralValue(Any)
    channels[TASKS] = Topic(Send, accumulate=False)
    for name, spec in builder.nodes.items():
        channels[f"branch:to:{name}"] = (
            LastValueAfterFinish(Any) if spec.defer else EphemeralValue(Any, guard=False)
        )
    joins: dict[str, list[str]] = {}
    for starts, end in builder.waiting_edges:
        if end == END:
            continue
        key = f"join:{'+'.join(starts)}:{end}"
        deferred = builder.nodes[end].defer
        channels[key] = (NamedBarrierValueAfterFinish if deferred else NamedBarrierValue)(
            str, set(starts)
        )
        joins.setdefault(end, []).append(key)
    state_keys = [k for k in builder.channels]
    out_chans = [k for k in channels_of(builder.output_schema) if k in builder.channels]
    output: Any = ROOT if out_chans == [ROOT] else out_chans
    stream: Any = ROOT if state_keys == [ROOT] else state_keys
    graph = CompiledStateGraph.__new__(CompiledStateGraph)
    graph.builder = builder
    nodes = {START: _start_node(builder, graph)}
    default_handler = None
    for name in builder.nodes:
        node = _user_node(builder, graph, name, joins.get(name, []))
        handler = handler_of(builder, name)
        if handler is not None:
            node.error_handler = handler[0]
            made = handler_node(
                handler[0], handler[1], node.channels, _handler_writer(builder, graph, handler[0])
            )
            if handler[0] == DEFAULT_HANDLER:
                default_handler = made
            else:
                nodes[handler[0]] = made  # before its node, as LangGraph orders them
        nodes[name] = node
    if default_handler is not None:
        nodes[DEFAULT_HANDLER] = default_handler
    Pregel.__init__(
        graph,
        nodes=nodes,
        channels=channels,
        input_channels=START,
        output_channels=output,
        stream_channels=stream,
        checkpointer=opts["checkpointer"],
        store=opts["store"],
        cache=opts["cache"],
        interrupt_before_nodes=opts["interrupt_before"],
        interrupt_after_nodes=opts["interrupt_after"],
        context_schema=builder.context_schema,
        name=opts["name"],
        debug=opts["debug"],
        retry_policy=(),
        cache_policy=None,
        stream_mode="updates",
    )
    if opts["checkpointer"] not in (None, True, False):
        from ._declared_types import allow_declared_classes, graph_schemas

        allow_declared_classes(opts["checkpointer"], graph_schemas(builder))
    builder.compiled = True
    return graph


def _edge_writes(builder: StateGraph, name: str) -> list[tuple[str, Any]]:
    writes = [(f"branch:to:{t}", None) for s, t in builder.edges if s == name and t != END]
    for starts, end in builder.waiting_edges:
        if name in starts and end != END:
            writes.append((f"join:{'+'.join(starts)}:{end}", name))
    return writes


def _branch_writers(builder: StateGraph, graph: Any, name: str, reads: Any) -> list[Any]:
    return [b.writer(name, graph, reads) for b in builder.branches.get(name, {}).values()]


def _start_node(builder: StateGraph, graph: Any) -> PregelNode:
    input_keys = set(channels_of(builder.input_schema)) & set(builder.channels)
    edges = _edge_writes(builder, START)
    validators = field_validators(builder)

    def write_input(value: Any, task: Any) -> None:
        if value is None:
            task.send(list(edges))
            return
        if isinstance(value, Command) or (
            isinstance(value, (list, tuple)) and any(isinstance(v, Command) for v in value)
        ):
            # as LangGraph: a Command given as input is applied once as the run's own writes and
            # once more here, as what START outputs (its update, filtered to the input keys, and
            # its goto); then START's edges follow
            task.send(_start_command_writes(value, input_keys, graph, validators) + edges)
            return
        if (
            not isinstance(value, dict)
            and update_as_tuples(value) == [(ROOT, value)]
            and ROOT not in input_keys
        ):
            raise InvalidUpdateError(
                f"Expected dict, got {value!r}", code=ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE
            )
        pairs = [(ROOT, value)] if ROOT in input_keys else update_as_tuples(value)
        writes = [(k, v) for k, v in pairs if k in input_keys]
        if validators:
            writes = validate_writes(START, writes, validators)
        task.send(writes + edges)

    reads = [k for k in builder.channels]
    return PregelNode(
        name=START,
        triggers=[START],
        channels=START,
        func=passthrough,
        afunc=apassthrough,
        writers=[write_input, *_branch_writers(builder, graph, START, reads)],
        tags=[TAG_HIDDEN],
        hidden=True,
    )


def _start_command_writes(
    value: Any, input_keys: set[str], graph: Any, validators: Any
) -> list[tuple[str, Any]]:
    writes: list[tuple[str, Any]] = []
    for item in value if isinstance(value, (list, tuple)) else (value,):
        if not isinstance(item, Command):
            writes.extend((k, v) for k, v in update_as_tuples(item) if k in input_keys)
            continue
        for ch, v in _command(START, item, input_keys, graph, strict=False):
            if ch in input_keys or ch == TASKS or ch.startswith("branch:to:"):
                writes.append((ch, v))
    return validate_writes(START, writes, validators) if validators else writes


def _user_node(builder: StateGraph, graph: Any, name: str, joins: list[str]) -> PregelNode:
    spec = builder.nodes[name]
    schema_chans = builder.schemas.get(spec.input_schema) or channels_of(spec.input_schema)
    reads = [k for k in schema_chans if k in builder.channels or k in builder.managed]
    is_graph = hasattr(spec.runnable, "nodes") and hasattr(spec.runnable, "stream_channels_asis")
    func, afunc = adapt_callable(spec.runnable)
    allowed = set(builder.channels)
    validators = field_validators(builder)
    defaults = builder._node_defaults
    retry = spec.retry_policy or defaults.get("retry_policy")
    return PregelNode(
        name=name,
        triggers=[f"branch:to:{name}", *joins],
        channels=reads if reads != [ROOT] else ROOT,
        mapper=make_mapper(spec.input_schema),
        func=func,
        afunc=afunc,
        writers=[
            _updater(
                name,
                allowed,
                _edge_writes(builder, name),
                graph,
                strict=not is_graph,
                validators=validators,
            ),
            *_branch_writers(builder, graph, name, reads),
        ],
        retry_policy=[retry] if isinstance(retry, RetryPolicy) else retry,
        cache_policy=spec.cache_policy or defaults.get("cache_policy"),
        metadata=spec.metadata,
        subgraphs=find_subgraphs(spec.runnable),
        timeout=spec.timeout or defaults.get("timeout"),
        bound=spec.runnable,
        input_schema=spec.input_schema,
    )


def _handler_writer(builder: StateGraph, graph: Any, name: str) -> Any:
    # a handler's update goes where its node's would, but it follows no edge of that node
    return _updater(
        name, set(builder.channels), [], graph, strict=True, validators=field_validators(builder)
    )


def _updater(
    name: str,
    allowed: set[str],
    edges: list[tuple[str, Any]],
    graph: Any,
    *,
    strict: bool,
    validators: dict[str, Any] | None = None,
) -> Any:
    plain_dicts = allowed != {ROOT}  # a dict output is a state update (not a root value)

    def write(output: Any, task: Any) -> None:
        if output.__class__ is dict and plain_dicts and allowed.issuperset(output):
            writes = list(output.items())  # why: the usual return value, checked in one C call
        else:
            writes = output_writes(name, output, allowed, graph, strict=strict)
        if validators:
            writes = validate_writes(name, writes, validators)
        if edges:
            writes.extend(edges)
        task.writes.extend(writes)

    return write


def field_validators(builder: StateGraph) -> dict[str, Any]:
    """Pydantic state: one validator per plain (non-reducer) field, applied to every write."""
    schema = builder.state_schema
    fields = getattr(schema, "model_fields", None)
    if not fields:
        return {}
    from pydantic import TypeAdapter

    from ..channels.last_value import LastValue

    out = {}
    for key, info in fields.items():
        if isinstance(builder.channels.get(key), LastValue) and info.annotation is not None:
            out[key] = TypeAdapter(info.annotation)
    return out


def validate_writes(
    name: str, writes: list[tuple[str, Any]], validators: dict[str, Any]
) -> list[tuple[str, Any]]:
    checked = []
    for key, value in writes:
        adapter = validators.get(key)
        if adapter is not None:
            try:  # checked only: the channel keeps the value as written, as in LangGraph
                adapter.validate_python(value)
            except Exception as exc:  # pydantic.ValidationError: keep its type, say where
                exc.add_note(
                    f"while validating state key {key!r} written by node {name!r}; "
                    "nothing from this step was applied"
                )
                raise
        checked.append((key, value))
    return checked


def output_writes(
    name: str, output: Any, allowed: set[str], graph: Any, *, strict: bool
) -> list[tuple[str, Any]]:
    """A node's return value -> channel writes (state update + Command routing)."""
    if output is None:
        return []
    if allowed == {ROOT} and not isinstance(output, Command):
        return [(ROOT, output)]  # a root-channel graph (MessageGraph): the output is the value
    if isinstance(output, dict):
        return _filter(name, list(output.items()), allowed, strict)
    if isinstance(output, Command):
        return _command(name, output, allowed, graph, strict)
    if isinstance(output, (list, tuple)) and output and any(isinstance(o, Command) for o in output):
        writes: list[tuple[str, Any]] = []
        for item in output:
            writes.extend(output_writes(name, item, allowed, graph, strict=strict))
        return writes
    pairs = update_as_tuples(output)
    if pairs and pairs[0][0] == ROOT and ROOT not in allowed:
        raise InvalidUpdateError(
            f"Expected dict, got {output!r} from node '{name}'. Return a dict of state updates, a Command, or None.",
            code=ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE,
            node=name,
        )
    return _filter(name, pairs, allowed, strict)


def _filter(
    name: str, pairs: list[tuple[str, Any]], allowed: set[str], strict: bool
) -> list[tuple[str, Any]]:
    if not strict:
        return [(k, v) for k, v in pairs if k in allowed]
    for k, _ in pairs:
        if k not in allowed:
            raise InvalidUpdateError(
                f"Node '{name}' returned unknown state key {k!r}. Known keys: {sorted(allowed)}. "
                "Add the key to the state schema (or a node's input/output schema) or stop returning it.",
                code=ErrorCode.INVALID_GRAPH_NODE_RETURN_VALUE,
                node=name,
                key=k,
            )
    return pairs


def _command(
    name: str, cmd: Command, allowed: set[str], graph: Any, strict: bool
) -> list[tuple[str, Any]]:
    if cmd.graph == Command.PARENT:
        raise ParentCommand(cmd)
    writes = (
        output_writes(name, cmd.update, allowed, graph, strict=strict)
        if cmd.update is not None
        else []
    )
    for ch, v in goto_writes(cmd.goto):
        if isinstance(v, Send):
            graph.validate_send(v, source=f"Node '{name}'")
        elif ch.startswith("branch:to:") and ch[10:] not in graph.nodes:
            raise InvalidUpdateError(
                f"Node '{name}' returned Command(goto={ch[10:]!r}), which is not a node. Known nodes: "
                f"{sorted(n for n in graph.nodes if n != START)}.",
                code=ErrorCode.RUN_BAD_SEND,
                node=name,
            )
        writes.append((ch, v))
    return writes
