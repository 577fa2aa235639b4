"""The deal and scenario catalogues: bundled files as a read-only base, the user's own in the
store, with every revision kept.

Deals and scenarios saved through the API or the CLI are rows of one table
(``catalogue_items``) in the store both read, so either sees what the other saved. Each save
adds a revision (who saved it, when, the whole document); a delete adds a tombstone. A user
deal may take the id of a bundled one (that is how a bundled deal is edited without touching
the repository; deleting the copy brings the bundled one back); a user scenario may not shadow
a bundled scenario. ``generation`` changes with every write, so caches can key on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from sqlalchemy import and_, func, insert, select

from olivebranch.catalogue_table import catalogue_items
from olivebranch.deals.loader import DEALS_DIR, DealError, deal_from_data, load_deal
from olivebranch.deals.models import Deal
from olivebranch.errors import Conflict, NotFound, OliveBranchError, ParseError
from olivebranch.regimes import FAST_LOADER
from olivebranch.scenarios.model import (
    SCENARIOS_DIR,
    Scenario,
    bundled_scenarios,
    parse_scenario,
    scenario_chain,
)
from olivebranch.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One catalogue item as it stands: the parsed document and where it comes from."""

    item: T
    name: str
    origin: str  # bundled | user
    revision: int = 0  # 0 for a bundled item
    path: Path | None = None  # the bundled file
    saved_at: datetime | None = None
    saved_by: str | None = None

    # the API's historical field names
    @property
    def deal(self) -> T:
        return self.item

    @property
    def scenario(self) -> T:
        return self.item


@dataclass(frozen=True)
class Revision:
    name: str
    revision: int
    deleted: bool
    saved_at: datetime
    saved_by: str | None
    data: Any


