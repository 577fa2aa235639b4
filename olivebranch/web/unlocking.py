"""The deal page's "What would it take" panel: ``olivebranch.unlock``'s answer for one deal, as
the page shows it. Per regime, each path (cheapest first) with the verdict it yields, who makes
each move, what each move acts on (the finding on the same page, the list entry, the official
text of the rule, licence, decision or host-state list) and a link that opens the scenario
builder pre-filled with the path's scenario changes, on the same base scenario and day, with
the verdict the path promises (the builder checks it when the scenario runs).

Not a page module: ``views`` (the deal page and ``/deals/{id}/unlock``) and the downloads call
it; it reads the workspace, never another page module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from olivebranch import hostdata
from olivebranch.regimes import registry
from olivebranch.unlock import CEILING, TARGETS, Unlock, unlock

#: what the panel offers as the goal, in the order shown
TARGET_LABELS = {
    "unblocked": "Not blocked (clear or a risk)",
    "licensable": "Licensable (at worst a licence)",
    "clear": "Clear",
}
#: a move's kind in words (the panel's badge; readable without colour)
KIND_LABELS = {
    "lift": "Lift a rule",
    "delist": "Delist",
    "licence": "General licence",
    "eu_lapse": "EU veto at expiry",
    "host_list": "Host-state list",
}
#: the largest set of moves the page searches (the API's default; the CLI searches 4)
MAX_MOVES = 3

assert set(TARGET_LABELS) == set(TARGETS) == set(CEILING)


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    title: str = ""
    external: bool = False


def target_of(value: str | None) -> str:
    """The goal asked for, or the default (not blocked) for anything unknown."""
    return value if value in TARGET_LABELS else "unblocked"


def compute(ob: Any, deal_id: str, scenario: str, day: date | None, target: str) -> Unlock:
    """The answer for a catalogue deal, from the scenario the page shows (its verdicts are
    the "now" the paths start from)."""
    ob.deals.get(deal_id)  # NotFound for an unknown deal
    ob.scenarios.get(scenario)
    return unlock(ob.workspace, deal_id, None, target, day, baseline=scenario,
                  max_moves=MAX_MOVES)


def answer_dict(answer: Unlock, scenario: str) -> dict[str, Any]:
    """``Unlock.as_dict()`` with the base scenario named (the downloads' notes)."""
    d = answer.as_dict()
    if scenario != "status-quo":
        d["baseline"] = scenario
    return d


def panel(ob: Any, answer: Unlock, *, scenario: str, as_of: str, party_names: Mapping[str, str]
          ) -> dict[str, Any]:
    """What the panel template draws (``_unlock.html``)."""
    state = ob.workspace.context(scenario, answer.as_of)
    ctx = state.ctx
    reg = registry()
    names: dict[str, str] = {}

    def entity_name(entity_id: str) -> str:
        if entity_id not in names:
            try:
                names[entity_id] = ob.ownership(answer.as_of).name(entity_id)
            except Exception:  # noqa: BLE001 - a name is a nicety; the id is shown anyway
                names[entity_id] = entity_id
        return names[entity_id]

    def rule_links(regime: str, rule_ids: Any) -> list[Link]:
        out = []
        for rid in rule_ids:
            rule = ctx.rules.get(rid)
            out.append(Link(rid, f"#finding-{regime}-{rid}",
                            f"{rule.title} — {rule.instrument}" if rule else rid))
            if rule is not None and rule.citation:
                out.append(Link("official text", rule.citation, rule.instrument, True))
        return out

    def what(regime: str, move: Any) -> str:
        """The move in words, with the names of the entries a delisting removes."""
        if move.kind != "delist":
            return move.what
        text = move.what.replace(f" under {regime} ", f" under {regime.upper()} ")
        for body in (c for ch in move.scenario_changes() for c in ch.values()):
            for e in body.get("entities") or []:
                text = re.sub(rf"\b{re.escape(e)}\b", f"{entity_name(e)} ({e})", text, count=1)
        return text

    def acts_on(regime: str, move: Any) -> list[Link]:
        links: list[Link] = []
        kind = move.kind
        bodies = [c for ch in move.scenario_changes() for c in ch.values()]
        if kind == "delist":
            for body in bodies:
                for e in body.get("entities") or []:
                    links.append(Link(entity_name(e), f"/entity/{quote(e)}",
                                      f"list entry {e}"))
        elif kind == "licence":
            gl_id = move.key.split(":", 1)[1]
            gl = ctx.general_licences.get(gl_id)
            if gl is not None and gl.citation:
                links.append(Link(f"licence {gl_id}", gl.citation, gl.title, True))
        elif kind == "eu_lapse":
            dec = hostdata.eu_decisions().get(move.key.split(":", 1)[1])
            if dec is not None and dec.citation:
                links.append(Link(f"Decision {dec.id}", dec.citation, dec.title, True))
        elif kind == "host_list":
            hl = hostdata.host_lists().get(move.key.split(":")[1])
            if hl is not None and hl.citation:
                links.append(Link(hl.title, hl.citation, hl.title, True))
        return links + rule_links(regime, move.rules)

    regimes = []
    for r in answer.regimes:
        blocking = []
        seen: set[tuple[str, str | None]] = set()
        for b in r.blocking:
            key = (b["rule"], b.get("party"))
            if key in seen:
                continue
            seen.add(key)
            blocking.append({**b, "party_name": party_names.get(b.get("party") or "", b.get("party")),
                             "links": rule_links(r.regime, [b["rule"]])})
        paths = []
        for n, p in enumerate(r.paths, start=1):
            moves = [{"key": m.key, "kind": m.kind, "kind_label": KIND_LABELS.get(m.kind, m.kind),
                      "what": what(r.regime, m), "actor": m.actor,
                      "actor_title": m.as_dict()["actor_title"],
                      "acts_on": acts_on(r.regime, m)} for m in p.moves]
            pairs = [(c, what(r.regime, m)) for m in p.moves for c in m.scenario_changes()]
            changes = [c for c, _ in pairs]
            paths.append({
                "n": n, "cost": p.cost, "verdict_after": p.verdict_after, "moves": moves,
                "actors": sorted({m["actor_title"] for m in moves}),
                "still_firing": p.remaining, "changes": changes,
                "builder": builder_href(answer, r.regime, n, p.verdict_after, r.verdict, pairs,
                                        scenario=scenario, as_of=as_of),
            })
        regimes.append({
            "regime": r.regime, "name": reg.name(r.regime), "verdict": r.verdict,
            "unlocked_already": not r.blocking, "blocking": blocking, "paths": paths,
            "note": r.note,
        })
    return {"deal": answer.deal_id, "as_of": answer.as_of.isoformat(), "target": answer.target,
            "target_label": TARGET_LABELS[answer.target], "targets": TARGET_LABELS,
            "max_moves": MAX_MOVES, "regimes": regimes, "scenario": scenario}


def builder_href(answer: Unlock, regime: str, n: int, verdict_after: str, verdict_now: str,
                 changes: list[tuple[dict[str, Any], str]], *, scenario: str,
                 as_of: str) -> str:
    """``/scenarios/new`` pre-filled with one path: its changes (a ``change`` parameter each,
    JSON, and a ``label``: the move it belongs to), the base scenario and day, and the deal,
    regime and verdict it promises."""
    title = f"{answer.title[:60]}: {regime.upper()} path {n}"
    whats = list(dict.fromkeys(what for _, what in changes))
    params: list[tuple[str, str]] = [
        ("deal", answer.deal_id), ("regime", regime), ("expect", verdict_after),
        ("now", verdict_now), ("title", title),
        ("name", re.sub(r"[^a-z0-9-]+", "-", f"unlock-{answer.deal_id}-{regime}-{n}".lower())
         [:64].strip("-")),
        ("why", "; ".join(whats)[:500]),
    ]
    if scenario != "status-quo":
        params.append(("base", scenario))
    if as_of:
        params.append(("as_of", as_of))
    for c, what in changes:
        params += [("change", json.dumps(c, separators=(",", ":"), sort_keys=True)),
                   ("label", what[:200])]
    return "/scenarios/new?" + urlencode(params)
