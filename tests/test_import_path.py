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


def test_import_failure_names_the_error_and_the_line(tmp_path: Path) -> None:
    from stategraph._import_path import import_failure

    path = tmp_path / "broken.py"
    path.write_text("x = 1\ny = undefined_name\n")
    with pytest.raises(NameError) as caught:
        import_path(path)
    message = import_failure(path, caught.value)
    assert "NameError" in message and "undefined_name" in message and "line 2" in message


def test_cli_and_server_report_a_graph_file_that_fails_to_import(tmp_path: Path) -> None:
    from stategraph.cli import main
    from stategraph.server import ConfigError, load_config

    (tmp_path / "agent.py").write_text("graph = 1 / 0\n")
    config = {"graphs": {"agent": str(tmp_path / "agent.py") + ":graph"}}
    with pytest.raises(ConfigError, match=r"graphs.agent'.*ZeroDivisionError.*line 1"):
        load_config(config)
    assert main(["draw", str(tmp_path / "agent.py") + ":graph", "--format", "mermaid"]) == 2
