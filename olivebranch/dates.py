"""The one way olivebranch reads a date a user typed (CLI options, API and page parameters)."""

from __future__ import annotations

from datetime import date

from olivebranch.errors import InvalidInput


def parse_date(value: str | date | None, name: str = "as_of") -> date | None:
    """An ISO date (``YYYY-MM-DD``), or None for an empty value; otherwise an
    :class:`~olivebranch.errors.InvalidInput` naming the parameter."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None
