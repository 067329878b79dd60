"""config["callbacks"]: langchain-core handlers see the graph run and each task, as in LangGraph."""

from __future__ import annotations

from typing import Any, TypedDict

import pytest

pytest.importorskip(
    "langchain_core", reason="callbacks are langchain-core's (the 'langchain' extra)"
)

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from stategraph.config import get_config
from stategraph.graph import START, StateGraph
from stategraph.graph.message import MessagesState
from stategraph.pregel._loop import PregelLoop


class S(TypedDict):
    x: int


class Recorder(BaseCallbackHandler):
    """Keeps (kind, name, run, parent, tags, metadata, payload) with run ids numbered."""

    def __init__(self) -> None:
        self.log: list[tuple[Any, ...]] = []
        self.ids: dict[Any, int] = {}

    def _n(self, run_id: Any) -> int | None:
        return None if run_id is None else self.ids.setdefault(run_id, len(self.ids))

    def on_chain_start(
        self,
        serialized: Any,
        inputs: Any,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: Any = None,
        metadata: Any = None,
        **kw: Any,
    ) -> None:
        self.log.append(
            (
                "start",
                kw.get("name"),
                self._n(run_id),
                self._n(parent_run_id),
                tags,
                metadata,
                inputs,
            )
        )

    def on_chain_end(
        self, outputs: Any, *, run_id: Any, parent_run_id: Any = None, **kw: Any
    ) -> None:
        self.log.append(("end", self._n(run_id), self._n(parent_run_id), outputs))

    def on_chain_error(
        self, error: BaseException, *, run_id: Any, parent_run_id: Any = None, **kw: Any
    ) -> None:
        self.log.append(("error", self._n(run_id), self._n(parent_run_id), type(error).__name__))

    def on_chat_model_start(
        self,
        serialized: Any,
        messages: Any,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: Any = None,
        metadata: Any = None,
        **kw: Any,
    ) -> None:
        self.log.append(
            ("model", self._n(run_id), self._n(parent_run_id), tags, metadata["langgraph_node"])
        )


def _boom(s: S) -> dict:
    if s["x"] > 5:
        raise ValueError("boom")
    return {"x": s["x"] + 1}


def _graph() -> Any:
    g = StateGraph(S).add_node("a", lambda s: {"x": s["x"] + 1}).add_node("b", _boom)
    return g.add_edge(START, "a").add_edge("a", "b").compile()


@pytest.mark.parametrize("how", ["run", "stream"])
def test_handlers_see_the_graph_run_and_each_task(driver, how: str) -> None:
    rec = Recorder()
    config = {"callbacks": [rec], "tags": ["t1"], "metadata": {"m": 1}}
    getattr(driver, how)(_graph(), {"x": 1}, config)
    starts = [entry[:5] for entry in rec.log if entry[0] == "start"]
    assert starts == [
        ("start", "LangGraph", 0, None, ["t1"]),
        ("start", "a", 1, 0, ["graph:step:1", "t1"]),
        ("start", "b", 2, 0, ["graph:step:2", "t1"]),
    ]
    assert [entry for entry in rec.log if entry[0] == "end"] == [
        ("end", 1, 0, {"x": 2}),
        ("end", 2, 0, {"x": 3}),
        ("end", 0, None, {"x": 3}),
    ]
    root_meta, node_meta = rec.log[0][5], rec.log[1][5]
    assert root_meta == {"m": 1, "ls_integration": "langgraph"}
    assert node_meta["langgraph_node"] == "a" and node_meta["langgraph_step"] == 1
    assert node_meta["langgraph_triggers"] == ("branch:to:a",) and node_meta["m"] == 1
    assert rec.log[0][6] == {"x": 1} and rec.log[1][6] == {"x": 1}


def test_a_failing_node_reports_errors_for_itself_and_the_graph(driver) -> None:
    rec = Recorder()
    with pytest.raises(ValueError, match="boom"):
        driver.run(_graph(), {"x": 10}, {"callbacks": [rec]})
    assert rec.log[-2:] == [("error", 2, 0, "ValueError"), ("error", 0, None, "ValueError")]


def test_a_chat_model_called_in_a_node_is_a_child_of_the_task(driver) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("hi there")]))
    seen: list[Any] = []

    def call(state: MessagesState) -> dict:
        seen.append(get_config()["callbacks"])  # the node's config carries its child manager
        return {"messages": [model.invoke(state["messages"])]}

    graph = StateGraph(MessagesState).add_node("call", call).add_edge(START, "call").compile()
    rec = Recorder()
    driver.run(graph, {"messages": [("user", "hi")]}, {"callbacks": [rec]})
    assert ("model", 2, 1, ["seq:step:1"], "call") in rec.log
    assert seen[0].parent_run_id is not None


def test_runs_without_callbacks_never_start_a_callback_run(driver, monkeypatch) -> None:
    started: list[Any] = []
    original = PregelLoop.__init__

    def spy(self: PregelLoop, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(PregelLoop, "__init__", spy)
    assert driver.run(_graph(), {"x": 1}) == {"x": 3}
    assert started and all(loop.callback_run is None for loop in started)
