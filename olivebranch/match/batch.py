"""Batch screening rows: one CSV row → a ``Query`` → one JSON-ready record.

Shared by the single-process ``olivebranch screen --input`` and the Dask bulk job
(``olivebranch.bulk``) so both write exactly the same line for the same row.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from olivebranch.errors import OliveBranchError
from olivebranch.match.model import Query
from olivebranch.match.score import parse_date

SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")
BATCH_COLUMNS = ("id", "schema", "name", "birth_date", "identifier", "country")

#: (line number, row or None, error or None) as read from a batch CSV.
Row = tuple[int, dict[str, str] | None, str | None]


def schema_name(value: str | None) -> str:
    """The canonical schema for a user-given name (default ``LegalEntity``: any)."""
    if not value:
        return "LegalEntity"
    for s in SCHEMATA:
        if s.lower() == value.strip().lower():
            return s
    raise OliveBranchError(f"unknown schema '{value}' (use one of {', '.join(SCHEMATA)})")


def result_row(r: Any) -> dict[str, Any]:
    """The per-result fields of the batch output (and ``--json``): for a party result
    (``PartyMatch``) the best record's, the sources, record numbers and programmes of all its
    records, then its ``party_id`` and every record id (``records``)."""
    out = {
        "entity_id": r.entity_id,
        "caption": r.caption,
        "schema": r.schema,
        "score": round(r.score, 4),
        "match": r.match,
        "source": r.sources[0] if r.sources else None,
        "sources": r.sources,
        "source_id": r.source_ids[0] if r.source_ids else None,
        "source_ids": r.source_ids,
        "programs": r.programs,
        "datasets": r.datasets,
        "explanation": r.explanation,
    }
    if hasattr(r, "party_id"):
        out["party_id"] = r.party_id
        out["records"] = [x.entity_id for x in r.records]
    return out


def row_query(row: dict[str, str], line: int) -> Query:
    """One batch CSV row as a query; raises ValueError with a reason for a bad row."""
    name = (row.get("name") or "").strip()
    if not name:
        raise ValueError("no name")
    try:
        schema = schema_name(row.get("schema"))
    except OliveBranchError as exc:
        raise ValueError(str(exc)) from None
    birth = (row.get("birth_date") or "").strip() or None
    if birth and parse_date(birth) is None:
        raise ValueError(f"unreadable birth_date '{birth}'")
    ident = (row.get("identifier") or "").strip()
    country = (row.get("country") or "").strip().lower()
    return Query(
        name=name,
        schema=schema,
        birth_date=birth,
        identifiers=[i.strip() for i in ident.split(";") if i.strip()] if ident else [],
        countries=[c.strip() for c in country.split(";") if c.strip()] if country else [],
        id=(row.get("id") or "").strip() or f"row-{line}",
    )


def iter_rows(path: Path) -> Iterator[Row]:
    """(line, row, error) for every data row of a CSV file; rows that cannot be read at all
    come back with an error instead of stopping the batch."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            return
        if "name" not in header:
            raise OliveBranchError(f"{path}: the header has no 'name' column")
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, None, f"unreadable CSV row: {exc}"
                continue
            if not any(v.strip() for v in values):
                continue
            yield line, dict(zip(header, values, strict=False)), None


def _screen(index: Any, item: Row, *, limit: int,
            threshold: float | None) -> tuple[str, list[Any] | None, int, str | None]:
    """(row id, results or None, line, error) for one read row."""
    line, row, error = item
    rid = (row or {}).get("id") or f"row-{line}"
    if error is None:
        try:
            q = row_query(row or {}, line)
            return rid, index.search_parties(q, limit=limit, threshold=threshold), line, None
        except ValueError as exc:
            error = str(exc)
    return rid, None, line, error


def screen_row(index: Any, item: Row, *, limit: int, threshold: float | None) -> dict[str, Any]:
    """The output record for one read row: its results, or the reason it could not be screened
    (``{"id", "line", "error", "results": []}``)."""
    rid, results, line, error = _screen(index, item, limit=limit, threshold=threshold)
    if results is None:
        return {"id": rid, "line": line, "error": error, "results": []}
    return {"id": rid, "results": [result_row(r) for r in results]}


