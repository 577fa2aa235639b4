"""The model as data: regimes, verdict effects, rule kinds and who can lift a measure.

Everything comes from one file, ``data/regimes.yaml``; no other module names a regime, a rule
kind or an effect. A :class:`Registry` is immutable and passed around (the workspace owns one);
:func:`registry` gives the bundled one, read once. ``Registry.extended`` adds regimes from
another file (a toy regime in a test, a deployment's own regime) without touching the bundled
data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from olivebranch.errors import ParseError
from olivebranch.paths import DATA_DIR

REGISTRY_PATH = DATA_DIR / "regimes.yaml"
#: libyaml's safe loader when available (data files are read by every command)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: regime kinds the registry accepts
REGIME_KINDS = ("sanctioning", "host_state")
#: designation classes a list source can give its listings (see ``lists.base.ListingRule``)
LISTING_KINDS = ("blocking", "sectoral", "other")
#: the designation regime of records whose publisher names no known authority
OTHER = "other"


class RegistryError(ParseError):
    """The registry file is invalid; names the file and the entry."""


@dataclass(frozen=True)
class Effect:
    """A verdict effect, with how interfaces show it. ``rank``: 0 = weakest (clear)."""

    id: str
    rank: int
    label: str
    short: str
    compact: str
    colour: str
    hex: str = "#9e9e9e"


@dataclass(frozen=True)
class Term:
    """A word of the vocabulary (a rule kind, a ``lifted_by``) and what it means."""

    id: str
    title: str


#: the tests a nexus kind can name (``olivebranch.nexus`` implements each over deal facts)
NEXUS_TESTS = ("person", "territory", "clearing", "facilitation", "goods", "import", "vessel",
               "business", "asset", "host_goods", "host_counterparty", "occupied")


@dataclass(frozen=True)
class NexusKind:
    """One way a regime reaches a deal (``us_person``, ``usd_clearing``, ``eu_business``…):
    an id used by rules (``olivebranch/rules/nexus.yaml``), the generic test that establishes
    it from the deal's facts and the regime's persons/territory/currencies, and its legal
    basis in words."""

    id: str
    test: str
    title: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Nexus:
    """Whom and what a regime reaches: its persons, territory, currencies and goods, and the
    named nexus kinds its rules require."""

    persons: frozenset[str] = frozenset()  # nationality or incorporation, ISO-2
    territory: frozenset[str] = frozenset()
    currencies: frozenset[str] = frozenset()
    goods_origin: frozenset[str] = frozenset()
    note: str = ""
    kinds: tuple[NexusKind, ...] = ()

    def kind(self, kind_id: str) -> NexusKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)


@dataclass(frozen=True, eq=False)
class Regime:
    """One regime: a sanctioning authority or a host state."""

    id: str
    name: str
    kind: str
    assessed: bool
    lists: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    nexus: Nexus = field(default_factory=Nexus)
    ownership: Mapping[str, Any] | None = None

    @property
    def host_state(self) -> bool:
        return self.kind == "host_state"


@dataclass(frozen=True, eq=False)
class Registry:
    """The vocabulary and the regimes, validated. Compared (and hashed) by identity."""

    effects: tuple[Effect, ...]
    rule_kinds: tuple[Term, ...]
    lifted_by: tuple[Term, ...]
    confidence: tuple[str, ...]
    regimes: Mapping[str, Regime]
    ownership_roles: Mapping[str, tuple[str, ...]]
    path: str = ""
    #: stakes reported longer ago than this (years), or marked uncertain, give 'possibly owned'
    #: rather than 'owned' unless fresh stakes alone reach the threshold
    ownership_max_age_years: float = 3

    # ------------------------------------------------------------------ vocabulary
    @property
    def effect_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.effects)

    @property
    def kind_ids(self) -> tuple[str, ...]:
        return tuple(k.id for k in self.rule_kinds)

    @property
    def lifted_by_ids(self) -> tuple[str, ...]:
        return tuple(k.id for k in self.lifted_by)

    def effect(self, effect_id: str) -> Effect:
        for e in self.effects:
            if e.id == effect_id:
                return e
        raise KeyError(effect_id)

    # ------------------------------------------------------------------ regimes
    @property
    def ids(self) -> tuple[str, ...]:
        """Every regime id, in registry order."""
        return tuple(self.regimes)

    @property
    def assessed(self) -> tuple[str, ...]:
        """Regimes verdicts are given under, in registry order."""
        return tuple(r.id for r in self.regimes.values() if r.assessed)

    @property
    def with_ownership(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.regimes.values() if r.ownership)

    def get(self, regime_id: str) -> Regime:
        regime = self.regimes.get(regime_id)
        if regime is None:
            raise KeyError(f"unknown regime {regime_id!r}; known: {', '.join(self.regimes)}")
        return regime

    def check(self, regime_id: str, *, assessed: bool = False) -> str:
        """``regime_id`` lower-cased if the registry knows it (and, with ``assessed``, gives
        verdicts under it); ValueError naming the known ones otherwise."""
        r = str(regime_id).strip().lower()
        known = self.assessed if assessed else self.ids
        if r not in known:
            raise ValueError(f"unknown regime {r!r}; known: {', '.join(known)}")
        return r

    def name(self, regime_id: str) -> str:
        regime = self.regimes.get(regime_id)
        return regime.name if regime else regime_id

    def regime_of_authority(self, authority: str | None) -> str | None:
        """The regime whose listing authority ``authority`` names (substring, any case)."""
        text = (authority or "").lower()
        if not text:
            return None
        for r in self.regimes.values():
            if any(a.lower() in text for a in r.authorities):
                return r.id
        return None

    def counting(self, designation_regime: str) -> tuple[str, ...]:
        """Regimes for which listings of ``designation_regime`` count."""
        return tuple(r.id for r in self.regimes.values() if designation_regime in r.lists)

    def nexus_kind_ids(self) -> dict[str, str]:
        """Every nexus kind of every regime -> its regime id."""
        return {k.id: r.id for r in self.regimes.values() for k in r.nexus.kinds}

    def person_regimes(self, jurisdiction: str | None) -> set[str]:
        """Whose 'persons' a party of ``jurisdiction`` is (nexus by nationality/incorporation)."""
        j = (jurisdiction or "").lower()
        return {r.id for r in self.regimes.values() if j in r.nexus.persons}

    def extended(self, path: str | Path) -> Registry:
        """This registry plus the regimes of another file (same format; ``regimes`` only)."""
        data = _read(Path(path))
        regimes = dict(self.regimes)
        for i, row in enumerate(data.get("regimes") or []):
            regime = _regime(row, Path(path), i)
            if regime.id in regimes:
                raise RegistryError(path, f"regimes[{i}]", f"regime {regime.id!r} exists already")
            regimes[regime.id] = regime
        return replace(self, regimes=regimes, path=f"{self.path}+{path}")


# ---------------------------------------------------------------------------- loading
def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)  # noqa: S506
    except OSError as exc:
        raise RegistryError(path, None, f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise RegistryError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise RegistryError(path, None, "the registry is a mapping (effects, rule_kinds, regimes, …)")
    return data


def _codes(values: Any, path: Path, where: str) -> frozenset[str]:
    if values is None:
        return frozenset()
    if not isinstance(values, list):
        raise RegistryError(path, where, "must be a list")
    return frozenset(str(v).strip().lower() for v in values)


def _regime(row: Any, path: Path, i: int) -> Regime:
    where = f"regimes[{i}]"
    if not isinstance(row, Mapping) or not row.get("id"):
        raise RegistryError(path, where, "each regime needs an 'id'")
    rid = str(row["id"]).strip().lower()
    where = f"regime {rid}"
    known = {"id", "name", "kind", "assessed", "lists", "authorities", "nexus", "ownership"}
    unknown = set(row) - known
    if unknown:
        raise RegistryError(path, where, f"unknown field(s) {', '.join(sorted(unknown))}")
    kind = row.get("kind")
    if kind not in REGIME_KINDS:
        raise RegistryError(path, f"{where}.kind", f"{kind!r} is not one of {', '.join(REGIME_KINDS)}")
    nexus = row.get("nexus") or {}
    if not isinstance(nexus, Mapping):
        raise RegistryError(path, f"{where}.nexus", "must be a mapping")
    bad = set(nexus) - {"persons", "territory", "currencies", "goods_origin", "note", "kinds"}
    if bad:
        raise RegistryError(path, f"{where}.nexus", f"unknown field(s) {', '.join(sorted(bad))}")
    own = row.get("ownership")
    if own is not None and not isinstance(own, Mapping):
        raise RegistryError(path, f"{where}.ownership", "must be a mapping")
    return Regime(
        id=rid,
        name=str(row.get("name") or rid),
        kind=kind,
        assessed=bool(row.get("assessed", True)),
        lists=tuple(sorted(_codes(row.get("lists"), path, f"{where}.lists"))) if row.get(
            "lists") is not None else (rid,),
        authorities=tuple(str(a) for a in row.get("authorities") or ()),
        nexus=Nexus(
            persons=_codes(nexus.get("persons"), path, f"{where}.nexus.persons"),
            territory=_codes(nexus.get("territory"), path, f"{where}.nexus.territory"),
            currencies=_codes(nexus.get("currencies"), path, f"{where}.nexus.currencies"),
            goods_origin=_codes(nexus.get("goods_origin"), path, f"{where}.nexus.goods_origin"),
            note=str(nexus.get("note") or "").strip(),
            kinds=_kinds(nexus.get("kinds"), path, f"{where}.nexus.kinds"),
        ),
        ownership=dict(own) if own else None,
    )


def _kinds(items: Any, path: Path, where: str) -> tuple[NexusKind, ...]:
    if items is None:
        return ()
    if not isinstance(items, Mapping):
        raise RegistryError(path, where, "must be a mapping of nexus kind id -> {test, title}")
    out = []
    for kid, spec in items.items():
        spec = {"test": spec} if isinstance(spec, str) else spec
        if not isinstance(spec, Mapping) or spec.get("test") not in NEXUS_TESTS:
            raise RegistryError(path, f"{where}.{kid}",
                                f"needs a 'test', one of {', '.join(NEXUS_TESTS)}")
        bad = set(spec) - {"test", "title", "params"}
        if bad:
            raise RegistryError(path, f"{where}.{kid}", f"unknown field(s) {', '.join(sorted(bad))}")
        out.append(NexusKind(str(kid), str(spec["test"]), str(spec.get("title") or kid).strip(),
                             dict(spec.get("params") or {})))
    return tuple(out)


def _terms(items: Any, path: Path, section: str) -> tuple[Term, ...]:
    if not isinstance(items, list) or not items:
        raise RegistryError(path, section, "must be a non-empty list")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not item.get("id"):
            raise RegistryError(path, f"{section}[{i}]", "needs an 'id'")
        out.append(Term(str(item["id"]), str(item.get("title") or item["id"])))
    return tuple(out)


def load_registry(path: str | Path = REGISTRY_PATH) -> Registry:
    """Read and validate a registry file; errors name the file and the entry."""
    path = Path(path)
    data = _read(path)
    effects = []
    for i, item in enumerate(data.get("effects") or []):
        if not isinstance(item, Mapping) or not item.get("id"):
            raise RegistryError(path, f"effects[{i}]", "needs an 'id'")
        eid = str(item["id"])
        effects.append(Effect(eid, i, str(item.get("label") or eid), str(item.get("short") or eid),
                              str(item.get("compact") or eid), str(item.get("colour") or ""),
                              str(item.get("hex") or "#9e9e9e")))
    if not effects or effects[0].id != "clear":
        raise RegistryError(path, "effects", "the first (weakest) effect must be 'clear'")
    regimes: dict[str, Regime] = {}
    for i, row in enumerate(data.get("regimes") or []):
        regime = _regime(row, path, i)
        if regime.id in regimes:
            raise RegistryError(path, f"regimes[{i}]", f"duplicate regime {regime.id!r}")
        regimes[regime.id] = regime
    roles = data.get("ownership_roles") or {}
    return Registry(
        effects=tuple(effects),
        rule_kinds=_terms(data.get("rule_kinds"), path, "rule_kinds"),
        lifted_by=_terms(data.get("lifted_by"), path, "lifted_by"),
        confidence=tuple(str(c) for c in data.get("confidence") or ()),
        regimes=regimes,
        ownership_roles={k: tuple(str(r).lower() for r in roles.get(k) or ())
                         for k in ("control", "link")},
        path=str(path),
        ownership_max_age_years=float(data.get("ownership_max_age_years", 3)),
    )


@cache
def _bundled(path: str) -> Registry:
    return load_registry(path)


def registry(path: str | Path | None = None) -> Registry:
    """The bundled registry (``data/regimes.yaml``), read once per process; or another file."""
    return _bundled(str(path or REGISTRY_PATH))


def regime_names(reg: Registry | None = None, ids: Iterable[str] | None = None) -> dict[str, str]:
    """``{id: name}`` for display."""
    reg = reg or registry()
    return {r: reg.name(r) for r in (ids if ids is not None else reg.ids)}
