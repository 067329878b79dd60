"""Nodes of a served run see ``Runtime.server_info``: the assistant and graph they serve."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_client

from .conftest import serve_in_mode
from .extra_graphs import write_extra_config

pytestmark = pytest.mark.anyio


@pytest.fixture
def extra_url(tmp_path: Path, server_mode: str) -> Iterator[str]:
    with serve_in_mode(write_extra_config(tmp_path), server_mode) as (url, _):
        yield url


async def test_runtime_server_info_names_assistant_and_graph(extra_url: str) -> None:
    client = get_client(url=extra_url)
    assistant = await client.assistants.create("served_info", name="custom")
    out = await client.runs.wait(None, assistant["assistant_id"], input={"items": []})
    # no auth configured: no user
    assert json.loads(out["items"][0]) == [assistant["assistant_id"], "served_info", None, None]
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "served_info", input={"items": []})
    metadata = (await client.threads.get_state(tid))["metadata"]
    assert metadata["graph_id"] == "served_info"  # configurable keys reach checkpoint metadata
