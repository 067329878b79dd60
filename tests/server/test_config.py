"""Loading a langgraph.json: graph paths relative to the file, env, clear errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stategraph.pregel import Pregel
from stategraph.server import ConfigError, create_app, load_config

GRAPH_SOURCE = """
from typing import TypedDict
from stategraph.graph import StateGraph, START, END

class S(TypedDict):
    n: int

builder = StateGraph(S)
builder.add_node("inc", lambda s: {"n": s["n"] + 1})
builder.add_edge(START, "inc")
builder.add_edge("inc", END)
graph = builder.compile()
"""


def _write(tmp_path: Path, config: dict, source: str = GRAPH_SOURCE) -> Path:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "pkg" / "agent.py").write_text(source)
    path = tmp_path / "langgraph.json"
    path.write_text(json.dumps(config))
    return path


def test_graphs_relative_to_config_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir("/")
    path = _write(tmp_path, {"graphs": {"a": "./pkg/agent.py:graph", "b": "pkg/agent.py:builder"}})
    config = load_config(str(path))
    assert isinstance(config.graphs["a"], Pregel)
    assert hasattr(config.graphs["b"], "compile") and config.path == path.resolve()
    assert config.graphs["a"].invoke({"n": 1}) == {"n": 2}


def test_env_dict_and_dotenv_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SG_TEST_A", raising=False)
    monkeypatch.delenv("SG_TEST_B", raising=False)
    (tmp_path / ".env").write_text('# comment\nSG_TEST_B="quoted value"\n\nexport SG_TEST_A=1\n')
    config = load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, "env": ".env"}))
    assert config.env == {"SG_TEST_B": "quoted value", "SG_TEST_A": "1"}
    assert os.environ["SG_TEST_B"] == "quoted value"
    config = load_config(
        _write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, "env": {"SG_TEST_A": 2}})
    )
    assert os.environ["SG_TEST_A"] == "2"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({}, "no 'graphs' mapping"),
        ({"graphs": {"a": "pkg/agent.py"}}, "'graphs.a' must be 'path.py:attribute'"),
        ({"graphs": {"a": "pkg/missing.py:graph"}}, "missing.py', which does not exist"),
        ({"graphs": {"a": "pkg/agent.py:nope"}}, "has no attribute 'nope'"),
        ({"graphs": {"a": "pkg/agent.py:graph"}, "env": "no.env"}, "key 'env' names"),
        ({"graphs": {"a": "pkg/agent.py:graph"}, "env": 3}, "'env' must be a mapping"),
    ],
)
def test_errors_name_the_key_and_file(tmp_path: Path, config: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(_write(tmp_path, config))
    assert "langgraph.json" in str(caught.value)


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read config file"):
        load_config(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(tmp_path / "bad.json")


def test_create_app_rejects_a_non_graph(tmp_path: Path) -> None:
    path = _write(tmp_path, {"graphs": {"a": "pkg/agent.py:S"}})
    with pytest.raises(TypeError, match="Graph 'a' is a"):
        create_app(path)


def test_store_index_embed_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "embed.py").write_text("def embed(texts):\n    return [[1.0] for _ in texts]\n")
    config = load_config(
        _write(
            tmp_path,
            {
                "graphs": {"a": "pkg/agent.py:graph"},
                "store": {"index": {"dims": 1, "embed": "./embed.py:embed", "fields": ["text"]}},
            },
        )
    )
    assert config.store_index["embed"](["x"]) == [[1.0]]
    assert config.store_index["dims"] == 1 and config.store_index["fields"] == ["text"]
    provider = load_config(
        _write(
            tmp_path,
            {
                "graphs": {"a": "pkg/agent.py:graph"},
                "store": {"index": {"dims": 3, "embed": "p:m"}},
            },
        )
    )
    assert provider.store_index["embed"] == "p:m"
    assert (
        load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}})).store_index is None
    )


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ([], "key 'store' must be an object"),
        ({"index": {"embed": "p:m"}}, "'store.index' must be an object with integer 'dims'"),
        ({"index": {"dims": 3, "embed": 5}}, "'store.index.embed' must be"),
        ({"index": {"dims": 3, "embed": "./nope.py:f"}}, "'store.index.embed' names"),
    ],
)
def test_store_index_errors(tmp_path: Path, store: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, "store": store}))


def test_store_ttl_is_the_stores_ttl_config(tmp_path: Path) -> None:
    ttl = {"default_ttl": 10080, "refresh_on_read": False, "sweep_interval_minutes": 60}
    path = _write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, "store": {"ttl": ttl}})
    assert load_config(path).store_ttl == ttl
    assert load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}})).store_ttl is None


def test_checkpointer_ttl_is_the_thread_ttl_config(tmp_path: Path) -> None:
    ttl = {"strategy": "keep_latest", "default_ttl": 60, "sweep_interval_minutes": 0.5}
    path = _write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, "checkpointer": {"ttl": ttl}})
    assert load_config(path).thread_ttl == ttl
    assert load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}})).thread_ttl is None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"store": {"ttl": 5}}, "key 'store.ttl' must be an object"),
        ({"store": {"ttl": {"default": 5}}}, r"'store.ttl.default' is unknown; use 'refresh_on"),
        ({"store": {"ttl": {"default_ttl": 0}}}, "'store.ttl.default_ttl' must be a positive"),
        ({"store": {"ttl": {"default_ttl": "7d"}}}, "'store.ttl.default_ttl' must be .* '7d'"),
        ({"store": {"ttl": {"default_ttl": True}}}, "'store.ttl.default_ttl' must be"),
        ({"store": {"ttl": {"refresh_on_read": 1}}}, "'store.ttl.refresh_on_read' must be true"),
        ({"store": {"ttl": {"sweep_interval_minutes": 1.5}}}, "'store.ttl.sweep_interval_min"),
        ({"checkpointer": {"ttl": 5}}, "key 'checkpointer.ttl' must be an object"),
        ({"checkpointer": {"ttl": {"ttl": 5}}}, r"'checkpointer.ttl.ttl' is unknown; use 'strat"),
        ({"checkpointer": {"ttl": {"strategy": "drop"}}}, "'checkpointer.ttl.strategy' must be"),
        ({"checkpointer": {"ttl": {"default_ttl": -1}}}, "'checkpointer.ttl.default_ttl' must"),
        ({"checkpointer": {"ttl": {"sweep_interval_minutes": 0}}}, "ttl.sweep_interval_minutes'"),
        ({"checkpointer": {"ttl": {"sweep_limit": 2.5}}}, "'checkpointer.ttl.sweep_limit' must"),
    ],
)
def test_ttl_errors_name_the_key(tmp_path: Path, extra: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, {"graphs": {"a": "pkg/agent.py:graph"}, **extra}))
