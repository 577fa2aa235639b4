"""Scenario bench: 1,000 synthetic deals × 10 scenarios × 5 regimes, full matrix and one change.

    python bench/scenarios.py [--deals 1000] [--db sqlite:///var/bench-scenarios.sqlite]

Deals vary sector, host country, activity and parties; about one party in eight is a real
listed entity from the bundled store (by its list name, so matching resolves it), the rest
are invented names that match nothing. Ten scenarios (the target): bundled ones using every
kind of change (lifts, delistings by programme and sector, designations, parameters, an EU
veto biting at expiry, a host-state list, a territorial recognition, an effect change); then
every bundled scenario plus three variants, for the record. "Incremental" re-runs one scenario after changing one thing in it, reusing the
verdict engine's memoised matching and ownership work. Targets (2 cores): full matrix ≤ 5 s,
incremental ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from olivebranch.deals import deal_from_data
from olivebranch.scenarios.engine import ScenarioEngine, summarise
from olivebranch.scenarios.model import parse_scenario

SECTORS = [
    (["oil"], ["crude_oil"]), (["gas"], ["pipeline_gas"]), (["lng"], ["lng"]),
    (["power_transmission"], ["electricity"]), (["rare_earths"], ["rare_earths"]),
    (["lithium"], ["lithium"]), (["titanium"], ["titanium"]), (["nickel"], ["nickel"]),
    (["uranium"], ["enriched_uranium"]), (["copper"], ["copper"]), (["coal"], ["coal"]),
    (["oil_pipeline"], ["crude_oil"]),
]
HOSTS = ["ru"] * 5 + ["ua"] * 3 + ["kz", "no", "de"]
INVESTORS = ["us", "de", "fr", "gb", "it", "nl", "jp", "ae", "in", "cn"]
ACTIVITIES = [
    ["equity"], ["joint_venture"], ["new_investment"], ["offtake"], ["supply_equipment"],
    ["services"], ["financing"], ["maritime_transport"], ["equity", "offtake"],
]
GROUPS = [None] * 6 + ["rosneft", "lukoil", "gazprom_neft", "novatek", "gazprom", "rosatom"]
SYLLABLES = ["vel", "kor", "tan", "mir", "sol", "dar", "bel", "nor", "ast", "lum", "ret", "ox"]


def fake_name(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{word} {rng.choice(['Resources', 'Energy', 'Minerals', 'Holdings', 'Capital'])} " \
           f"{rng.choice(['LLC', 'AG', 'SA', 'Ltd', 'JSC'])}"


def synthetic_deals(n: int, real_names: list[str], seed: int = 7) -> list:
    rng = random.Random(seed)
    deals = []
    for i in range(n):
        sectors, products = rng.choice(SECTORS)
        host = rng.choice(HOSTS)
        types = rng.choice(ACTIVITIES)
        investor_cc = rng.choice(INVESTORS)
        partner_real = real_names and rng.random() < 0.25
        partner = rng.choice(real_names) if partner_real else fake_name(rng)
        parties = [
            {"id": "investor", "name": fake_name(rng), "role": "investor",
             "jurisdiction": investor_cc},
            {"id": "partner", "name": partner, "role": "partner", "jurisdiction": host,
             "group": rng.choice(GROUPS) if host == "ru" else None},
            {"id": "target", "name": fake_name(rng), "role": "target", "jurisdiction": host},
        ]
        stakes = [
            {"holder": "partner", "in": "target", "before": 100,
             "after": rng.choice([100, 75, 51, 50, 49])},
            {"holder": "investor", "in": "target", "before": 0,
             "after": 0 if "offtake" in types and len(types) == 1 else rng.choice([10, 25, 49])},
        ]
        stakes[0]["after"] = min(stakes[0]["after"], 100 - stakes[1]["after"])
        data = {
            "id": f"bench-{i:04d}",
            "title": f"Synthetic deal {i}",
            "asset": {
                "name": f"Asset {i}", "country": host, "sectors": sectors,
                "arctic": host == "ru" and rng.random() < 0.2,
                "offshore": rng.random() < 0.2,
                "shale": rng.random() < 0.05,
            },
            "activity": {
                "types": types,
                "products": products,
                "import_into": rng.sample(["us", "eu", "uk"], rng.randint(0, 2))
                if "offtake" in types else [],
            },
            "parties": parties,
            "stakes": stakes,
        }
        deals.append(deal_from_data(data, f"<bench {i}>"))
    return deals


TEN = ["status-quo", "us-executive-relief", "us-full-relief", "eu-lapse", "g7-relief", "snapback",
       "peace-energy-us-ru", "russian-opening", "settlement-recognised-line",
       "ukraine-reconstruction"]

VARIANTS = [
    {"name": "us-relief-keep-price-cap", "title": "US executive relief, price cap kept",
     "description": "bench variant", "assumptions": ["bench"], "base": "us-executive-relief",
     "changes": [{"restore": "US-PRICE-CAP"}]},
    {"name": "eu-lapse-listings-only", "title": "EU listings lapse, sectoral renewed",
     "description": "bench variant", "assumptions": ["bench"],
     "changes": [{"delist": {"regime": "eu", "program": "UKR"}}]},
    {"name": "uk-threshold-25", "title": "UK ownership threshold 25%",
     "description": "bench variant", "assumptions": ["bench"],
     "changes": [{"set_param": {"ownership": "uk", "param": "threshold", "value": 25}}]},
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=1000)
    ap.add_argument("--db", default="sqlite:///var/bench-scenarios.sqlite",
                    help="list store (the bundled lists are imported into it if empty)")
    args = ap.parse_args(argv)

    from olivebranch.store import Store
    from olivebranch.workspace import Workspace

    if args.db.startswith("sqlite:///"):
        Path(args.db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    store = Store(args.db)
    t = time.perf_counter()
    if not store.active_versions():
        from olivebranch.lists.importer import import_bundled

        import_bundled(store)
    setup_lists = time.perf_counter() - t

    t = time.perf_counter()
    ws = Workspace(store)  # the engine every interface uses
    index = ws.listings()  # who is listed today
    real = sorted({ns[0] for e, ns in index.names.items()
                   if ns and any(k[1] == "RUSSIA-EO14024" for k in index.entities("us").get(e, ()))})
    rng = random.Random(1)
    real = rng.sample(real, min(200, len(real)))
    deals = synthetic_deals(args.deals, real)
    every = ws.scenarios.items() + [parse_scenario(v, f"<{v['name']}>") for v in VARIANTS]
    by_name = {s.name: s for s in every}
    scenarios = [by_name[n] for n in TEN]
    setup_deals = time.perf_counter() - t

    verdicts = ws.engine

    def timed(fn):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        return out, time.perf_counter() - w, time.process_time() - c

    # warm-up: the verdict engine matches every party and computes status-quo ownership once
    lookup = ws.scenarios.lookup
    warm_engine = ScenarioEngine(verdicts, store, deals, lookup=lookup)
    _, warm, warm_cpu = timed(lambda: warm_engine.run(scenarios[0], as_of=ws.today()))

    # the full matrix, from an empty scenario cache (status quo evaluated in full again)
    engine = ScenarioEngine(verdicts, store, deals, lookup=lookup)
    for sc in scenarios:  # listing snapshots of every evaluation day (one per snapshot)
        engine.context(sc, ws.today())
    matrix, full, full_cpu = timed(lambda: engine.matrix(scenarios, as_of=ws.today()))
    counts = dict(engine.stats)

    # one change: lift one more rule in a scenario already evaluated (no listing change) …
    changed = parse_scenario({**VARIANTS[0], "name": "bench-change-rule",
                              "changes": [{"restore": "US-PRICE-CAP"},
                                          {"lift": "US-EO14114-FFI"}]}, "<bench>")
    _, incr_rule, incr_rule_cpu = timed(lambda: engine.run(changed, as_of=ws.today()))
    # … and delist one more listed entity (ownership recomputed for one regime)
    one = next(iter(sorted(index.entities("us"))))
    changed2 = parse_scenario({**VARIANTS[0], "name": "bench-change-listing",
                               "changes": [{"restore": "US-PRICE-CAP"},
                                           {"delist": {"regime": "us", "entities": [one]}}]},
                              "<bench>")
    _, incr_list, incr_list_cpu = timed(lambda: engine.run(changed2, as_of=ws.today()))

    # every bundled scenario and the variants (not the target: for the record)
    engine_all = ScenarioEngine(verdicts, store, deals, lookup=lookup)
    for sc in every:
        engine_all.context(sc, ws.today())
    _, full_all, full_all_cpu = timed(lambda: engine_all.matrix(every, as_of=ws.today()))

    summary = summarise(matrix)
    cells = len(deals) * len(scenarios) * len(engine.regimes)
    rows = [
        ("import bundled lists (setup, once)", setup_lists, None, ""),
        ("listing index + synthetic deals (setup)", setup_deals, None, ""),
        ("warm-up: status quo (matching, ownership, first verdicts)", warm, warm_cpu, ""),
        (f"full matrix: {len(deals)} deals × {len(scenarios)} scenarios × "
         f"{len(engine.regimes)} regimes = {cells} verdicts", full, full_cpu, "≤ 5 s"),
        (f"all {len(every)} scenarios (bundled + variants)", full_all, full_all_cpu, ""),
        ("incremental: one scenario, one rule change", incr_rule, incr_rule_cpu, "≤ 0.5 s"),
        ("incremental: one scenario, one delisting", incr_list, incr_list_cpu, "≤ 0.5 s"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'step':<{width}}  {'wall s':>8}  {'cpu s':>8}  target")
    print("-" * (width + 30))
    for label, secs, cpu, target in rows:
        cpu_s = f"{cpu:8.3f}" if cpu is not None else " " * 8
        print(f"{label:<{width}}  {secs:8.3f}  {cpu_s}  {target}")
    print()
    print("regime × deal verdicts in the full matrix: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + " (reused: nothing the scenario touches changed; partial: only changed rules, or"
          " status rules for deals whose parties' status moved, re-evaluated)")
    print()
    print("deals clear per regime: " + "; ".join(
        f"{s}: " + " ".join(f"{r}={summary.clear(s, r)}" for r in summary.regimes)
        for s in summary.scenarios))
    ok = full_cpu <= 5 and incr_rule_cpu <= 0.5 and incr_list_cpu <= 0.5
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
