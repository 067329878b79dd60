"""Kept node inputs (StateViews): a wide node's input is what a fresh read would give."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from stategraph.channels.any_value import AnyValue
from stategraph.channels.base import MISSING
from stategraph.channels.binop import BinaryOperatorAggregate
from stategraph.channels.last_value import LastValue
from stategraph.graph import END, START, StateGraph
from stategraph.pregel._algo import read_channels
from stategraph.pregel._views import MIN_KEYS, StateViews

KEYS = [f"k{i}" for i in range(MIN_KEYS + 2)]
Wide = TypedDict("Wide", {k: int for k in KEYS}, total=False)  # type: ignore[misc]


def test_each_node_sees_the_state_a_fresh_read_gives(driver: Any) -> None:
    seen: list[dict[str, int]] = []

    def node(key: str, value: int) -> Any:
        def run(state: dict[str, int]) -> dict[str, int]:
            seen.append(dict(state))
            state["k0"] = -1  # mutating the input must not leak into the next node's input
            return {key: value}

        return run

    g = StateGraph(Wide)
    steps = [("k3", 30), ("k1", 10), ("k3", 31), ("k9", 90)]
    names = [f"n{i}" for i in range(len(steps))]
    for name, (key, value) in zip(names, steps, strict=True):
        g.add_node(name, node(key, value))
    g.add_edge(START, names[0])
    for a, b in zip(names, names[1:], strict=False):
        g.add_edge(a, b)
    g.add_edge(names[-1], END)
    out = driver.run(g.compile(), {"k0": 0, "k2": 2})
    assert seen == [
        {"k0": 0, "k2": 2},
        {"k0": 0, "k2": 2, "k3": 30},
        {"k0": 0, "k1": 10, "k2": 2, "k3": 30},
        {"k0": 0, "k1": 10, "k2": 2, "k3": 31},
    ]
    assert [list(s) for s in seen] == [sorted(s) for s in seen]  # keys in schema order
    assert out == {"k0": 0, "k1": 10, "k2": 2, "k3": 31, "k9": 90}


def test_parallel_writers_and_a_reducer_key(driver: Any) -> None:
    class State(TypedDict, total=False):
        a: int
        b: int
        c: int
        d: int
        e: int
        f: int
        g: int
        h: int
        log: Annotated[list[str], operator.add]

    inputs: list[dict[str, Any]] = []

    def left(state: State) -> dict[str, Any]:
        return {"a": state["a"] + 1, "log": ["left"]}

    def right(state: State) -> dict[str, Any]:
        return {"b": 5, "log": ["right"]}

    def join(state: State) -> dict[str, Any]:
        inputs.append(dict(state))
        return {"c": state["a"] + state["b"]}

    g = StateGraph(State)
    g.add_node("left", left).add_node("right", right).add_node("join", join)
    g.add_edge(START, "left").add_edge(START, "right")
    g.add_edge(["left", "right"], "join").add_edge("join", END)
    out = driver.run(g.compile(), {"a": 1, "log": []})
    assert inputs == [{"a": 2, "b": 5, "log": ["left", "right"]}]
    assert out == {"a": 2, "b": 5, "c": 7, "log": ["left", "right"]}


def channels_of(**kinds: Any) -> dict[str, Any]:
    return {k: ch.from_checkpoint(MISSING) for k, ch in kinds.items()}


def test_views_follow_updates_and_expiry_in_select_order() -> None:
    channels = channels_of(**{k: LastValue(int) for k in KEYS[:-1]}, **{KEYS[-1]: AnyValue(int)})
    select = list(KEYS)
    views = StateViews(channels)
    assert views.read(select) == {}
    channels["k2"].update([2])
    channels["k0"].update([0])
    views.touch(["k2", "k0"], [])
    first = views.read(select)
    assert first == read_channels(channels, select) and list(first) == ["k0", "k2"]
    first["k0"] = 99  # a read is a copy
    channels["k2"].update([3])
    channels[KEYS[-1]].update([7])
    views.touch(["k2", KEYS[-1]], [])
    assert views.read(select) == {"k0": 0, "k2": 3, KEYS[-1]: 7}
    channels[KEYS[-1]].update([])  # AnyValue: an empty step clears it
    views.touch([], [KEYS[-1]])
    assert views.read(select) == read_channels(channels, select) == {"k0": 0, "k2": 3}
    channels["k5"].update([5])
    views.touch([], None)  # unknown changes: rebuilt on the next read
    assert views.read(select) == read_channels(channels, select)


def test_a_select_with_a_channel_that_has_its_own_read_is_not_kept() -> None:
    channels = channels_of(
        **{k: LastValue(int) for k in KEYS}, log=BinaryOperatorAggregate(list, operator.add)
    )
    views = StateViews(channels)
    assert views.read([*KEYS, "log"]) is None
    assert views.read([*KEYS, "managed"]) is None  # not a channel (a managed value)
    assert views.read(KEYS) == {}
