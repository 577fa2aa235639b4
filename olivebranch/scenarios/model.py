"""Scenario files: a named package of moves (lift, delist, licence, parameter, date) as data.

A scenario file is YAML with ``name``, ``title``, ``description``, ``assumptions`` (plain-language
statements the analyst can check), an optional ``base`` scenario to start from, and ``changes``
applied in order. Each change is a mapping with exactly one action key, e.g.::

    changes:
      - lift: {regime: us, lifted_by: executive, exclude_kind: [blocking, ownership_rule]}
      - delist: {regime: us, program: RUSSIA-EO14024}
      - set_param: {rule: US-PRICE-CAP, param: crude_usd, value: 80}

Errors name the file, the change index and field, and the reason (``ParseError``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from olivebranch import yamlsafe
from olivebranch.errors import OliveBranchError, ParseError
from olivebranch.paths import DATA_DIR
from olivebranch.regimes import registry
from olivebranch.yamlsafe import short

SCENARIOS_DIR = DATA_DIR / "scenarios"
SCHEMA_PATH = SCENARIOS_DIR / "scenario.schema.json"

NAME_RE = r"^[a-z0-9][a-z0-9-]*$"


class ScenarioError(OliveBranchError):
    """A scenario cannot be applied (unknown rule id, selector matching nothing, …)."""


def _listify(v: Any) -> Any:
    if v is None:
        return []
    if isinstance(v, str | int):
        return [str(v)]
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSelector(_Strict):
    """Which rules a ``lift`` or ``restore`` applies to. Filters combine with AND."""

    rules: list[str] = Field(default_factory=list, description="rule ids")
    instrument: str | None = Field(None, description="case-insensitive substring of the instrument")
    instrument_regex: str | None = Field(None, description="regular expression over the instrument")
    regime: list[str] = Field(default_factory=list)
    lifted_by: list[str] = Field(default_factory=list)
    kind: list[str] = Field(default_factory=list, description="only rules of these kinds")
    effect: list[str] = Field(default_factory=list, description="only rules with these effects")
    sector: list[str] = Field(
        default_factory=list, description="only rules that name one of these sectors (condition or parameters)")
    exclude_kind: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list, description="rule ids to leave alone")
    exclude_instrument_regex: str | None = Field(None, description="leave rules whose instrument matches")
    any_of: list[RuleSelector] = Field(
        default_factory=list, description="union: rules matching any of these selections")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``lift: ID`` or ``lift: [ID, ID]`` means those rule ids; a list of mappings is a union.
        if isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            return {"any_of": v}
        if isinstance(v, str | list):
            return {"rules": _listify(v)}
        return v

    @field_validator("rules", "regime", "lifted_by", "kind", "exclude_kind", "exclude", "effect",
                     "sector", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("regime")
    @classmethod
    def _regimes(cls, v: list[str]) -> list[str]:
        return [_check_regime(r) for r in v]

    @field_validator("lifted_by")
    @classmethod
    def _lifted_by(cls, v: list[str]) -> list[str]:
        known = registry().lifted_by_ids
        for x in v:
            if x not in known:
                raise ValueError(f"unknown lifted_by {x!r}; known: {', '.join(known)}")
        return v

    @field_validator("kind", "exclude_kind")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        known = registry().kind_ids
        for x in v:
            if x not in known:
                raise ValueError(f"unknown kind {x!r}; known: {', '.join(known)}")
        return v

    @field_validator("effect")
    @classmethod
    def _effects(cls, v: list[str]) -> list[str]:
        known = registry().effect_ids
        for x in v:
            if x not in known:
                raise ValueError(f"unknown effect {x!r}; known: {', '.join(known)}")
        return v

    @field_validator("instrument_regex", "exclude_instrument_regex")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return v

    @model_validator(mode="after")
    def _something(self) -> RuleSelector:
        if not (self.rules or self.instrument or self.instrument_regex or self.regime
                or self.lifted_by or self.any_of):
            raise ValueError(
                "select rules by at least one of: rules, instrument, instrument_regex, regime, "
                "lifted_by (or a list of such selections)"
            )
        return self

    def describe(self) -> str:
        parts = []
        if self.rules:
            parts.append("rules " + ", ".join(self.rules))
        if self.regime:
            parts.append("regime " + "/".join(self.regime))
        if self.lifted_by:
            parts.append("lifted_by " + "/".join(self.lifted_by))
        if self.instrument:
            parts.append(f"instrument ~ {self.instrument!r}")
        if self.instrument_regex:
            parts.append(f"instrument =~ /{self.instrument_regex}/")
        if self.kind:
            parts.append("kind " + "/".join(self.kind))
        if self.exclude_kind:
            parts.append("except kind " + "/".join(self.exclude_kind))
        if self.effect:
            parts.append("effect " + "/".join(self.effect))
        if self.sector:
            parts.append("sector " + "/".join(self.sector))
        if self.exclude:
            parts.append("except " + ", ".join(self.exclude))
        if self.exclude_instrument_regex:
            parts.append(f"except instrument =~ /{self.exclude_instrument_regex}/")
        if self.any_of:
            parts.append("any of (" + ") | (".join(s.describe() for s in self.any_of) + ")")
        return "; ".join(parts)


def _check_regime(r: str) -> str:
    return registry().check(r)


class _RegimeEntities(_Strict):
    """Entities of one regime, by id or by name: shared by delist/relist and designate."""

    regime: str
    entities: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)

    @field_validator("entities", "names", mode="before")
    @classmethod
    def _entity_lists(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("regime", mode="before")
    @classmethod
    def _regime(cls, v: Any) -> str:
        return _check_regime(v)


class ListingFilter(_Strict):
    """Designations to leave out of a ``delist``/``relist`` selection (``exclude``)."""

    entities: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    program: list[str] = Field(default_factory=list)
    sector: list[str] = Field(default_factory=list)
    group: list[str] = Field(default_factory=list)

    @field_validator("entities", "names", "program", "sector", "group", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    def describe(self) -> str:
        parts = [*self.entities, *(repr(n) for n in self.names)]
        parts += [f"programme {p}" for p in self.program]
        parts += [f"sector {x}" for x in self.sector] + [f"group {g}" for g in self.group]
        return ", ".join(parts)


class ListingSelector(_Strict):
    """Designations of one regime to remove (``delist``) or put back (``relist``).

    Every selector given must hold (intersection): ``entities`` (list-entity ids such as
    ``ofac-46030``, or an OFAC number), ``names`` (resolved with the screening matcher against
    the regime's list: an exact or single strong match is taken and shown in the log, anything
    else fails naming the candidates), ``program`` (only designations made under those
    programmes: ``{program: RUSSIA-EO14024, names: [Rosneft]}`` removes Rosneft's EO 14024
    listing and keeps its others), ``source``, ``kind`` (``blocking`` or ``sectoral``
    designations), ``sector`` and ``group`` (members of the corporate groups of
    ``data/host/corporate_groups.yaml``). ``exclude`` leaves some out; a list of selections
    (or ``any_of``) is their union. An entity stays listed while it keeps a blocking
    designation under another programme (e.g. EO 13662 dual listings).
    """

    regime: str | None = None
    entities: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list)
    program: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list, description="only designations from these sources")
    kind: list[str] = Field(default_factory=list, description="only blocking or sectoral designations")
    sector: list[str] = Field(default_factory=list, description="only members of groups in these sectors")
    group: list[str] = Field(default_factory=list, description="only members of these corporate groups")
    exclude: ListingFilter | None = None
    any_of: list[ListingSelector] = Field(default_factory=list, description="union of selections")

    @model_validator(mode="before")
    @classmethod
    def _union(cls, v: Any) -> Any:
        if isinstance(v, list):
            return {"any_of": v}
        return v

    @field_validator("entities", "names", "program", "source", "kind", "sector", "group",
                     mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("regime", mode="before")
    @classmethod
    def _regime(cls, v: Any) -> str | None:
        return None if v is None else _check_regime(v)

    @field_validator("kind")
    @classmethod
    def _kinds(cls, v: list[str]) -> list[str]:
        for x in v:
            if x not in ("blocking", "sectoral"):
                raise ValueError(f"unknown designation kind {x!r}; known: blocking, sectoral")
        return v

    @field_validator("group")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        from olivebranch.hostdata import groups

        known = groups()
        for x in v:
            if x not in known:
                raise ValueError(f"unknown group {x!r}; known: {', '.join(sorted(known))}")
        return v

    @model_validator(mode="after")
    def _something(self) -> ListingSelector:
        if self.any_of:
            if self.regime or self.entities or self.names or self.program or self.sector \
                    or self.group:
                raise ValueError("a union (list of selections) stands alone")
            return self
        if self.regime is None:
            raise ValueError("regime is required")
        if not (self.entities or self.names or self.program or self.sector or self.group):
            raise ValueError("name at least one of: entities, names, program, sector, group")
        return self

    def parts(self) -> list[ListingSelector]:
        return [p for s in self.any_of for p in s.parts()] if self.any_of else [self]

    def describe(self) -> str:
        if self.any_of:
            return " | ".join(s.describe() for s in self.any_of)
        parts = [*self.entities, *(repr(n) for n in self.names)]
        parts += [f"programme {p}" for p in self.program]
        parts += [f"sector {x}" for x in self.sector] + [f"group {g}" for g in self.group]
        parts += [f"{k} designations" for k in self.kind]
        src = f" (sources {', '.join(self.source)})" if self.source else ""
        exc = f" except {self.exclude.describe()}" if self.exclude else ""
        return f"{self.regime}: {' ∩ '.join(parts)}{src}{exc}"


class Designate(_RegimeEntities):
    """New designations a scenario assumes (snapback)."""

    note: str = "designated in scenario"

    @model_validator(mode="after")
    def _something(self) -> Designate:
        if not (self.entities or self.names):
            raise ValueError("name at least one of: entities, names")
        return self


class EndLicence(_Strict):
    licences: list[str]

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        if isinstance(v, str | list):
            return {"licences": _listify(v)}
        return v

    @field_validator("licences", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)


class StartLicence(_Strict):
    """Issue (or re-issue) a general licence. An existing or ended id keeps its condition."""

    id: str
    regime: str | None = None
    title: str | None = None
    citation: str | None = None
    effective_from: date | None = None
    effective_until: date | None = None
    condition: Any = None
    #: copy scope, rules and effect from this licence (a renewal: US-GL-131C like US-GL-131A)
    like: str | None = None
    #: rule ids whose findings it clears or narrows (rules/licences/*.yaml ``rules``)
    rules: list[str] | None = None
    #: what a covered finding becomes: clear, restricted (default) or licence_required
    effect: str | None = None

    @field_validator("regime", mode="before")
    @classmethod
    def _regime(cls, v: Any) -> str | None:
        return None if v is None else _check_regime(v)


class SetParam(_Strict):
    """Change one parameter of a rule (``Rule.params``) or of a regime's ownership rule."""

    rule: str | None = None
    ownership: str | None = Field(None, description="regime whose ownership rule to change")
    param: str
    value: Any

    @field_validator("ownership", mode="before")
    @classmethod
    def _regime(cls, v: Any) -> str | None:
        return None if v is None else _check_regime(v)

    @model_validator(mode="after")
    def _one_target(self) -> SetParam:
        if (self.rule is None) == (self.ownership is None):
            raise ValueError("give exactly one of: rule (a rule id), ownership (a regime)")
        return self


