"""lazy_exports: a module's names resolve on first access, once, and unknown names still fail."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def lazypkg(tmp_path: Path) -> Iterator[str]:
    pkg = tmp_path / "lazypkg_for_test"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(textwrap.dedent("""
        from stategraph._lazy import lazy_exports

        __getattr__, __dir__ = lazy_exports(__name__, {"Heavy": "._heavy", "Other": "._heavy"})
    """))
    (pkg / "_heavy.py").write_text("LOADS = []\nLOADS.append(1)\nclass Heavy: ...\nOther = 42\n")
    (pkg / "plain.py").write_text(textwrap.dedent("""
        from stategraph._lazy import lazy_exports

        __getattr__, __dir__ = lazy_exports(__name__, {"Heavy": "._heavy"})
    """))
    sys.path.insert(0, str(tmp_path))
    try:
        yield pkg.name
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.split(".")[0] == pkg.name]:
            del sys.modules[name]


def test_submodule_loads_on_first_access_only(lazypkg: str) -> None:
    import importlib

    mod = importlib.import_module(lazypkg)
    assert f"{lazypkg}._heavy" not in sys.modules
    heavy = mod.Heavy
    assert heavy.__module__ == f"{lazypkg}._heavy"
    assert mod.Other == 42 and mod.Heavy is heavy
    assert sys.modules[f"{lazypkg}._heavy"].LOADS == [1]
    assert "Heavy" in vars(mod)  # cached: the next lookup does not go through __getattr__


def test_from_import_and_dir(lazypkg: str) -> None:
    import importlib

    mod = importlib.import_module(lazypkg)
    assert {"Heavy", "Other"} <= set(dir(mod))
    namespace: dict[str, object] = {}
    exec(f"from {lazypkg} import Other", namespace)
    assert namespace["Other"] == 42


def test_relative_to_the_package_of_a_plain_module(lazypkg: str) -> None:
    import importlib

    plain = importlib.import_module(f"{lazypkg}.plain")
    assert plain.Heavy.__module__ == f"{lazypkg}._heavy"


def test_unknown_name_is_an_attribute_error(lazypkg: str) -> None:
    import importlib

    mod = importlib.import_module(lazypkg)
    with pytest.raises(AttributeError, match="has no attribute 'Missing'"):
        _ = mod.Missing
    assert not hasattr(mod, "Missing")
