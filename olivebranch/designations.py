"""Who is listed where, split into blocking (asset freeze) and sectoral (SSI directive) listings.

The split is data (``designation_classes`` in ``olivebranch/rules/ownership.yaml``): OFAC SDN,
EU FSF, UK FCDO/OFSI, UN, … freeze assets; OFAC's consolidated SSI entries only restrict debt,
equity or deep-water/Arctic/shale projects. Multi-regime FollowTheMoney bundles (OpenSanctions,
imported with regime ``other``) are sorted by the Sanction's authority.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from olivebranch.store import Designation, Store

KINDS = ("blocking", "sectoral", "other")

#: kind -> regime -> entity id -> designations
ByClass = dict[str, dict[str, dict[str, list[Designation]]]]


@dataclass(frozen=True)
class ClassRow:
    kind: str
    source: str | None = None
    program: str | None = None
    authority: str | None = None
    regime: str | None = None

    def matches(self, d: Designation) -> bool:
        if self.source is not None and d.source != self.source:
            return False
        if self.program is not None and self.program.lower() not in (d.program or "").lower():
            return False
        if self.authority is not None and self.authority.lower() not in (d.authority or "").lower():
            return False
        return True


def class_rows(raw: dict[str, Any] | None = None) -> list[ClassRow]:
    from olivebranch.ownership.rules import raw_rules

    data = raw if raw is not None else raw_rules()
    rows = []
    for item in data.get("designation_classes") or []:
        kind = str(item.get("kind", "other"))
        if kind not in KINDS:
            raise ValueError(f"designation class kind {kind!r} not in {KINDS}")
        rows.append(
            ClassRow(
                kind=kind,
                source=item.get("source"),
                program=item.get("program"),
                authority=item.get("authority"),
                regime=item.get("regime"),
            )
        )
    return rows


def classify(d: Designation, rows: list[ClassRow] | None = None) -> tuple[str, str]:
    """(kind, regime) of one designation; regime may be re-assigned for multi-regime bundles."""
    for row in rows if rows is not None else class_rows():
        if row.matches(d):
            return row.kind, row.regime or d.regime
    return "other", d.regime


def _day(value: str | None) -> str | None:
    return value.strip()[:10] if value else None


def in_force(d: Designation, as_of: date | None) -> bool:
    """Listed on ``as_of``: listing date not after it, end date not before it. Missing dates
    count as in force (many lists omit them)."""
    if as_of is None:
        return True
    day = as_of.isoformat()
    start, end = _day(d.listing_date), _day(d.end_date)
    if start and start > day:
        return False
    if end and len(end) >= 10 and end < day:
        return False
    return True


def designations_by_class(
    store: Store, as_of: date | None = None, *, designations: Iterable[Designation] | None = None
) -> ByClass:
    """Every active designation, classed: ``{kind: {regime: {entity_id: [Designation]}}}``."""
    rows = class_rows()
    out: ByClass = {k: {} for k in KINDS}
    items = list(designations if designations is not None else store.designations(as_of=as_of))
    dropped = superseded(items, as_of)
    for d in items:
        if d.source in dropped or not in_force(d, as_of):
            continue
        kind, regime = classify(d, rows)
        if regime != d.regime:
            d = replace(d, regime=regime)
        out[kind].setdefault(regime, {}).setdefault(d.entity_id, []).append(d)
    return out


def superseded(items: Iterable[Designation], as_of: date | None = None) -> set[str]:
    """Sources whose designations no longer count because their replacement is loaded
    (``superseded_sources`` in the rule data, e.g. OFSI's ConList replaced by the FCDO list)."""
    from olivebranch.ownership.rules import raw_rules

    present = {d.source for d in items}
    day = as_of or date.today()
    out = set()
    for source, spec in (raw_rules().get("superseded_sources") or {}).items():
        start = spec.get("from")
        start = date.fromisoformat(str(start)) if start else None
        if spec.get("by") in present and (start is None or day >= start):
            out.add(source)
    return out


def listed_status(
    store: Store, as_of: date | None = None, *, kind: str = "blocking"
) -> dict[str, dict[str, list[Designation]]]:
    """``{regime: {entity_id: [Designation]}}`` for one class of listing (default: blocking)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    return designations_by_class(store, as_of)[kind]


def seeds(by_regime: dict[str, dict[str, list[Designation]]]) -> dict[str, set[str]]:
    """Seed sets for :func:`olivebranch.ownership.status.compute_status`."""
    return {regime: set(ids) for regime, ids in by_regime.items()}


def describe(d: Designation) -> str:
    """``OFAC SDN 12345 (RUSSIA-EO14024)``-style label for explanations."""
    label = {
        "us_ofac_sdn": "OFAC SDN",
        "us_ofac_sdn_supplement": "OFAC SDN",
        "us_ofac_cons": "OFAC non-SDN",
        "eu_fsf": "EU FSF",
        "gb_fcdo": "UK FCDO",
        "gb_ofsi": "UK OFSI",
        "un_sc": "UN SC",
        "au_dfat": "AU DFAT",
        "ca_sema": "CA SEMA",
    }.get(d.source)
    if label is None:
        label = f"{d.regime.upper()} {d.authority or d.source}"
    ref = f" {d.source_id}" if d.source_id else ""
    prog = f" ({d.program})" if d.program else ""
    return f"{label}{ref}{prog}"
