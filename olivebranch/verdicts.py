"""Verdicts: for each deal and regime, the strongest effect among the rules that fire, and why.

:class:`Engine` is the one verdict engine every interface uses (the workspace builds it). It
puts together jobs that live in their own modules, each with a public interface:

- party resolution (``resolution``): which listed records a party may be, once per party and
  screening index;
- listing status (``standing.listing_status``): which of them count for a regime on the day,
  from the day's listing snapshot (``listings``) as the scenario changes it;
- ownership (``standing.apply_ownership`` over ``deals.ownership``): the regime's
  ownership-or-control rule over the deal's part of the stored graph;
- facts (``facts``) and rule evaluation with evidence (``evaluation``): pure.

Everything that depends on the lists is read from the :class:`~olivebranch.snapshot.Snapshot`
covering the context's date and memoised in it: party statuses per (deal, regime, listing key),
party nodes per deal. ``Engine.assess`` is otherwise a pure function of (deal, context).
"""

from __future__ import annotations

import calendar
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from olivebranch.context import EvaluationContext
from olivebranch.deals.models import Deal, Party
from olivebranch.deals.ownership import (
    PartyNode,
    RegimeSeeds,
    StoredOwnership,
    deal_edges,
    deal_graph,
    party_node,
    regime_seeds,
    settle_by_holdings,
)
from olivebranch.evaluation import GROUP_FACTS, SECTORAL_FACTS, STATUS_FACTS, evaluate_regime
from olivebranch.facts import deal_facts
from olivebranch.findings import DealVerdict, Finding, RegimeVerdict
from olivebranch.listings import Listings
from olivebranch.nexus import NexusHit, deal_nexus
from olivebranch.ownership.graph import OwnershipGraph
from olivebranch.regimes import Registry, registry
from olivebranch.resolution import AMBIGUITY_MARGIN, CROSS_SOURCE_MARGIN, Candidate, PartyMatcher
from olivebranch.rules.model import PackDirs, load_general_licences, load_rules
from olivebranch.snapshot import Snapshot, Snapshots
from olivebranch.standing import PartyStatus, apply_ownership, listing_status
from olivebranch.store import Store

if TYPE_CHECKING:
    from olivebranch.match.index import MatchIndex

#: the regimes verdicts are given under (``data/regimes.yaml``)
REGIMES: tuple[str, ...] = registry().assessed

__all__ = [
    "AMBIGUITY_MARGIN", "CROSS_SOURCE_MARGIN", "GROUP_FACTS", "REGIMES", "SECTORAL_FACTS",
    "STATUS_FACTS", "Candidate", "DealVerdict", "Engine", "Finding", "RegimeVerdict",
]


def stale_edges(deal: Deal, nodes: dict[str, PartyNode], graph: OwnershipGraph, day: date,
                max_age_years: float) -> set[int]:
    """Edges of the deal's ownership graph that are uncertain or older than the configured
    age: stored edges by their source's flag and report date, the deal's own stakes by their
    ``uncertain`` and ``as_of``. Edges without a date are not known to be old."""
    cutoff = day.toordinal() - int(max_age_years * 365.25)
    declared = {}
    for s in deal.stakes:
        if s.uncertain or (s.as_of is not None and s.as_of.toordinal() < cutoff):
            declared[(nodes[s.holder].node, nodes[s.in_].node)] = True
    out: set[int] = set()
    for i, e in enumerate(graph.edges or ()):
        if e.uncertain or (e.owner, e.asset) in declared:
            out.add(i)
            continue
        when = _partial_day(e.start)
        if when is not None and when.toordinal() < cutoff:
            out.add(i)
    return out


def _partial_day(text: str | None) -> date | None:
    """An ISO date that may be partial (``2019``, ``2019-06``): its last possible day."""
    if not text:
        return None
    try:
        if len(text) == 4:
            return date(int(text), 12, 31)
        if len(text) == 7:
            y, m = int(text[:4]), int(text[5:7])
            return date(y, m, calendar.monthrange(y, m)[1])
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _listing_copy(st: PartyStatus) -> PartyStatus:
    """A party's status as the lists alone give it (before the ownership rule), to rerun the
    rule on another graph without touching the first result."""
    return replace(st, programs=list(st.programs), entries=list(st.entries),
                   candidates=list(st.candidates), paths=list(st.paths), notes=list(st.notes),
                   directives=list(st.directives), sectoral_paths=list(st.sectoral_paths),
                   designations=list(st.designations))


