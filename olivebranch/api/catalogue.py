"""The deal catalogue the server works on: the bundled deals plus the user's own.

User deals live as YAML files in a writable directory (``Settings.deals_dir``, default
``var/deals``); a user deal with the id of a bundled one shadows it (that is how a bundled deal
is edited without touching the repository). Files are written atomically (temp file + rename),
so a crash never leaves half a deal behind. The same holds for user scenarios.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from olivebranch.deals import DEALS_DIR, Deal, DealError, deal_from_data, load_deal
from olivebranch.errors import OliveBranchError


class NotFound(OliveBranchError):
    """No deal or scenario by that id."""


class Conflict(OliveBranchError):
    """The id is taken (create) or the item cannot be changed (bundled)."""


@dataclass(frozen=True)
class CatalogueEntry:
    deal: Deal
    origin: str  # bundled | user
    path: Path


def write_yaml(path: Path, data: Any) -> None:
    """Write YAML atomically (readers never see a partial file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def deal_data(deal: Deal) -> dict[str, Any]:
    """The deal as it is written to a file (aliases such as ``in``, no empty defaults)."""
    return deal.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)


class DealCatalogue:
    """Bundled and user deals by id. Reads the directories each time it is asked to reload."""

    def __init__(self, user_dir: Path, bundled_dir: Path = DEALS_DIR) -> None:
        self.user_dir = Path(user_dir)
        self.bundled_dir = Path(bundled_dir)
        self._entries: dict[str, CatalogueEntry] | None = None
        self.errors: list[str] = []

    def _scan(self, root: Path, origin: str) -> dict[str, CatalogueEntry]:
        out: dict[str, CatalogueEntry] = {}
        if not root.is_dir():
            return out
        for path in sorted(root.glob("*.y*ml")):
            if path.name.startswith("."):
                continue
            try:
                deal = load_deal(path)
            except DealError as exc:
                # one broken user file must not take the catalogue down; it is reported
                self.errors.append(str(exc))
                continue
            out[deal.id] = CatalogueEntry(deal, origin, path)
        return out

    def entries(self) -> dict[str, CatalogueEntry]:
        if self._entries is None:
            self.errors = []
            merged = self._scan(self.bundled_dir, "bundled")
            merged.update(self._scan(self.user_dir, "user"))
            self._entries = dict(sorted(merged.items()))
        return self._entries

    def deals(self) -> list[Deal]:
        return [e.deal for e in self.entries().values()]

    def get(self, deal_id: str) -> CatalogueEntry:
        entry = self.entries().get(deal_id)
        if entry is None:
            raise NotFound(f"no deal {deal_id!r} in the catalogue")
        return entry

    def validate(self, data: Any) -> Deal:
        return deal_from_data(data, "<request body>")

    def save(self, data: Any, *, deal_id: str | None = None, create: bool = False) -> CatalogueEntry:
        """Validate and write a user deal. ``create`` refuses an id already in use;
        ``deal_id`` (update) must equal the body's id."""
        deal = self.validate(data)
        if deal_id is not None and deal.id != deal_id:
            raise DealError("<request body>", "id",
                            f"the body's id {deal.id!r} differs from the URL's {deal_id!r}")
        if create and deal.id in self.entries():
            raise Conflict(f"a deal with id {deal.id!r} exists already; use PUT to change it")
        path = self.user_dir / f"{deal.id}.yaml"
        write_yaml(path, deal_data(deal))
        self._entries = None
        return self.get(deal.id)

    def delete(self, deal_id: str) -> None:
        entry = self.get(deal_id)
        if entry.origin != "user":
            raise Conflict(f"deal {deal_id!r} is bundled with olivebranch and cannot be deleted")
        entry.path.unlink()
        self._entries = None


@dataclass(frozen=True)
class ScenarioEntry:
    scenario: Any  # olivebranch.scenarios.Scenario
    origin: str  # bundled | user
    path: Path


class ScenarioCatalogue:
    """Bundled scenarios plus the user's own (YAML files in a writable directory)."""

    def __init__(self, user_dir: Path) -> None:
        self.user_dir = Path(user_dir)
        self._entries: dict[str, ScenarioEntry] | None = None
        self.errors: list[str] = []

    def entries(self) -> dict[str, ScenarioEntry]:
        from olivebranch.scenarios.model import SCENARIOS_DIR, bundled_scenarios, read_scenario_file

        if self._entries is None:
            self.errors = []
            out = {
                s.name: ScenarioEntry(s, "bundled", Path(s.path or SCENARIOS_DIR))
                for s in bundled_scenarios()
            }
            if self.user_dir.is_dir():
                for path in sorted(self.user_dir.glob("*.yaml")):
                    if path.name.startswith("."):
                        continue
                    try:
                        s = read_scenario_file(path)
                    except OliveBranchError as exc:
                        self.errors.append(str(exc))
                        continue
                    if s.name in out and out[s.name].origin == "bundled":
                        self.errors.append(f"{path}: shadows bundled scenario {s.name!r}; ignored")
                        continue
                    out[s.name] = ScenarioEntry(s, "user", path)
            self._entries = out
        return self._entries

    def get(self, name: str) -> ScenarioEntry:
        entry = self.entries().get(name)
        if entry is None:
            known = ", ".join(self.entries())
            raise NotFound(f"no scenario {name!r}; known: {known}")
        return entry

    def parse(self, data: Any) -> Any:
        from olivebranch.scenarios.model import parse_scenario, scenario_chain

        scenario = parse_scenario(data, self.user_dir / f"{(data or {}).get('name', 'new')}.yaml"
                                  if isinstance(data, dict) else "<request body>")
        scenario_chain(scenario)  # bases must exist and not loop
        return scenario

    def save(self, data: Any, *, name: str | None = None, create: bool = False) -> ScenarioEntry:
        scenario = self.parse(data)
        if name is not None and scenario.name != name:
            from olivebranch.errors import ParseError

            raise ParseError("<request body>", "name",
                             f"the body's name {scenario.name!r} differs from the URL's {name!r}")
        existing = self.entries().get(scenario.name)
        if existing is not None and existing.origin == "bundled":
            raise Conflict(f"scenario {scenario.name!r} is bundled; save yours under another name")
        if create and existing is not None:
            raise Conflict(f"a scenario named {scenario.name!r} exists already; use PUT to change it")
        path = self.user_dir / f"{scenario.name}.yaml"
        write_yaml(path, data)
        self._entries = None
        return self.get(scenario.name)

    def delete(self, name: str) -> None:
        entry = self.get(name)
        if entry.origin != "user":
            raise Conflict(f"scenario {name!r} is bundled with olivebranch and cannot be deleted")
        entry.path.unlink()
        self._entries = None
