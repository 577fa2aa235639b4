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
    # --- limits against abuse (issue 11); every one is an OLIVEBRANCH_* variable
    #: imports (the only route that takes a list file) may send this much; every other
    #: route is held to ``max_body_bytes``
    upload_path: str = "/api/admin/lists/"
    max_path_segment: int = 200
    #: a scenario (ad hoc or saved) may hold this many changes and names/entity ids in all
    max_scenario_changes: int = 100
    max_scenario_names: int = 100
    #: scenario runs and PDF renders computed at once; callers beyond wait in a queue of at
    #: most ``queue_length`` for ``queue_seconds``, then get 503 (a full queue: 429)
    max_concurrent_runs: int = 1
    max_concurrent_renders: int = 1
    queue_length: int = 8
    queue_seconds: float = 20.0
    #: requests per key (or per client address, for anonymous callers) per minute on the
    #: expensive endpoints (scenario runs, PDF reports, imports); 0 switches it off
    expensive_per_minute: int = 60
    #: new API keys expire after this many days unless the admin says otherwise
    key_days: int = 90
    #: the public URL of the server (links and script URLs are built from it, never from the
    #: Host header); ``https://…`` also marks the sign-in cookie ``Secure``
    base_url: str | None = None

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
            max_scenario_changes=_int("OLIVEBRANCH_MAX_SCENARIO_CHANGES", 100),
            max_scenario_names=_int("OLIVEBRANCH_MAX_SCENARIO_NAMES", 100),
            max_concurrent_runs=_int("OLIVEBRANCH_MAX_CONCURRENT_RUNS", 1),
            max_concurrent_renders=_int("OLIVEBRANCH_MAX_CONCURRENT_RENDERS", 1),
            queue_length=_int("OLIVEBRANCH_QUEUE_LENGTH", 8),
            queue_seconds=float(_int("OLIVEBRANCH_QUEUE_SECONDS", 20)),
            expensive_per_minute=_int("OLIVEBRANCH_EXPENSIVE_PER_MINUTE", 60),
            key_days=_int("OLIVEBRANCH_KEY_DAYS", 90),
            base_url=(os.environ.get("OLIVEBRANCH_BASE_URL") or "").strip().rstrip("/") or None,
        )


def app_version() -> str:
    """The installed olivebranch version (shown in the API document and the UI footer)."""
    try:
        from importlib.metadata import version

        return version("olivebranch")
    except Exception:  # pragma: no cover - not installed
        return "0"
