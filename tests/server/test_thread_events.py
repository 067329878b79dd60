"""Thread stream modes, Last-Event-ID parsing and framing (shared by both server modes)."""

from __future__ import annotations

from typing import Any

import pytest

from stategraph.server._http import ApiError
from stategraph.server._thread_events import (
    modes_of,
    parse_last_event_id,
    parse_thread_modes,
    thread_frames,
)

pytestmark = pytest.mark.anyio


def test_each_event_belongs_to_its_modes() -> None:
    assert modes_of("run_created") == {"lifecycle"}
    assert modes_of("run_done") == {"lifecycle", "run_modes"}
    assert modes_of("state_update") == {"state_update"}
    assert modes_of("messages/partial|inner") == {"run_modes"}


def test_modes_and_ids_are_parsed_or_refused_with_422() -> None:
    assert parse_thread_modes([]) == {"run_modes"}
    assert parse_thread_modes(["lifecycle,state_update"]) == {"lifecycle", "state_update"}
    with pytest.raises(ApiError, match=r"\['values'\]") as caught:
        parse_thread_modes(["values", "lifecycle"])
    assert caught.value.status == 422
    assert parse_last_event_id(None) is None
    assert parse_last_event_id("-") == (0, 0)
    assert parse_last_event_id("1732462000000-7") == (1732462000000, 7)
    with pytest.raises(ApiError, match="Last-Event-ID"):
        parse_last_event_id("12")


async def test_frames_carry_ids_and_skip_unwanted_events() -> None:
    async def events() -> Any:
        yield "1-0", "run_created", {"run_id": "r"}
        yield "1-1", "values", {"a": 1}
        yield None

    frames = [f async for f in thread_frames(events(), frozenset({"lifecycle"}), 60.0)]
    assert frames == [
        b'id: 1-0\nevent: run_created\ndata: {"run_id": "r"}\n\n',
        b": heartbeat\n\n",
    ]
