"""The scale-out run queue against real Postgres and Redis, with real worker processes.

Claims never overlap, the database refuses a second running run on a thread, a run whose
worker was SIGKILLed is reaped and resumes from its last checkpoint without repeating a
finished node, and a run that keeps losing its worker fails after ``max_attempts``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import psycopg
import pytest
from langgraph_sdk import get_client

from stategraph.server import create_app
from stategraph.server._run_request import parse_run_request
from stategraph.server._runs import new_run_row
from stategraph.server._scale import _queue as queue
from stategraph.server._scale._pg_resources import PgResources

from ._scale_processes import workers
from .conftest import serve
from .scale_graphs import NODES, executions

pytestmark = pytest.mark.anyio


def run_rows(dsn: str) -> dict[str, dict[str, Any]]:
    with psycopg.connect(dsn, row_factory=psycopg.rows.dict_row) as conn:
        rows = conn.execute("SELECT run_id, status, attempt, worker_id FROM sg_server_runs")
        return {r["run_id"]: r for r in rows.fetchall()}


async def test_two_workers_share_runs_and_never_run_one_twice(scale: dict[str, Any]) -> None:
    settings, counter = scale["settings"], scale["counter"]
    app = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_COUNTER_FILE": str(counter), "SG_STEP_SECONDS": "0.01"}
    with workers(scale["config"], settings, 2, **env), serve(app) as url:
        client = get_client(url=url)
        threads = [(await client.threads.create())["thread_id"] for _ in range(30)]
        runs = await asyncio.gather(
            *(client.runs.create(t, "steps", input={"items": []}) for t in threads)
        )
        results = await asyncio.gather(
            *(client.runs.join(r["thread_id"], r["run_id"]) for r in runs)
        )
    assert all(result == {"items": list(NODES)} for result in results)
    counts = executions(counter)
    assert len(counts) == 30 * len(NODES) and set(counts.values()) == {1}
    rows = run_rows(scale["dsn"])
    assert {r["status"] for r in rows.values()} == {"success"}
    assert {r["attempt"] for r in rows.values()} == {1}
    assert len({r["worker_id"] for r in rows.values()}) == 2  # both workers took runs


def test_the_database_allows_one_running_run_per_thread(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        resources.insert("threads", _thread_row("t1"))
        assistant = {"assistant_id": "a1", "graph_id": "steps"}
        request = parse_run_request({"assistant_id": "a1"})
        first, second = (new_run_row("t1", assistant, request) for _ in range(2))
        for row in (first, second):
            queue.admit(resources, row, "enqueue", assistant)
        claimed = queue.claim(resources, "w1", 30)
        assert claimed is not None and claimed["run_id"] == first["run_id"]
        assert queue.claim(resources, "w2", 30) is None  # its thread is busy: FIFO waits
        with pytest.raises(psycopg.errors.UniqueViolation):
            resources.execute(
                "UPDATE sg_server_runs SET status = 'running' WHERE run_id = %s",
                [second["run_id"]],
            )
        assert queue.finish(resources, first["run_id"], "w1", "success", None)
        again = queue.claim(resources, "w2", 30)
        assert again is not None and again["run_id"] == second["run_id"]
        assert not queue.finish(resources, second["run_id"], "w1", "success", None)
    finally:
        resources.close()


def test_the_reaper_requeues_then_fails_after_max_attempts(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        resources.insert("threads", _thread_row("t1"))
        assistant = {"assistant_id": "a1", "graph_id": "steps"}
        row = new_run_row("t1", assistant, parse_run_request({"assistant_id": "a1"}))
        queue.admit(resources, row, "enqueue", assistant)
        statuses = []
        for worker in ("w1", "w2"):
            assert queue.claim(resources, worker, 0.05) is not None
            time.sleep(0.1)
            reaped = queue.reap(resources, max_attempts=2)
            assert queue.reap(resources, max_attempts=2) == []  # idempotent
            statuses.append([r["status"] for r in reaped])
        assert statuses == [["pending"], ["error"]]
        failed = resources.get("runs", "run_id", row["run_id"])
        assert failed is not None and failed["error"]["error"] == "WorkerLost"
        assert "claimed 2 times" in failed["error"]["message"]
    finally:
        resources.close()


def test_admission_with_rollback_deletes_pending_runs_and_flags_the_running_one(
    scale: dict[str, Any],
) -> None:
    resources = PgResources(scale["dsn"])
    try:
        resources.insert("threads", _thread_row("t1"))
        assistant = {"assistant_id": "a1", "graph_id": "steps"}
        request = parse_run_request({"assistant_id": "a1"})
        running, pending, new = (new_run_row("t1", assistant, request) for _ in range(3))
        for row in (running, pending):
            queue.admit(resources, row, "enqueue", assistant)
        assert queue.claim(resources, "w1", 30)["run_id"] == running["run_id"]  # type: ignore[index]
        cancelled, dropped = queue.admit(resources, new, "rollback", assistant)
        assert (cancelled, dropped) == ([running["run_id"]], [pending["run_id"]])
        assert resources.get("runs", "run_id", pending["run_id"]) is None
        assert queue.rollback_requested(resources, running["run_id"])
        queue.request_cancel(resources, running["run_id"])  # a later interrupt: still rollback
        assert queue.rollback_requested(resources, running["run_id"])
        assert not queue.delete_rolled_back(resources, running["run_id"], "w2")  # not its run
        assert queue.delete_rolled_back(resources, running["run_id"], "w1")
        assert queue.cancel_pending(resources, new["run_id"], "rollback") == "t1"
        assert run_rows(scale["dsn"]) == {}
    finally:
        resources.close()


def test_a_reaped_run_whose_rollback_was_asked_is_not_run_again(
    scale: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, counter = scale["settings"], scale["counter"]
    monkeypatch.setenv("SG_COUNTER_FILE", str(counter))
    resources = PgResources(scale["dsn"])
    try:
        resources.insert("threads", _thread_row("t1"))
        assistant = {"assistant_id": "steps", "graph_id": "steps"}
        row = new_run_row("t1", assistant, parse_run_request({"assistant_id": "steps"}))
        queue.admit(resources, row, "enqueue", assistant)
        assert queue.claim(resources, "dead-worker", 0.05) is not None
        assert queue.request_cancel(resources, row["run_id"], "rollback")
        time.sleep(0.1)
        assert [r["status"] for r in queue.reap(resources, max_attempts=3)] == ["pending"]
        with serve(create_app(scale["config"], scale=settings)):
            for _ in range(200):  # the app's worker claims it and only rolls it back
                if resources.get("runs", "run_id", row["run_id"]) is None:
                    break
                time.sleep(0.05)
        assert resources.get("runs", "run_id", row["run_id"]) is None
        assert not [key for key in executions(counter) if key[0] == row["run_id"]]
        assert resources.get("threads", "thread_id", "t1")["status"] == "idle"  # type: ignore[index]
    finally:
        resources.close()


def _thread_row(thread_id: str) -> dict[str, Any]:
    stamp = "2026-01-01T00:00:00+00:00"
    return {
        "thread_id": thread_id,
        "metadata": {},
        "status": "idle",
        "values": None,
        "interrupts": {},
        "config": {},
        "created_at": stamp,
        "updated_at": stamp,
    }


async def test_a_killed_workers_run_resumes_without_repeating_a_step(
    scale: dict[str, Any],
) -> None:
    settings, counter = scale["settings"], scale["counter"]
    app = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_COUNTER_FILE": str(counter), "SG_STEP_SECONDS": "0.6"}
    with serve(app) as url, workers(scale["config"], settings, 1, **env) as (first,):
        client = get_client(url=url)
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "steps", input={"items": []})
        while (run["run_id"], "n2") not in executions(counter):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # n2's checkpoint is written; n3 is sleeping
        first.kill()
        first.wait()
        with workers(scale["config"], settings, 1, **env):
            result = await asyncio.wait_for(client.runs.join(tid, run["run_id"]), 60)
        assert (await client.runs.get(tid, run["run_id"]))["status"] == "success"
    assert result == {"items": list(NODES)}
    counts = executions(counter)
    assert [counts[(run["run_id"], node)] for node in NODES] == [1] * len(NODES)
    assert run_rows(scale["dsn"])[run["run_id"]]["attempt"] == 2


async def test_a_stopped_worker_hands_its_run_back_without_counting_it(
    scale: dict[str, Any],
) -> None:
    settings, counter = scale["settings"], scale["counter"]
    app = create_app(scale["config"], scale=settings, run_worker=False)
    env = {"SG_COUNTER_FILE": str(counter), "SG_STEP_SECONDS": "0.6"}
    with serve(app) as url, workers(scale["config"], settings, 1, **env) as (first,):
        client = get_client(url=url)
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "steps", input={"items": []})
        while (run["run_id"], "n1") not in executions(counter):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        first.terminate()  # SIGTERM: drain
        assert first.wait(timeout=30) == 0
        assert (await client.runs.get(tid, run["run_id"]))["status"] == "pending"
        with workers(scale["config"], settings, 1, **env):
            result = await asyncio.wait_for(client.runs.join(tid, run["run_id"]), 60)
    assert result == {"items": list(NODES)}
    counts = executions(counter)
    # drained at a step boundary: the step running at SIGTERM finished there, none repeats
    assert [counts[(run["run_id"], node)] for node in NODES] == [1] * len(NODES)
    assert run_rows(scale["dsn"])[run["run_id"]]["attempt"] == 1