def count(counts: dict[str, int], record: dict[str, Any]) -> None:
    """Add one output record to the batch counts (rows, errors, with_hits)."""
    counts["rows"] += 1
    if "error" in record:
        counts["errors"] += 1
    elif record["results"]:
        counts["with_hits"] += 1


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


#: What a query is, for telling repeated rows apart: (names, schema, birth date, countries,
#: identifiers) as read from the row - the row id and line number do not change the results.
QueryKey = tuple[tuple[str, ...], str, str | None, tuple[str, ...], tuple[str, ...]]
#: One screened query, encoded: (``"hit"``/``"none"``, the results' JSON without brackets) or
#: (``"error"``, the reason the search refused it).
Screened = tuple[str, str]


def query_key(q: Query) -> QueryKey:
    return (tuple(q.names), q.schema, q.birth_date, tuple(q.countries), tuple(q.identifiers))


def key_query(key: QueryKey) -> Query:
    names, schema, birth, countries, idents = key
    return Query(name=list(names), schema=schema, birth_date=birth, countries=list(countries),
                 identifiers=list(idents))


def row_key(item: Row) -> tuple[str, int, QueryKey | None, str | None]:
    """(row id, line, query key, error) of one read row: the key when the row is a valid
    query, else the reason it is not."""
    line, row, error = item
    rid = (row or {}).get("id") or f"row-{line}"
    if error is None:
        try:
            return rid, line, query_key(row_query(row or {}, line)), None
        except ValueError as exc:
            error = str(exc)
    return rid, line, None, error


def record_line(rid: str, line: int, screened: Screened) -> str:
    """The output line (with its newline) of one row, given its screened query."""
    kind, text = screened
    if kind == "error":
        return _dumps({"id": rid, "line": line, "error": text, "results": []}) + "\n"
    return f'{{"id": {_dumps(rid)}, "results": [{text}]}}\n'


class LineEncoder:
    """The JSON line of each output record, byte for byte ``json.dumps(record,
    ensure_ascii=False)`` of :func:`screen_row`'s record, without re-encoding on every row
    what does not change: each listed entity's id, caption, schema, sources, record numbers,
    programmes and datasets are encoded once. One encoder serves one index."""

    def __init__(self) -> None:
        self._fixed: dict[tuple[str, tuple[str, ...]], tuple[str, str, str]] = {}

    def _parts(self, r: Any) -> tuple[str, str]:
        records = tuple(x.entity_id for x in getattr(r, "records", ()))
        key = (r.entity_id, records)
        parts = self._fixed.get(key)
        if parts is None:
            head = _dumps({"entity_id": r.entity_id, "caption": r.caption, "schema": r.schema})
            tail = _dumps({
                "source": r.sources[0] if r.sources else None,
                "sources": r.sources,
                "source_id": r.source_ids[0] if r.source_ids else None,
                "source_ids": r.source_ids,
                "programs": r.programs,
                "datasets": r.datasets,
            })
            party = (_dumps({"party_id": r.party_id, "records": list(records)})[1:-1]
                     if hasattr(r, "party_id") else "")
            parts = self._fixed[key] = (head[:-1], tail[1:-1], party)
        return parts

    def result(self, r: Any) -> str:
        """One result as :func:`result_row` would give it, encoded."""
        head, tail, party = self._parts(r)
        return (f'{head}, "score": {float.__repr__(round(r.score, 4))}, "match": '
                f'{"true" if r.match else "false"}, {tail}, "explanation": '
                f"{_dumps(r.explanation)}{', ' + party if party else ''}}}")

    def screen(self, index: Any, key: QueryKey, *, limit: int,
               threshold: float | None) -> Screened:
        """Search one query and encode its results."""
        try:
            results = index.search_parties(key_query(key), limit=limit, threshold=threshold)
        except ValueError as exc:
            return "error", str(exc)
        return ("hit" if results else "none"), ", ".join(self.result(r) for r in results)

    def line(self, index: Any, item: Row, *, limit: int,
             threshold: float | None) -> tuple[str, str]:
        """(JSON line with its newline, ``"error"``/``"hit"``/``"none"``) for one read row."""
        rid, line, key, error = row_key(item)
        screened = ("error", error or "") if key is None else self.screen(
            index, key, limit=limit, threshold=threshold)
        return record_line(rid, line, screened), screened[0]
