"""An HTTP server for stategraph graphs, compatible with the ``langgraph-sdk`` client.

``create_app(config)`` returns a Starlette app; ``load_config`` reads a ``langgraph.json``.
"""

from .app import create_app as create_app
from .config import ConfigError as ConfigError
from .config import ServerConfig as ServerConfig
from .config import load_config as load_config

__all__ = ["ConfigError", "ServerConfig", "create_app", "load_config"]
