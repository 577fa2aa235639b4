"""Reviewer memory: decisions on screening hits that later screenings remember.

    from olivebranch.reviews import Reviews

    reviews = Reviews(store)
    hit = index.search_parties(Query("Maria Schmidt"))[0]
    reviews.decide(hit, "false_positive", reviewer="anna", name="Maria Schmidt",
                   reason="customer born 1990, listed person 1961")
    reviews.apply(index.search_parties(Query("Maria Schmidt")), name="Maria Schmidt")
    # -> the hit comes back with .review.text == "cleared by anna on 2026-12-07"

See :mod:`olivebranch.reviews.memory`. The table is in :mod:`olivebranch.reviews.tables`.
"""

from __future__ import annotations

from olivebranch.reviews.memory import (
    CLEARED,
    CONFIRMED,
    DECISIONS,
    FALSE_POSITIVE,
    RERAISED,
    TRUE_MATCH,
    Review,
    ReviewError,
    Reviews,
    ReviewStatus,
    annotate,
    subject_of,
)

__all__ = ["CLEARED", "CONFIRMED", "DECISIONS", "FALSE_POSITIVE", "RERAISED", "TRUE_MATCH",
           "Review", "ReviewError", "ReviewStatus", "Reviews", "annotate", "subject_of"]
