"""The browser fixture's policy: skip when Chromium cannot be had, fail instead in CI."""

from __future__ import annotations

import pytest

from .conftest import unavailable


def test_missing_browser_skips_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STATEGRAPH_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium here"):
        unavailable("no chromium here")


def test_missing_browser_fails_when_ci_requires_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATEGRAPH_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="STATEGRAPH_REQUIRE_BROWSER=1"):
        unavailable("no chromium here")
