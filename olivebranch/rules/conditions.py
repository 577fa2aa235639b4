"""A small declarative condition language over deal facts, readable by a lawyer.

A condition is YAML data::

    all:
      - {fact: asset.country, eq: ru}
      - any:
          - {fact: activity.types, contains_any: [equity, joint_venture]}
          - {fact: activity.new_investment, is: true}
      - not: {fact: party.jurisdiction, in: [ru]}
      - {fact: party.stake_after, gte: param.threshold}

Leaves name one fact and one operator. A value written ``param.NAME`` is read from the rule's
parameters at evaluation time, so a scenario can change a threshold without touching the rule.
Evaluation returns whether the condition holds and which leaves made it hold, so a finding can
say in words why it fired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from olivebranch.errors import OliveBranchError


class ConditionError(OliveBranchError):
    """A condition is malformed (unknown operator or fact, bad parameter reference)."""


def _as_set(value: Any) -> set:
    if value is None:
        return set()
    if isinstance(value, (list, tuple, set, frozenset)):
        return set(value)
    return {value}


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _cmp(fn: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """A comparison of numbers, or of dates (a date fact against an ISO date)."""

    def op(actual: Any, expected: Any) -> bool:
        if isinstance(actual, date):
            e = _day(expected)
            return e is not None and fn(actual, e)
        a, e = _num(actual), _num(expected)
        return a is not None and e is not None and fn(a, e)

    return op


#: operator -> (function(actual, expected), words used in explanations)
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "is": (lambda a, e: (a is True) if e is True else (a is e or a == e), "is"),
    "eq": (lambda a, e: a == e, "equals"),
    "ne": (lambda a, e: a != e, "is not"),
    "in": (lambda a, e: a in _as_set(e) if not isinstance(a, (list, set, tuple)) else bool(
        _as_set(a) & _as_set(e)), "is one of"),
    "not_in": (lambda a, e: not (_as_set(a) & _as_set(e)), "is none of"),
    "contains": (lambda a, e: e in _as_set(a), "includes"),
    "contains_any": (lambda a, e: bool(_as_set(a) & _as_set(e)), "includes any of"),
    "contains_all": (lambda a, e: _as_set(e) <= _as_set(a), "includes all of"),
    "gt": (_cmp(lambda a, e: a > e), ">"),
    "gte": (_cmp(lambda a, e: a >= e), ">="),
    "lt": (_cmp(lambda a, e: a < e), "<"),
    "lte": (_cmp(lambda a, e: a <= e), "<="),
    "exists": (lambda a, e: (a not in (None, [], "", False)) == bool(e), "is present"),
}


@dataclass(frozen=True)
class Leaf:
    fact: str
    op: str
    value: Any

    def describe(self, params: Mapping[str, Any] | None = None) -> str:
        value = _resolve(self.value, params or {})
        words = OPERATORS[self.op][1]
        return f"{self.fact} {words} {value!r}"


@dataclass(frozen=True)
class Node:
    kind: str  # all | any | not
    children: tuple[Any, ...]


Condition = Leaf | Node | None


@dataclass
class Outcome:
    """Whether a condition held, and the leaves (with the actual fact values) that made it so."""

    value: bool
    fired: list[dict[str, Any]] = field(default_factory=list)


def parse(data: Any, where: str = "condition") -> Condition:
    """Parse YAML data into a condition tree. ``None`` or ``true`` means always."""
    if data is None or data is True:
        return None
    if not isinstance(data, Mapping):
        raise ConditionError(f"{where}: expected a mapping, got {type(data).__name__}")
    keys = set(data)
    for kind in ("all", "any"):
        if kind in keys:
            if keys != {kind}:
                raise ConditionError(f"{where}: '{kind}' must stand alone, found {sorted(keys)}")
            items = data[kind]
            if not isinstance(items, list) or not items:
                raise ConditionError(f"{where}.{kind}: expected a non-empty list")
            return Node(kind, tuple(parse(c, f"{where}.{kind}[{i}]") for i, c in enumerate(items)))
    if "not" in keys:
        if keys != {"not"}:
            raise ConditionError(f"{where}: 'not' must stand alone")
        return Node("not", (parse(data["not"], f"{where}.not"),))
    if "fact" not in keys:
        raise ConditionError(f"{where}: expected all/any/not or a 'fact' leaf, found {sorted(keys)}")
    ops = keys - {"fact"}
    if len(ops) != 1:
        raise ConditionError(f"{where}: a leaf needs exactly one operator, found {sorted(ops)}")
    op = ops.pop()
    if op not in OPERATORS:
        raise ConditionError(
            f"{where}: unknown operator '{op}' (known: {', '.join(sorted(OPERATORS))})"
        )
    return Leaf(str(data["fact"]), op, data[op])


def leaves(cond: Condition) -> Iterable[Leaf]:
    if cond is None:
        return
    if isinstance(cond, Leaf):
        yield cond
        return
    for child in cond.children:
        yield from leaves(child)


def facts_used(cond: Condition) -> set[str]:
    return {leaf.fact for leaf in leaves(cond)}


def validate(
    cond: Condition, known_facts: Callable[[str], bool], params: Mapping[str, Any], where: str
) -> None:
    """Every fact must be known and every ``param.X`` must exist in the rule's params."""
    for leaf in leaves(cond):
        if not known_facts(leaf.fact):
            raise ConditionError(f"{where}: unknown fact '{leaf.fact}'")
        for v in _as_set(leaf.value) if isinstance(leaf.value, list) else [leaf.value]:
            if isinstance(v, str) and v.startswith("param."):
                name = v[len("param.") :]
                if name not in params:
                    raise ConditionError(f"{where}: '{v}' names no parameter of this rule")


