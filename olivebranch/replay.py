"""Compute a recorded answer again from the inputs it recorded, and say whether it matches.

Assessments and scenario runs: the list versions named by the record are copied into a scratch
store (they stay in the store after newer versions are imported), the rule packs, the scenario
chain and the deal are taken from the contents kept under their hashes, and the same question
is asked of a workspace over them on the recorded day.

Screenings (``/match``, the web form, ``olivebranch screen NAME``): the query is run again
against an index of exactly the recorded list versions (a view of the store pinned to them; the
cached index when they are still the active ones), and the results' ids and scores are compared
with the recorded ones. Reviewers' decisions are not part of the comparison: they annotate a
hit, they do not change what the lists and the scorer found.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import insert, select

from olivebranch.audit.log import AuditLog, AuditRecord, sha
from olivebranch.errors import InvalidInput
from olivebranch.store import Store, designations, entities, versions

REPLAYABLE = ("assessment", "scenario_run", "screening")


@dataclass
class ReplayResult:
    record: AuditRecord
    matches: bool
    recomputed: Any
    differences: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.record.id, "action": self.record.action, "subject": self.record.subject,
                "matches": self.matches, "recorded": self.record.result,
                "recomputed": self.recomputed, "differences": self.differences,
                "notes": self.notes}


def copy_versions(src: Store, dst: Store, ids: list[int]) -> None:
    """Copy list versions (rows, entities, designations) into another store, active."""
    with src.engine.connect() as s, dst.engine.begin() as d:
        for vid in ids:
            row = s.execute(select(versions).where(versions.c.id == vid)).first()
            if row is None:
                raise InvalidInput(f"list version {vid} named by the record is no longer in the "
                                   "store: the answer cannot be replayed")
            d.execute(insert(versions).values(**{**dict(row._mapping), "active": True}))
            for table in (entities, designations):
                batch: list[dict[str, Any]] = []
                for r in s.execute(select(table).where(table.c.version_id == vid)):
                    batch.append(dict(r._mapping))
                    if len(batch) >= 5000:
                        d.execute(insert(table), batch)
                        batch = []
                if batch:
                    d.execute(insert(table), batch)


def replay(store: Store, record_id: int, *, reg: Any = None) -> ReplayResult:
    from olivebranch.deals.models import Deal
    from olivebranch.workspace import Workspace

    log = AuditLog(store)
    rec = log.get(record_id)
    if rec.action not in REPLAYABLE:
        raise InvalidInput(f"audit record {record_id} is a {rec.action}: only "
                           f"{', '.join(REPLAYABLE)} records can be replayed")
    inputs = rec.inputs
    if rec.action == "screening":
        return replay_screening(store, rec)
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="olivebranch-replay-") as tmp:
        root = Path(tmp)
        scratch = Store(f"sqlite:///{root / 'replay.sqlite'}")
        copy_versions(store, scratch, [v["id"] for v in inputs["lists"]])
        rules = log.get_blob(inputs["rules"])
        dirs = []
        for name, text in rules["packs"].items():
            folder, _, file = name.partition("/")
            (root / "packs" / folder).mkdir(parents=True, exist_ok=True)
            (root / "packs" / folder / file).write_text(text, encoding="utf-8")
            if root / "packs" / folder not in dirs:
                dirs.append(root / "packs" / folder)
        (root / "scenarios").mkdir()
        for text in log.get_blob(inputs["scenario"]["hash"]):
            data = json.loads(text)
            (root / "scenarios" / f"{data['name']}.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        (root / "deals").mkdir()
        ws = Workspace(scratch, packs=dirs, deals_dir=root / "deals",
                       scenarios_dir=root / "scenarios", cache_dir=root / "cache",
                       index_cache=False, result_cache=False, audit=False,
                       **({"reg": reg} if reg is not None else {}))
        reg_text = rules.get("registry")
        current = Path(ws.registry.path)
        if reg_text is not None and current.is_file() and current.read_text(encoding="utf-8") != reg_text:
            notes.append("the regimes registry changed since the answer; replayed with today's")
        day = date.fromisoformat(inputs["as_of"])
        scenario = inputs["scenario"]["name"]
        if rec.action == "assessment":
            deal = Deal.model_validate(log.get_blob(inputs["deal"]["hash"]))
            v = ws.assess(deal, scenario, day, tuple(inputs["regimes"]))
            again: Any = {r: rv.verdict for r, rv in v.regimes.items()}
        else:
            from olivebranch.present import verdict_matrix

            chosen = inputs["deals"]
            if chosen == "catalogue":
                raise InvalidInput("this scenario run covered the whole catalogue of its day; "
                                   "replay an assessment record of one deal instead")
            items = [Deal.model_validate(log.get_blob(d["hash"])) for d in chosen]
            again = verdict_matrix(ws.run(scenario, day, deals=items))
    recorded = rec.result
    diffs = _differences(recorded, again)
    return ReplayResult(rec, sha(recorded) == sha(again), again, diffs, notes)


class PinnedStore:
    """A view of a store whose active versions are the given ones (what a recorded answer
    was computed from); everything else is the store's."""

    def __init__(self, store: Store, pinned: list[Any]) -> None:
        self._store = store
        self._pinned = pinned

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def active_versions(self, as_of: date | None = None) -> list[Any]:
        return list(self._pinned)

    def designations(self, entity_id: str | None = None, *, as_of: date | None = None,
                     version_ids: Any = None, entity_ids: Any = None) -> list[Any]:
        vids = [v.id for v in self._pinned] if version_ids is None else version_ids
        return self._store.designations(entity_id, as_of=as_of, version_ids=vids,
                                        entity_ids=entity_ids)


