"""Run anyio-marked tests on asyncio only (the project does not support trio)."""

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
