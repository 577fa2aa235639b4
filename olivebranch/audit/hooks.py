"""What the workspace records for each answer, and with which inputs.

Inputs name everything the answer depends on: the list versions in force on the day (id,
source, file hash), the rule packs and the registry (content hash; contents kept once), the
scenario with its bases (content hash; kept once), the deal (catalogue revision and content
hash; kept once), the day and the regimes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from olivebranch.audit.log import AuditLog

if TYPE_CHECKING:
    from olivebranch.deals.models import Deal
    from olivebranch.findings import DealVerdict
    from olivebranch.scenarios.model import Scenario
    from olivebranch.workspace import Workspace


class Recorder:
    """The workspace's audit recorder (one per workspace; caches the rule-pack hash)."""

    def __init__(self, ws: Workspace, default_packs: Callable[[], Path]) -> None:
        self.ws = ws
        self.default_packs = default_packs
        self.log = AuditLog.of(ws.store)
        self._rules: str | None = None

    def rules(self) -> str:
        if self._rules is None:
            packs = self.ws.packs if self.ws.packs is not None else self.default_packs()
            dirs = [packs] if isinstance(packs, str | Path) else list(packs)
            files = {f"{i}/{p.name}": p.read_text(encoding="utf-8")
                     for i, d in enumerate(dirs) for p in sorted(Path(d).glob("*.yaml"))}
            reg = Path(self.ws.registry.path) if getattr(self.ws.registry, "path", None) else None
            content = {"packs": files,
                       "registry": reg.read_text(encoding="utf-8") if reg and reg.is_file() else None}
            self._rules = self.log.blob("rules", content)
        return self._rules

    def versions(self, day: date) -> list[dict[str, Any]]:
        return [{"id": v.id, "source": v.source, "file_hash": v.file_hash}
                for v in sorted(self.ws.store.active_versions(day), key=lambda v: v.source)]

    def scenario(self, s: Scenario) -> str:
        return self.log.blob("scenario", self.ws._chain(s))

    def deal(self, d: Deal) -> dict[str, Any]:
        return self.deals([d])[0]

    def deals(self, items: list[Deal]) -> list[dict[str, Any]]:
        """Each deal's id, catalogue revision (None for a deal file) and content hash."""
        entries = self.ws.deals.entries()
        hashes = self.log.blobs("deal", [d.model_dump(mode="json", by_alias=True) for d in items])
        out = []
        for d, h in zip(items, hashes, strict=True):
            entry = entries.get(d.id)
            out.append({"id": d.id, "revision": entry.revision if entry is not None
                        and entry.item == d else None, "hash": h})
        return out

    def assessments(self, deals: list[Deal], scenario: Scenario, day: date,
                    regimes: tuple[str, ...], verdicts: list[DealVerdict]) -> list[int]:
        common = {"as_of": day.isoformat(), "regimes": list(regimes),
                  "lists": self.versions(day), "rules": self.rules(),
                  "scenario": {"name": scenario.name, "hash": self.scenario(scenario)}}
        return self.log.record_many([
            ("assessment", d.id, {**common, "deal": ref},
             {r: rv.verdict for r, rv in v.regimes.items()})
            for d, ref, v in zip(deals, self.deals(deals), verdicts, strict=True)])

    def scenario_run(self, scenario: Scenario, day: date, deals: list[Deal] | None,
                     matrix: dict[str, dict[str, str]]) -> int:
        inputs = {"as_of": day.isoformat(), "lists": self.versions(day), "rules": self.rules(),
                  "scenario": {"name": scenario.name, "hash": self.scenario(scenario)},
                  "deals": self.deals(deals) if deals is not None else "catalogue",
                  "catalogue_generation": self.ws.deals.generation()}
        return self.log.record("scenario_run", subject=scenario.name, inputs=inputs, result=matrix)

    def screening(self, subject: str, inputs: dict[str, Any], result: Any,
                  day: date | None = None) -> int:
        return self.log.record("screening", subject=subject,
                               inputs={**inputs, "lists": self.versions(day or self.ws.today())},
                               result=result)

