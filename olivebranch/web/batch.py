"""Batch screening in the browser: upload a CSV or XLSX file, map its columns, screen every row
in the background with progress, filter the results, download them as CSV or XLSX.

Rows are screened by ``match.batch.screen_row``, exactly as ``olivebranch screen --input`` does,
after the user's column mapping turns each row into the batch format's fields (name, schema,
birth_date, country, identifier, id). A job lives in the server process (``Jobs``), keyed by a
random id that is also its only handle; finished jobs are dropped after ``KEEP_SECONDS`` or
when more than ``MAX_JOBS`` exist.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

router = APIRouter(include_in_schema=False)
FIELDS = ("name", "schema", "birth_date", "country", "identifier", "id")
#: header spellings the mapping step proposes for each field (lowercase, no punctuation)
GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "entity", "entity name", "company", "company name",
             "counterparty", "party", "customer", "customer name", "legal name"),
    "schema": ("schema", "type", "entity type", "kind"),
    "birth_date": ("birth date", "birthdate", "dob", "date of birth", "incorporation date",
                   "birth_date"),
    "country": ("country", "countries", "nationality", "jurisdiction", "country code"),
    "identifier": ("identifier", "id number", "registration number", "inn", "ogrn", "lei",
                   "imo", "tax id", "passport"),
    "id": ("id", "ref", "reference", "customer id", "record id", "row id"),
}
MAX_ROWS = 20_000
MAX_JOBS = 20
KEEP_SECONDS = 3600
RESULT_COLUMNS = ("row", "line", "query", "status", "hits", "best_match", "entity_id", "score",
                  "schema", "lists", "programs", "error")


class BatchInputError(ValueError):
    """The upload is not a table we can read; the message names the file and the place."""


@dataclass
class Job:
    id: str
    filename: str
    columns: list[str]
    rows: list[list[str]]
    created: float = field(default_factory=time.time)
    mapping: dict[str, str] = field(default_factory=dict)
    done: int = 0
    started: float | None = None
    finished: float | None = None
    error: str | None = None
    results: list[dict[str, Any]] = field(default_factory=list)

    def status(self) -> dict[str, Any]:
        hits = sum(1 for r in self.results if r["status"] == "match")
        errors = sum(1 for r in self.results if r["status"] == "error")
        elapsed = ((self.finished or time.time()) - self.started) if self.started else 0.0
        return {"job": self.id, "filename": self.filename, "total": len(self.rows),
                "done": self.done, "finished": self.finished is not None, "error": self.error,
                "matches": hits, "errors": errors, "seconds": round(elapsed, 2)}


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> None:
        with self._lock:
            now = time.time()
            for k in [k for k, j in self._jobs.items() if now - j.created > KEEP_SECONDS]:
                del self._jobs[k]
            while len(self._jobs) >= MAX_JOBS:
                del self._jobs[min(self._jobs, key=lambda k: self._jobs[k].created)]
            self._jobs[job.id] = job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)


def jobs(request: Request) -> Jobs:
    app = request.app
    if getattr(app.state, "batch_jobs", None) is None:
        app.state.batch_jobs = Jobs()
    return app.state.batch_jobs


# ---------------------------------------------------------------------------- reading uploads
def read_table(filename: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of an uploaded CSV or XLSX file, as strings (``exports.read_upload``,
    the reader the CLI shares); errors name the file and the row."""
    from olivebranch.errors import InvalidInput
    from olivebranch.exports import read_upload

    try:
        table = read_upload(data, filename, max_rows=MAX_ROWS)
    except InvalidInput as exc:
        raise BatchInputError(str(exc)) from None
    header = [str(h).strip() or f"column {i + 1}" for i, h in enumerate(table.columns)]
    rows = [["" if c is None else str(c) for c in row] for row in table.rows]
    if not rows:
        raise BatchInputError(f"{filename}: no data rows under the header")
    return header, rows


def _norm(h: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in h.lower()).split())


#: words that, inside a header, point to a field (second pass, after exact spellings)
KEYWORDS: dict[str, set[str]] = {
    "name": {"name", "counterparty", "company", "entity", "customer", "beneficiary", "vendor"},
    "schema": {"schema", "type", "kind"},
    "birth_date": {"dob", "birth", "born", "incorporation", "incorporated"},
    "country": {"country", "nationality", "jurisdiction", "citizenship"},
    "identifier": {"reg", "registration", "inn", "ogrn", "lei", "imo", "passport", "tax", "vat",
                   "identifier", "swift", "bic"},
    "id": {"ref", "reference", "id", "key"},
}


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Field -> column the header most likely means (only fields with a likely column): exact
    spellings first, then a header word that points to the field."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for fld in FIELDS:
        for c in columns:
            if c not in used and _norm(c) in GUESSES[fld]:
                out[fld] = c
                used.add(c)
                break
    for fld in FIELDS:
        if fld in out:
            continue
        for c in columns:
            if c not in used and set(_norm(c).split()) & KEYWORDS[fld]:
                out[fld] = c
                used.add(c)
                break
    return out


# ---------------------------------------------------------------------------- screening
def _row_fields(job: Job, values: list[str]) -> dict[str, str]:
    index = {c: i for i, c in enumerate(job.columns)}
    out = {}
    for fld, col in job.mapping.items():
        i = index.get(col)
        out[fld] = values[i].strip() if i is not None and i < len(values) else ""
    return out


def run_job(job: Job, index: Any, threshold: float) -> None:
    from olivebranch.match.batch import screen_row

    job.started = time.time()
    try:
        for n, values in enumerate(job.rows):
            fields = _row_fields(job, values)
            line = n + 2
            record = screen_row(index, (line, fields, None), limit=3, threshold=threshold)
            job.results.append(_flat(n + 1, line, fields, record))
            job.done = n + 1
    except Exception as exc:  # noqa: BLE001 - shown to the user; the job stops
        job.error = f"row {job.done + 1}: {exc}"
    finally:
        job.finished = time.time()


