"""The compare-and-set rule on a thread's head (pure; backends run it in their transaction)."""

from __future__ import annotations

import pytest

from stategraph.checkpoint._head import EXPECTED_HEAD_KEY, check_head, expected_head
from stategraph.errors import CheckpointError, ConcurrentRunError, ErrorCode


def test_expected_head_reads_the_engines_key() -> None:
    assert expected_head({"configurable": {"thread_id": "t"}}) is None
    assert expected_head({}) is None
    assert expected_head({"configurable": {EXPECTED_HEAD_KEY: None}}) is None
    assert expected_head({"configurable": {EXPECTED_HEAD_KEY: ""}}) == ""
    assert expected_head({"configurable": {EXPECTED_HEAD_KEY: "c1"}}) == "c1"
    with pytest.raises(CheckpointError) as raised:
        expected_head({"configurable": {EXPECTED_HEAD_KEY: 1}})
    assert raised.value.code is ErrorCode.CHECKPOINT_BAD_ARGUMENT


@pytest.mark.parametrize(
    ("expected", "actual", "new_id"),
    [("", None, "c1"), ("c1", "c1", "c2")],
)
def test_a_matching_head_and_a_newer_id_pass(
    expected: str, actual: str | None, new_id: str
) -> None:
    check_head("t", "", new_id, expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual", "new_id", "words"),
    [
        ("", "c1", "c2", ["'t'", "none (no checkpoint yet)", "'c1'", "concurrently"]),
        ("c1", None, "c2", ["'c1'", "but it is none"]),
        ("c1", "c2", "c3", ["'c1'", "'c2'", "namespace 'ns'"]),
        ("c2", "c2", "c1", ["'c1' is not newer than the head 'c2'"]),
        ("c2", "c2", "c2", ["not newer"]),
    ],
)
def test_anything_else_is_a_concurrent_writer(
    expected: str, actual: str | None, new_id: str, words: list[str]
) -> None:
    with pytest.raises(ConcurrentRunError) as raised:
        check_head("t", "ns", new_id, expected, actual)
    error = raised.value
    assert error.code is ErrorCode.CHECKPOINT_CONCURRENT_WRITER
    assert (error.thread_id, error.checkpoint_ns, error.checkpoint_id) == ("t", "ns", new_id)
    assert (error.expected_head, error.actual_head) == (expected, actual)
    assert all(word in str(error) for word in words), str(error)
