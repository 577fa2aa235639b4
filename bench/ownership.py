"""Benchmark: every node's ownership status under all regimes on a 1,000,000-edge graph.

Synthetic but shaped like corporate registries: ~450k entities in 9 layers (people and
holdings at the top, operating companies below), 1-5 owners per company with shares that sum
to at most 100%, a few percent unknown shares, some control-only edges, back edges that make
ownership cycles, and 1% of entities designated (``--listed``; plus 0.3% on a sectoral list).

Prints the time to build the graph, to compute every node's status under US, EU and UK (lower
and upper passes, plus US sectoral propagation), to find cycles, and to answer one entity query
with explanation paths. Targets: full graph <= 60 s, one query <= 50 ms (2 cores).

    python bench/ownership.py [--edges 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from olivebranch.ownership.explain import explain
from olivebranch.ownership.graph import CONTROL, OWN, OwnershipGraph
from olivebranch.ownership.rules import load_params
from olivebranch.ownership.status import compute_results


def synthetic(
    n_edges: int, seed: int, listed_share: float = 0.01
) -> tuple[OwnershipGraph, set[str], set[str]]:
    rng = np.random.default_rng(seed)
    n_nodes = int(n_edges * 0.45)
    levels = 9
    # more entities in lower layers (operating companies) than at the top
    weights = np.linspace(1.0, 2.0, levels)
    level = rng.choice(levels, size=n_nodes, p=weights / weights.sum())
    by_level = [np.flatnonzero(level == lv) for lv in range(levels)]
    assets = np.flatnonzero(level > 0)
    k = rng.choice([1, 2, 3, 4, 5], size=len(assets), p=[0.25, 0.3, 0.2, 0.15, 0.1])
    scale = n_edges * 0.995 / k.sum()
    k = np.maximum(1, np.round(k * scale).astype(np.int64))
    dst = np.repeat(assets, k)[: int(n_edges * 0.995)]
    # owner: usually one layer up, sometimes two or more (fan-in from holdings)
    up = np.minimum(level[dst], rng.choice([1, 1, 1, 2, 3], size=len(dst)))
    owner_level = level[dst] - up
    src = np.empty_like(dst)
    for lv in range(levels):
        mask = owner_level == lv
        pool = by_level[lv]
        src[mask] = pool[rng.integers(0, len(pool), size=int(mask.sum()))]
    # shares: a random split of at most 100% among each asset's owners
    raw = rng.exponential(1.0, size=len(dst))
    order = np.argsort(dst, kind="stable")
    dst, src, raw = dst[order], src[order], raw[order]
    sums = np.bincount(dst, weights=raw, minlength=n_nodes)
    counts = np.bincount(dst, minlength=n_nodes)
    free_float = rng.uniform(0.0, 0.3, size=n_nodes)
    pct = np.round(raw / sums[dst] * 100.0 * (1.0 - np.where(counts[dst] > 1, free_float[dst], 0.0)), 2)
    kind = np.zeros(len(dst), dtype=np.int8)
    unknown = rng.random(len(dst)) < 0.04
    pct[unknown] = np.nan
    control = rng.random(len(dst)) < 0.01
    kind[control] = CONTROL
    pct[control] = np.nan
    # back edges: deeper entities owning shallower ones -> cycles
    n_back = n_edges - len(dst)
    deep = np.flatnonzero(level >= 5)
    shallow = np.flatnonzero((level >= 1) & (level <= 3))
    bsrc = deep[rng.integers(0, len(deep), n_back)]
    bdst = shallow[rng.integers(0, len(shallow), n_back)]
    src = np.concatenate([src, bsrc])
    dst = np.concatenate([dst, bdst])
    pct = np.concatenate([pct, np.round(rng.uniform(1, 60, n_back), 2)])
    kind = np.concatenate([kind, np.full(n_back, OWN, dtype=np.int8)])
    keep = src != dst
    ids = [f"e{i}" for i in range(n_nodes)]
    graph = OwnershipGraph(ids, src[keep], dst[keep], pct[keep], kind[keep])
    top = np.flatnonzero(level <= 2)
    listed = rng.choice(top, size=min(len(top), int(n_nodes * listed_share)), replace=False)
    ssi = rng.choice(np.flatnonzero(level <= 3), size=n_nodes * 3 // 1000, replace=False)
    return graph, {ids[i] for i in listed}, {ids[i] for i in ssi}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--listed", type=float, default=0.01, help="share of entities designated")
    args = ap.parse_args()

    t0 = time.perf_counter()
    graph, listed, ssi = synthetic(args.edges, args.seed, args.listed)
    t1 = time.perf_counter()
    print(f"graph: {len(graph):,} entities, {graph.edge_count:,} edges "
          f"(built in {t1 - t0:.1f} s incl. generation)")

    params = load_params()
    t2 = time.perf_counter()
    results = compute_results(
        graph,
        {r: listed for r in params.regimes},
        params,
        sectoral_seeds={r: ssi for r in params.regimes},
    )
    counts = {r: res.counts() for r, res in results.items()}
    t3 = time.perf_counter()
    print(f"status of every entity under {', '.join(results)}: {t3 - t2:.2f} s  (target <= 60 s)")
    for r, c in counts.items():
        print(f"  {r}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(c.items())))

    t4 = time.perf_counter()
    cycles = graph.cycle_id
    t5 = time.perf_counter()
    print(f"cycle detection (Tarjan): {t5 - t4:.2f} s, {len(cycles):,} entities in cycles")

    rng = np.random.default_rng(args.seed + 1)
    us = results["us"]
    covered = [v for v in rng.integers(0, len(graph), 20_000) if us.lower.state[v] == 2]
    sample = covered[: args.queries] or list(range(args.queries))
    times = []
    n_paths = 0
    for v in sample:
        q0 = time.perf_counter()
        for res in results.values():
            st = explain(res, graph.ids[v])
            n_paths += len(st.paths)
        times.append((time.perf_counter() - q0) * 1000)
    print(
        f"one entity query (status + paths, 3 regimes), {len(sample)} blocked-by-ownership "
        f"entities: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms "
        f"(target <= 50 ms); {n_paths / len(sample):.1f} paths per query"
    )


if __name__ == "__main__":
    main()