def pinned_index(store: Store, version_ids: list[int], as_of: date | None = None
                 ) -> tuple[Any, list[str]]:
    """The screening index of exactly these list versions (and the notes to give): the
    cached one when it exists (the versions are still the active ones), else built."""
    from olivebranch.match.cache import index_path
    from olivebranch.match.index import MatchIndex

    by_id = {v.id: v for v in store.versions()}
    missing = [i for i in version_ids if i not in by_id]
    if missing:
        raise InvalidInput(f"list version(s) {', '.join(map(str, missing))} named by the record "
                           "are no longer in the store: the answer cannot be replayed")
    view = PinnedStore(store, [by_id[i] for i in version_ids])
    notes = []
    path = index_path(view, as_of)
    if path.is_dir():
        try:
            return MatchIndex.open(path), notes
        except Exception:  # noqa: BLE001 - a broken cache: build it
            pass
    notes.append("the index of the recorded list versions was built for this replay")
    return MatchIndex.from_store(view, as_of), notes


def replay_screening(store: Store, rec: AuditRecord) -> ReplayResult:
    """Screen the recorded query again against the recorded list versions."""
    inputs = rec.inputs
    if "file_hash" in inputs:
        raise InvalidInput(f"audit record {rec.id} is a batch screen of {inputs.get('file')}: "
                           "screen the file again with the same options and compare the hash "
                           "of its output with the recorded output_hash")
    for ref in inputs["lists"]:
        v = next((x for x in store.versions(ref["source"]) if x.id == ref["id"]), None)
        if v is not None and ref.get("file_hash") and v.file_hash != ref["file_hash"]:
            raise InvalidInput(f"list version {ref['id']} ({ref['source']}) no longer has the "
                               "recorded file hash: the store was changed")
    day = date.fromisoformat(inputs["as_of"]) if inputs.get("as_of") else None
    index, notes = pinned_index(store, [v["id"] for v in inputs["lists"]], day)
    recorded: Any
    again: Any
    if "endpoint" in inputs:  # /match and the web form: yente-shaped results
        from olivebranch.api import screening

        q = inputs["query"]
        query = screening.make_query(q["schema"], q["properties"])
        found = screening.run_query(index, query, dataset=inputs["dataset"],
                                    limit=inputs["limit"], threshold=inputs["threshold"],
                                    cutoff=inputs.get("cutoff"))
        again = {"total": len(found),
                 "top": [{"id": screening.party_ids(r)[0], "score": round(r.score, 4)}
                         for r in found[:len(rec.result["top"])]]}
        recorded = {"total": rec.result["total"],
                    "top": [{"id": r["id"], "score": r["score"]} for r in rec.result["top"]]}
    else:  # olivebranch screen NAME
        from olivebranch.match import Query

        q = inputs["query"]
        query = Query(name=q["names"], schema=q["schema"], birth_date=q.get("birth_date"),
                      countries=list(q.get("countries") or []),
                      identifiers=list(q.get("identifiers") or []))
        found = index.search_parties(query, limit=inputs["limit"],
                                     threshold=inputs.get("threshold"))
        again = [{"entity_id": r.entity_id, "score": round(r.score, 4)} for r in found]
        recorded = [{"entity_id": r["entity_id"], "score": r["score"]} for r in rec.result]
    diffs = _differences(recorded, again)
    return ReplayResult(rec, sha(recorded) == sha(again), again, diffs, notes)


def _differences(a: Any, b: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _differences(a.get(k), b.get(k), f"{path}.{k}" if path else k)
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = []
        for i in range(max(len(a), len(b))):
            out += _differences(a[i] if i < len(a) else None, b[i] if i < len(b) else None,
                                f"{path}[{i}]")
        return out
    return [] if a == b else [{"where": path, "recorded": a, "recomputed": b}]
