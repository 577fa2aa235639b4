"""Compute a recorded answer again from the inputs it recorded, and say whether it matches.

The list versions named by the record are copied into a scratch store (they stay in the store
after newer versions are imported), the rule packs, the scenario chain and the deal are taken
from the contents kept under their hashes, and the same question is asked of a workspace over
them on the recorded day.
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

REPLAYABLE = ("assessment", "scenario_run")


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


def _differences(a: Any, b: Any, path: str = "") -> list[dict[str, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _differences(a.get(k), b.get(k), f"{path}.{k}" if path else k)
        return out
    return [] if a == b else [{"where": path, "recorded": a, "recomputed": b}]
