"""The Studio's static files: mounted at /studio by create_app, typed, and all local."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from stategraph.server import create_app
from stategraph.server.studio import STATIC_DIR, studio_routes

from .conftest import GRAPHS

ASSETS = sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())
# a scheme-qualified or protocol-relative URL: anything that could leave the machine
REMOTE = re.compile(
    r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\burl\(\s*['"]?(?!data:)[a-z]+:"""
)
JS_IMPORT = re.compile(r"""^import\b[^;]*?\bfrom\s+["']([^"']+)["']""", re.MULTILINE)
HTML_REF = re.compile(r"""(?:src|href)="([^"]+)\"""")


def _client() -> TestClient:
    return TestClient(create_app({"graphs": {"pipeline": GRAPHS["pipeline"]}}))


def test_studio_redirects_to_its_index_page() -> None:
    with _client() as client:
        moved = client.get("/studio", follow_redirects=False)
        assert moved.status_code == 307
        assert moved.headers["location"].endswith("/studio/")
        page = client.get("/studio/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/app.js">' in page.text


def test_every_asset_is_served_with_a_type_a_browser_accepts() -> None:
    javascript = ("text/javascript", "application/javascript", "application/x-javascript")
    expected = {".js": javascript, ".css": ("text/css",), ".html": ("text/html",)}
    with _client() as client:
        for asset in ASSETS:
            response = client.get(f"/studio/{asset.relative_to(STATIC_DIR).as_posix()}")
            assert response.status_code == 200, asset
            # why: browsers refuse ES modules served with a non-JavaScript type
            assert response.headers["content-type"].startswith(expected[asset.suffix]), asset


def test_api_routes_are_not_shadowed() -> None:
    with _client() as client:
        assert client.post("/assistants/search", json={}).json()[0]["graph_id"] == "pipeline"
        assert client.get("/studio/js/missing.js").status_code == 404


def test_no_asset_names_a_remote_url() -> None:
    remote = {
        asset.name: REMOTE.findall(asset.read_text())
        for asset in ASSETS
        if REMOTE.search(asset.read_text())
    }
    assert remote == {}


def test_the_remote_url_check_catches_what_it_should() -> None:
    for text in (
        '<script src="https://cdn.example.com/x.js">',
        "@import url(//fonts.example.org/a.css);",
        'import x from "http://unpkg.com/x"',
    ):
        assert REMOTE.search(text), text
    assert not REMOTE.search('import { h } from "./dom.js"; a { background: url(data:,) }')


def _references(asset: Path) -> list[str]:
    pattern = HTML_REF if asset.suffix == ".html" else JS_IMPORT
    return [ref for ref in pattern.findall(asset.read_text()) if not ref.startswith("data:")]


def test_every_reference_resolves_to_a_shipped_file_and_every_module_is_used() -> None:
    used = set()
    for asset in ASSETS:
        for ref in _references(asset):
            target = (asset.parent / ref).resolve()
            assert target.is_file(), f"{asset.name} references {ref!r}, which is not shipped"
            used.add(target)
    modules = {p.resolve() for p in ASSETS if p.suffix in (".js", ".css")}
    assert modules - used == set()


def test_studio_routes_mount_under_any_prefix() -> None:
    with TestClient(Starlette(routes=studio_routes("/ui"))) as client:
        assert client.get("/ui/").status_code == 200
        assert client.get("/ui/studio.css").headers["content-type"].startswith("text/css")
