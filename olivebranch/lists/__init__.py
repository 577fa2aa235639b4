"""Official sanctions lists: one parser module per source, a registry, and the importer."""

from __future__ import annotations

import importlib
from functools import cache

from olivebranch.lists.base import ParseResult, SourceSpec

#: Modules that define ``SOURCES: list[SourceSpec]``, in the order ``lists load-bundled`` uses.
SOURCE_MODULES = (
    "ofac_sources",
    "supplement",
    "un",
    "eu_fsf",
    "uk_fcdo",
    "uk_ofsi",
    "dfat",
    "sema",
    "ftm",
    "ownership_csv",
)


@cache
def registry() -> dict[str, SourceSpec]:
    """All known sources by name."""
    out: dict[str, SourceSpec] = {}
    for name in SOURCE_MODULES:
        module = importlib.import_module(f"olivebranch.lists.{name}")
        for spec in getattr(module, "SOURCES", []):
            out[spec.name] = spec
    return out


def get_source(name: str) -> SourceSpec:
    reg = registry()
    if name not in reg:
        known = ", ".join(sorted(reg))
        raise KeyError(f"unknown source {name!r}; known sources: {known}")
    return reg[name]


__all__ = ["ParseResult", "SourceSpec", "registry", "get_source"]
