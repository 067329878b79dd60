"""Read the documentation's markdown: mkdocstrings directives and python code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# the team's working rules live in docs/ but are excluded from the site (mkdocs.yml exclude_docs)
NOT_IN_SITE = {"CONTRIBUTING-HELPERS.md"}

_DIRECTIVE = re.compile(r"^::: *([\w.]+) *$")
_MEMBERS = re.compile(r"^ +members: *\[(.*)\] *$")
_FENCE_OPEN = re.compile(r"^```python\s*$")
_NO_RUN = re.compile(r"^<!-- *no-run: *(.*?) *-->$")


@dataclass(frozen=True)
class Directive:
    """One ``::: path`` line; ``members`` is the ``members: [...]`` option, if given."""

    page: str
    path: str
    members: frozenset[str] | None


@dataclass(frozen=True)
class CodeBlock:
    """One fenced python block; ``no_run`` is the stated reason it cannot run alone, if any."""

    page: str
    line: int
    code: str
    no_run: str | None

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if p.name not in NOT_IN_SITE)


def _name(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def directives() -> list[Directive]:
    found: list[Directive] = []
    for page in pages():
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            match = _DIRECTIVE.match(line)
            if not match:
                continue
            members = None
            for option in lines[i + 1 :]:
                if not option.startswith(" "):
                    break
                if m := _MEMBERS.match(option):
                    members = frozenset(n.strip().strip("'\"") for n in m.group(1).split(",") if n.strip())
            found.append(Directive(_name(page), match.group(1), members))
    return found


def code_blocks() -> list[CodeBlock]:
    blocks: list[CodeBlock] = []
    for page in pages():
        lines = page.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            if not _FENCE_OPEN.match(lines[i]):
                i += 1
                continue
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            marker = _NO_RUN.match(before.strip())
            code = "\n".join(lines[i + 1 : end]) + "\n"
            blocks.append(CodeBlock(_name(page), i + 1, code, marker.group(1) if marker else None))
            i = end + 1
    return blocks
