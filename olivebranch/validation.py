"""One validator for deal and scenario files, used by the CLI, the API and the web UI.

A person fixing a file wants every problem at once, each with where it is and what to do:

* ``validate_deal(source)`` / ``validate_scenario(source)`` take a file's text or bytes (YAML or
  JSON), or data already parsed (a dict from a form or a JSON body), and return a
  :class:`Report` listing **all** :class:`Problem` s, never only the first.
* Each problem has a ``path`` in the document (``parties[2].role``), the ``line`` and ``column``
  when the input was text, a plain-language ``message`` (never pydantic's own wording) and a
  ``suggestion`` ("did you mean 'investor'?") when the value is close to a known one: roles,
  sectors, regimes, countries, rule ids, licence ids, party ids, scenario names, field names.
* Dates are strict: ISO ``YYYY-MM-DD`` only, checked against the calendar (``31/02/1960`` and
  ``1960-02-31`` are refused; a day-first date gets its ISO spelling as a suggestion).
  :func:`parse_strict_date` is the one rule, for any caller.

The pydantic models (``deals.models``, ``scenarios.model``) stay the definition of the formats;
this module wraps them: it runs them so that they report every field error, adds the checks
that only run once the fields are valid (party references, stakes adding up) so those are
reported too, and rewrites each error for a person.

``Report.raise_for_problems()`` raises :class:`InvalidDocument` (HTTP 400) whose text lists
every problem, for callers that want an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from olivebranch import yamlsafe
from olivebranch.errors import ParseError
from olivebranch.yamlsafe import short

Kind = Literal["deal", "scenario"]
Severity = Literal["error", "warning"]
PathPart = str | int
Loc = tuple[PathPart, ...]

#: the content types read as JSON; anything else (application/yaml, text/yaml, text/plain,
#: none) is read as YAML, which also reads JSON
JSON_TYPES = ("application/json", "+json", "text/json")
#: how close (rapidfuzz ratio of the normalised texts, 0-100) a value must be to a known one to be suggested
SUGGEST_CUTOFF = 75
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})$")


# ----------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Problem:
    """One thing wrong in a document, said so a person can fix it."""

    path: str
    message: str
    suggestion: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    #: a short stable code for programs (``missing``, ``unknown_field``, ``not_allowed``,
    #: ``wrong_type``, ``date``, ``reference``, ``syntax``, ``invalid`` …)
    code: str = "invalid"

    @property
    def where(self) -> str:
        """``parties[2].role (line 14, column 11)``."""
        at = self.path or "(document)"
        if self.line is not None:
            at += f" (line {self.line}" + (f", column {self.column}" if self.column else "") + ")"
        return at

    def __str__(self) -> str:
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        warn = "warning: " if self.severity == "warning" else ""
        return f"{self.where}: {warn}{self.message}{hint}"

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "suggestion": self.suggestion,
                "line": self.line, "column": self.column, "severity": self.severity,
                "code": self.code}


@dataclass
class Report:
    """Every problem of one document. ``item`` is the validated model when there is none."""

    kind: Kind
    source: str
    problems: list[Problem] = field(default_factory=list)
    item: Any = None
    #: the document's id (deal id, scenario name) when it could be read, even if invalid
    id: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def text(self) -> str:
        """The report as lines: a head line, then one line per problem."""
        if not self.problems:
            return f"{self.source}: valid {self.kind}" + (f" '{self.id}'" if self.id else "")
        n = len(self.errors)
        head = (f"{self.source}: {n} problem{'s' if n != 1 else ''}" if n
                else f"{self.source}: valid {self.kind}, with warnings")
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "kind": self.kind, "source": self.source, "id": self.id,
                "problems": [p.as_dict() for p in self.problems]}

    def raise_for_problems(self) -> Any:
        """The validated item, or :class:`InvalidDocument` listing every error."""
        if not self.valid:
            raise InvalidDocument(self)
        return self.item


class InvalidDocument(ParseError):
    """A deal or scenario file with problems; the message lists all of them (HTTP 400), one
    per line (the first ``MAX_LISTED``)."""

    MAX_LISTED = 100

    def __init__(self, report: Report) -> None:
        self.report = report
        self.problems = report.errors
        n = len(self.problems)
        lines = [f"{p.where}: {p.message}" + (f" (did you mean {p.suggestion!r}?)"
                                               if p.suggestion else "")
                 for p in self.problems[: self.MAX_LISTED]]
        if n > self.MAX_LISTED:
            lines.append(f"… and {n - self.MAX_LISTED} more")
        self.path = report.source
        first = self.problems[0] if self.problems else None
        self.where = first.path or None if first else None
        self.reason = lines[0] if n == 1 else f"{n} problems:\n" + "\n".join(
            f"  - {line}" for line in lines)
        Exception.__init__(self, f"{self.path}: {self.reason}")


# ------------------------------------------------------------------------------- suggestions
def suggest(value: Any, choices: Iterable[str], *, cutoff: int = SUGGEST_CUTOFF) -> str | None:
    """The known value closest to ``value`` (case and separators ignored), if close enough."""
    from rapidfuzz import fuzz, process, utils

    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    options = [c for c in dict.fromkeys(choices) if c]
    if not text or not options:
        return None

    def norm(s: str, **_: Any) -> str:
        return utils.default_process(s.replace("_", " ").replace("-", " "))

    for c in options:  # same letters, other case or separators: certain
        if norm(c) == norm(text) and c != text:
            return c
    found = process.extractOne(text, options, scorer=fuzz.ratio, processor=norm,
                               score_cutoff=cutoff)
    if found is None or found[0] == text:
        return None
    return found[0]


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """ISO-2 code -> English name (FollowTheMoney's country list)."""
    from followthemoney.types import registry as types

    return {code: name for code, name in types.country.names.items() if len(code) == 2}


def country_suggestion(value: Any) -> str | None:
    """The ISO-2 code meant by a country name, alpha-3 code or near miss (``USA`` -> ``us``)."""
    from followthemoney.types import registry as types

    if not isinstance(value, str) or not value.strip():
        return None
    code = types.country.clean(value.strip())
    if code and len(code) == 2 and code != value:
        return code
    names = _countries()
    by_name = {name: c for c, name in names.items()}
    hit = suggest(value, by_name)
    return by_name[hit] if hit else suggest(value, names)


# ------------------------------------------------------------------------------------ dates
def parse_strict_date(value: Any) -> date:
    """A calendar date from an ISO ``YYYY-MM-DD`` string (or a date object); ``ValueError``
    with a plain-language reason otherwise. The one rule for dates in files olivebranch reads
    from people: no day-first or month-first guessing, no impossible days."""
    if isinstance(value, datetime):
        raise ValueError("a date without a time is expected (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{short(value)} is not a date; write it as YYYY-MM-DD")
    text = value.strip()
    m = ISO_DATE.match(text)
    if m is None:
        other = _DAY_FIRST.match(text)
        if other and date_suggestion(text) is None:
            d, mo, y = (int(g) for g in other.groups())
            raise ValueError(f"{short(text)} is not a date: write dates as YYYY-MM-DD, and "
                             f"as day/month/year {_why_not(y, mo, d)}")
        raise ValueError(f"{short(text)} is not a date in the YYYY-MM-DD form")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"{text} is not a day of the calendar ({_why_not(y, mo, d)})") from None


