"""docs/reference/errors/ has one page per ErrorCode member, linked from the index and the nav."""

from __future__ import annotations

import re

import pytest

from stategraph.errors import ErrorCode, create_error_message

from ._markdown import DOCS, ROOT, code_blocks

ERRORS = DOCS / "reference" / "errors"
INDEX = ERRORS / "index.md"
CODES = [code.value for code in ErrorCode]


def _page(code: str) -> str:
    return (ERRORS / f"{code}.md").read_text(encoding="utf-8")


def test_every_code_has_a_page() -> None:
    missing = [code for code in CODES if not (ERRORS / f"{code}.md").is_file()]
    assert not missing, f"docs/reference/errors/ has no page for {missing}: add CODE.md"


def test_no_page_for_a_code_that_does_not_exist() -> None:
    pages = {p.stem for p in ERRORS.glob("*.md")} - {"index"}
    stray = sorted(pages - set(CODES))
    assert not stray, f"pages for codes ErrorCode does not have: {stray}"


@pytest.mark.parametrize("code", CODES)
def test_page_title_names_the_code_and_its_member(code: str) -> None:
    first = _page(code).splitlines()[0]
    member = ErrorCode(code).name
    expected = f"# {code}" if code == member else f"# {code} · {member}"
    assert first == expected, f"{code}.md starts with {first!r}, expected {expected!r}"


@pytest.mark.parametrize("code", CODES)
def test_page_says_what_it_means_shows_it_and_the_fix(code: str) -> None:
    text = _page(code)
    for heading in ("## What it means", "## Example", "## Fix"):
        assert f"\n{heading}\n" in text, f"{code}.md has no {heading!r} section"
    blocks = [b for b in code_blocks() if b.page == f"reference/errors/{code}.md"]
    # an example runs (and is run by test_code_blocks.py) or, where it cannot, the message is shown
    assert blocks or "```text" in text, (
        f"{code}.md has neither a python example nor a shown message"
    )


@pytest.mark.parametrize("code", CODES)
def test_index_links_to_the_page_and_keeps_the_old_anchor(code: str) -> None:
    index = INDEX.read_text(encoding="utf-8")
    assert re.search(rf"^\| \[{code}\]\({code}\.md\)\{{#{code}\}} \|", index, re.M), (
        f"docs/reference/errors/index.md has no table row '| [{code}]({code}.md){{#{code}}} |'"
    )


def test_the_nav_lists_the_index_and_every_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = ["index", *CODES]
    missing = [name for name in listed if f"reference/errors/{name}.md" not in nav]
    assert not missing, f"mkdocs.yml nav does not list reference/errors/ pages {missing}"


@pytest.mark.parametrize("code", list(ErrorCode), ids=lambda c: c.value)
def test_troubleshooting_link_points_at_the_code_page(code: ErrorCode) -> None:
    message = create_error_message(message="Something failed.", error_code=code)
    url = message.rsplit("visit: ", 1)[1]
    assert url == f"https://stategraph.dev/reference/errors/{code.value}/"
    # the site is built with directory URLs: reference/errors/CODE/ is docs/reference/errors/CODE.md
    assert (ERRORS / f"{code.value}.md").is_file()
