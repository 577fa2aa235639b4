"""The HTTP API: yente-compatible screening, olivebranch's own endpoints and the web UI."""

from __future__ import annotations

from typing import Any

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    # imported on use: the store imports ``olivebranch.api.tables``, and every CLI command
    # would otherwise pay for FastAPI's import
    if name == "create_app":
        from olivebranch.api.app import create_app

        return create_app
    if name == "Settings":
        from olivebranch.api.settings import Settings

        return Settings
    raise AttributeError(f"module 'olivebranch.api' has no attribute {name!r}")
