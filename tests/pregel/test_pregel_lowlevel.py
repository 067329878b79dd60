"""Hand-built Pregel graphs with NodeBuilder: subscribe_only/subscribe_to/read_from/write_to, Topic."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stategraph.channels import EphemeralValue, LastValue, Topic
from stategraph.channels.base import MISSING
from stategraph.checkpoint.memory import InMemorySaver
from stategraph.pregel import NodeBuilder, Pregel
from stategraph.pregel._node import ChannelWriteEntry
from stategraph.types import RetryPolicy


def doubler() -> Pregel:
    node = NodeBuilder().subscribe_only("a").do(lambda x: x + x).write_to("b")
    return Pregel(
        nodes={"double": node},
        channels={"a": EphemeralValue(str), "b": LastValue(str)},
        input_channels="a",
        output_channels="b",
    )


def test_subscribe_only_passes_the_bare_value(driver: Any) -> None:
    assert driver.run(doubler(), "foo") == "foofoo"


def test_raw_pregel_streams_values_by_default(driver: Any) -> None:
    app = doubler()
    assert app.stream_mode == "values"
    # without stream_channels a values chunk holds every channel that has a value (as LangGraph)
    assert driver.stream(app, "ab") == [{"b": "abab"}]
    assert driver.run(app, "ab") == "abab"  # invoke returns the output channel


def test_two_nodes_accumulate_into_a_topic(driver: Any) -> None:
    first = NodeBuilder().subscribe_only("a").do(lambda x: x + x).write_to("b", "c")
    second = NodeBuilder().subscribe_only("b").do(lambda x: x + "!").write_to("c")
    app = Pregel(
        nodes={"first": first, "second": second},
        channels={
            "a": EphemeralValue(str),
            "b": EphemeralValue(str),
            "c": Topic(str, accumulate=True),
        },
        input_channels="a",
        output_channels=["c"],
    )
    assert driver.run(app, "x") == {"c": ["xx", "xx!"]}
    assert driver.stream(app, "x", stream_mode="updates") == [
        {"first": {"b": "xx", "c": "xx"}},
        {"second": {"c": "xx!"}},
    ]


def test_non_accumulating_topic_holds_only_the_last_step(driver: Any) -> None:
    first = NodeBuilder().subscribe_only("a").write_to("b", "c")
    second = NodeBuilder().subscribe_only("b").do(lambda x: [x + "1", x + "2"]).write_to("c")
    app = Pregel(
        nodes={"first": first, "second": second},
        channels={"a": EphemeralValue(str), "b": EphemeralValue(str), "c": Topic(str)},
        input_channels="a",
        output_channels="c",
    )
    assert driver.run(app, "x") == ["x1", "x2"]


def test_subscribe_to_read_from_and_write_to_kwargs(driver: Any) -> None:
    node = (
        NodeBuilder()
        .subscribe_to("a")
        .read_from("k")
        .do(lambda d: d)
        .write_to(out=lambda d: f"{d['a']}-{d.get('k')}", static="S")
    )
    app = Pregel(
        nodes={"n": node},
        channels={
            "a": EphemeralValue(str),
            "k": LastValue(str),
            "out": LastValue(str),
            "static": LastValue(str),
        },
        input_channels=["a", "k"],
        output_channels=["out", "static"],
    )
    assert driver.run(app, {"a": "x", "k": "y"}) == {"out": "x-y", "static": "S"}
    assert driver.run(app, {"a": "x"}) == {"out": "x-None", "static": "S"}


def test_read_from_channel_does_not_trigger(driver: Any) -> None:
    calls: list[Any] = []
    node = (
        NodeBuilder().subscribe_to("a").read_from("k").do(lambda d: calls.append(d)).write_to("out")
    )
    app = Pregel(
        nodes={"n": node},
        channels={"a": EphemeralValue(str), "k": LastValue(str), "out": LastValue(Any)},
        input_channels=["a", "k"],
        output_channels=["k"],
    )
    assert driver.run(app, {"k": "only-k"}) == {"k": "only-k"}
    assert calls == []


def test_a_cycle_stops_when_a_write_is_skipped(driver: Any) -> None:
    step = (
        NodeBuilder()
        .subscribe_only("n")
        .do(lambda n: n + 1 if n < 5 else None)
        .write_to(ChannelWriteEntry("n", skip_none=True), "seen")
    )
    app = Pregel(
        nodes={"inc": step},
        channels={"n": LastValue(int), "seen": Topic(Any, accumulate=True)},
        input_channels="n",
        output_channels=["n", "seen"],
    )
    assert driver.run(app, 1) == {"n": 5, "seen": [2, 3, 4, 5, None]}


def test_async_steps_run_under_both_drivers_only_when_async(driver: Any) -> None:
    async def shout(x: str) -> str:
        await asyncio.sleep(0)
        return x.upper()

    node = NodeBuilder().subscribe_only("a").do(shout).do(lambda x: x + "?").write_to("b")
    app = Pregel(
        nodes={"n": node},
        channels={"a": EphemeralValue(str), "b": LastValue(str)},
        input_channels="a",
        output_channels="b",
    )
    if driver.is_async:
        assert driver.run(app, "hi") == "HI?"
    else:
        with pytest.raises(TypeError, match="E202"):
            driver.run(app, "hi")


def test_node_retry_policies(driver: Any) -> None:
    calls: list[int] = []

    def flaky(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise ConnectionError("again")
        return x * 2

    node = (
        NodeBuilder()
        .subscribe_only("a")
        .do(flaky)
        .write_to("b")
        .add_retry_policies(RetryPolicy(initial_interval=0.001, jitter=False))
    )
    app = Pregel(
        nodes={"n": node},
        channels={"a": EphemeralValue(int), "b": LastValue(int)},
        input_channels="a",
        output_channels="b",
    )
    assert driver.run(app, 21) == 42
    assert calls == [21, 21, 21]


def test_checkpointed_topic_accumulates_across_invocations(driver: Any) -> None:
    node = NodeBuilder().subscribe_only("a").write_to("log")
    app = Pregel(
        nodes={"n": node},
        channels={"a": EphemeralValue(str), "log": Topic(str, accumulate=True)},
        input_channels="a",
        output_channels="log",
        checkpointer=InMemorySaver(),
    )
    config = {"configurable": {"thread_id": "topic"}}
    assert driver.run(app, "one", config) == ["one"]
    assert driver.run(app, "two", config) == ["one", "two"]
    assert driver.get_state(app, config).values == {"log": ["one", "two"]}


def test_builder_and_constructor_validation() -> None:
    with pytest.raises(ValueError, match="subscribe_only"):
        NodeBuilder().subscribe_only("a").subscribe_to("b")
    with pytest.raises(ValueError, match="unknown channel 'zz'"):
        Pregel(
            nodes={"n": NodeBuilder().subscribe_only("zz")},
            channels={"a": LastValue(int)},
            input_channels="a",
            output_channels="a",
        )
    with pytest.raises(ValueError, match="Input channel 'missing'"):
        Pregel(
            nodes={"n": NodeBuilder().subscribe_only("a")},
            channels={"a": LastValue(int)},
            input_channels="missing",
            output_channels="a",
        )


def test_trigger_index_is_built_on_validate() -> None:
    app = doubler()
    assert app.trigger_to_nodes == {"a": ["double"]}
    assert app.nodes["double"].triggers == ["a"]


def test_a_trigger_readable_before_any_write_does_not_start_its_node() -> None:
    import operator

    from stategraph.channels import BinaryOperatorAggregate

    calls: list[Any] = []

    def watch(value: Any) -> int:
        calls.append(value)
        return 1

    g = Pregel(
        nodes={
            # a reducer channel is readable (its initial value) before anything writes it
            "watch": NodeBuilder().subscribe_only("acc").do(watch).write_to("out").build(),
            "start": NodeBuilder().subscribe_only("inp").do(lambda x: [x]).write_to("acc").build(),
        },
        channels={
            "acc": BinaryOperatorAggregate(list, operator.add),
            "inp": EphemeralValue(int),
            "out": LastValue(int),
        },
        input_channels="inp",
        output_channels=["out", "acc"],
    )
    assert g.blank_triggers == ("acc",)
    assert g.invoke(3) == {"out": 1, "acc": [3]}
    assert calls == [[3]]  # ran once, after "start" wrote the channel, not at the start of the run


class SeededEphemeral(EphemeralValue):
    """A one-step value that holds a seed while blank (readable before anything writes it)."""

    __slots__ = ()

    def from_checkpoint(self, checkpoint: Any) -> Any:
        return super().from_checkpoint("seed" if checkpoint is MISSING else checkpoint)


def test_a_fresh_run_expires_one_step_values_held_while_blank() -> None:
    g = Pregel(
        nodes={
            "copy": NodeBuilder().subscribe_only("inp").do(lambda x: x * 2).write_to("out").build()
        },
        channels={"inp": EphemeralValue(int), "out": LastValue(int), "flag": SeededEphemeral(str)},
        input_channels="inp",
        output_channels=["out", "flag"],
    )
    # a run from no checkpoint treats exactly the channels readable while blank as just changed
    assert g.blank_available == frozenset({"flag"})
    assert g.invoke(3) == {"out": 6}  # the seed lived for the input step only
    assert g.invoke(4) == {"out": 8}  # each run starts from its own blank channels


def _edges(app: Pregel) -> list[tuple[str, str, bool]]:
    return sorted((e.source, e.target, e.conditional) for e in app.get_graph().edges)


def test_drawing_follows_declared_writes_to_the_nodes_they_trigger() -> None:
    n1 = NodeBuilder().subscribe_only("a").do(lambda x: x + 1).write_to("b")
    n2 = NodeBuilder().subscribe_only("b").do(lambda x: x * 2).write_to("c")
    n3 = NodeBuilder().subscribe_only("a").do(lambda x: x).write_to("c")
    loop = NodeBuilder().subscribe_to("b", read=False).do(lambda x: 1).write_to("b")
    chans = {"a": EphemeralValue(int), "b": LastValue(int), "c": LastValue(int)}
    chain = Pregel(
        nodes={"n1": n1, "n2": n2}, channels=chans, input_channels="a", output_channels="c"
    )
    assert _edges(chain) == [
        ("__start__", "n1", False),
        ("n1", "n2", False),
        ("n2", "__end__", False),
    ]
    # two nodes straight from the input and nothing after them: no END drawn (LangGraph's view)
    fork = Pregel(
        nodes={"n1": n1, "n3": n3}, channels=chans, input_channels="a", output_channels=["b", "c"]
    )
    assert _edges(fork) == [("__start__", "n1", False), ("__start__", "n3", False)]
    assert "__end__" not in fork.get_graph().nodes
    # a cycle: its last step is the looping node, which ends the run dotted
    cyc = Pregel(
        nodes={"n1": n1, "loop": loop}, channels=chans, input_channels="a", output_channels="b"
    )
    assert _edges(cyc) == [
        ("__start__", "n1", False),
        ("loop", "__end__", True),
        ("loop", "loop", False),
        ("n1", "loop", False),
    ]


def test_io_json_schemas_come_from_the_channel_types() -> None:
    n1 = NodeBuilder().subscribe_only("a").do(lambda x: x + 1).write_to("b")
    one = Pregel(
        nodes={"n": n1},
        channels={"a": EphemeralValue(int), "b": LastValue(str)},
        input_channels="a",
        output_channels="b",
    )
    assert one.get_input_jsonschema() == {"title": "LangGraphInput", "type": "integer"}
    assert one.get_output_jsonschema() == {"title": "LangGraphOutput", "type": "string"}
    many = Pregel(
        nodes={"n": n1},
        channels={"a": EphemeralValue(int), "b": LastValue(str)},
        input_channels=["a"],
        output_channels=["b"],
    )
    assert many.get_output_jsonschema() == {
        "properties": {"b": {"default": None, "title": "B", "type": "string"}},
        "title": "LangGraphOutput",
        "type": "object",
    }
