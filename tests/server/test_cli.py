"""``stategraph dev`` serves examples/server/langgraph.json; bad configs exit with status 2."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_sync_client

from stategraph.cli import build_parser, main

from .conftest import free_port

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "examples" / "server" / "langgraph.json"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def dev_server() -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-m",
        "stategraph.cli",
        "dev",
        "--config",
        str(EXAMPLE_CONFIG),
        "--port",
        str(port),
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"stategraph dev exited: {process.stdout.read().decode()}")
        try:
            if httpx.get(f"{url}/ok").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("stategraph dev did not answer /ok within 20 s")


def test_dev_serves_the_example(dev_server: str) -> None:
    client = get_sync_client(url=dev_server)
    thread = client.threads.create()
    paused = client.runs.wait(thread["thread_id"], "agent", input={"topic": "owls"})
    assert paused["draft"] == "A short note about owls."
    assert paused["__interrupt__"][0]["value"]["question"] == "approve?"
    done = client.runs.wait(thread["thread_id"], "agent", command={"resume": "ok"})
    assert done["log"] == ["drafted", "review: ok"]
    assert client.threads.get(thread["thread_id"])["status"] == "idle"


def test_defaults() -> None:
    args = build_parser().parse_args(["dev"])
    assert (args.config, args.host, args.port, args.database, args.no_reload) == (
        "langgraph.json",
        "127.0.0.1",
        2024,
        ":memory:",
        False,
    )


GRAPH = """
from typing import TypedDict
from stategraph.graph import START, StateGraph

class S(TypedDict, total=False):
    word: str

graph = StateGraph(S).add_node("say", lambda s: {{"word": "{word}"}}).add_edge(START, "say").compile()
"""


def test_dev_reloads_when_a_graph_file_changes(tmp_path: Path) -> None:
    (tmp_path / "graph.py").write_text(GRAPH.format(word="before"))
    (tmp_path / "langgraph.json").write_text('{"graphs": {"say": "./graph.py:graph"}}')
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-m",
        "stategraph.cli",
        "dev",
        "--config",
        str(tmp_path / "langgraph.json"),
    ]
    process = subprocess.Popen(
        [*command, "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        assert get_sync_client(url=url).runs.wait(None, "say", input={})["word"] == "before"
        (tmp_path / "graph.py").write_text(GRAPH.format(word="after"))
        deadline, word = time.monotonic() + 30, "before"
        while word != "after" and time.monotonic() < deadline:
            time.sleep(0.5)
            try:
                word = get_sync_client(url=url).runs.wait(None, "say", input={})["word"]
            except Exception:  # the server is restarting
                continue
        assert word == "after"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev", "--config", str(tmp_path / "absent.json")]) == 2
    assert "Cannot read config file" in capsys.readouterr().err
