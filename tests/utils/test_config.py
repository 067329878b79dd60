"""stategraph.utils.config: ensure_config and patch_configurable at LangGraph's old path."""

from __future__ import annotations

from typing_extensions import TypedDict

from stategraph.config import get_config
from stategraph.graph import StateGraph
from stategraph.utils.config import ensure_config, patch_configurable
from stategraph.utils.config import get_config as old_get_config


class S(TypedDict):
    out: dict


def test_defaults_and_merging() -> None:
    cfg = ensure_config(
        None, {"tags": ["a"], "metadata": {"k": 1}}, {"tags": ["b", "a"], "recursion_limit": 7}
    )
    assert cfg == {
        "tags": ["a", "b"],
        "metadata": {"k": 1},
        "callbacks": None,
        "recursion_limit": 7,
        "configurable": {},
    }
    assert ensure_config()["recursion_limit"] == 25 and old_get_config is get_config


def test_inside_a_node_the_run_config_is_inherited(driver) -> None:
    def node(state: S) -> S:
        inherited = ensure_config({"tags": ["mine"]})
        own_thread = ensure_config({"configurable": {"thread_id": "child"}})
        return {
            "out": {
                "user": inherited["configurable"].get("user"),
                "tags": inherited["tags"],
                "own": own_thread["configurable"],
            }
        }

    graph = StateGraph(S).add_node("n", node).set_entry_point("n").compile()
    out = driver.run(graph, {"out": {}}, {"configurable": {"user": "ada"}, "tags": ["run"]})["out"]
    assert out["user"] == "ada" and "run" in out["tags"] and out["tags"][-1] == "mine"
    assert out["own"] == {"thread_id": "child"}


def test_patch_configurable_copies() -> None:
    base = {"tags": ["x"], "configurable": {"a": 1, "b": 1}}
    assert patch_configurable(base, {"b": 2}) == {"tags": ["x"], "configurable": {"a": 1, "b": 2}}
    assert base["configurable"] == {"a": 1, "b": 1}
    assert patch_configurable(None, {"a": 1}) == {"configurable": {"a": 1}}
