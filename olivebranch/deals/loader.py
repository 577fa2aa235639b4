"""Loading deal files with errors a user can act on: file, field, reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from olivebranch import yamlsafe
from olivebranch.deals.models import Deal
from olivebranch.errors import ParseError
from olivebranch.paths import DATA_DIR
from olivebranch.yamlsafe import short

DEALS_DIR = DATA_DIR / "deals"


class DealError(ParseError):
    """A deal file is invalid. ``where`` is the field path (``parties[1].jurisdiction``)."""


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(deal)"


def deal_from_data(data: Any, path: str | Path = "<deal>") -> Deal:
    """Validate already-parsed data (used by the API for uploaded deals)."""
    if not isinstance(data, dict):
        raise DealError(path, None, f"expected a mapping at the top level, got {type(data).__name__}")
    try:
        return Deal.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _loc(tuple(p for p in err["loc"] if p not in ("function-after",)))
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        # model-level reference errors carry their own field path in the message
        if where == "(deal)" and ": " in msg:
            where, msg = msg.split(": ", 1)
        if err["type"] == "extra_forbidden":
            msg = "unknown field (not in the deal schema)"
        elif err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "literal_error":
            msg = f"{short(err.get('input'))} is not allowed; {msg[0].lower()}{msg[1:]}"
        extra = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        raise DealError(path, where, msg + extra) from None


def load_deal(path: str | Path) -> Deal:
    path = Path(path)
    try:
        if path.stat().st_size > yamlsafe.MAX_BYTES:
            raise DealError(path, None, f"file is over {yamlsafe.MAX_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DealError(path, None, f"cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise DealError(path, f"byte {exc.start}", "not UTF-8 text") from None
    try:
        data = yamlsafe.load(text)
    except yamlsafe.YamlLimitError as exc:
        raise DealError(path, f"line {exc.line}" if exc.line else None, exc.reason) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise DealError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    return deal_from_data(data, path)


def load_catalogue(dir: str | Path | None = None) -> list[Deal]:
    """Every ``*.yaml`` deal in ``dir`` (default: the bundled catalogue), sorted by id.
    Fails on the first bad file, and on two files sharing one deal id."""
    root = Path(dir) if dir else DEALS_DIR
    deals: dict[str, Deal] = {}
    for path in sorted(root.glob("*.y*ml")):
        deal = load_deal(path)
        if deal.id in deals:
            raise DealError(path, "id", f"deal id '{deal.id}' is used by another file too")
        deals[deal.id] = deal
    return [deals[k] for k in sorted(deals)]