def _resolve(value: Any, params: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("param."):
        return params.get(value[len("param.") :])
    if isinstance(value, list):
        out: list[Any] = []
        for v in value:
            r = _resolve(v, params)
            out.extend(r if isinstance(r, list) and isinstance(v, str) else [r])
        return out
    return value


def evaluate(
    cond: Condition, facts: Callable[[str], Any], params: Mapping[str, Any] | None = None
) -> Outcome:
    """Evaluate ``cond`` with ``facts(name) -> value``. Pure; cheap enough to redo per scenario."""
    params = params or {}
    if cond is None:
        return Outcome(True, [])
    if isinstance(cond, Leaf):
        actual = facts(cond.fact)
        expected = _resolve(cond.value, params)
        fn = OPERATORS[cond.op][0]
        try:
            ok = bool(fn(actual, expected))
        except TypeError:
            ok = False
        fired = [{"fact": cond.fact, "op": cond.op, "expected": expected, "value": actual}]
        return Outcome(ok, fired if ok else [])
    if cond.kind == "all":
        fired: list[dict[str, Any]] = []
        for child in cond.children:
            out = evaluate(child, facts, params)
            if not out.value:
                return Outcome(False, [])
            fired.extend(out.fired)
        return Outcome(True, fired)
    if cond.kind == "any":
        fired = []
        value = False
        for child in cond.children:
            out = evaluate(child, facts, params)
            if out.value:
                value = True
                fired.extend(out.fired)
        return Outcome(value, fired if value else [])
    # not
    inner = cond.children[0]
    out = evaluate(inner, facts, params)
    if out.value:
        return Outcome(False, [])
    shown = [
        {"fact": leaf.fact, "op": "not " + leaf.op, "expected": _resolve(leaf.value, params),
         "value": facts(leaf.fact)}
        for leaf in leaves(inner)
    ]
    return Outcome(True, shown)


def unknown_facts(cond: Condition, facts: Callable[[str], Any]) -> list[str]:
    """Facts the condition reads that have no value for this deal (None): a condition that
    fails only for want of them is undecided, not false."""
    return sorted({leaf.fact for leaf in leaves(cond) if facts(leaf.fact) is None})


def describe_fired(fired: list[dict[str, Any]]) -> str:
    """The fired leaves in words: ``asset.country equals 'ru' (ru); ...``."""
    parts = []
    for f in fired:
        op = f["op"]
        neg = op.startswith("not ")
        base = op[4:] if neg else op
        words = OPERATORS.get(base, (None, base))[1]
        parts.append(
            f"{f['fact']} = {_short(f['value'])} ({'not ' if neg else ''}{words} {_short(f['expected'])})"
        )
    return "; ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(map(str, value))
        return "[" + ", ".join(items[:6]) + (", …" if len(items) > 6 else "") + "]"
    return repr(value) if isinstance(value, str) else str(value)
