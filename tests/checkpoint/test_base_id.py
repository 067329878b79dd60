"""stategraph.checkpoint.base.id: LangGraph's path to uuid6."""

from __future__ import annotations

import uuid

from stategraph.checkpoint._ids import uuid6 as engine_uuid6
from stategraph.checkpoint.base.id import UUID, uuid6


def test_uuid6_is_the_engines_and_sorts_by_time() -> None:
    assert uuid6 is engine_uuid6 and UUID is uuid.UUID
    ids = [uuid6() for _ in range(50)]
    assert all(i.version == 6 for i in ids)
    assert [str(i) for i in ids] == sorted(str(i) for i in ids)


def test_clock_seq_is_kept() -> None:
    assert uuid6(clock_seq=5).clock_seq == 5
