"""Parties on a real PostgreSQL server (``pg_url``: a fresh database on the session's server)."""

from __future__ import annotations

from parties_fixtures import load

from olivebranch.parties import Parties, PartyResolver
from olivebranch.store import Store


def test_resolution_and_judgements_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    assert store.engine.dialect.name == "postgresql"
    load(store)
    resolver = PartyResolver(store)
    report = resolver.run()
    assert report.mode == "full" and report.counts["id:inn"] == 1
    p = Parties.load(store)
    assert p.same_party("ofac-1", "eu-fsf-1") and p.same_party("ofac-5", "gb-fcdo-P5")
    resolver.decide("ofac-5", "gb-fcdo-P5", "negative", user="pg", reason="checked")
    p2 = Parties.load(store)
    assert not p2.same_party("ofac-5", "gb-fcdo-P5")
    assert p2.party_of("ofac-1") == p.party_of("ofac-1")
    assert p2.run.mode == "incremental"
    merged = p2.merged_entity(p2.party_of("ofac-3") or "")
    assert merged is not None and len(p2.records(merged.id or "")) == 3
    store.engine.dispose()
