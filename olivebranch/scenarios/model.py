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
    exclude_kind: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list, description="rule ids to leave alone")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        # ``lift: ID`` or ``lift: [ID, ID]`` means those rule ids.
        if isinstance(v, str | list):
            return {"rules": _listify(v)}
        return v

    @field_validator("rules", "regime", "lifted_by", "kind", "exclude_kind", "exclude", mode="before")
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

    @field_validator("instrument_regex")
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
                or self.lifted_by):
            raise ValueError(
                "select rules by at least one of: rules, instrument, instrument_regex, regime, "
                "lifted_by"
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
        if self.exclude:
            parts.append("except " + ", ".join(self.exclude))
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


class ListingSelector(_RegimeEntities):
    """Designations of one regime to remove (``delist``) or put back (``relist``).

    ``entities`` are list-entity ids (``ofac-46030``, or an OFAC number ``46030``); ``names``
    are resolved to entities listed under the regime; ``program`` takes every designation made
    under those programmes (e.g. ``RUSSIA-EO14024``). An entity stays listed while it has a
    designation under another programme (e.g. EO 13662 dual listings).
    """

    program: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list, description="only designations from these sources")

    @field_validator("program", "source", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> Any:
        return _listify(v)

    @model_validator(mode="after")
    def _something(self) -> ListingSelector:
        if not (self.entities or self.names or self.program):
            raise ValueError("name at least one of: entities, names, program")
        return self

    def describe(self) -> str:
        parts = [*self.entities, *(repr(n) for n in self.names)]
        parts += [f"programme {p}" for p in self.program]
        src = f" (sources {', '.join(self.source)})" if self.source else ""
        return f"{self.regime}: {', '.join(parts)}{src}"


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


# One model per action so the JSON Schema documents each; a change has exactly one key. Each
# declares the parts of the evaluation context it changes (``olivebranch.context.PARTS``): the
# scenario engine's reuse of earlier verdicts is derived from the parts, and applying a change
# that alters a part it does not declare is an error.
class LiftChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    lift: RuleSelector


class RestoreChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("rules",)
    restore: RuleSelector


class DelistChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("listings",)
    delist: ListingSelector


class RelistChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("listings",)
    relist: ListingSelector


class DesignateChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("listings",)
    designate: Designate


class EndLicenceChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("licences",)
    end_licence: EndLicence


class StartLicenceChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("licences",)
    start_licence: StartLicence


class SetParamChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("rules", "ownership")
    set_param: SetParam


class SetDateChange(_Strict):
    touches: ClassVar[tuple[str, ...]] = ("date",)
    set_date: date


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
}


def action_of(change: BaseModel) -> str:
    return next(iter(type(change).model_fields))


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
    """Validate already-loaded YAML data; errors name the file, the place and the reason."""
    if not isinstance(data, Mapping):
        raise ParseError(path, None, "a scenario file must be a mapping (name, title, …)")
    raw_changes = data.get("changes") or []
    if not isinstance(raw_changes, list):
        raise ParseError(path, "changes", "must be a list of changes")
    changes: list[BaseModel] = []
    for i, raw in enumerate(raw_changes):
        where = f"changes[{i}]"
        if not isinstance(raw, Mapping) or len(raw) != 1:
            keys = (", ".join(short(k, 40) for k in list(raw)[:5])
                    if isinstance(raw, Mapping) else type(raw).__name__)
            raise ParseError(
                path, where, f"a change must have exactly one action key (got: {keys or 'none'}); "
                f"actions: {', '.join(ACTIONS)}"
            )
        action = str(next(iter(raw)))
        model = ACTIONS.get(action)
        if model is None:
            raise ParseError(path, where, f"unknown action {short(action)}; actions: {', '.join(ACTIONS)}")
        try:
            changes.append(model.model_validate(dict(raw)))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise ParseError(path, f"{where}.{_where(err['loc'])}", _reason(err)) from None
    try:
        return Scenario.model_validate({**data, "changes": changes, "path": str(path)})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ParseError(path, _where(err["loc"]) or None, _reason(err)) from None


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
    "set_param", "set_date",
]
