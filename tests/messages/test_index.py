"""The id sets ``add_messages`` keeps for its results (stategraph.messages._index)."""

import pytest

from stategraph.graph.message import REMOVE_ALL_MESSAGES, add_messages
from stategraph.messages import AIMessage, HumanMessage, RemoveMessage
from stategraph.messages._index import forget_all, keep_ids, take_ids


@pytest.fixture(autouse=True)
def _cold() -> None:
    forget_all()


def test_take_returns_the_kept_set_once_for_the_same_items() -> None:
    items = [HumanMessage("a", id="1"), AIMessage("b", id="2")]
    ids = {"1", "2"}
    keep_ids(items, ids, False)
    assert take_ids(list(items), True) is None  # other message model
    assert take_ids(list(items), False) is ids  # a new list of the same objects
    assert take_ids(items, False) is None  # taken: the caller owns the set now


def test_take_refuses_a_list_with_another_item_or_length() -> None:
    items = [HumanMessage("a", id="1"), AIMessage("b", id="2")]
    keep_ids(items, {"1", "2"}, False)
    swapped = [items[0], AIMessage("b", id="2")]  # equal, but not the same object
    assert take_ids(swapped, False) is None
    assert take_ids(items[:1], False) is None
    assert take_ids(items, False) == {"1", "2"}


def test_appends_reuse_the_set_and_stay_exact() -> None:
    state = add_messages([], [HumanMessage("a", id="1")])
    for turn in range(2, 6):
        state = add_messages(state, [AIMessage(f"m{turn}", id=str(turn))])
    assert [m.id for m in state] == ["1", "2", "3", "4", "5"]
    # a replacement by id after a run of appends still replaces, in place of the old one
    state = add_messages(state, [AIMessage("new", id="3")])
    assert [m.content for m in state] == ["a", "m2", "new", "m4", "m5"]
    state = add_messages(state, [RemoveMessage(id="2")])
    assert [m.id for m in state] == ["1", "3", "4", "5"]
    state = add_messages(state, [RemoveMessage(id=REMOVE_ALL_MESSAGES), HumanMessage("z", id="9")])
    assert [m.id for m in state] == ["9"]


def test_a_result_edited_in_place_is_not_trusted() -> None:
    state = add_messages([HumanMessage("a", id="1")], [AIMessage("b", id="2")])
    state[1] = AIMessage("c", id="3")  # the list edited in place: the kept ids are stale
    out = add_messages(state, [AIMessage("d", id="2")])
    assert [(m.id, m.content) for m in out] == [("1", "a"), ("3", "c"), ("2", "d")]
    state = add_messages([HumanMessage("a", id="1")], [AIMessage("b", id="2")])
    state.append(HumanMessage("x", id="4"))
    out = add_messages(state, [HumanMessage("y", id="4")])
    assert [(m.id, m.content) for m in out] == [("1", "a"), ("2", "b"), ("4", "y")]


def test_duplicate_new_ids_in_one_update_merge_like_langgraph() -> None:
    state = add_messages([HumanMessage("a", id="1")], [AIMessage("b", id="2")])
    out = add_messages(state, [AIMessage("c", id="5"), AIMessage("d", id="5")])
    assert [(m.id, m.content) for m in out] == [("1", "a"), ("2", "b"), ("5", "d")]
    again = add_messages(out, [AIMessage("e", id="5")])
    assert [(m.id, m.content) for m in again] == [("1", "a"), ("2", "b"), ("5", "e")]