class Catalogue(Generic[T]):
    """Bundled items plus the user's own rows of one kind (see module doc)."""

    kind = ""
    #: may a user item take a bundled item's name (and shadow it)?
    shadows = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._bundled: dict[str, Entry[T]] | None = None
        self._cache: tuple[int, dict[str, Entry[T]]] | None = None

    # ------------------------------------------------------------------ to define per kind
    def load_bundled(self) -> dict[str, Entry[T]]:
        raise NotImplementedError

    def parse(self, data: Any, where: str = "<request body>") -> T:
        raise NotImplementedError

    def name_of(self, item: T) -> str:
        raise NotImplementedError

    def document(self, item: T, data: Any) -> Any:
        """What is stored for an item (the document as given, by default)."""
        return data

    # ------------------------------------------------------------------ reading
    def bundled(self) -> dict[str, Entry[T]]:
        if self._bundled is None:
            self._bundled = self.load_bundled()
        return self._bundled

    def generation(self) -> int:
        """Changes whenever an item of this kind is saved or deleted (by any process)."""
        c = catalogue_items.c
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.max(c.id)).where(c.kind == self.kind)).scalar()
                       or 0)

    def _current_rows(self) -> list[Any]:
        c = catalogue_items.c
        latest = (select(c.name, func.max(c.revision).label("rev"))
                  .where(c.kind == self.kind).group_by(c.name).subquery())
        q = (select(catalogue_items)
             .join(latest, and_(c.name == latest.c.name, c.revision == latest.c.rev))
             .where(c.kind == self.kind))
        with self.store.engine.connect() as conn:
            return [r._mapping for r in conn.execute(q)]

    def entries(self) -> dict[str, Entry[T]]:
        """Every item by name, sorted: bundled ones, with the user's over them."""
        gen = self.generation()
        with self._lock:
            if self._cache is not None and self._cache[0] == gen:
                return self._cache[1]
        errors: list[str] = []
        merged = dict(self.bundled())
        for row in self._current_rows():
            if row["deleted"]:
                continue
            try:
                item = self.parse(row["data"], f"<saved {self.kind} {row['name']}>")
            except OliveBranchError as exc:  # one bad row must not take the catalogue down
                errors.append(str(exc))
                continue
            if row["name"] in merged and not self.shadows:
                errors.append(f"saved {self.kind} {row['name']!r} shadows a bundled one; ignored")
                continue
            merged[row["name"]] = Entry(item, row["name"], "user", row["revision"], None,
                                        row["saved_at"], row["saved_by"])
        out = dict(sorted(merged.items())) if self.kind == "deal" else merged
        with self._lock:
            self._cache = (gen, out)
            self.errors = errors
        return out

    def items(self) -> list[T]:
        return [e.item for e in self.entries().values()]

    def get(self, name: str) -> Entry[T]:
        entry = self.entries().get(name)
        if entry is None:
            known = ", ".join(self.entries())
            raise NotFound(f"no {self.kind} {name!r} in the catalogue (known: {known})")
        return entry

    def find(self, name: str) -> T | None:
        entry = self.entries().get(name)
        return entry.item if entry is not None else None

    def _saved(self, name: str) -> bool:
        """Is there a saved (not deleted) item of this name?"""
        c = catalogue_items.c
        q = (select(catalogue_items.c.deleted).where(and_(c.kind == self.kind, c.name == name))
             .order_by(c.revision.desc()).limit(1))
        with self.store.engine.connect() as conn:
            row = conn.execute(q).first()
        return row is not None and not row[0]

    def history(self, name: str) -> list[Revision]:
        """Every saved revision of one item, oldest first."""
        c = catalogue_items.c
        q = (select(catalogue_items).where(and_(c.kind == self.kind, c.name == name))
             .order_by(c.revision))
        with self.store.engine.connect() as conn:
            return [Revision(r.name, r.revision, bool(r.deleted), r.saved_at, r.saved_by, r.data)
                    for r in conn.execute(q)]

    # ------------------------------------------------------------------ writing
    def _write(self, name: str, data: Any, *, deleted: bool, who: str | None) -> int:
        c = catalogue_items.c
        with self.store.engine.begin() as conn:
            last = conn.execute(select(func.max(c.revision)).where(
                and_(c.kind == self.kind, c.name == name))).scalar() or 0
            conn.execute(insert(catalogue_items).values(
                kind=self.kind, name=name, revision=last + 1, data=data, deleted=deleted,
                saved_at=datetime.now(UTC), saved_by=who))
        with self._lock:
            self._cache = None
        return last + 1

    def save(self, data: Any, *, name: str | None = None, create: bool = False,
             who: str | None = None) -> Entry[T]:
        """Validate and store a user item. ``create`` refuses a name in use; ``name`` (an
        update) must equal the document's."""
        item = self.parse(data)
        got = self.name_of(item)
        if name is not None and got != name:
            raise ParseError("<request body>", "id" if self.kind == "deal" else "name",
                             f"the body's {'id' if self.kind == 'deal' else 'name'} {got!r} "
                             f"differs from the URL's {name!r}")
        existing = self.entries().get(got)
        if existing is not None and existing.origin == "bundled" and not self.shadows:
            raise Conflict(f"{self.kind} {got!r} is bundled; save yours under another name")
        if create and existing is not None:
            raise Conflict(f"a {self.kind} named {got!r} exists already; use PUT (or save "
                           "without --create) to change it")
        self._write(got, self.document(item, data), deleted=False, who=who)
        return self.get(got)

    def delete(self, name: str, *, who: str | None = None) -> None:
        entry = self.get(name)
        if entry.origin != "user":
            raise Conflict(f"{self.kind} {name!r} is bundled with olivebranch and cannot be "
                           "deleted")
        self._write(name, None, deleted=True, who=who)

    def import_files(self, paths: Iterable[Path], *, who: str = "import") -> list[str]:
        """Save YAML files (e.g. an older version's ``var/deals``) unless already current."""
        done = []
        for path in paths:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            item = self.parse(data, str(path))
            entry = self.entries().get(self.name_of(item))
            if entry is not None and entry.origin == "user":
                continue
            self.save(data, who=who)
            done.append(self.name_of(item))
        return done


