"""import_path: a file imported once per process; a failed import is tried again."""

from __future__ import annotations

from pathlib import Path

import pytest

from stategraph._import_path import import_path


def test_one_file_is_one_module(tmp_path: Path) -> None:
    (tmp_path / "helper.py").write_text("VALUE = 7\n")
    (tmp_path / "mod.py").write_text("import helper\nstate = []\nVALUE = helper.VALUE\n")
    first = import_path(tmp_path / "mod.py")
    assert first.VALUE == 7  # a sibling import resolves
    first.state.append(1)
    assert import_path(tmp_path / "mod.py").state == [1]


def test_a_failed_import_is_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "flaky.py"
    path.write_text("raise RuntimeError('not yet')\n")
    with pytest.raises(RuntimeError, match="not yet"):
        import_path(path)
    path.write_text("OK = True\n")
    assert import_path(path).OK is True