def _flat(n: int, line: int, fields: dict[str, str], record: dict[str, Any]) -> dict[str, Any]:
    results = record.get("results") or []
    best = results[0] if results else None
    if "error" in record:
        status = "error"
    elif best and best["match"]:
        status = "match"
    elif best:
        status = "possible"
    else:
        status = "clear"
    return {
        "row": fields.get("id") or str(n), "line": line, "query": fields.get("name", ""),
        "status": status, "hits": sum(1 for r in results if r["match"]),
        "best_match": best["caption"] if best else "", "entity_id": best["entity_id"] if best else "",
        "score": best["score"] if best else None, "schema": best["schema"] if best else "",
        "lists": ", ".join(best["datasets"]) if best else "",
        "programs": ", ".join(best.get("programs") or []) if best else "",
        "error": record.get("error") or "",
    }


def results_table(rows: list[dict[str, Any]], title: str) -> Any:
    """The results as an ``exports.Table`` (the CLI's CSV/XLSX writers, formula-safe)."""
    from olivebranch.exports import Table

    return Table("screening", list(RESULT_COLUMNS),
                 [[r[c] for c in RESULT_COLUMNS] for r in rows], title=title)


def filtered(job: Job, status: str = "", q: str = "") -> list[dict[str, Any]]:
    rows = list(job.results)
    if status:
        rows = [r for r in rows if r["status"] == status]
    if q:
        ql = q.lower()
        rows = [r for r in rows if ql in r["query"].lower() or ql in r["best_match"].lower()]
    return rows


# ---------------------------------------------------------------------------- routes
def _who(request: Request) -> Any:
    from olivebranch.web.pages import principal

    return principal(request, "match")


def _job(request: Request, job_id: str) -> Job:
    from olivebranch.errors import NotFound

    job = jobs(request).get(job_id)
    if job is None:
        raise NotFound(f"no batch job {job_id!r} (jobs are kept for an hour)")
    return job


@router.get("/screen/batch", response_class=HTMLResponse)
def batch_page(request: Request) -> HTMLResponse:
    from olivebranch.web.pages import render

    who = _who(request)
    return render(request, "batch.html", who, nav="screen", fields=FIELDS, max_rows=MAX_ROWS)


@router.post("/screen/batch/upload")
async def upload(request: Request) -> Response:
    _who(request)
    form = await request.form()
    item = form.get("file")
    if item is None or isinstance(item, str):
        return JSONResponse({"error": "choose a CSV or XLSX file"}, status_code=400)
    filename = item.filename or "upload"
    data = await item.read()
    try:
        columns, rows = read_table(filename, data)
    except BatchInputError as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    job = Job(id=secrets.token_urlsafe(12), filename=filename, columns=columns, rows=rows)
    jobs(request).add(job)
    return JSONResponse({"job": job.id, "filename": filename, "columns": columns,
                         "rows": len(rows), "preview": rows[:5], "guess": guess_mapping(columns)})


@router.post("/screen/batch/{job_id}/start")
async def start(request: Request, job_id: str) -> Response:
    from olivebranch.api.deps import state
    from olivebranch.match import DEFAULT_THRESHOLD

    _who(request)
    job = _job(request, job_id)
    try:
        body = await request.json()
    except ValueError:
        body = None
    mapping = (body or {}).get("mapping") if isinstance(body, dict) else None
    if not isinstance(mapping, dict):
        return JSONResponse({"error": "send {mapping: {field: column}}"}, status_code=400)
    mapping = {k: v for k, v in mapping.items() if k in FIELDS and v in job.columns}
    if "name" not in mapping:
        return JSONResponse({"error": "map a column to name: it is what is screened"},
                            status_code=400)
    if job.started is not None:
        return JSONResponse({"error": "this job has already started"}, status_code=409)
    job.mapping = mapping
    job.started = time.time()
    index = state(request).index
    threading.Thread(target=run_job, args=(job, index, DEFAULT_THRESHOLD),
                     name=f"batch-{job.id}", daemon=True).start()
    return JSONResponse(job.status())


@router.get("/screen/batch/{job_id}/status")
def status(request: Request, job_id: str) -> Response:
    _who(request)
    return JSONResponse(_job(request, job_id).status())


@router.get("/screen/batch/{job_id}/results.json")
def results_json(request: Request, job_id: str, status: str = "", q: str = "",
                 offset: int = 0, limit: int = 200) -> Response:
    _who(request)
    job = _job(request, job_id)
    rows = filtered(job, status, q[:200])
    limit = max(1, min(limit, 1000))
    return JSONResponse({"total": len(rows), "offset": offset,
                         "rows": rows[max(0, offset): max(0, offset) + limit],
                         "status": job.status()})


@router.get("/screen/batch/{job_id}/results.{fmt}")
def results_file(request: Request, job_id: str, fmt: str, status: str = "", q: str = "") -> Response:
    _who(request)
    job = _job(request, job_id)
    rows = filtered(job, status, q[:200])
    stem = "".join(c for c in job.filename.rsplit(".", 1)[0] if c.isalnum() or c in "-_")[:60]
    name = f"{stem or 'batch'}-screened.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    from olivebranch import exports

    if fmt not in ("csv", "xlsx"):
        return JSONResponse({"detail": "format must be csv, xlsx or json"}, status_code=404)
    body = exports.render(results_table(rows, f"Screening of {job.filename}"), fmt, bom=fmt == "csv")
    return Response(body, media_type=exports.MEDIA_TYPES[fmt], headers=disposition)
