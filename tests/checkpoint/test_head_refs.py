"""HeadRefs: the refs of each scope's newest committed checkpoint, bounded."""

from __future__ import annotations

from stategraph.checkpoint._head_refs import HeadRefs


def test_only_the_newest_checkpoint_of_a_scope_is_known() -> None:
    refs = HeadRefs()
    refs.remember({("t", "", "1"): {"a": 1}, ("t", "", "2"): {"a": 2}})
    assert refs.get("t", "", "2") == {"a": 2}
    assert refs.get("t", "", "1") is None  # a fork of an older checkpoint reads its refs
    refs.remember({("t", "", "0"): {"a": 0}})  # an older id never replaces a newer one
    assert refs.get("t", "", "2") == {"a": 2}
    assert refs.get("t", "sub", "2") is None


def test_dropped_threads_are_forgotten() -> None:
    refs = HeadRefs()
    refs.remember({("t", "", "1"): {}, ("t", "ns", "1"): {}, ("u", "", "1"): {}})
    refs.drop_threads(["t"])
    assert refs.get("t", "", "1") is None and refs.get("t", "ns", "1") is None
    assert refs.get("u", "", "1") == {}


def test_the_least_recently_committed_scopes_are_evicted() -> None:
    refs = HeadRefs(max_scopes=2)
    refs.remember({("a", "", "1"): {}})
    refs.remember({("b", "", "1"): {}})
    refs.remember({("a", "", "2"): {}})  # a is now the most recent
    refs.remember({("c", "", "1"): {}})
    assert refs.get("b", "", "1") is None
    assert refs.get("a", "", "2") == {} and refs.get("c", "", "1") == {}
