"""Sanctions-relief scenarios: packages of moves applied to an EvaluationContext, evaluated
across the deal catalogue, and compared with the status quo."""

from olivebranch.listings import ListingIndex
from olivebranch.scenarios.apply import apply, apply_scenario
from olivebranch.scenarios.model import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    parse_scenario,
)

__all__ = [
    "ListingIndex",
    "Scenario",
    "ScenarioError",
    "apply",
    "apply_scenario",
    "bundled_scenarios",
    "load_scenario",
    "parse_scenario",
]
