"""The API reference (docs/reference/*.md) documents every public name of the package.

Reads only the markdown and the package, so it needs no mkdocs; test_site_build checks the
built site has an anchor for each name.
"""

from __future__ import annotations

import pytest

from ._markdown import directives
from ._reference import anchors_for, public_names, rendered

PAIRS = public_names()


@pytest.fixture(scope="module")
def shown() -> dict:
    return rendered([d for d in directives() if d.page.startswith("reference/")])


def test_names_come_from_the_snapshot_and_prebuilt() -> None:
    modules = {module for module, _ in PAIRS}
    assert {"stategraph.graph", "stategraph.errors", "stategraph.prebuilt.swarm"} <= modules
    assert len(PAIRS) > 150


def test_every_public_name_is_in_the_reference(shown) -> None:
    missing = [f"{module}.{name}" for module, name in PAIRS if not anchors_for(module, name, shown)]
    assert not missing, f"not rendered by any ::: directive in docs/reference: {missing}"


def test_every_directive_resolves() -> None:
    from ._reference import _resolve

    broken = []
    for d in directives():
        try:
            _resolve(d.path)
        except (ImportError, AttributeError) as exc:
            broken.append(f"{d.page}: ::: {d.path} ({exc})")
    assert not broken, broken