def _why_not(y: int, mo: int, d: int) -> str:
    import calendar

    if not 1 <= mo <= 12:
        return f"there is no month {mo}"
    days = calendar.monthrange(y, mo)[1] if 1 <= y <= 9999 else 31
    return f"{calendar.month_name[mo]} {y} has {days} days"


def date_suggestion(value: Any) -> str | None:
    """The ISO spelling of a day-first (``31.12.2025``) or slashed ``2025/12/31`` date, when
    it is a real day; the reader then sees what to write instead."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = _DAY_FIRST.match(text)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _YEAR_FIRST.match(text)
        if not m:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _date_problem(path: str, value: Any) -> Problem | None:
    try:
        parse_strict_date(value)
    except ValueError as exc:
        return Problem(path, str(exc), date_suggestion(value), code="date")
    return None


# ------------------------------------------------------------------------- reading documents
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader without YAML's implicit timestamps: a date stays the text the person
    wrote, so it is checked by :func:`parse_strict_date` (PyYAML would crash on
    ``2026-02-31`` and turn ``2026-12-07 10:00`` into a datetime)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Document:
    """Parsed data, where each value is in the text, and the problems of reading it."""

    data: Any = None
    places: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_places: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True

    def place(self, loc: Loc, *, key: bool = False) -> tuple[int, int] | None:
        """(line, column), 1-based, of the value at ``loc`` (or its key), else the nearest
        enclosing value's."""
        if key and loc in self.key_places:
            return self.key_places[loc]
        while True:
            if loc in self.places:
                return self.places[loc]
            if not loc:
                return None
            loc = loc[:-1]


