"""Every public class and function carries a docstring with an example, and the example runs.

An example is a Google-style ``Examples:`` section written as doctest lines (``>>>``), which
mkdocstrings (griffe) renders as a console block on the reference page.  Each one runs here under
``doctest`` in a fresh namespace and a temporary working directory, so an example that
stops matching the code fails the suite.  Examples that talk to PostgreSQL or Redis (their
text names a ``postgresql://`` or ``redis://`` URL) need the real servers, as the backend
suites do.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
from typing import Any

import pytest

from _services import postgres_dsn, redis_url  # tests/ is on sys.path

from ._reference import public_names

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public_callables() -> dict[str, Any]:
    """Each public class and function once, under the first public path that exports it."""
    found: dict[str, Any] = {}
    seen: set[int] = set()
    for module, name in public_names():
        obj = getattr(importlib.import_module(module), name)
        if not (inspect.isclass(obj) or inspect.isroutine(obj)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        found[f"{module}.{name}"] = obj
    return found


OBJECTS = _public_callables()


def test_the_walk_finds_the_public_surface() -> None:
    assert len(OBJECTS) > 150
    assert "stategraph.graph.StateGraph" in OBJECTS


@pytest.mark.parametrize("path", sorted(OBJECTS))
def test_docstring_has_an_example_that_runs(path: str, tmp_path, monkeypatch) -> None:
    obj = OBJECTS[path]
    doc = inspect.getdoc(obj) or ""
    assert doc, f"{path} has no docstring; write one with an 'Examples:' section of >>> lines"
    assert "\nExamples:\n" in doc and ">>>" in doc, (
        f"{path}'s docstring has no example; add an 'Examples:' section with >>> lines that "
        "show a typical use and its result"
    )
    if "postgresql://" in doc:
        postgres_dsn()
    if "redis://" in doc:
        redis_url()
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(doc, {"__name__": "__doctest__"}, path, None, 0)
    out: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=out.append)
    assert result.failed == 0, f"{path}'s example fails:\n" + "".join(out)
