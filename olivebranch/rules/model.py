"""Loading the regime rule packs (``olivebranch/rules/packs/<regime>.yaml``) into ``Rule`` objects.

Each pack is data: the rule's text, citation, dates, who can lift it, its condition over deal
facts and its effect. Loading validates everything a lawyer could mistype — unknown facts or
operators, an effect or ``lifted_by`` outside the vocabulary, a bad date, a ``param.X`` the
rule does not define — and names the file and the rule id in the error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from olivebranch.context import GeneralLicence, Rule
from olivebranch.errors import ParseError
from olivebranch.facts import known_facts
from olivebranch.regimes import Registry, registry
from olivebranch.rules import conditions

PACKS_DIR = Path(__file__).resolve().parent / "packs"
RULE_FIELDS = {
    "id", "title", "instrument", "article", "citation", "sources", "effective_from",
    "effective_until", "kind", "effect", "lifted_by", "lifted_by_detail", "confidence",
    "confidence_note", "params", "licences", "text", "notes", "condition", "uncertain",
}
GL_FIELDS = {"id", "title", "citation", "effective_from", "effective_until", "condition", "notes",
             "authorises"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML without implicit dates, so a bad date is reported with its rule id (libyaml's
    parser when available: the packs are read by every command)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class RuleError(ParseError):
    """A rule pack is invalid; ``where`` names the rule id and field."""


def _date(value: Any, path: Path, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError(path, where, f"'{value}' is not an ISO date (YYYY-MM-DD)") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(f"- {v}" for v in value)
    return str(value).strip()


def parse_rule(item: Mapping[str, Any], regime: str, path: Path, index: int,
               reg: Registry | None = None) -> Rule:
    reg = reg or registry()
    effects, lifted_by, kinds = reg.effect_ids, reg.lifted_by_ids, reg.kind_ids
    rid = item.get("id") if isinstance(item, Mapping) else None
    where = f"rule {rid or f'#{index}'}"
    if not isinstance(item, Mapping) or not rid:
        raise RuleError(path, where, "each rule needs an 'id'")
    unknown = set(item) - RULE_FIELDS
    if unknown:
        raise RuleError(path, where, f"unknown field(s) {', '.join(sorted(unknown))}")
    for req in ("title", "instrument", "effect", "lifted_by", "kind", "confidence", "citation"):
        if not item.get(req):
            raise RuleError(path, f"{where}.{req}", "required field is missing")
    if item["effect"] not in effects or item["effect"] == effects[0]:
        raise RuleError(path, f"{where}.effect",
                        f"'{item['effect']}' is not an effect ({', '.join(effects[1:])})")
    if item["lifted_by"] not in lifted_by:
        raise RuleError(path, f"{where}.lifted_by",
                        f"'{item['lifted_by']}' is not one of {', '.join(lifted_by)}")
    if item["kind"] not in kinds:
        raise RuleError(path, f"{where}.kind", f"'{item['kind']}' is not one of {', '.join(kinds)}")
    if item["confidence"] not in reg.confidence:
        raise RuleError(path, f"{where}.confidence",
                        f"'{item['confidence']}' is not one of {', '.join(reg.confidence)}")
    params = dict(item.get("params") or {})
    try:
        cond = conditions.parse(item.get("condition"), "condition")
        conditions.validate(cond, known_facts(reg).__contains__, params, "condition")
    except conditions.ConditionError as exc:
        raise RuleError(path, where, str(exc)) from None
    start = _date(item.get("effective_from"), path, f"{where}.effective_from")
    end = _date(item.get("effective_until"), path, f"{where}.effective_until")
    if start and end and end < start:
        raise RuleError(path, f"{where}.effective_until", "ends before it starts")
    notes = [_text(item.get("notes"))]
    for label in ("confidence_note", "lifted_by_detail", "uncertain"):
        if item.get(label):
            notes.append(f"{label.replace('_', ' ')}: {_text(item[label])}")
    citation = item["citation"]
    return Rule(
        id=str(rid),
        regime=regime,
        title=str(item["title"]).strip(),
        instrument=str(item["instrument"]).strip(),
        effect=item["effect"],
        lifted_by=item["lifted_by"],
        condition=cond,
        article=str(item["article"]).strip() if item.get("article") else None,
        citation=str(citation[0] if isinstance(citation, list) else citation),
        effective_from=start,
        effective_until=end,
        kind=item["kind"],
        confidence=item["confidence"],
        params=params,
        text=_text(item.get("text")),
        notes="\n".join(n for n in notes if n) or None,
        licences=tuple(item.get("licences") or ()),
    )


def parse_licence(item: Mapping[str, Any], regime: str, path: Path,
                  reg: Registry | None = None) -> GeneralLicence:
    reg = reg or registry()
    gid = item.get("id") if isinstance(item, Mapping) else None
    where = f"general licence {gid or '?'}"
    if not gid or not item.get("title"):
        raise RuleError(path, where, "each general licence needs an 'id' and a 'title'")
    unknown = set(item) - GL_FIELDS
    if unknown:
        raise RuleError(path, where, f"unknown field(s) {', '.join(sorted(unknown))}")
    try:
        cond = conditions.parse(item.get("condition"), "condition")
        conditions.validate(cond, known_facts(reg).__contains__, {}, "condition")
    except conditions.ConditionError as exc:
        raise RuleError(path, where, str(exc)) from None
    return GeneralLicence(
        id=str(gid),
        regime=regime,
        title=str(item["title"]).strip(),
        citation=item.get("citation"),
        effective_from=_date(item.get("effective_from"), path, f"{where}.effective_from"),
        effective_until=_date(item.get("effective_until"), path, f"{where}.effective_until"),
        condition=cond,
    )


def _read_pack(path: Path, reg: Registry) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise RuleError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict) or "rules" not in data:
        raise RuleError(path, None, "a pack is a mapping with 'regime' and 'rules'")
    regime = data.get("regime")
    if regime != path.stem:
        raise RuleError(path, "regime", f"pack regime '{regime}' does not match file name")
    if regime not in reg.assessed:
        raise RuleError(path, "regime", f"regime '{regime}' is not an assessed regime of the "
                        f"registry {reg.path} (known: {', '.join(reg.assessed)})")
    return data


def load_pack(path: str | Path, reg: Registry | None = None
              ) -> tuple[dict[str, Rule], dict[str, GeneralLicence]]:
    path = Path(path)
    reg = reg or registry()
    data = _read_pack(path, reg)
    regime = data["regime"]
    rules: dict[str, Rule] = {}
    for i, item in enumerate(data.get("rules") or []):
        rule = parse_rule(item, regime, path, i, reg)
        if rule.id in rules:
            raise RuleError(path, f"rule {rule.id}", "duplicate rule id")
        rules[rule.id] = rule
    gls: dict[str, GeneralLicence] = {}
    for item in data.get("general_licences") or []:
        gl = parse_licence(item, regime, path, reg)
        gls[gl.id] = gl
    for rule in rules.values():
        for gid in rule.licences:
            if gid not in gls:
                raise RuleError(path, f"rule {rule.id}.licences",
                                f"general licence '{gid}' is not defined in this pack")
    return rules, gls


#: one or several pack directories (the bundled packs plus a deployment's or a test's own)
PackDirs = str | Path | tuple[str | Path, ...] | list[str | Path] | None


def _dirs(dirs: PackDirs) -> tuple[str, ...]:
    if dirs is None:
        return (str(PACKS_DIR),)
    if isinstance(dirs, str | Path):
        return (str(dirs),)
    return tuple(str(d) for d in dirs)


@lru_cache(maxsize=8)
def _load_all(dirs: tuple[str, ...], reg: Registry
              ) -> tuple[dict[str, Rule], dict[str, GeneralLicence]]:
    rules: dict[str, Rule] = {}
    gls: dict[str, GeneralLicence] = {}
    paths = sorted(p for d in dirs for p in Path(d).glob("*.yaml"))
    if not paths:
        raise RuleError(", ".join(dirs), None, "no rule packs (*.yaml) found")
    for path in paths:
        r, g = load_pack(path, reg)
        for rid in r:
            if rid in rules:
                raise RuleError(path, f"rule {rid}", "rule id already used in another pack")
        rules.update(r)
        gls.update(g)
    return rules, gls


def load_rules(dir: PackDirs = None, reg: Registry | None = None) -> dict[str, Rule]:
    """All rules of all packs, keyed by id (cached; the objects are immutable)."""
    return dict(_load_all(_dirs(dir), reg or registry())[0])


def load_general_licences(dir: PackDirs = None, reg: Registry | None = None
                          ) -> dict[str, GeneralLicence]:
    return dict(_load_all(_dirs(dir), reg or registry())[1])


def licence_authorises(dir: PackDirs = None, reg: Registry | None = None
                       ) -> dict[str, tuple[str, ...]]:
    """general licence id -> rule ids it authorises (from the rules' ``licences`` lists)."""
    out: dict[str, list[str]] = {}
    for rule in load_rules(dir, reg).values():
        for gid in rule.licences:
            out.setdefault(gid, []).append(rule.id)
    return {k: tuple(v) for k, v in out.items()}
