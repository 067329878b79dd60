"""``stategraph serve`` and ``stategraph worker``: modes, refusals, a scale-out round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from langgraph_sdk import get_client

from stategraph.cli import main
from stategraph.server import ConfigError
from stategraph.server._scale.settings import ScaleSettings

from ._scale_processes import child_pids, serve_command
from .scale_graphs import NODES

pytestmark = pytest.mark.anyio


def test_settings_come_from_arguments_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("POSTGRES_URI", raising=False)
    monkeypatch.delenv("REDIS_URI", raising=False)
    assert ScaleSettings.from_env() is None
    monkeypatch.setenv("REDIS_URI", "redis://127.0.0.1:6379/0")
    with pytest.raises(ConfigError, match="--postgres-uri"):
        ScaleSettings.from_env()
    settings = ScaleSettings.from_env("postgresql://x@127.0.0.1/db")
    assert settings is not None and settings.redis_uri == "redis://127.0.0.1:6379/0"


def test_worker_without_services_and_many_embedded_workers_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import write_config

    monkeypatch.delenv("POSTGRES_URI", raising=False)
    monkeypatch.delenv("REDIS_URI", raising=False)
    config = str(write_config(tmp_path))
    assert main(["worker", "--config", config]) == 2
    assert "needs --postgres-uri and --redis-uri" in capsys.readouterr().err
    assert main(["serve", "--config", config, "--workers", "2"]) == 2
    assert "--workers > 1 needs --postgres-uri" in capsys.readouterr().err
    assert main(["serve", "--config", config, "--postgres-uri", "postgresql://x@h/d"]) == 2
    assert "--redis-uri" in capsys.readouterr().err


def test_an_unreachable_postgres_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import free_port, write_config

    config = str(write_config(tmp_path))
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=1"
    argv = ["--config", config, "--postgres-uri", dead, "--redis-uri", "redis://127.0.0.1:1/0"]
    assert main(["worker", *argv]) == 2
    assert "Cannot connect to PostgreSQL" in capsys.readouterr().err


async def test_serve_with_worker_processes_runs_graphs(scale: dict) -> None:
    with serve_command(scale["config"], scale["settings"], workers=2) as (url, process):
        client = get_client(url=url)
        results = [await client.runs.wait(None, "steps", input={"items": []}) for _ in range(3)]
        assert results == [{"items": list(NODES)}] * 3
        assert len(child_pids(process.pid)) == 2
    assert process.returncode == 0 and child_pids(process.pid) == []