class DealCatalogue(Catalogue[Deal]):
    """Bundled deals (``data/deals``) and the user's own."""

    kind = "deal"
    shadows = True

    def __init__(self, store: Store, bundled_dir: Path = DEALS_DIR) -> None:
        super().__init__(store)
        self.bundled_dir = Path(bundled_dir)

    def load_bundled(self) -> dict[str, Entry[Deal]]:
        out: dict[str, Entry[Deal]] = {}
        for path in sorted(self.bundled_dir.glob("*.y*ml")):
            deal = _read_deal(path)
            if deal.id in out:
                raise DealError(path, "id", f"deal id '{deal.id}' is used by another file too")
            out[deal.id] = Entry(deal, deal.id, "bundled", 0, path)
        return out

    def find(self, name: str) -> Deal | None:
        """One deal; a bundled deal is read from its own file (``<id>.yaml``) when no saved
        deal shadows it, without reading the whole catalogue."""
        if self._bundled is None and self._cache is None:
            path = self.bundled_dir / f"{name}.yaml"
            if path.is_file() and not self._saved(name):
                deal = _read_deal(path)
                if deal.id == name:
                    return deal
        return super().find(name)

    def parse(self, data: Any, where: str = "<request body>") -> Deal:
        return deal_from_data(data, where)

    def save(self, data: Any, *, name: str | None = None, create: bool = False,
             who: str | None = None) -> Entry[Deal]:
        """Every problem of the deal at once (``olivebranch.validation``), then store it."""
        from olivebranch.validation import validate_deal

        validate_deal(data, name="<request body>").raise_for_problems()
        return super().save(data, name=name, create=create, who=who)

    def validate(self, data: Any) -> Deal:
        return self.parse(data)

    def name_of(self, item: Deal) -> str:
        return item.id

    def document(self, item: Deal, data: Any) -> Any:
        return deal_data(item)

    def deals(self) -> list[Deal]:
        return self.items()


def _read_deal(path: Path) -> Deal:
    """A bundled deal file (libyaml; the deal loader's messages for a broken file)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_LOADER)  # noqa: S506
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return load_deal(path)
    return deal_from_data(data, path)


def deal_data(deal: Deal) -> dict[str, Any]:
    """The deal as it is written to a file (aliases such as ``in``, no empty defaults)."""
    return deal.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)


class ScenarioCatalogue(Catalogue[Scenario]):
    """Bundled scenarios (``data/scenarios``) and the user's own; a scenario's ``base`` may
    name either."""

    kind = "scenario"
    shadows = False

    def __init__(self, store: Store, bundled_dir: Path = SCENARIOS_DIR) -> None:
        super().__init__(store)
        self.bundled_dir = Path(bundled_dir)

    def load_bundled(self) -> dict[str, Entry[Scenario]]:
        return {s.name: Entry(s, s.name, "bundled", 0, Path(s.path) if s.path else None)
                for s in bundled_scenarios(self.bundled_dir)}

    def find(self, name: str) -> Scenario | None:
        """One scenario; a bundled one is read from its own file without reading the rest."""
        if self._bundled is None and self._cache is None:
            path = self.bundled_dir / f"{name}.yaml"
            if path.is_file():
                from olivebranch.scenarios.model import read_scenario_file

                return read_scenario_file(path)
        return super().find(name)

    def parse(self, data: Any, where: str = "<request body>") -> Scenario:
        return parse_scenario(data, where)

    def check(self, data: Any) -> Scenario:
        """Parse and check that the bases exist and do not loop."""
        scenario = self.parse(data)
        scenario_chain(scenario, lookup=self.lookup)
        return scenario

    def save(self, data: Any, *, name: str | None = None, create: bool = False,
             who: str | None = None) -> Entry[Scenario]:
        from olivebranch.validation import validate_scenario

        # every problem at once; bases are checked by check() (catalogue, then files)
        validate_scenario(data, name="<request body>").raise_for_problems()
        self.check(data)
        return super().save(data, name=name, create=create, who=who)

    def name_of(self, item: Scenario) -> str:
        return item.name

    def lookup(self, name: str) -> Scenario | None:
        """A scenario by name (bundled or saved), for base chains."""
        return self.find(name)

    def resolve(self, ref: str | Path) -> Scenario:
        """A scenario by catalogue name, or a scenario file by path."""
        from olivebranch.scenarios.model import read_scenario_file

        p = Path(ref)
        if p.suffix in (".yaml", ".yml") or p.is_file():
            return read_scenario_file(p)
        found = self.find(str(ref))
        if found is None:
            raise NotFound(f"no scenario named {ref!r}; known: {', '.join(self.entries())} "
                           "(or give a .yaml path)")
        return found


Factory = Callable[[Store], Catalogue[Any]]
