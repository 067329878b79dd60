"""stategraph.version: the installed distribution's version."""

from importlib import metadata

from stategraph.version import __version__


def test_version_is_the_distribution_version() -> None:
    assert __version__ == metadata.version("stategraph")
