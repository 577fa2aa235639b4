"""Relief never makes a verdict worse (issue 13, Done-when).

Over the catalogue and the 1,000 synthetic deals of ``bench/scenarios.py``: under every
scenario made only of relief moves (lift a rule, delist entries, issue a licence, raise an
ownership threshold), no deal's verdict under any regime is more severe than under the status
quo. The bundled relief scenarios are checked exhaustively; random relief scenarios are drawn
with Hypothesis. Real engine and bundled lists; the synthetic deals' screening index holds the
real entities they name (the rest of their names are invented and match nothing).
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from olivebranch.context import effect_rank
from olivebranch.deals import load_catalogue
from olivebranch.rules.model import load_general_licences, load_rules
from olivebranch.scenarios.engine import ScenarioEngine
from olivebranch.scenarios.model import load_scenario, parse_scenario
from olivebranch.verdicts import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from scenarios import synthetic_deals  # noqa: E402

DAY = date(2026, 11, 27)
RELIEF = ("us-executive-relief", "us-full-relief", "eu-lapse", "g7-relief")
RELIEF_ACTIONS = {"lift", "delist", "start_licence", "set_param", "eu_lapse"}
#: not relief but "when": a scenario evaluated on another day is compared with the status quo
#: on that day (a phase that starts in between is not the scenario's doing)
TIMING_ACTIONS = {"set_date"}


def scenario_day(name: str) -> date:
    from olivebranch.scenarios.model import action_of, resolve_changes

    days = [c.set_date for _, _, c in resolve_changes(load_scenario(name))
            if action_of(c) == "set_date"]
    return days[-1] if days else DAY


def worse(sq, run) -> list[tuple[str, str, str, str]]:
    """(deal, regime, status quo, scenario) where the scenario is more severe."""
    out = []
    for deal_id, v in run.verdicts.items():
        for regime, rv in v.regimes.items():
            before = sq.verdicts[deal_id].regimes[regime].verdict
            if effect_rank(rv.verdict) > effect_rank(before):
                out.append((deal_id, regime, before, rv.verdict))
    return out


def test_bundled_relief_scenarios_are_relief_only() -> None:
    from olivebranch.scenarios.model import action_of, resolve_changes

    for name in RELIEF:
        actions = {action_of(c) for _, _, c in resolve_changes(load_scenario(name))}
        assert actions <= RELIEF_ACTIONS | TIMING_ACTIONS, (name, actions)


@pytest.fixture(scope="module")
def catalogue_engine(bundled_store) -> ScenarioEngine:
    from olivebranch.workspace import Workspace

    ws = Workspace(bundled_store, index_cache=False)
    return ScenarioEngine(ws.engine, bundled_store, load_catalogue(),
                          lookup=ws.scenarios.lookup)


def test_relief_never_worse_on_the_catalogue(catalogue_engine) -> None:
    for name in RELIEF:
        sq = catalogue_engine.run(load_scenario("status-quo"), as_of=scenario_day(name))
        run = catalogue_engine.run(load_scenario(name), as_of=DAY)
        assert worse(sq, run) == [], name


@pytest.fixture(scope="module")
def synthetic(bundled_store):
    """The bench's 1,000 synthetic deals over an index of the real entities they name."""
    from olivebranch.match import MatchIndex
    from olivebranch.workspace import Workspace

    ws = Workspace(bundled_store, index_cache=False)
    index = ws.listings(DAY)
    by_name: dict[str, set[str]] = {}
    for e, ns in index.names.items():
        if ns and any(k[1] == "RUSSIA-EO14024" for k in index.entities("us").get(e, ())):
            by_name.setdefault(ns[0], set()).add(e)
    real = random.Random(1).sample(sorted(by_name), min(200, len(by_name)))
    deals = synthetic_deals(1000, real)
    ids = sorted({e for n in real for e in by_name[n]})
    listed_us = set(index.entities("us"))
    entities = [x for x in (bundled_store.get_entity(i) for i in ids) if x is not None]
    idx = MatchIndex.build(entities, [d for x in entities for d in bundled_store.designations(x.id)])
    engine = ScenarioEngine(Engine(bundled_store, match_index=idx), bundled_store, deals,
                            lookup=ws.scenarios.lookup)
    sq = engine.run(load_scenario("status-quo"), as_of=DAY)
    return engine, sq, sorted(set(ids) & listed_us)


@pytest.mark.slow
def test_relief_never_worse_on_synthetic_deals_bundled_scenarios(synthetic) -> None:
    engine, sq, _ = synthetic
    for name in RELIEF:
        day = scenario_day(name)
        base = sq if day == DAY else engine.run(load_scenario("status-quo"), as_of=day)
        bad = worse(base, engine.run(load_scenario(name), as_of=DAY))
        assert bad == [], (name, bad[:10], len(bad))


RULE_IDS = sorted(load_rules())
#: licences a scenario may issue (exemptions are part of a measure's text, not relief moves)
LICENCE_IDS = sorted(g.id for g in load_general_licences().values() if g.kind != "exemption")


def relief_changes(entity_ids: list[str]):
    lift = st.lists(st.sampled_from(RULE_IDS), min_size=1, max_size=6, unique=True).map(
        lambda ids: {"lift": ids})
    # the synthetic deals' real parties are US EO 14024 designations
    delist = st.lists(st.sampled_from(entity_ids), min_size=1, max_size=8, unique=True).map(
        lambda ids: {"delist": {"regime": "us", "entities": ids}})
    licence = st.sampled_from(LICENCE_IDS).map(
        lambda gid: {"start_licence": {"id": f"{gid}-RELIEF", "like": gid}})
    threshold = st.tuples(st.sampled_from(["us", "eu", "uk"]), st.sampled_from([60, 75, 100])).map(
        lambda t: {"set_param": {"ownership": t[0], "param": "threshold", "value": t[1]}})
    return st.lists(st.one_of(lift, delist, licence, threshold), min_size=1, max_size=4)


@pytest.mark.slow
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_relief_never_worse_on_synthetic_deals(synthetic, data) -> None:
    engine, sq, ids = synthetic
    changes = data.draw(relief_changes(ids))
    scenario = parse_scenario({"name": "random-relief", "title": "random relief",
                               "description": "drawn by Hypothesis",
                               "assumptions": ["relief moves only"], "changes": changes},
                              "<hypothesis>")
    bad = worse(sq, engine.run(scenario, as_of=DAY))
    assert bad == [], (changes, bad[:10], len(bad))
