"""What the workspace records for each answer, and with which inputs.

Inputs name everything the answer depends on: the list versions in force on the day (id,
source, file hash), the rule packs and the registry (content hash; contents kept once), the
scenario with its bases (content hash; kept once), the deal (catalogue revision and content
hash; kept once), the day and the regimes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from olivebranch.audit.log import AuditLog, RawJSON, canonical_text, list_refs, sha

if TYPE_CHECKING:
    from olivebranch.catalogue import DealCatalogue
    from olivebranch.deals.models import Deal
    from olivebranch.findings import DealVerdict
    from olivebranch.regimes import Registry
    from olivebranch.rules.model import PackDirs
    from olivebranch.scenarios.model import Scenario
    from olivebranch.store import Store


class Audited(Protocol):
    """What the recorder reads of the workspace it records for (the workspace satisfies it;
    the recorder does not import the workspace, which creates it)."""

    store: Store
    registry: Registry
    packs: PackDirs | None

    @property
    def deals(self) -> DealCatalogue: ...

    def today(self) -> date: ...

    def scenario_texts(self, scenario: Scenario) -> list[str]: ...


class Recorder:
    """The workspace's audit recorder (one per workspace; caches the rule-pack hash)."""

    def __init__(self, ws: Audited, default_packs: Callable[[], Path]) -> None:
        self.ws = ws
        self.default_packs = default_packs
        self.log = AuditLog.of(ws.store)
        self._rules: tuple[str, dict[str, Any]] | None = None

    def _rules_blob(self) -> tuple[str, dict[str, Any]]:
        """The rule packs' and the registry's texts and their hash (read once)."""
        if self._rules is None:
            packs = self.ws.packs if self.ws.packs is not None else self.default_packs()
            dirs = [packs] if isinstance(packs, str | Path) else list(packs)
            files = {f"{i}/{p.name}": p.read_text(encoding="utf-8")
                     for i, d in enumerate(dirs) for p in sorted(Path(d).glob("*.yaml"))}
            reg = Path(self.ws.registry.path) if getattr(self.ws.registry, "path", None) else None
            content = {"packs": files,
                       "registry": reg.read_text(encoding="utf-8") if reg and reg.is_file() else None}
            self._rules = (sha(content), content)
        return self._rules

    def rules(self) -> str:
        digest, content = self._rules_blob()
        self.log.keep({digest: ("rules", lambda: content)})
        return digest

    def versions(self, day: date) -> list[dict[str, Any]]:
        return list_refs(self.ws.store.active_versions(day))

    def scenario(self, s: Scenario) -> str:
        return self.log.blob("scenario", self.ws.scenario_texts(s))

    def deal(self, d: Deal) -> dict[str, Any]:
        return self.deals([d])[0]

    def deals(self, items: list[Deal]) -> list[dict[str, Any]]:
        """Each deal's id, catalogue revision (None for a deal file) and content hash."""
        refs, blobs = self._deal_refs(items)
        self.log.keep(blobs)
        return refs

    def _deal_refs(self, items: list[Deal]
                   ) -> tuple[list[dict[str, Any]], dict[str, tuple[str, Callable[[], Any]]]]:
        """The deals' references and their contents by hash (the hash is over the deal's JSON
        as pydantic writes it: one fast call per deal)."""
        entries = self.ws.deals.entries()
        refs, blobs = [], {}
        for d in items:
            raw = d.model_dump_json(by_alias=True)
            digest = hashlib.sha256(raw.encode()).hexdigest()
            blobs[digest] = ("deal", lambda raw=raw: json.loads(raw))
            entry = entries.get(d.id)
            refs.append({"id": d.id, "revision": entry.revision if entry is not None
                         and entry.item == d else None, "hash": digest})
        return refs, blobs

    def assessments(self, deals: list[Deal], scenario: Scenario, day: date,
                    regimes: tuple[str, ...], verdicts: list[DealVerdict]) -> list[int]:
        rules, rules_content = self._rules_blob()
        chain = self.ws.scenario_texts(scenario)
        chain_digest = sha(chain)
        refs, blobs = self._deal_refs(deals)
        # every content the records name, stored if new: one query
        self.log.keep({rules: ("rules", lambda: rules_content),
                       chain_digest: ("scenario", lambda: chain), **blobs})
        # the list versions, common to every record, serialised once
        common = {"as_of": day.isoformat(), "regimes": list(regimes),
                  "lists": RawJSON(canonical_text(self.versions(day))), "rules": rules,
                  "scenario": {"name": scenario.name, "hash": chain_digest}}
        return self.log.record_many([
            ("assessment", d.id, {**common, "deal": ref},
             {r: rv.verdict for r, rv in v.regimes.items()})
            for d, ref, v in zip(deals, refs, verdicts, strict=True)], native=True)

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

