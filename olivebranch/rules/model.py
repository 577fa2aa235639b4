"""Loading the regime rule packs (``olivebranch/rules/packs/<regime>.yaml``) into ``Rule`` objects.

Each pack is data: the rule's text, citation, dates, who can lift it, its condition over deal
facts and its effect. Loading validates everything a lawyer could mistype — unknown facts or
operators, an effect or ``lifted_by`` outside the vocabulary, a bad date, a ``param.X`` the
rule does not define — and names the file and the rule id in the error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from olivebranch.context import GeneralLicence, Phase, Rule
from olivebranch.errors import ParseError
from olivebranch.facts import known_facts
from olivebranch.regimes import Registry, registry
from olivebranch.rules import conditions

RULES_DIR = Path(__file__).resolve().parent
PACKS_DIR = RULES_DIR / "packs"
#: sidecar files next to the packs: nexus per rule, dated phases, licences per regime
NEXUS_FILE, PHASES_FILE, LICENCES_DIR = "nexus.yaml", "phases.yaml", "licences"
LICENCE_FIELDS = {"id", "series", "number", "kind", "issued", "expires", "supersedes",
                  "authorises", "rules", "scope", "effect", "citation", "confidence", "note",
                  "title"}
LICENCE_KINDS = ("general_licence", "exemption", "derogation", "wind_down")
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


def _yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as exc:
        raise RuleError(path, None, f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise RuleError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _sidecar_dirs(dirs: tuple[str, ...]) -> list[Path]:
    """Where sidecars are read: the bundled rules directory when the bundled packs are loaded,
    and every other pack directory itself."""
    out = []
    for d in dirs:
        p = Path(d)
        out.append(RULES_DIR if p.resolve() == PACKS_DIR else p)
    return out


def apply_nexus(rules: dict[str, Rule], path: Path, reg: Registry) -> None:
    """``nexus.yaml``: which nexus kinds each rule needs, or ``exposure``."""
    data = _yaml(path) or {}
    kinds = reg.nexus_kind_ids()
    for rid, spec in (data.get("rules") or {}).items():
        rule = rules.get(rid)
        if rule is None:
            continue
        where = f"rules.{rid}.nexus"
        value = (spec or {}).get("nexus") if isinstance(spec, Mapping) else None
        if value == "obligation":
            rules[rid] = replace(rule, obligation=True, nexus=())
            continue
        if value == "exposure":
            rules[rid] = replace(rule, exposure=str(spec.get("exposure") or "exposure"),
                                 nexus=())
            continue
        if not isinstance(value, list) or not value:
            raise RuleError(path, where, "a list of nexus kinds, or 'exposure'")
        for k in value:
            if kinds.get(k) != rule.regime:
                raise RuleError(path, where, f"'{k}' is not a nexus kind of regime "
                                f"{rule.regime} (data/regimes.yaml)")
        rules[rid] = replace(rule, nexus=tuple(value))


def apply_phases(rules: dict[str, Rule], path: Path, reg: Registry) -> None:
    """``phases.yaml``: dated phases per measure, attached to the rules that carry them;
    ``renewals`` give the last verified end date of measures that lapse unless renewed."""
    data = _yaml(path) or {}
    facts = known_facts(reg).__contains__
    effects = reg.effect_ids
    for i, m in enumerate(data.get("measures") or []):
        mid = str(m.get("measure") or f"#{i}")
        names = [r for r in m.get("rules") or () if r in rules]
        if not names:
            continue
        verified = [_date(h.get("last_verified_until"), path, f"{mid}.renewals")
                    for h in m.get("renewals") or ()]
        verified_until = max((v for v in verified if v), default=None)
        by_rule: dict[str, list[Phase]] = {}
        for j, ph in enumerate(m.get("phases") or ()):
            where = f"measure {mid}.phases[{j}]"
            target = ph.get("rule") or (names[0] if len(names) == 1 else None)
            if target is None or target not in rules:
                continue
            rule = rules[target]
            if ph.get("effect") not in effects[1:]:
                raise RuleError(path, f"{where}.effect", f"{ph.get('effect')!r} is not an effect")
            params = {**rule.params, **(ph.get("params") or {})}
            try:
                when = conditions.parse(ph.get("when"), f"{where}.when")
                conditions.validate(when, facts, params, f"{where}.when")
            except conditions.ConditionError as exc:
                raise RuleError(path, where, str(exc)) from None
            by_rule.setdefault(target, []).append(Phase(
                from_=_date(ph.get("from"), path, f"{where}.from"),
                until=_date(ph.get("until"), path, f"{where}.until"),
                effect=ph["effect"], when=when, params=dict(ph.get("params") or {}),
                note=_text(ph.get("note"))))
        for rid in names:
            rule = rules[rid]
            phases = tuple(sorted(by_rule.get(rid, ()), key=lambda p: p.from_ or date.min))
            start, end = rule.effective_from, rule.effective_until
            if phases:
                start = min((p.from_ for p in phases if p.from_), default=None)
                end = None if any(p.until is None for p in phases) else max(
                    p.until for p in phases if p.until)
            rules[rid] = replace(rule, phases=phases, effective_from=start, effective_until=end,
                                 measure=mid, verified_until=verified_until or rule.verified_until)


def parse_licence_record(item: Mapping[str, Any], regime: str, path: Path, reg: Registry
                         ) -> GeneralLicence:
    """One record of ``licences/<regime>.yaml`` (README there): ``expires`` is the first day
    no longer covered, so the licence covers ``issued`` .. ``expires - 1``."""
    gid = item.get("id") if isinstance(item, Mapping) else None
    where = f"licence {gid or '?'}"
    if not gid:
        raise RuleError(path, where, "each licence needs an 'id'")
    unknown = set(item) - LICENCE_FIELDS
    if unknown:
        raise RuleError(path, where, f"unknown field(s) {', '.join(sorted(unknown))}")
    kind = item.get("kind") or "general_licence"
    if kind not in LICENCE_KINDS:
        raise RuleError(path, f"{where}.kind", f"{kind!r} is not one of {', '.join(LICENCE_KINDS)}")
    effect = item.get("effect") or ("licence_required" if kind == "derogation" else "restricted")
    if effect not in reg.effect_ids:
        raise RuleError(path, f"{where}.effect", f"{effect!r} is not an effect")
    try:
        scope = conditions.parse(item.get("scope"), f"{where}.scope")
        conditions.validate(scope, known_facts(reg).__contains__, {}, f"{where}.scope")
    except conditions.ConditionError as exc:
        raise RuleError(path, where, str(exc)) from None
    expires = _date(item.get("expires"), path, f"{where}.expires")
    citation = item.get("citation")
    number = str(item.get("number") or gid)
    return GeneralLicence(
        id=str(gid), regime=regime,
        title=str(item.get("title") or f"{'GL' if kind == 'general_licence' else kind} {number}"),
        citation=str(citation[0] if isinstance(citation, list) and citation else citation or "")
        or None,
        effective_from=_date(item.get("issued"), path, f"{where}.issued"),
        effective_until=expires - timedelta(days=1) if expires else None,
        condition=scope, effect=effect, rules=tuple(item.get("rules") or ()), kind=kind,
        number=number, series=item.get("series"), supersedes=item.get("supersedes"),
        authorises=_text(item.get("authorises")), confidence=str(item.get("confidence") or
                                                                "uncertain"),
        note=_text(item.get("note")),
    )


def load_licence_file(path: Path, reg: Registry) -> dict[str, GeneralLicence]:
    data = _yaml(path) or {}
    regime = data.get("regime")
    if regime not in reg.ids:
        raise RuleError(path, "regime", f"unknown regime {regime!r}")
    out: dict[str, GeneralLicence] = {}
    for item in data.get("licences") or []:
        gl = parse_licence_record(item, regime, path, reg)
        if gl.id in out:
            raise RuleError(path, f"licence {gl.id}", "duplicate licence id")
        out[gl.id] = gl
    # a successor replaces its predecessor from the day it is issued
    for gl in list(out.values()):
        old = out.get(gl.supersedes or "")
        if old is not None and gl.effective_from is not None:
            last = gl.effective_from - timedelta(days=1)
            if old.effective_until is None or old.effective_until > last:
                out[old.id] = replace(old, effective_until=last)
    return out


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
    for d in _sidecar_dirs(dirs):
        if (d / NEXUS_FILE).is_file():
            apply_nexus(rules, d / NEXUS_FILE, reg)
        if (d / PHASES_FILE).is_file():
            apply_phases(rules, d / PHASES_FILE, reg)
        for path in sorted((d / LICENCES_DIR).glob("*.yaml")) if (d / LICENCES_DIR).is_dir() else ():
            for gid, gl in load_licence_file(path, reg).items():
                old = gls.get(gid)
                # the fuller record wins; rules that name the pack's entry keep naming it
                gls[gid] = replace(gl, rules=tuple(dict.fromkeys(
                    (*gl.rules, *(old.rules if old else ())))))
    for gl in gls.values():
        for rid in gl.rules:
            if rid in rules and gl.regime != rules[rid].regime:
                raise RuleError(gl.id, "rules", f"rule {rid} is not of regime {gl.regime}")
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
