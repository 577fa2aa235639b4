"""What would it take (``olivebranch.unlock``) over the real catalogue, packs and lists: the
answer for pinned deals is checked against a brute-force search over the fired rules, every
path it gives really unlocks the deal and is minimal, and the API and CLI serve it; the
decision calendar and the timeline are served too."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from test_api_support import shared_state

from olivebranch.app import create_app
from olivebranch.context import effect_rank
from olivebranch.scenarios.apply import apply_change
from olivebranch.scenarios.model import ACTIONS
from olivebranch.unlock import Unlocker

TEN = ["arctic-lng-2-us-stake", "vostok-oil-us-stake", "kolmozerskoye-us-lithium-jv",
       "tomtor-us-rare-earths", "nord-stream-2-us-acquisition", "dobra-lithium-us-psa",
       "murmansk-lng-eu-equity", "sakhalin-2-uk-lng-offtake", "norilsk-nickel-us-offtake",
       "elkon-uranium-us-import"]


@pytest.fixture(scope="module")
def ob(bundled_store, tmp_path_factory):
    return shared_state(bundled_store, tmp_path_factory.mktemp("unlock"))


@pytest.fixture(scope="module")
def unlocker(ob):
    ws = ob.workspace
    return Unlocker(ws.scenario_engine(), as_of=ws.day(None))


def blocking_rules(unlocker, deal, regime):
    rv = unlocker._verdict(deal, unlocker.state, regime)
    return sorted({f.rule_id for f in rv.findings if effect_rank(f.effect) > effect_rank("risk")})


def brute_force(unlocker, deal, regime) -> list[frozenset[str]]:
    """Every minimal set of fired rules whose lifting leaves the deal clear or risk only,
    found by trying all subsets, smallest first."""
    fired = blocking_rules(unlocker, deal, regime)
    found: list[frozenset[str]] = []
    for size in range(1, len(fired) + 1):
        for combo in itertools.combinations(fired, size):
            s = frozenset(combo)
            if any(f <= s for f in found):
                continue
            state = apply_change(unlocker.state, ACTIONS["lift"].model_validate(
                {"lift": list(combo)}))
            rv = unlocker._verdict(deal, state, regime)
            if all(effect_rank(f.effect) <= effect_rank("risk") for f in rv.findings):
                found.append(s)
    return found


@pytest.mark.parametrize("deal_id", TEN)
def test_lift_only_answer_equals_brute_force(ob, unlocker, deal_id):
    deal = ob.workspace.deal(deal_id)
    for regime in ("us", "eu", "uk", "ru", "ua"):
        if len(blocking_rules(unlocker, deal, regime)) > 7:
            continue  # 2^n evaluations: the pinned deals stay below
        want = brute_force(unlocker, deal, regime)
        got = unlocker.regime(deal, regime, lift_only=True, max_moves=7)
        assert sorted(sorted(m.rules[0] for m in p.moves) for p in got.paths) == \
            sorted(sorted(s) for s in want), (deal_id, regime)


def test_arctic_lng_2_us_stake_presidential_moves_and_russian_approvals(ob, unlocker):
    deal = ob.workspace.deal("arctic-lng-2-us-stake")
    answer = unlocker.deal(deal, ("us", "ru"))
    us, ru = answer.regimes
    assert us.verdict == "prohibited" and us.paths
    # the cheapest US path is the President's alone: no Congress, no review
    cheapest = us.paths[0]
    assert {m.actor for m in cheapest.moves} == {"us_president"}
    assert "delist:us:ofac-46030" in {m.key for m in us.candidates}  # Arctic LNG 2 itself
    # the Russian approvals still needed, and who in Russia can waive them
    assert ru.verdict == "host_approval_required"
    assert {b["rule"] for b in ru.blocking} >= {"RU-DECREE-520-FEC-SHARES",
                                                 "RU-DECREES-79-81-GOVCOMMISSION"}
    assert {b["actor"] for b in ru.blocking} == {"ru_president"}
    assert any(m.kind == "host_list" and m.key.endswith("-us") for p in ru.paths
               for m in p.moves)
    shape = answer.as_dict()
    assert set(shape["regimes"]) == {"us", "ru"}
    assert shape["regimes"]["us"]["by_actor"]["us_president"]


def test_every_path_unlocks_and_is_minimal(ob, unlocker):
    for deal_id in ("vostok-oil-us-stake", "murmansk-lng-eu-equity"):
        deal = ob.workspace.deal(deal_id)
        for r in unlocker.deal(deal).regimes:
            for p in r.paths:
                state = unlocker._apply(p.moves)
                rv = unlocker._verdict(deal, state, r.regime)
                assert all(effect_rank(f.effect) <= effect_rank("risk") for f in rv.findings)
                for smaller in itertools.combinations(p.moves, len(p.moves) - 1):
                    if not smaller:
                        continue
                    rv = unlocker._verdict(deal, unlocker._apply(smaller), r.regime)
                    assert any(effect_rank(f.effect) > effect_rank("risk")
                               for f in rv.findings), (deal_id, r.regime, p.as_dict())
            costs = [p.cost for p in r.paths]
            assert costs == sorted(costs)  # cheapest first


def test_api_unlock_calendar_timeline(ob):
    with TestClient(create_app(ob.settings, state=ob), raise_server_exceptions=False) as c:
        res = c.get("/api/deals/arctic-lng-2-us-stake/unlock", params={"regime": "us,ru"})
        assert res.status_code == 200, res.text
        body = res.json()
        assert body["regimes"]["us"]["paths"][0]["actors"] == ["us_president"]
        assert c.get("/api/deals/no-such-deal/unlock").status_code == 404
        assert c.get("/api/deals/arctic-lng-2-us-stake/unlock",
                     params={"target": "bogus"}).status_code in (400, 422)
        cal = c.get("/api/calendar", params={"from": "2027-01-01", "to": "2027-03-31"})
        assert cal.status_code == 200
        rows = cal.json()
        eu = [r for r in rows if r["kind"] == "eu_renewal"]
        assert [r["id"] for r in eu] == ["2014/512", "2022/266", "2014/145"]
        assert all(r["date"] >= "2027-01-01" for r in rows if not r["stale"])
        assert any(r["stale"] and r["id"] == "RU-DECREE-520-FEC-SHARES" for r in rows)
        tl = c.get("/api/scenarios/eu-lapse/timeline", params={"months": 5})
        assert tl.status_code == 200
        moves = tl.json()["moves"]
        murmansk = next(m for m in moves if m["deal"] == "murmansk-lng-eu-equity"
                        and m["regime"] == "eu")
        assert murmansk["steps"][-1] == {"from": "2027-02-01", "verdict": "clear"}
