"""The HTTP API: yente-compatible screening, olivebranch's own endpoints and the web UI."""

from olivebranch.api.app import create_app
from olivebranch.api.settings import Settings

__all__ = ["Settings", "create_app"]
