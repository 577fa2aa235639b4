"""Reading a share of ownership written as text (ownership CSV files, FollowTheMoney
``Ownership.percentage``): one definition both the list parsers and the ownership graph use."""

from __future__ import annotations

from typing import Any


def parse_percent(value: Any) -> float | None:
    """``"49"``, ``"49.5 %"``, ``"0,5"`` -> float; empty/unknown -> None. Raises ValueError when
    the text is not a number in 0..100."""
    if value is None:
        return None
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    if text == "" or text.lower() in ("?", "unknown", "n/a", "na", "-"):
        return None
    pct = float(text)
    if not 0.0 <= pct <= 100.0 or pct != pct:
        raise ValueError(f"percentage {value!r} is not between 0 and 100")
    return pct


__all__ = ["parse_percent"]
