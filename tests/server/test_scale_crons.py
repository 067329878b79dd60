"""The scale-out cron claim on real PostgreSQL: a cron another instance is firing is skipped,
and worker processes (no API process at all) fire due crons, once per due time."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from stategraph.server._db import now_iso
from stategraph.server._scale._crons import claim_due_locked
from stategraph.server._scale._pg_resources import PgResources

from ._scale_processes import workers

NOW = datetime(2030, 1, 1, 0, 1, 30, tzinfo=UTC)


def _cron(cron_id: str, *, next_run: datetime = NOW - timedelta(seconds=30)) -> dict[str, Any]:
    stamp = now_iso()
    return {
        "cron_id": cron_id,
        "assistant_id": "a",
        "thread_id": None,
        "user_id": None,
        "schedule": "* * * * *",
        "timezone": None,
        "end_time": None,
        "enabled": 1,
        "on_run_completed": "delete",
        "payload": {"input": {}},
        "metadata": {},
        "next_run_date": next_run.isoformat(),
        "created_at": stamp,
        "updated_at": stamp,
    }


def test_a_second_instance_skips_the_crons_the_first_is_firing(scale: dict[str, Any]) -> None:
    first, second = PgResources(scale["dsn"]), PgResources(scale["dsn"])
    try:
        first.insert("crons", _cron("due"))
        first.insert("crons", _cron("later", next_run=NOW + timedelta(minutes=5)))
        holding, released = threading.Event(), threading.Event()
        fired: dict[str, list[str]] = {"first": [], "second": []}

        def admit_first(cron: dict[str, Any]) -> Any:
            fired["first"].append(cron["cron_id"])
            holding.set()  # the row stays locked until the second claim is over
            assert released.wait(10)
            return None

        claimer = threading.Thread(target=claim_due_locked, args=(first, NOW, admit_first))
        claimer.start()
        assert holding.wait(10)
        assert claim_due_locked(second, NOW, lambda c: fired["second"].append(c["cron_id"])) == []
        released.set()
        claimer.join(10)
        # the first claim moved the due time on: claiming again (either instance) finds nothing
        claim_due_locked(second, NOW, lambda c: fired["second"].append(c["cron_id"]))
        assert fired == {"first": ["due"], "second": []}
        row = second.get("crons", "cron_id", "due")
        assert row is not None and row["next_run_date"] == "2030-01-01T00:02:00+00:00"
    finally:
        first.close()
        second.close()


def test_a_failing_cron_is_undone_and_the_others_still_fire(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        for cron_id in ("bad", "good"):
            resources.insert("crons", _cron(cron_id))

        def admit(cron: dict[str, Any]) -> Any:
            resources.update("crons", "cron_id", cron["cron_id"], metadata={"touched": True})
            if cron["cron_id"] == "bad":
                raise RuntimeError("boom")
            return ("run", cron["cron_id"])

        assert claim_due_locked(resources, NOW, admit) == [("run", "good")]
        rows = {r["cron_id"]: r for r in resources.select("crons")}
        assert rows["bad"]["metadata"] == {} and rows["good"]["metadata"] == {"touched": True}
        assert {r["next_run_date"] for r in rows.values()} == {"2030-01-01T00:02:00+00:00"}
    finally:
        resources.close()


def test_worker_processes_fire_a_due_cron_once(scale: dict[str, Any]) -> None:
    resources = PgResources(scale["dsn"])
    try:
        steps = str(uuid.uuid5(uuid.NAMESPACE_URL, "steps"))  # the system assistant's id
        due = datetime.now(UTC) - timedelta(seconds=1)
        cron = {**_cron("yearly", next_run=due), "assistant_id": steps, "schedule": "0 0 1 1 *"}
        resources.insert("crons", {**cron, "on_run_completed": "keep"})
        with workers(scale["config"], scale["settings"], 2):
            deadline = time.monotonic() + 30
            while not [r for r in _cron_runs(resources) if r["status"] == "success"]:
                assert time.monotonic() < deadline, _cron_runs(resources)
                time.sleep(0.1)
            time.sleep(1.0)  # both workers tick several times meanwhile
        (run,) = _cron_runs(resources)
        assert resources.get("threads", "thread_id", run["thread_id"]) is not None  # kept
        row = resources.get("crons", "cron_id", "yearly")
        assert row is not None and row["next_run_date"].endswith("-01-01T00:00:00+00:00")
    finally:
        resources.close()


def _cron_runs(resources: PgResources) -> list[dict[str, Any]]:
    runs = resources.select("runs")
    return [r for r in runs if r["metadata"].get("cron_id") == "yearly"]
