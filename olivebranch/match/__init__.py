"""Screening engine: multilingual name matching with explained scores.

``MatchIndex`` holds every listed entity of the active list versions in memory and answers
``search(Query)`` with ranked, explained ``MatchResult`` s; ``compare`` scores two names or
entities directly with the same scorer. See ``score.py`` for how evidence is weighed and
``text.py``/``names.py`` for transliteration, romanisation folding and legal forms.
"""

from __future__ import annotations

from typing import Any

from olivebranch.match.index import MatchIndex
from olivebranch.match.model import DEFAULT_THRESHOLD, Feature, MatchResult, Query
from olivebranch.match.profile import as_profile
from olivebranch.match.score import score_profiles


def compare(a: Query | Any, b: Query | Any) -> tuple[float, list[Feature]]:
    """Score ``b`` as a candidate for ``a`` (each a :class:`Query` or an FtM entity)."""
    pa, pb = as_profile(a), as_profile(b)
    score, features, _ = score_profiles(pa, pb, explain=True)
    return score, features


__all__ = ["DEFAULT_THRESHOLD", "Feature", "MatchIndex", "MatchResult", "Query", "compare"]
