"""docs/extending.md, "Adding a regime": a registry row and a rule pack are all it takes.

Toyland (``xx``) gives effect to UN listings and has an ownership rule and two rules; nothing in
the code names it. Its verdicts come from the same engine as every other regime's: UN list
entries as evidence, its own ownership rule over a deal's stakes, its persons as nexus, and a
scenario delisting under the UN lifts its freeze.
"""

from __future__ import annotations

from datetime import date

import pytest

from olivebranch.deals.models import Deal
from olivebranch.errors import ParseError
from olivebranch.match import MatchIndex
from olivebranch.paths import REPO_DIR
from olivebranch.regimes import registry
from olivebranch.rules.model import PACKS_DIR, load_rules
from olivebranch.scenarios.model import parse_scenario
from olivebranch.workspace import Workspace

TOY = REPO_DIR / "tests" / "fixtures" / "toy_regime"
DAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def listed(bundled_store) -> str:
    """A record the UN lists on the day."""
    from olivebranch.listings import Listings

    return sorted(Listings.on(bundled_store, DAY).listed("un", "blocking"))[0]


@pytest.fixture(scope="module")
def workspace(bundled_store, listed, tmp_path_factory) -> Workspace:
    entity = bundled_store.get_entity(listed)
    index = MatchIndex.build([entity], bundled_store.designations(listed))
    return Workspace(bundled_store, reg=registry().extended(TOY / "regimes.yaml"),
                     packs=[PACKS_DIR, TOY / "packs"], index=index,
                     cache_dir=tmp_path_factory.mktemp("toy-cache"))


def toy_deal(listed: str) -> Deal:
    return Deal.model_validate({
        "id": "toy-energy-stake", "title": "A Toyland fund buys into a gas field",
        "asset": {"name": "Toy gas field", "country": "kz", "sectors": ["gas"]},
        "activity": {"types": ["equity"]},
        "parties": [
            {"id": "fund", "name": "Toyland Sovereign Fund", "role": "investor",
             "jurisdiction": "xx"},
            {"id": "holder", "name": "Listed holder", "role": "seller", "jurisdiction": "ir",
             "pin": [listed]},
            {"id": "field-co", "name": "Toy Gas Field LLP", "role": "target",
             "jurisdiction": "kz"},
        ],
        "stakes": [
            {"holder": "holder", "in": "field-co", "before": 100, "after": 60},
            {"holder": "fund", "in": "field-co", "before": 0, "after": 40},
        ],
    })


def test_a_pack_needs_its_registry_row() -> None:
    with pytest.raises(ParseError, match="not an assessed regime"):
        load_rules([PACKS_DIR, TOY / "packs"])


def test_a_toy_regime_from_a_registry_row_and_a_pack(workspace, listed) -> None:
    assert "xx" in workspace.engine.regimes
    v = workspace.assess(toy_deal(listed), as_of=DAY)
    xx = v.regimes["xx"]
    assert xx.verdict == "prohibited"
    freeze = [f for f in xx.findings if f.rule_id == "XX-UN-FREEZE"]
    assert {f.party for f in freeze} == {"holder", "field-co"}
    holder = next(f for f in freeze if f.party == "holder")
    entry = next(e for e in holder.evidence if e["kind"] == "list_entry")
    assert entry["entity_id"] == listed and entry["source"] == "un_sc"
    owned = next(f for f in freeze if f.party == "field-co")
    path = next(e for e in owned.evidence if e["kind"] == "ownership_path")
    assert path["rule"] == "XX-OWNERSHIP" and "60%" in path["path"]
    assert "XX-OUTWARD-INVESTMENT" in xx.rule_ids  # persons.xx from the registry's nexus
    # every regime of the registry is assessed, the newcomer last; none of its rules leak
    assert list(v.regimes) == [*registry().assessed, "xx"]
    assert not any(r.startswith("XX-") for k, rv in v.regimes.items() if k != "xx"
                   for r in rv.rule_ids)


def test_a_scenario_delisting_under_the_un_lifts_the_toy_freeze(workspace, listed) -> None:
    scenario = parse_scenario({
        "name": "un-delists", "title": "The UN delists", "description": "test",
        "assumptions": ["The Security Council delists the holder."],
        "changes": [{"delist": {"regime": "un", "entities": [listed]}}],
    })
    run = workspace.run(scenario, DAY, deals=[toy_deal(listed)], regimes=["xx"])
    xx = run.verdicts["toy-energy-stake"].regimes["xx"]
    assert "XX-UN-FREEZE" not in xx.rule_ids
    assert xx.verdict == "licence_required"
