"""The ``stategraph`` command's parts: loading graphs and savers, and each subcommand."""
