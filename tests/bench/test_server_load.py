"""The server load and fault bench at CI size: every scenario must pass its checks.

Real PostgreSQL, a private redis-server, ``stategraph serve`` processes on loopback; the
figures are printed (``pytest -s`` shows them; they also go to the captured output).
"""

from __future__ import annotations

import shutil

import pytest

from _services import postgres_dsn, services_required
from bench import server_load

CI_RUNS = 60


def test_server_load_and_faults_at_ci_size() -> None:
    postgres_dsn()
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (the fault runs start a private one)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    figures = server_load.run_bench(CI_RUNS, 20, list(server_load.SCENARIOS))
    print("\n" + server_load.render(figures))
    assert [f["scenario"] for f in figures if not f["ok"]] == []
    by_name = {f["scenario"]: f for f in figures}
    assert by_name["scale"]["runs"] == CI_RUNS and by_name["kill_worker"]["runs"] == CI_RUNS