def _is_json(content_type: str | None, text: str) -> bool:
    if content_type:
        ct = content_type.split(";")[0].strip().lower()
        return any(t in ct for t in JSON_TYPES)
    return False


def read_document(source: str | bytes, *, content_type: str | None = None) -> Document:
    """Parse YAML or JSON text (JSON when ``content_type`` says so), with limits (see
    :mod:`olivebranch.yamlsafe`), keeping each value's line and column."""
    doc = Document()
    if isinstance(source, bytes | bytearray):
        if len(source) > yamlsafe.MAX_BYTES:
            return _unreadable(doc, f"the file is over {yamlsafe.MAX_BYTES:,} bytes", "too_large")
        try:
            text = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return _unreadable(doc, f"not UTF-8 text (byte {exc.start} cannot be read); save "
                               "the file as UTF-8", "encoding")
    else:
        text = source.removeprefix("\ufeff")
    if len(text) > yamlsafe.MAX_BYTES:
        return _unreadable(doc, f"the file is over {yamlsafe.MAX_BYTES:,} characters", "too_large")
    if not text.strip():
        return _unreadable(doc, "the file is empty", "empty")
    if _is_json(content_type, text):
        try:
            doc.data = json.loads(text)
        except json.JSONDecodeError as exc:
            doc.problems.append(Problem("", f"not valid JSON: {exc.msg}", line=exc.lineno,
                                        column=exc.colno, code="syntax"))
            doc.readable = False
            return doc
        except RecursionError:
            return _unreadable(doc, f"nested more than {yamlsafe.MAX_DEPTH} levels deep", "too_deep")
        try:  # JSON is (nearly always) YAML: its nodes give the places of the values
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
            if node is not None:
                _index_places(node, doc)
        except (yaml.YAMLError, RecursionError):
            pass
        return doc
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            return _unreadable(doc, f"nested more than {yamlsafe.MAX_DEPTH} levels deep", "too_deep")
        if node is None:
            return _unreadable(doc, "the file is empty", "empty")
        yamlsafe.check_node(node, max_nodes=yamlsafe.MAX_NODES, max_depth=yamlsafe.MAX_DEPTH)
        doc.data = loader.construct_document(node)
        _index_places(node, doc)
    except yamlsafe.YamlLimitError as exc:
        doc.problems.append(Problem("", exc.reason, line=exc.line, code="too_large"))
        doc.readable = False
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        doc.problems.append(Problem(
            "", f"not valid YAML: {problem}", line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None, code="syntax"))
        doc.readable = False
    except (ValueError, TypeError) as exc:  # e.g. an unhashable key
        doc.problems.append(Problem("", f"cannot be read: {exc}", code="syntax"))
        doc.readable = False
    finally:
        loader.dispose()
    return doc


def _unreadable(doc: Document, message: str, code: str) -> Document:
    doc.problems.append(Problem("", message, code=code))
    doc.readable = False
    return doc


