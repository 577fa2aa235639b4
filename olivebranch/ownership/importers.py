"""``owners import``: an ownership CSV stored as a new version, names resolved to list entities.

The CSV parser is pure (it cannot see the store), so nodes given by name only arrive as stub
``LegalEntity`` entities. Here each stub is resolved against the entities already in the store:
through the matching engine when it is installed, else by exact normalised name (case, spacing,
punctuation and script-insensitive). How each node was resolved is recorded on the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy
from normality import normalize

from olivebranch.lists.ownership_csv import STUB_PREFIX
from olivebranch.lists.ownership_csv import parse as parse_csv
from olivebranch.store import Store, Version

NODE_SCHEMATA = ("LegalEntity", "Company", "Organization", "Person", "PublicBody")
MATCH_THRESHOLD = 0.9


@dataclass
class Resolution:
    name: str
    stub_id: str
    entity_id: str | None
    method: str  # match | exact_name | unresolved | ambiguous
    score: float | None = None
    candidates: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.entity_id is None:
            extra = f" (candidates: {', '.join(self.candidates[:5])})" if self.candidates else ""
            return f"{self.name!r} {self.method}{extra}"
        score = f", score {self.score:.2f}" if self.score is not None else ""
        return f"{self.name!r} resolved to {self.entity_id} by {self.method}{score}"


@dataclass
class OwnershipImport:
    version: Version
    resolutions: list[Resolution]
    warnings: list[str]


def _key(name: str) -> str | None:
    """Case-, punctuation-, script- and word-order-insensitive form of a name."""
    text = normalize(name, ascii=True)
    return " ".join(sorted(text.split())) if text else None


class NameResolver:
    """Find a list entity for a bare name: matching engine first, exact normalised name next."""

    def __init__(self, store: Store, *, as_of: date | None = None, use_matcher: bool = True) -> None:
        self.store = store
        self.as_of = as_of
        self._exact: dict[str, set[str]] | None = None
        self._matcher: Any = None
        self._use_matcher = use_matcher

    def _match_index(self) -> Any:
        """The matching engine's index, built on first use (None if unavailable)."""
        if self._use_matcher and self._matcher is None:
            self._use_matcher = False
            try:  # the matching engine is optional here (written separately)
                from olivebranch.match import MatchIndex

                self._matcher = MatchIndex.from_store(self.store, self.as_of)
            except Exception:  # noqa: BLE001 - any failure falls back to exact names
                self._matcher = None
        return self._matcher

    def _exact_index(self) -> dict[str, set[str]]:
        if self._exact is None:
            index: dict[str, set[str]] = {}
            for _vid, data in self.store.iter_entity_dicts(schemata=NODE_SCHEMATA, as_of=self.as_of):
                eid = data.get("id")
                if not eid or str(eid).startswith(STUB_PREFIX):
                    continue
                props = data.get("properties") or {}
                for prop in ("name", "alias", "previousName", "weakAlias"):
                    for value in props.get(prop) or []:
                        key = _key(str(value))
                        if key:
                            index.setdefault(key, set()).add(eid)
            self._exact = index
        return self._exact

    def resolve(self, name: str, stub_id: str, schema: str = "LegalEntity") -> Resolution:
        """A unique exact name wins; otherwise the matching engine's best match above
        ``MATCH_THRESHOLD``; otherwise unresolved (or ambiguous, with the candidates)."""
        key = _key(name)
        found = sorted(self._exact_index().get(key, set())) if key else []
        if len(found) == 1:
            return Resolution(name, stub_id, found[0], "exact_name", 1.0)
        matcher = self._match_index()
        if matcher is not None:
            try:
                from olivebranch.match import Query

                hits = matcher.search(Query(name=name, schema=schema), limit=1)
            except Exception:  # noqa: BLE001
                hits = []
            if hits and getattr(hits[0], "match", False) and hits[0].score >= MATCH_THRESHOLD:
                return Resolution(name, stub_id, hits[0].entity_id, "match", float(hits[0].score))
        if len(found) > 1:
            return Resolution(name, stub_id, None, "ambiguous", candidates=found)
        return Resolution(name, stub_id, None, "unresolved")


def resolve_stubs(
    entities: Iterable[EntityProxy], resolver: NameResolver
) -> tuple[list[EntityProxy], list[Resolution]]:
    """Replace name-only stubs by the list entities they resolve to; keep the rest."""
    entities = list(entities)
    mapping: dict[str, str] = {}
    resolutions: list[Resolution] = []
    for proxy in entities:
        if proxy.id and proxy.id.startswith(STUB_PREFIX):
            res = resolver.resolve(proxy.first("name") or proxy.id, proxy.id, proxy.schema.name)
            resolutions.append(res)
            if res.entity_id:
                mapping[proxy.id] = res.entity_id
    by_stub = {r.stub_id: r for r in resolutions}
    out: list[EntityProxy] = []
    for proxy in entities:
        if proxy.id in mapping:
            continue
        if proxy.schema.is_a("Ownership"):
            for prop in ("owner", "asset"):
                values = proxy.get(prop)
                new = [mapping.get(v, v) for v in values]
                if new != values:
                    proxy.set(prop, new)
                    for v in values:
                        if v in by_stub:
                            proxy.add("description", f"{prop} {by_stub[v].describe()}")
        out.append(proxy)
    return out, resolutions


def import_ownership_csv(
    store: Store,
    path: Path,
    *,
    resolve: bool = True,
    published: date | None = None,
    use_matcher: bool = True,
    source: str = "ownership_user",
) -> OwnershipImport:
    """Parse, resolve names, and store ``path`` as the new active version of ``source``
    (``ownership_user`` by default, so the bundled ``ownership_csv`` chains stay active)."""
    from olivebranch.lists import get_source
    from olivebranch.lists.importer import file_hash

    path = Path(path)
    result = parse_csv(path)
    entities = result.entities
    resolutions: list[Resolution] = []
    if resolve:
        entities, resolutions = resolve_stubs(entities, NameResolver(store, use_matcher=use_matcher))
    spec = get_source(source)
    if spec.parse is not parse_csv:
        raise ValueError(f"{source} is not an ownership CSV source")
    version = store.add_version(
        spec.name,
        entities,
        regime=spec.regime,
        published=published,
        filename=str(path),
        file_hash=file_hash(path),
        note=f"{sum(1 for r in resolutions if r.entity_id)} of {len(resolutions)} names resolved",
    )
    return OwnershipImport(version, resolutions, result.warnings)