class SetEffect(RuleSelector):
    """Change what selected rules do when they fire, e.g. ``prohibited`` → ``licence_required``
    (a licensing policy instead of a ban)."""

    to: str = Field(description="the new effect")

    @field_validator("to")
    @classmethod
    def _to(cls, v: str) -> str:
        known = registry().effect_ids
        if v not in known:
            raise ValueError(f"unknown effect {v!r}; known: {', '.join(known)}")
        return v


class HostListChange_(_Strict):
    """Take states off (or put them on) a host state's list, e.g. the US off Russia's
    unfriendly list; ``rules`` limits the move to some rules (Decree 520 eased for US
    investors while 79/81 still apply)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    list_id: str = Field("ru-unfriendly", alias="list")
    remove: list[str] = Field(default_factory=list)
    add: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list, description="only these rules (default: all reading the list)")

    @field_validator("remove", "add", "rules", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("list_id")
    @classmethod
    def _known(cls, v: str) -> str:
        from olivebranch.hostdata import host_lists

        if v not in host_lists():
            raise ValueError(f"unknown host list {v!r}; known: {', '.join(host_lists())}")
        return v

    @model_validator(mode="after")
    def _something(self) -> HostListChange_:
        if not (self.remove or self.add):
            raise ValueError("give states to remove or add")
        return self


TERRITORY_STATUS = ("returned", "occupied", "recognised")


class Territory(_Strict):
    """Areas of Ukraine a settlement moves: ``returned`` to government control (territorial
    measures and occupation law stop there), ``occupied`` (they start), ``recognised`` as
    Russian by the regimes ``by`` (their territorial measures stop and their Russia measures
    apply there). ``line_as_of``: the line of control of that day fixes which areas count as
    occupied (areas occupied later are treated as returned)."""

    areas: list[str] = Field(default_factory=list)
    status: str = "occupied"
    by: list[str] = Field(default_factory=list, description="regimes recognising (status recognised)")
    line_as_of: date | None = None

    @field_validator("areas", "by", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("areas")
    @classmethod
    def _areas(cls, v: list[str]) -> list[str]:
        from olivebranch.hostdata import areas

        for a in v:
            if a not in areas():
                raise ValueError(f"unknown area {a!r}; known: {', '.join(areas())}")
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in TERRITORY_STATUS:
            raise ValueError(f"unknown status {v!r}; known: {', '.join(TERRITORY_STATUS)}")
        return v

    @field_validator("by")
    @classmethod
    def _by(cls, v: list[str]) -> list[str]:
        return [_check_regime(r) for r in v]

    @model_validator(mode="after")
    def _something(self) -> Territory:
        if not self.areas and self.line_as_of is None:
            raise ValueError("give areas or line_as_of")
        if self.status == "recognised" and not self.by:
            raise ValueError("status recognised needs the regimes that recognise (by)")
        return self


class EuLapse(_Strict):
    """One member state vetoes the renewal of an EU decision (``data/host/eu_decisions.yaml``):
    what it carries lapses at the end of its current term, not on the day of the veto."""

    decision: str
    veto_on: date | None = Field(None, description="day of the veto (default: the clock's today)")

    @field_validator("decision")
    @classmethod
    def _known(cls, v: str) -> str:
        from olivebranch.hostdata import eu_decisions

        v = str(v).removesuffix("/CFSP").removeprefix("(CFSP) ")
        if v not in eu_decisions():
            raise ValueError(f"unknown EU decision {v!r}; known: {', '.join(eu_decisions())}")
        return v


# One model per action so the JSON Schema documents each; a change has exactly one key. Each
# declares the parts of the evaluation context it changes (``olivebranch.context.PARTS``): the
# scenario engine's reuse of earlier verdicts is derived from the parts, and applying a change
# that alters a part it does not declare is an error. Any change may say when it takes effect
# (``effective``): evaluated before that day, it is skipped (and the log says so).
class _Change(_Strict):
    effective: date | None = Field(None, description="the day the change takes effect")


class LiftChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    lift: RuleSelector


class RestoreChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    restore: RuleSelector


# listings changes also touch rules: rules keyed on corporate groups follow the parent's listing
class DelistChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("listings", "rules")
    delist: ListingSelector


class RelistChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("listings", "rules")
    relist: ListingSelector


class DesignateChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("listings", "rules")
    designate: Designate


class EndLicenceChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("licences",)
    end_licence: EndLicence


class StartLicenceChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("licences",)
    start_licence: StartLicence


class SetParamChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules", "ownership")
    set_param: SetParam


class SetDateChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("date",)
    set_date: date


class SetEffectChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    set_effect: SetEffect


class HostListChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    host_list: HostListChange_


class TerritoryChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    territory: Territory


class EuLapseChange(_Change):
    touches: ClassVar[tuple[str, ...]] = ("rules", "listings")
    eu_lapse: EuLapse


Change = (
    LiftChange
    | RestoreChange
    | DelistChange
    | RelistChange
    | DesignateChange
    | EndLicenceChange
    | StartLicenceChange
    | SetParamChange
    | SetDateChange
    | SetEffectChange
    | HostListChange
    | TerritoryChange
    | EuLapseChange
)

ACTIONS: dict[str, type[BaseModel]] = {
    "lift": LiftChange,
    "restore": RestoreChange,
    "delist": DelistChange,
    "relist": RelistChange,
    "designate": DesignateChange,
    "end_licence": EndLicenceChange,
    "start_licence": StartLicenceChange,
    "set_param": SetParamChange,
    "set_date": SetDateChange,
    "set_effect": SetEffectChange,
    "host_list": HostListChange,
    "territory": TerritoryChange,
    "eu_lapse": EuLapseChange,
}


def action_of(change: BaseModel) -> str:
    return next(f for f in type(change).model_fields if f != "effective")


def effective_of(change: BaseModel) -> date | None:
    return getattr(change, "effective", None)


def touches(change: BaseModel) -> tuple[str, ...]:
    """The context parts a change declares it changes."""
    return tuple(getattr(type(change), "touches", ()))


def body_of(change: BaseModel) -> Any:
    return getattr(change, action_of(change))


class Scenario(_Strict):
    """A validated scenario file."""

    name: str = Field(pattern=NAME_RE)
    title: str
    description: str
    assumptions: list[str] = Field(min_length=1)
    base: list[str] = Field(
        default_factory=list, description="scenario(s) whose changes come first, in order"
    )
    changes: list[Change] = Field(default_factory=list)
    path: str | None = Field(None, exclude=True, description="file it was read from (not in files)")

    @field_validator("base", mode="before")
    @classmethod
    def _bases(cls, v: Any) -> Any:
        return _listify(v)

    @field_validator("assumptions")
    @classmethod
    def _assumptions(cls, v: list[str]) -> list[str]:
        for a in v:
            if not str(a).strip():
                raise ValueError("an assumption is empty")
        return v


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of scenario files."""
    schema = Scenario.model_json_schema()
    schema["properties"].pop("path", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "olivebranch scenario"
    return schema


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
    return path


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _reason(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ")


def parse_scenario(data: Any, path: str | Path = "<scenario>") -> Scenario:
    """Validate already-loaded YAML data. Every problem is found (not just the first): the
    error names the file, the place and the reason of the first, and lists the others
    (``ParseError.problems``)."""
    if not isinstance(data, Mapping):
        raise ParseError(path, None, "a scenario file must be a mapping (name, title, …)")
    raw_changes = data.get("changes") or []
    if not isinstance(raw_changes, list):
        raise ParseError(path, "changes", "must be a list of changes")
    problems: list[tuple[str | None, str]] = []
    changes: list[BaseModel] = []
    for i, raw in enumerate(raw_changes):
        where = f"changes[{i}]"
        keys = [k for k in raw if k != "effective"] if isinstance(raw, Mapping) else []
        if not isinstance(raw, Mapping) or len(keys) != 1:
            shown = (", ".join(short(k, 40) for k in keys[:5])
                     if isinstance(raw, Mapping) else type(raw).__name__)
            problems.append((where, f"a change must have exactly one action key (got: "
                             f"{shown or 'none'}); actions: {', '.join(ACTIONS)}"))
            continue
        action = str(keys[0])
        model = ACTIONS.get(action)
        if model is None:
            problems.append((where, f"unknown action {short(action)}; actions: {', '.join(ACTIONS)}"))
            continue
        try:
            changes.append(model.model_validate(dict(raw)))
        except ValidationError as exc:
            for err in exc.errors():
                problems.append((f"{where}.{_where(err['loc'])}", _reason(err)))
    try:
        scenario = Scenario.model_validate({**data, "changes": changes, "path": str(path)})
    except ValidationError as exc:
        for err in exc.errors():
            if err["loc"] and err["loc"][0] == "changes":
                continue
            problems.append((_where(err["loc"]) or None, _reason(err)))
        scenario = None
    if problems or scenario is None:
        raise _problems(path, problems)
    return scenario


def _problems(path: str | Path, problems: list[tuple[str | None, str]]) -> ParseError:
    where, reason = problems[0]
    if len(problems) > 1:
        reason += "".join(f"\n  also {w or 'file'}: {r}" for w, r in problems[1:])
    err = ParseError(path, where, reason)
    err.problems = problems  # type: ignore[attr-defined]
    return err


def read_scenario_file(path: str | Path) -> Scenario:
    path = Path(path)
    if not path.is_file():
        raise ParseError(path, None, "file not found")
    try:
        if path.stat().st_size > yamlsafe.MAX_BYTES:
            raise ParseError(path, None, f"file is over {yamlsafe.MAX_BYTES:,} bytes")
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except yamlsafe.YamlLimitError as exc:
        raise ParseError(path, f"line {exc.line}" if exc.line else None, exc.reason) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise ParseError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    except UnicodeDecodeError:
        raise ParseError(path, None, "not UTF-8 text") from None
    scenario = parse_scenario(data, path)
    if path.stem != scenario.name and path.parent.resolve() == SCENARIOS_DIR.resolve():
        raise ParseError(path, "name", f"bundled scenario {scenario.name!r} must be in {scenario.name}.yaml")
    return scenario


def bundled_names(directory: Path = SCENARIOS_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml"))


#: the order reports use for the bundled scenarios
BUNDLED_ORDER = (
    "status-quo",
    "us-executive-relief",
    "us-full-relief",
    "us-relief-eu-keeps",
    "eu-lapse",
    "g7-relief",
    "snapback",
    "peace-energy-us-ru",
    "us-russia-energy-package",
    "russian-opening",
    "ceasefire-current-line",
    "settlement-recognised-line",
    "ukraine-reconstruction",
)


def bundled_scenarios(directory: Path = SCENARIOS_DIR) -> list[Scenario]:
    names = bundled_names(directory)
    order = {n: i for i, n in enumerate(BUNDLED_ORDER)}
    names.sort(key=lambda n: (order.get(n, len(order)), n))
    return [read_scenario_file(directory / f"{n}.yaml") for n in names]


def load_scenario(ref: str | Path, directory: Path = SCENARIOS_DIR) -> Scenario:
    """A bundled scenario by name, or a scenario file by path."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or p.is_file():
        return read_scenario_file(p)
    candidate = directory / f"{ref}.yaml"
    if candidate.is_file():
        return read_scenario_file(candidate)
    known = ", ".join(bundled_names(directory))
    raise ScenarioError(f"no scenario named {ref!r}; bundled: {known} (or give a .yaml path)")


#: finds a scenario by name (the workspace's catalogue: bundled and saved scenarios)
Lookup = Callable[[str], "Scenario | None"]


def _find_base(current: Scenario, name: str, directory: Path | None,
               lookup: Lookup | None = None) -> Scenario:
    if lookup is not None:
        found = lookup(name)
        if found is not None:
            return found
    dirs = [Path(current.path).parent] if current.path and Path(current.path).parent.is_dir() \
        else []
    dirs.append(directory or SCENARIOS_DIR)
    for d in dirs:
        if (d / f"{name}.yaml").is_file():
            return read_scenario_file(d / f"{name}.yaml")
    raise ParseError(current.path or current.name, "base", f"no scenario named {name!r}")


def scenario_chain(scenario: Scenario, directory: Path | None = None,
                   lookup: Lookup | None = None) -> list[Scenario]:
    """The scenario after its bases (depth first, each once), root first. A base is looked up
    in ``lookup`` (the catalogue) first, then next to the scenario's own file, then among the
    bundled ones."""
    out: list[Scenario] = []

    def visit(s: Scenario, path: tuple[str, ...]) -> None:
        for name in s.base:
            if name in path:
                loop = " → ".join([*path, name])
                raise ParseError(s.path or s.name, "base", f"base chain loops: {loop}")
            if any(o.name == name for o in out):
                continue
            visit(_find_base(s, name, directory, lookup), (*path, name))
        out.append(s)

    visit(scenario, (scenario.name,))
    return out


def resolve_changes(scenario: Scenario, directory: Path | None = None,
                    lookup: Lookup | None = None) -> list[tuple[str, int, Any]]:
    """The changes to apply, base chain first: ``(scenario name, index, change)``."""
    return [
        (s.name, i, c) for s in scenario_chain(scenario, directory, lookup)
        for i, c in enumerate(s.changes)
    ]


def all_assumptions(scenario: Scenario, directory: Path | None = None,
                    lookup: Lookup | None = None) -> list[str]:
    """The assumptions of the base chain, then the scenario's own, without repeats."""
    out: list[str] = []
    for s in scenario_chain(scenario, directory, lookup):
        out += [a for a in s.assumptions if a not in out]
    return out


ActionName = Literal[
    "lift", "restore", "delist", "relist", "designate", "end_licence", "start_licence",
    "set_param", "set_date", "set_effect", "host_list", "territory", "eu_lapse",
]