def _index_places(root: yaml.Node, doc: Document) -> None:
    """Map each value's path to where it starts; report keys given twice (YAML keeps the last
    silently, JSON too)."""
    stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, loc = stack.pop()
        mark = node.start_mark
        doc.places.setdefault(loc, (mark.line + 1, mark.column + 1))
        if id(node) in seen or len(doc.places) > yamlsafe.MAX_NODES:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((kid, (*loc, i)) for i, kid in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for k, v in node.value:
                if not isinstance(k, yaml.ScalarNode):
                    continue
                sub = (*loc, k.value)
                km = k.start_mark
                if k.value in keys:
                    doc.problems.append(Problem(
                        _path(sub), f"the key {short(k.value, 40)} is given twice in this "
                        "mapping (only the last one would count)", line=km.line + 1,
                        column=km.column + 1, code="duplicate_key"))
                keys.add(k.value)
                doc.key_places.setdefault(sub, (km.line + 1, km.column + 1))
                stack.append((v, sub))


def _path(loc: Iterable[PathPart]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# ------------------------------------------------------------- pydantic errors, for people
#: what a value of a field is called in messages ("'investr' is not a known role")
NOUNS = {
    "role": "role", "kind": "kind", "sectors": "sector", "types": "activity type",
    "products": "product", "import_into": "regime", "stage": "stage", "occupied": "occupation",
    "regime": "regime", "lifted_by": "'lifted_by' value", "exclude_kind": "rule kind",
}
TYPE_NAMES = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
    "int_from_float": "a whole number", "date_type": "a date (YYYY-MM-DD)",
    "string_sub_type": "text", "set_type": "a list", "tuple_type": "a list",
}


def _described(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {short(value, 50)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return short(value, 50)


def _unwrap(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (``list[Party]``, ``Party | None``, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in get_args(annotation):
        out += _unwrap(arg)
    return out


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model whose fields are at ``loc`` (``('parties', 0)`` -> Party)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = _field(model, part)
        if info is None:
            return None
        found = _unwrap(info.annotation)
        model = found[0] if len(found) == 1 else None
    return model


def _field(model: type[BaseModel], name: str) -> Any:
    fields = model.model_fields
    if name in fields:
        return fields[name]
    for info in fields.values():
        if info.alias == name:
            return info
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()
            if name != "path"]


def _literal_values(model: type[BaseModel] | None, name: str, err: Mapping[str, Any]) -> list[str]:
    if model is not None:
        info = _field(model, name)
        if info is not None:
            values = _literals(info.annotation)
            if values:
                return values
    return re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))


def _literals(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    out: list[str] = []
    if get_origin(annotation) in (list, Union) or get_args(annotation):
        for arg in get_args(annotation):
            out += _literals(arg)
    return out


def _field_name(loc: Loc) -> str:
    return next((p for p in reversed(loc) if isinstance(p, str)), "")


def humanise(err: Mapping[str, Any], root: type[BaseModel], *, prefix: Loc = (),
             doc: Document | None = None) -> Problem | None:
    """One pydantic error as a :class:`Problem` (plain words, a suggestion where one fits)."""
    raw_loc = tuple(p for p in err.get("loc", ()) if not (isinstance(p, str) and (
        p.startswith("function-") or p in ("literal", "list", "str"))))
    loc: Loc = (*prefix, *raw_loc)
    path = _path(loc)
    typ = str(err.get("type", ""))
    value = err.get("input")
    name = _field_name(raw_loc)
    parent = _model_at(root, raw_loc[:-1]) if raw_loc else None
    owner = _model_at(root, tuple(p for p in raw_loc if isinstance(p, str))[:-1]) \
        if raw_loc else root
    suggestion: str | None = None
    code = "invalid"
    if typ == "missing":
        code = "missing"
        info = _field(owner, name) if owner is not None and name else None
        what = f" ({info.description})" if info is not None and info.description else ""
        message = f"'{name}' is required{what}" if name else "a required value is missing"
    elif typ == "extra_forbidden":
        code = "unknown_field"
        known = _field_names(parent) if parent is not None else []
        suggestion = suggest(name, known)
        message = f"{short(name, 40)} is not a field here" + (
            f" (fields: {', '.join(known)})" if known and not suggestion else "")
    elif typ == "literal_error":
        code = "not_allowed"
        field_name = name or _field_name(loc)
        allowed = _literal_values(owner, field_name, err)
        noun = NOUNS.get(field_name, f"value for '{field_name}'")
        suggestion = suggest(value, allowed)
        message = f"{_quoted(value)} is not a known {noun}" + (
            "" if suggestion else f"; allowed: {', '.join(allowed)}")
    elif typ in TYPE_NAMES:
        code = "wrong_type"
        message = f"expected {TYPE_NAMES[typ]}, got {_described(value)}"
    elif typ == "too_short":
        code = "too_short"
        message = "needs at least one item" if (err.get("ctx") or {}).get("min_length") == 1 \
            else str(err.get("msg"))
    elif typ in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        code = "out_of_range"
        ctx = err.get("ctx") or {}
        bound = next(iter(ctx.values()), "?")
        word = {"greater_than_equal": "at least", "less_than_equal": "at most",
                "greater_than": "more than", "less_than": "less than"}[typ]
        message = f"must be {word} {bound:g}, not {value!r}" if isinstance(bound, int | float) \
            else f"must be {word} {bound}"
    elif typ.startswith(("date_", "datetime_")):
        problem = _date_problem(path, value)
        message = problem.message if problem else "is not a date (YYYY-MM-DD)"
        suggestion = problem.suggestion if problem else None
        code = "date"
    elif typ == "string_pattern_mismatch":
        code = "not_allowed"
        message = (f"{_quoted(value)} is not allowed here: use lowercase letters, digits and "
                   "'-' (e.g. my-scenario)")
        if isinstance(value, str):
            slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
            suggestion = slug or None
    elif typ == "value_error":
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        message, suggestion, code = _value_error(name, value, message)
    elif typ in ("union_tag_invalid", "union_tag_not_found"):
        message = str(err.get("msg", "invalid"))
    else:
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    line = column = None
    if doc is not None:
        at = doc.place(loc, key=typ == "extra_forbidden")
        if at:
            line, column = at
    return Problem(path, message, suggestion, line, column, code=code)


def _quoted(value: Any) -> str:
    return f"{short(value, 60)}" if isinstance(value, str) else _described(value)


def _value_error(name: str, value: Any, message: str) -> tuple[str, str | None, str]:
    """Reword the models' own ``ValueError`` messages and add suggestions."""
    if "ISO 3166" in message:
        return (f"{_quoted(value)} is not a country code: use the two-letter ISO code "
                "(us, de, ru)", country_suggestion(value), "not_allowed")
    m = re.match(r"unknown (regime|lifted_by|kind) '?([^';]+)'?; known: (.*)$", message)
    if m:
        noun = {"regime": "regime", "lifted_by": "'lifted_by' value", "kind": "rule kind"}[m[1]]
        known = [k.strip() for k in m[3].split(",")]
        hint = suggest(m[2], known)
        return (f"'{m[2]}' is not a known {noun}" + ("" if hint else f"; known: {m[3]}"),
                hint, "not_allowed")
    if "is not a slug" in message:
        slug = re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-_") if isinstance(
            value, str) else None
        return (f"{_quoted(value)} is not a valid id: use lowercase letters, digits, '-' and "
                "'_'", slug or None, "not_allowed")
    return message, None, "invalid"


# ------------------------------------------------------------------------------------- deals
def validate_deal(source: Any, *, name: str = "<deal>", content_type: str | None = None,
                  entity_ids: Callable[[Iterable[str]], set[str]] | None = None) -> Report:
    """Every problem of a deal, given as YAML or JSON text/bytes, as parsed data (a dict from
    a form or a JSON body) or as a :class:`Document` already read.

    ``entity_ids``, when given, receives the list-entity ids the deal pins or clears and
    returns those that exist (:func:`entity_checker`); the others are reported."""
    from olivebranch.deals.models import Deal

    doc = _document(source, content_type)
    report = Report("deal", str(name), list(doc.problems))
    if not doc.readable:
        return report
    data = doc.data
    if not isinstance(data, Mapping):
        report.problems.append(Problem("", "a deal is a mapping (id, title, asset, activity, "
                                       f"parties, …), not {_described(data)}", code="wrong_type"))
        return report
    if isinstance(data.get("id"), str):
        report.id = data["id"]
    problems: dict[tuple[str, str], Problem] = {}
    own = _deal_checks(data, doc)
    for p in own:
        problems[(p.path, p.code)] = p
    dated = {p.path for p in own if p.code == "date"}
    try:
        item = Deal.model_validate(dict(data))
    except ValidationError as exc:
        item = None
        for err in exc.errors():
            if not err.get("loc"):
                continue  # the model's reference checks: _deal_checks reports them all
            p = humanise(err, Deal, doc=doc)
            if p is None or p.path in dated:
                continue
            problems.setdefault((p.path, p.code), p)
    if entity_ids is not None and item is not None:
        for p in _entity_checks(data, entity_ids, doc):
            problems.setdefault((p.path, p.code), p)
    report.problems += sorted(problems.values(), key=_order)
    if report.valid:
        report.item = item
    return report


def _order(p: Problem) -> tuple[int, int, str]:
    return (p.line or 10**9, p.column or 0, p.path)


def _document(source: Any, content_type: str | None) -> Document:
    if isinstance(source, Document):
        return source
    if isinstance(source, str | bytes | bytearray):
        return read_document(source, content_type=content_type)
    return Document(data=source)


def _at(doc: Document, loc: Loc, problem: Problem) -> Problem:
    place = doc.place(loc)
    if place is None:
        return problem
    return Problem(problem.path, problem.message, problem.suggestion, place[0], place[1],
                   problem.severity, problem.code)


def _deal_checks(data: Mapping[str, Any], doc: Document) -> list[Problem]:
    """What the model checks only once every field is valid (and so would hide): party ids
    unique, stakes naming parties, shares adding up; plus strict dates and real countries."""
    out: list[Problem] = []

    def add(loc: Loc, message: str, suggestion: str | None = None, code: str = "invalid",
            severity: Severity = "error") -> None:
        out.append(_at(doc, loc, Problem(_path(loc), message, suggestion, severity=severity,
                                         code=code)))

    if "as_of" in data and data["as_of"] is not None:
        p = _date_problem("as_of", data["as_of"])
        if p:
            add(("as_of",), p.message, p.suggestion, "date")
    asset = data.get("asset")
    if isinstance(asset, Mapping):
        _known_country(add, ("asset", "country"), asset.get("country"))
    parties = data.get("parties")
    ids: list[str] = []
    if isinstance(parties, list):
        seen: set[str] = set()
        for i, p in enumerate(parties):
            if not isinstance(p, Mapping):
                continue
            pid = p.get("id")
            if isinstance(pid, str):
                if pid in seen:
                    add(("parties", i, "id"), f"the party id '{pid}' is used by another party "
                        "too; party ids must be unique", code="duplicate")
                seen.add(pid)
                ids.append(pid)
            for key in ("jurisdiction", "state"):
                _known_country(add, ("parties", i, key), p.get(key))
    stakes = data.get("stakes")
    if isinstance(stakes, list):
        totals: dict[str, list[float]] = {}
        for i, s in enumerate(stakes):
            if not isinstance(s, Mapping):
                continue
            holder, target = s.get("holder"), s.get("in")
            for key, ref in (("holder", holder), ("in", target)):
                if isinstance(ref, str) and ids and ref not in ids:
                    hint = suggest(ref, ids)
                    add(("stakes", i, key), f"{short(ref, 40)} is not the id of a party of "
                        "this deal" + ("" if hint else f" (parties: {', '.join(ids)})"),
                        hint, "reference")
            if isinstance(holder, str) and holder == target:
                add(("stakes", i), "a party cannot hold a stake in itself", code="reference")
            if isinstance(target, str):
                sums = totals.setdefault(target, [0.0, 0.0])
                for j, key in enumerate(("before", "after")):
                    v = s.get(key, 0)
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        sums[j] += float(v)
        for target, (b, a) in totals.items():
            over = [f"{label} the deal {v:g}%" for label, v in (("before", b), ("after", a))
                    if v > 100.01]
            if over:
                where = next(i for i, s in enumerate(stakes)
                             if isinstance(s, Mapping) and s.get("in") == target)
                add(("stakes", where, "in"), f"the shares held in {short(target, 40)} add up "
                    f"to more than 100% ({', '.join(over)})", code="stake_total")
    return out


def _known_country(add: Callable[..., None], loc: Loc, value: Any) -> None:
    """A two-letter code that is not a country (``xx``); other forms are left to the model,
    whose message :func:`humanise` rewrites with a suggestion."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2}", value.strip()) \
            and value.strip().lower() not in _countries():
        add(loc, f"'{value}' is not a known country code (ISO 3166 alpha-2)",
            country_suggestion(value), "not_allowed")


def _entity_checks(data: Mapping[str, Any], exists: Callable[[Iterable[str]], set[str]],
                   doc: Document) -> list[Problem]:
    wanted: list[tuple[Loc, str]] = []
    for i, p in enumerate(data.get("parties") or []):
        if not isinstance(p, Mapping):
            continue
        for key in ("pin", "cleared"):
            values = p.get(key) or []
            values = [values] if isinstance(values, str) else values
            for j, v in enumerate(values if isinstance(values, list) else []):
                if isinstance(v, str):
                    wanted.append((("parties", i, key, j), v))
    if not wanted:
        return []
    found = exists([v for _, v in wanted])
    return [_at(doc, loc, Problem(_path(loc), f"no list entity has the id '{v}' (pin and "
                                  "cleared take ids as shown by `olivebranch screen`)",
                                  code="reference"))
            for loc, v in wanted if v not in found]


def entity_checker(store: Any) -> Callable[[Iterable[str]], set[str]]:
    """``entity_ids`` for :func:`validate_deal`: which of the ids the store holds."""
    return lambda ids: set(store.get_entities(ids))


# --------------------------------------------------------------------------------- scenarios
@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    from olivebranch.rules.model import load_rules

    return load_rules()


@lru_cache(maxsize=1)
def _licences() -> tuple[str, ...]:
    from olivebranch.rules.model import load_general_licences

    return tuple(load_general_licences())


def validate_scenario(source: Any, *, name: str = "<scenario>", content_type: str | None = None,
                      scenarios: Iterable[str] | None = None,
                      rules: Mapping[str, Any] | None = None,
                      licences: Iterable[str] | None = None) -> Report:
    """Every problem of a scenario, given as YAML or JSON text/bytes, parsed data or a
    :class:`Document`.

    ``scenarios`` are the names a ``base`` may refer to (the catalogue's; default: not
    checked); ``rules`` and ``licences`` default to the bundled rule packs'."""
    from olivebranch.scenarios.model import ACTIONS, Scenario

    doc = _document(source, content_type)
    report = Report("scenario", str(name), list(doc.problems))
    if not doc.readable:
        return report
    data = doc.data
    if not isinstance(data, Mapping):
        report.problems.append(Problem("", "a scenario is a mapping (name, title, description, "
                                       f"assumptions, changes), not {_described(data)}",
                                       code="wrong_type"))
        return report
    if isinstance(data.get("name"), str):
        report.id = data["name"]
    found: dict[tuple[str, str], Problem] = {}

    def keep(p: Problem | None) -> None:
        if p is not None:
            found.setdefault((p.path, p.code + p.message), p)

    raw_changes = data.get("changes")
    changes: list[BaseModel] = []
    if raw_changes is not None and not isinstance(raw_changes, list):
        keep(_at(doc, ("changes",), Problem("changes", "must be a list of changes (each a "
                                            "mapping with one action key)", code="wrong_type")))
        raw_changes = []
    for i, raw in enumerate(raw_changes or []):
        loc: Loc = ("changes", i)
        if not isinstance(raw, Mapping) or len(raw) != 1:
            what = (f"keys {', '.join(short(k, 30) for k in list(raw)[:5])}"
                    if isinstance(raw, Mapping) and raw else _described(raw))
            keep(_at(doc, loc, Problem(_path(loc), f"a change has exactly one action key (got "
                                       f"{what}); actions: {', '.join(ACTIONS)}",
                                       code="wrong_type")))
            continue
        action = str(next(iter(raw)))
        model = ACTIONS.get(action)
        if model is None:
            hint = suggest(action, ACTIONS)
            keep(_at(doc, (*loc, action), Problem(
                _path(loc), f"{short(action, 40)} is not an action" + (
                    "" if hint else f"; actions: {', '.join(ACTIONS)}"), hint,
                code="not_allowed")))
            continue
        for p in _change_dates(action, raw[action], loc, doc):
            keep(p)
        dated = {p.path for p in found.values() if p.code == "date"}
        try:
            change = model.model_validate(dict(raw))
        except ValidationError as exc:
            for err in exc.errors():
                p = humanise(err, model, prefix=loc, doc=doc)
                if p is not None and p.path not in dated:
                    keep(p)
            continue
        changes.append(change)
    try:
        item = Scenario.model_validate({**data, "changes": changes, "path": None})
    except ValidationError as exc:
        item = None
        for err in exc.errors():
            if err.get("loc", ())[:1] == ("changes",):
                continue
            keep(humanise(err, Scenario, doc=doc))
    for p in _scenario_references(data, doc, scenarios, _rules() if rules is None else rules,
                                  _licences() if licences is None else tuple(licences)):
        keep(p)
    report.problems += sorted(found.values(), key=_order)
    if report.valid:
        report.item = item
    return report


def _change_dates(action: str, body: Any, loc: Loc, doc: Document) -> list[Problem]:
    out = []
    if action == "set_date":
        p = _date_problem(_path((*loc, "set_date")), body)
        if p:
            out.append(_at(doc, (*loc, "set_date"), p))
    elif action == "start_licence" and isinstance(body, Mapping):
        for key in ("effective_from", "effective_until"):
            if body.get(key) is not None:
                sub = (*loc, "start_licence", key)
                p = _date_problem(_path(sub), body[key])
                if p:
                    out.append(_at(doc, sub, p))
    return out


def _names(value: Any) -> list[tuple[Loc, str]]:
    """The ids in a value written as ``ID``, ``[ID, …]`` (with their places)."""
    if isinstance(value, str):
        return [((), value)]
    if isinstance(value, list):
        return [((j,), v) for j, v in enumerate(value) if isinstance(v, str)]
    return []


def _scenario_references(data: Mapping[str, Any], doc: Document,
                         scenarios: Iterable[str] | None, rules: Mapping[str, Any],
                         licences: tuple[str, ...]) -> list[Problem]:
    """Names the models cannot check alone: rule ids, rule parameters, licence ids, bases.
    Read from the raw changes, so they are reported even when the change has other
    problems."""
    out: list[Problem] = []
    rule_ids = list(rules)

    def add(loc: Loc, message: str, suggestion: str | None, code: str = "reference",
            severity: Severity = "error") -> None:
        out.append(_at(doc, loc, Problem(_path(loc), message, suggestion, severity=severity,
                                         code=code)))

    started: set[str] = set()
    raw_changes = data.get("changes")
    for i, raw in enumerate(raw_changes if isinstance(raw_changes, list) else []):
        if not isinstance(raw, Mapping) or len(raw) != 1:
            continue
        action, body = next(iter(raw.items()))
        base: Loc = ("changes", i, action)
        if action in ("lift", "restore"):
            lists = ({"rules": body.get("rules"), "exclude": body.get("exclude")}
                     if isinstance(body, Mapping) else {"rules": body})
            for key, value in lists.items():
                sub_base = (*base, key) if isinstance(body, Mapping) else base
                for sub, rid in _names(value):
                    if rid in rules:
                        continue
                    hint = suggest(rid, rule_ids)
                    if key == "rules":
                        add((*sub_base, *sub), f"{short(rid, 60)} is not a rule id of the "
                            "bundled rule packs", hint)
                    else:
                        add((*sub_base, *sub), f"{short(rid, 60)} is not a rule id of the "
                            "bundled rule packs (excluding it has no effect)", hint,
                            severity="warning")
        elif action == "set_param" and isinstance(body, Mapping):
            rid, param = body.get("rule"), body.get("param")
            if not isinstance(rid, str):
                continue
            if rid not in rules:
                add((*base, "rule"), f"{short(rid, 60)} is not a rule id of the bundled rule "
                    "packs", suggest(rid, rule_ids))
                continue
            params = dict(getattr(rules[rid], "params", None) or {})
            if not params:
                add((*base, "rule"), f"rule {rid} has no parameters to change", None)
            elif isinstance(param, str) and param not in params:
                hint = suggest(param, params)
                add((*base, "param"), f"rule {rid} has no parameter {short(param, 40)}" + (
                    "" if hint else f" (its parameters: {', '.join(params)})"), hint)
        elif action == "start_licence" and isinstance(body, Mapping):
            if isinstance(body.get("id"), str):
                lid = body["id"]
                if lid not in licences and lid not in started and not (
                        body.get("regime") and body.get("title")):
                    add((*base, "id"), f"{short(lid, 60)} is not a general licence of the rule "
                        "packs: a new licence needs a regime and a title",
                        suggest(lid, licences))
                started.add(lid)
        elif action == "end_licence":
            value = body.get("licences") if isinstance(body, Mapping) else body
            sub_base = (*base, "licences") if isinstance(body, Mapping) else base
            for sub, lid in _names(value):
                if lid not in licences and lid not in started:
                    add((*sub_base, *sub), f"{short(lid, 60)} is not a general licence of the "
                        "rule packs (nor one this scenario starts); a base scenario may start "
                        "it", suggest(lid, [*licences, *started]), severity="warning")
    if scenarios is not None:
        known = list(scenarios)
        bases = data.get("base")
        for sub, b in _names(bases):
            loc = ("base", *sub)
            if b == data.get("name"):
                add(loc, "a scenario cannot be its own base", None)
            elif b not in known:
                hint = suggest(b, known)
                add(loc, f"no scenario is named {short(b, 60)}" + (
                    "" if hint else f" (known: {', '.join(known)})"), hint)
    return out


# ---------------------------------------------------------------------------------- files
def detect_kind(data: Any) -> Kind:
    """A deal has ``parties`` or ``asset``; a scenario has ``changes`` or ``assumptions``."""
    if isinstance(data, Mapping) and ("changes" in data or "assumptions" in data) \
            and "parties" not in data:
        return "scenario"
    return "deal"


def validate_file(path: str | Path, kind: Kind | None = None, **options: Any) -> Report:
    """Validate a deal or scenario file (``kind`` guessed from its keys when not given);
    ``.json`` files are read as JSON, others as YAML. ``options`` go to the validator."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Report(kind or "deal", str(path), [Problem("", f"cannot read the file: "
                                                          f"{exc.strerror}", code="io")])
    ctype = "application/json" if path.suffix.lower() == ".json" else None
    doc = read_document(raw, content_type=ctype)
    if kind is None:
        kind = detect_kind(doc.data) if doc.readable else "deal"
    fn = validate_deal if kind == "deal" else validate_scenario
    return fn(doc, name=str(path), content_type=ctype, **options)


__all__ = [
    "Document", "InvalidDocument", "Problem", "Report", "country_suggestion", "date_suggestion",
    "detect_kind", "entity_checker", "humanise", "parse_strict_date", "read_document", "suggest", "validate_deal",
    "validate_file", "validate_scenario",
]
