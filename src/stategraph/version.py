"""The installed stategraph version, at the path LangGraph uses (``langgraph.version``).

>>> from stategraph.version import __version__
>>> __version__.count(".") >= 1
True
"""

from importlib import metadata

__all__ = ["__version__"]

try:
    __version__: str = metadata.version("stategraph")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = ""
del metadata
