"""``mkdocs build --strict`` succeeds with no warning, and the site has an anchor per public name."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from ._markdown import ROOT, directives
from ._reference import anchors_for, public_names, rendered

for _module in ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python"):
    pytest.importorskip(
        _module, reason="the docs tools are not installed: pip install -e '.[docs]'"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[str, set[str], set[str]]:
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    ids: set[str] = set()
    built: set[str] = set()
    for page in out.rglob("*.html"):
        ids |= set(re.findall(r'id="([^"]+)"', page.read_text(encoding="utf-8")))
        built.add(page.relative_to(out).as_posix())
    return run.stdout + run.stderr, ids, built


def test_strict_build_has_no_warning(site) -> None:
    log, _, _ = site
    assert "WARNING" not in log, log


def test_every_public_name_has_an_anchor(site) -> None:
    _, ids, _ = site
    shown = rendered([d for d in directives() if d.page.startswith("reference/")])
    missing = [
        f"{module}.{name}"
        for module, name in public_names()
        if not anchors_for(module, name, shown) & ids
    ]
    assert not missing, f"no anchor in the built site for: {missing}"


def test_every_error_code_has_its_page_and_old_anchor(site) -> None:
    from stategraph.errors import ErrorCode

    _, ids, built = site
    # create_error_message links to reference/errors/CODE/; links made before the per-code pages
    # pointed at reference/errors/#CODE, which the index's table rows still carry
    no_page = [c.value for c in ErrorCode if f"reference/errors/{c.value}/index.html" not in built]
    no_anchor = [c.value for c in ErrorCode if c.value not in ids]
    assert not no_page, f"the built site has no page reference/errors/CODE/ for {no_page}"
    assert not no_anchor, f"the built site has no #CODE anchor for {no_anchor}"
