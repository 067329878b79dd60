"""Fixtures for the Studio's browser tests: Chromium + chromedriver, a served Studio, artefacts.

Chromium comes from Debian (``chromium``, ``chromium-driver``), installed here when missing and
running as root; otherwise the browser tests skip, or fail when STATEGRAPH_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from stategraph.server import create_app

from ..conftest import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HERE = Path(__file__).parent
GRAPHS = {
    "pipeline": f"{HERE / 'studio_graphs.py'}:pipeline",
    "approval": f"{HERE / 'studio_graphs.py'}:approval",
    "agent": f"{HERE / 'studio_graphs.py'}:agent",
    "nested": f"{HERE / 'studio_graphs.py'}:nested",
    # the seed example as the README runs it (importing it also runs its one demo call)
    "seed": f"{HERE.parents[2] / 'examples' / '01_seed_runtime.py'}:graph",
}

STORE_ITEMS = [
    {"namespace": ["users"], "key": "user_123", "value": {"name": "Alice"}},
    {"namespace": ["notes", "ada"], "key": "n1", "value": {"text": "likes pizza and chess"}},
    {"namespace": ["notes", "ada"], "key": "n2", "value": {"text": "rides bikes in the rain"}},
]


def unavailable(reason: str) -> None:
    """Skip with ``reason``, or fail when STATEGRAPH_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("STATEGRAPH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (STATEGRAPH_REQUIRE_BROWSER=1 makes this a failure)")
    pytest.skip(reason)


def _install_chromium() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    packages = ["chromium", "chromium-driver"]
    install = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode != 0:
        # a fresh machine has no package lists yet: fetch them once, then install
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
        done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            unavailable(f"apt-get could not install {packages}: {done.stderr[-400:]}")


@pytest.fixture(scope="session")
def browser_binaries() -> tuple[Path, Path]:
    """Chromium and chromedriver from Debian, installed when missing and running as root."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.geteuid() != 0:
            unavailable(
                f"{CHROMIUM} or {CHROMEDRIVER} is missing and this is not root: install them "
                "with `apt-get install -y --no-install-recommends chromium chromium-driver`"
            )
        _install_chromium()
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("selenium is not installed: `pip install selenium` (the dev extra has it)")
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $STATEGRAPH_ARTIFACTS, else a temporary directory."""
    chosen = os.environ.get("STATEGRAPH_ARTIFACTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("studio-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def studio_url() -> Iterator[str]:
    """Serve the Studio's test graphs from a file database on a loopback port."""
    with tempfile.TemporaryDirectory(prefix="studio-") as directory:
        config = Path(directory) / "langgraph.json"
        index = {"dims": 64, "embed": f"{HERE / 'studio_graphs.py'}:embed"}
        config.write_text(json.dumps({"graphs": GRAPHS, "store": {"index": index}}))
        app = create_app(config, database=str(Path(directory) / "server.db"))
        with serve(app) as url:
            for item in STORE_ITEMS:
                httpx.put(f"{url}/store/items", json=item, timeout=10).raise_for_status()
            yield url


@pytest.fixture(scope="session")
def browser(browser_binaries: tuple[Path, Path]) -> Iterator[Any]:
    """A headless Chromium driven by Selenium, logging every network request it makes."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_binaries
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1440,1000",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # nothing may leave the machine: every host but the loopback one fails to resolve
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(chromedriver)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: Any) -> list[str]:
    """The URLs of the requests the page made since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
