"""Ownership graph and each regime's ownership-or-control rule, explained.

Public API (see docs/ownership-csv.md for the CSV format):

- :func:`analyse` (store -> :class:`OwnershipAnalysis`: ``.status(entity_id)`` per regime with paths)
- :func:`build_graph`, :class:`OwnershipGraph` (``with_edges`` adds deal-declared :class:`Edge`)
- :func:`compute_status` (pure: graph, seeds, params -> ``{regime: {entity_id: Status}}``)
- :func:`load_params` (each regime's ownership rule, from the registry ``data/regimes.yaml``)
- :func:`explain` / :func:`paths` (explanation paths for one entity)
"""

from olivebranch.ownership.analysis import OwnershipAnalysis, analyse, build_graph
from olivebranch.ownership.edges import Edge, edges_from_ftm, edges_from_store
from olivebranch.ownership.explain import OwnershipPath, explain, paths
from olivebranch.ownership.graph import OwnershipGraph
from olivebranch.ownership.rules import OwnershipParams, RegimeRule, load_params
from olivebranch.ownership.status import RegimeResult, Status, compute_results, compute_status

__all__ = [
    "Edge",
    "OwnershipAnalysis",
    "OwnershipGraph",
    "OwnershipParams",
    "OwnershipPath",
    "RegimeResult",
    "RegimeRule",
    "Status",
    "analyse",
    "build_graph",
    "compute_results",
    "compute_status",
    "edges_from_ftm",
    "edges_from_store",
    "explain",
    "load_params",
    "paths",
]
