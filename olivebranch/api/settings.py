"""Server settings, read once from the environment and passed to ``create_app``.

Every setting is an ``OLIVEBRANCH_*`` environment variable so that a deployment can be
configured without code; tests build ``Settings`` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from olivebranch.store import default_url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value and value.strip() else default


@dataclass(frozen=True)
class Settings:
    """What the server needs to know at start-up.

    ``anonymous_match`` opens the read-only screening endpoints (``/match``, ``/search``,
    ``/entities``, ``/catalog``, ``/algorithms`` and the screening page) to callers without a
    key; ``anonymous_read`` does the same for the other read-only views (deals, verdicts,
    scenarios, ownership, lists). Both default to on, which suits one analyst on a laptop; a
    shared deployment should turn them off. Writes always need a key with the right role.
    """

    db_url: str | None = None
    deals_dir: Path = field(default_factory=lambda: Path("var/deals"))
    scenarios_dir: Path = field(default_factory=lambda: Path("var/scenarios"))
    anonymous_match: bool = True
    anonymous_read: bool = True
    import_bundled_if_empty: bool = True
    warm_up: bool = True
    index_cache: bool = True
    fast_match: bool = True
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 256_000_000
    max_queries: int = 100
    max_limit: int = 500
    default_limit: int = 5
    title: str = "olivebranch"

    @classmethod
    def from_env(cls) -> Settings:
        home = Path(os.environ.get("OLIVEBRANCH_HOME", "var"))
        return cls(
            db_url=default_url(),
            deals_dir=Path(os.environ.get("OLIVEBRANCH_DEALS_DIR", home / "deals")),
            scenarios_dir=Path(os.environ.get("OLIVEBRANCH_SCENARIOS_DIR", home / "scenarios")),
            anonymous_match=_flag("OLIVEBRANCH_ANONYMOUS_MATCH", True),
            anonymous_read=_flag("OLIVEBRANCH_ANONYMOUS_READ", True),
            import_bundled_if_empty=_flag("OLIVEBRANCH_IMPORT_BUNDLED", True),
            warm_up=_flag("OLIVEBRANCH_WARM_UP", True),
            index_cache=_flag("OLIVEBRANCH_INDEX_CACHE", True),
            fast_match=_flag("OLIVEBRANCH_FAST_MATCH", True),
            max_body_bytes=_int("OLIVEBRANCH_MAX_BODY_BYTES", 1_000_000),
            max_upload_bytes=_int("OLIVEBRANCH_MAX_UPLOAD_BYTES", 256_000_000),
            max_queries=_int("OLIVEBRANCH_MAX_QUERIES", 100),
        )


def app_version() -> str:
    """The installed olivebranch version (shown in the API document and the UI footer)."""
    try:
        from importlib.metadata import version

        return version("olivebranch")
    except Exception:  # pragma: no cover - not installed
        return "0"
