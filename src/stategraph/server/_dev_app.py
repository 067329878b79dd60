"""The app ``stategraph dev`` reloads: built from the environment in each (re)started process."""

from __future__ import annotations

import os

from starlette.applications import Starlette

from .app import create_app

__all__ = ["CONFIG_ENV", "DATABASE_ENV", "app"]

CONFIG_ENV = "STATEGRAPH_DEV_CONFIG"  # the langgraph.json path, set by ``stategraph dev``
DATABASE_ENV = "STATEGRAPH_DEV_DATABASE"  # the SQLite database (":memory:" by default)


def app() -> Starlette:
    """A fresh app for the config ``stategraph dev`` was started with (uvicorn's factory)."""
    return create_app(os.environ[CONFIG_ENV], database=os.environ.get(DATABASE_ENV, ":memory:"))
