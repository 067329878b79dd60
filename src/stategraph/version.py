"""The installed stategraph version, at the path LangGraph uses (``langgraph.version``).

>>> from stategraph.version import __version__
>>> __version__.count(".") >= 1
True
"""

from importlib import metadata

__all__ = ["__version__"]


def _installed_version() -> str:
    try:
        return metadata.version("stategraph")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return ""


__version__: str = _installed_version()
"""The version of the installed ``stategraph`` distribution ("" when not installed)."""
