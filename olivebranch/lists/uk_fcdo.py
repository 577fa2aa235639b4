"""Parser for the uk_fcdo source (to be written)."""

from __future__ import annotations

from olivebranch.lists.base import SourceSpec

SOURCES: list[SourceSpec] = []
