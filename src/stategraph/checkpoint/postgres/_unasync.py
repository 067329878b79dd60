"""Generate the sync Postgres driver from the async one (httpcore's unasync, in small).

    python src/stategraph/checkpoint/postgres/_unasync.py           # rewrite _sync_driver.py
    python src/stategraph/checkpoint/postgres/_unasync.py --check   # exit 1 if it drifted

(Run as a file, it needs no import of the package, so it works while the two differ.)

The async file is written so that plain token substitutions yield correct sync code:
no ``asyncio`` beyond ``asyncio.Lock``, and every awaited call has a same-named sync twin
in psycopg.  ``tests/checkpoint/test_postgres.py`` runs the check.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

__all__ = ["SOURCE", "TARGET", "generate", "main"]

SOURCE = Path(__file__).with_name("_async_driver.py")
TARGET = Path(__file__).with_name("_sync_driver.py")

HEADER = (
    "# Generated from _async_driver.py by _unasync.py: do not edit. Change the async file,\n"
    "# then run `python src/stategraph/checkpoint/postgres/_unasync.py`.\n"
)

# Order matters: longer names first, so AsyncConnectionPool is not half-rewritten.
SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"\bAsyncConnectionPool\b", "ConnectionPool"),
    (r"\bAsyncConnections\b", "Connections"),
    (r"\bAsyncConnection\b", "Connection"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"\basynccontextmanager\b", "contextmanager"),
    (r"\basyncio\.Lock\b", "threading.Lock"),
    (r"^import asyncio$", "import threading"),
    (r"\basync (def|with|for)\b", r"\1"),
    (r"\bawait ", ""),
)


def generate(source: str) -> str:
    """Return the sync module for the async module text ``source``."""
    for pattern, replacement in SUBSTITUTIONS:
        source = re.sub(pattern, replacement, source, flags=re.MULTILINE)
    return HEADER + source


def main(argv: list[str]) -> int:
    """Write the sync driver, or with ``--check`` report whether it is up to date."""
    expected = generate(SOURCE.read_text())
    if "--check" in argv:
        if TARGET.read_text() == expected:
            return 0
        print(f"{TARGET} is out of date; run python {Path(__file__)}", file=sys.stderr)
        return 1
    TARGET.write_text(expected)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