def _downgrade_stale(statuses: dict[str, PartyStatus], fresh: dict[str, PartyStatus],
                     graph: OwnershipGraph, stale: set[int], max_age_years: float) -> None:
    """Parties owned only through stale stakes become 'possibly owned' (the paths kept)."""
    which = sorted({f"{graph.edges[i].source or 'ownership data'}"
                    f"{' (uncertain)' if graph.edges[i].uncertain else ''}"
                    for i in stale})[:4] if graph.edges else []
    for pid, st in statuses.items():
        if st.owned and not st.listed and not fresh[pid].owned:
            st.owned, st.possibly_owned = False, True
            st.paths = [{**p, "possibly": True} for p in st.paths]
            st.notes.append(
                f"Possibly owned: the shares that reach the threshold are uncertain or older "
                f"than {max_age_years:g} years ({'; '.join(which)}); not treated as blocked "
                "unless another source confirms them.")


def deal_key(deal: Deal) -> str:
    """What a deal's party statuses depend on (its parties and stakes)."""
    return deal.model_dump_json(include={"id", "parties", "stakes"})


class Engine:
    """Evaluates deals against contexts (see module doc). One per workspace; it answers for
    any date, from the snapshot of the lists covering that date."""

    def __init__(self, store: Store, match_index: MatchIndex | None = None, *,
                 snapshots: Snapshots | None = None, packs: PackDirs = None,
                 reg: Registry | None = None) -> None:
        self.store = store
        self.registry = reg or (snapshots.registry if snapshots is not None else registry())
        self.snapshots = snapshots or Snapshots(store, reg=self.registry, index=match_index)
        self.packs = packs
        self._facts: dict[str, tuple[str, dict[str, Any]]] = {}
        self._nexus: dict[str, tuple[Any, ...]] = {}
        self._resolvers: dict[int, PartyMatcher] = {}
        self._by_day: dict[date, PartyMatcher] = {}
        self._lock = threading.RLock()

    @property
    def regimes(self) -> tuple[str, ...]:
        return self.registry.assessed

    # ------------------------------------------------------------------ contexts
    def base_context(self, as_of: date | None = None) -> EvaluationContext:
        """The status quo on ``as_of``: the rules of the packs, the lists of that day. (The
        workspace always passes its clock's day; ``None`` means today, read now.)"""
        return EvaluationContext(
            as_of=as_of or date.today(),
            rules=load_rules(self.packs, self.registry),
            general_licences=load_general_licences(self.packs, self.registry),
        )

    # ------------------------------------------------------------------ the day's lists
    def snapshot(self, day: date) -> Snapshot:
        return self.snapshots.on(day)

    def listings(self, day: date) -> Listings:
        return self.snapshot(day).listings

    def _memo(self, day: date, name: str) -> dict:
        return self.snapshot(day).memo.setdefault(name, {})

    # ------------------------------------------------------------------ party resolution
    def forget(self) -> None:
        """Drop what was derived from the lists (after an import; snapshots refresh too)."""
        with self._lock:
            self._resolvers.clear()
            self._by_day.clear()

    def resolver(self, day: date | None = None) -> PartyMatcher:
        day = day or date.today()
        hit = self._by_day.get(day)
        if hit is not None:
            return hit
        index = self.snapshots.index(day)
        with self._lock:
            hit = self._resolvers.get(id(index))
            if hit is None or hit.index is not index:
                hit = self._resolvers[id(index)] = PartyMatcher(index)
                if len(self._resolvers) > 8:
                    self._resolvers.pop(next(iter(self._resolvers)))
            if len(self._by_day) > 64:
                self._by_day.clear()
            self._by_day[day] = hit
            return hit

    def resolve(self, party: Party, day: date | None = None) -> tuple[Candidate, ...]:
        """List candidates for one party above the match threshold (cached per party)."""
        return self.resolver(day).resolve(party)

    def caption(self, entity_id: str, day: date | None = None) -> str:
        captions = self._memo(day or date.today(), "captions")
        if entity_id not in captions:
            ent = self.store.get_entity(entity_id)
            captions[entity_id] = ent.caption if ent is not None else entity_id
        return captions[entity_id]

    # ------------------------------------------------------------------ ownership
    def stored_ownership(self, as_of: date) -> StoredOwnership:
        """The stored ownership graph, listings, identity links and SSI directives of the
        snapshot covering ``as_of``: built once, shared by every deal and scenario."""
        memo = self._memo(as_of, "stored")
        with self._lock:
            if "stored" not in memo:
                memo["stored"] = StoredOwnership.of(self.snapshot(as_of))
            return memo["stored"]

    def seeds(self, ctx: EvaluationContext, regime: str) -> RegimeSeeds | None:
        """Who seeds ``regime``'s ownership rule in ``ctx`` (None: the regime has none)."""
        memo = self._memo(ctx.as_of, "seeds")
        key = (ctx.as_of, regime, ctx.listing_key(regime, self.registry.get(regime).lists))
        if key not in memo:
            from olivebranch.ownership import load_params

            params = load_params(ctx.as_of, overrides=ctx.ownership_params, reg=self.registry)
            rule = params.regimes.get(regime)
            memo[key] = None if rule is None else regime_seeds(
                self.stored_ownership(ctx.as_of), rule, ctx.delisted, ctx.added)
        return memo[key]

    def party_nodes(self, deal: Deal, as_of: date
                    ) -> tuple[dict[str, PartyNode], OwnershipGraph]:
        """Each party's node in the ownership graph, and the deal's part of the stored graph
        with its stakes merged in (cached per deal and snapshot)."""
        memo = self._memo(as_of, "nodes")
        key = deal_key(deal)
        hit = memo.get(key)
        if hit is None:
            stored = self.stored_ownership(as_of)
            resolved = {p.id: self.resolve(p, as_of) for p in deal.parties}
            cands = {p.id: [*p.pin, *(c.entity_id for c in resolved[p.id])]
                     for p in deal.parties}
            nodes = {
                p.id: party_node(deal, p, stored,
                                 [(c.entity_id, c.score) for c in resolved[p.id]],
                                 AMBIGUITY_MARGIN)
                for p in deal.parties
            }
            nodes = settle_by_holdings(deal, nodes, stored, cands)
            graph = deal_graph(stored, deal_edges(deal, nodes), [n.node for n in nodes.values()])
            hit = memo[key] = (nodes, graph)
        return hit

    def upstream(self, deal: Deal, as_of: date) -> set[str]:
        """Records a deal's verdicts can depend on through lists and ownership: its parties'
        candidates and pins, and every node above their nodes in the ownership graph."""
        ids: set[str] = set()
        for p in deal.parties:
            ids.update(p.pin)
            ids.update(c.entity_id for c in self.resolve(p, as_of))
        nodes, graph = self.party_nodes(deal, as_of)
        starts = [v for v in (graph.node(n.node) for n in nodes.values()) if v is not None]
        ids.update(graph.ids[v] for v in graph.upstream(starts))
        return ids

    def changed_records(self, old: EvaluationContext, new: EvaluationContext,
                        regime: str) -> set[str] | None:
        """Records whose standing under ``regime`` can differ between two contexts of the same
        day (delisted, designated, or linked by identity to one that was); None when any
        record may have moved (another day, another ownership rule)."""
        lists = self.registry.get(regime).lists
        if old.as_of != new.as_of or old.listing_key(regime, lists)[2:] != \
                new.listing_key(regime, lists)[2:]:
            return None
        out: set[str] = set()
        for lr in lists:
            out |= set(old.delisted.get(lr, ())) ^ set(new.delisted.get(lr, ()))
            a, b = old.added.get(lr) or {}, new.added.get(lr) or {}
            out |= {e for e in a.keys() | b.keys() if a.get(e) != b.get(e)}
        if out and self.registry.get(regime).ownership:
            stored = self.stored_ownership(new.as_of)
            for lr in lists:
                for node, links in (stored.links.get(lr) or {}).items():
                    if any(link.other_id in out for link in links):
                        out.add(node)
        return out

    # ------------------------------------------------------------------ status per regime
    def party_statuses(self, deal: Deal, ctx: EvaluationContext, regime: str
                       ) -> dict[str, PartyStatus]:
        """Each party's status under ``regime``: lists, then the regime's ownership rule over
        the stored ownership graph merged with the stakes the deal declares. Memoised on the
        context's listing key and date."""
        lists = self.registry.get(regime).lists
        memo = self._memo(ctx.as_of, "statuses")
        key = (deal_key(deal), regime, ctx.as_of, ctx.listing_key(regime, lists))
        cached = memo.get(key)
        if cached is not None:
            return cached
        view = self.listings(ctx.as_of).under(ctx.delisted, ctx.added)
        statuses = {
            p.id: listing_status(p, regime, self.resolve(p, ctx.as_of), view,
                                 lambda e: self.caption(e, ctx.as_of))
            for p in deal.parties
        }
        delisted = set().union(*(ctx.delisted.get(lr, ()) for lr in lists)) if lists else set()
        for p in deal.parties:
            st = statuses[p.id]
            if st.match == "none" and delisted:
                ids = {*p.pin, *(c.entity_id for c in self.resolve(p, ctx.as_of))} & delisted
                if ids:
                    # the scenario removed its entries: what is known of it is the delisting
                    st.match = "delisted"
                    st.notes.append(f"delisted under {regime} by the scenario "
                                    f"({', '.join(sorted(ids))})")
        owned_targets = {s.in_ for s in deal.stakes}
        for pid, st in statuses.items():
            st.owners_known = pid in owned_targets
        seeds = self.seeds(ctx, regime) if self.registry.get(regime).ownership else None
        if seeds is not None:
            nodes, graph = self.party_nodes(deal, ctx.as_of)
            before = {pid: _listing_copy(st) for pid, st in statuses.items()}
            stored = self.stored_ownership(ctx.as_of)
            caption = lambda e: self.caption(e, ctx.as_of)  # noqa: E731
            apply_ownership(deal, regime, statuses, seeds, stored, nodes, graph, caption)
            if any(st.owned for st in statuses.values()):
                stale = stale_edges(deal, nodes, graph, ctx.as_of,
                                    self.registry.ownership_max_age_years)
                if stale:
                    fresh = OwnershipGraph.build(
                        [e for i, e in enumerate(graph.edges or ()) if i not in stale],
                        as_of=graph.as_of, only_active=False)
                    apply_ownership(deal, regime, before, seeds, stored, nodes, fresh, caption)
                    _downgrade_stale(statuses, before, graph, stale,
                                     self.registry.ownership_max_age_years)
        for p in deal.screened_parties()[len(deal.parties):]:
            # the asset as the target when none is named: kept only if its name is listed
            st = listing_status(p, regime, self.resolve(p, ctx.as_of), view,
                                lambda e: self.caption(e, ctx.as_of))
            if st.match == "listed":
                st.owners_known = True
                st.notes.append("the asset's own name is listed (no target named in the deal)")
                statuses[p.id] = st
        memo[key] = statuses
        return statuses

    # ------------------------------------------------------------------ assessment
    def _per_deal(self, deal: Deal) -> tuple[dict[str, dict[str, list[NexusHit]]], list[Party]]:
        """The deal's nexus kinds per regime and its screened parties (cached per deal object;
        another object with the deal's id is compared by content)."""
        hit = self._nexus.get(deal.id)
        if hit is not None and hit[0] is deal:
            return hit[2], hit[3]
        key = deal.model_dump_json()
        if hit is None or hit[1] != key:
            hit = (deal, key, deal_nexus(deal, self.registry, self.regimes),
                   deal.screened_parties())
        else:
            hit = (deal, *hit[1:])
        self._nexus[deal.id] = hit
        return hit[2], hit[3]

    def nexus(self, deal: Deal) -> dict[str, dict[str, list[NexusHit]]]:
        """The deal's nexus kinds per regime, each with why (``olivebranch.nexus``)."""
        return self._per_deal(deal)[0]

    def facts(self, deal: Deal) -> dict[str, Any]:
        key = deal_key(deal) + deal.model_dump_json(include={"asset", "activity"})
        hit = self._facts.get(deal.id)
        if hit is None or hit[0] != key:
            hit = (key, deal_facts(deal, self.registry))
            self._facts[deal.id] = hit
        return hit[1]

    def assess(self, deal: Deal, ctx: EvaluationContext,
               regimes: Iterable[str] | None = None) -> DealVerdict:
        regimes = tuple(regimes or self.regimes)
        base = self.facts(deal)
        nexus, screened = self._per_deal(deal)
        out: dict[str, RegimeVerdict] = {}
        parties_out: dict[str, dict[str, Any]] = {
            p.id: {"name": p.name, "role": p.role, **({"cleared": p.cleared} if p.cleared else {}),
                   **({"implied": True} if p.implied else {})}
            for p in screened}
        for regime in regimes:
            statuses = self.party_statuses(deal, ctx, regime)
            for pid, st in statuses.items():
                parties_out[pid][regime] = st.summary()
            out[regime] = evaluate_regime(deal, ctx, regime, base, statuses,
                                          nexus.get(regime, {}), screened)
        parties_out = {k: v for k, v in parties_out.items()
                       if not v.get("implied") or any(r in v for r in regimes)}
        return DealVerdict(
            deal_id=deal.id, title=deal.title, as_of=ctx.as_of, scenario=ctx.scenario,
            regimes=out, uncertain=[u.model_dump() for u in deal.uncertain], parties=parties_out,
        )

    def assess_all(self, deals: Iterable[Deal], ctx: EvaluationContext,
                   regimes: Iterable[str] | None = None) -> list[DealVerdict]:
        regs = tuple(regimes or self.regimes)
        return [self.assess(d, ctx, regs) for d in deals]
