"""A thin Selenium helper for the Studio tests: open a view, wait, type JSON, screenshot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 30.0  # generous: CI shares 2 cores with other jobs


class StudioPage:
    """The Studio at ``url`` in ``driver``; screenshots go to ``artifacts``."""

    def __init__(self, driver: Any, url: str, artifacts: Path) -> None:
        self.driver, self.url, self.artifacts = driver, url, artifacts

    def open(self, route: str) -> None:
        """Load ``/studio/#/<route>`` afresh and wait until its view has rendered."""
        self.driver.get("about:blank")
        self.driver.get(f"{self.url}/studio/#/{route}")
        name = route.split("/")[0] or "graphs"
        self.wait_for(f'.view[data-view="{name}"][data-ready="true"]')

    def wait_for(self, css: str, timeout: float = TIMEOUT) -> WebElement:
        """Wait until an element matches ``css``; return it."""
        WebDriverWait(self.driver, timeout).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, css), f"nothing matched {css!r}"
        )
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def one(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        element = self.wait_for(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def type_json(self, css: str, value: Any) -> None:
        """Replace the text of the editor ``css`` with ``value`` as JSON (or a raw string)."""
        area = self.wait_for(css)
        area.clear()
        area.send_keys(value if isinstance(value, str) else json.dumps(value))

    def shot(self, name: str) -> Path:
        """Save a full-window screenshot as ``<artifacts>/<name>.png``."""
        path = self.artifacts / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def json_of(self, css: str) -> Any:
        return json.loads(self.one(css).text)
