"""Parties: identifier normalisation, links, reviewers' judgements, stable ids, list updates."""

from __future__ import annotations

import pytest
from parties_fixtures import add, base_lists, entity, listed, load

from olivebranch.parties import Parties, PartyResolver
from olivebranch.parties.identifiers import (
    classify,
    imo_valid,
    inn_valid,
    keys_of,
    norm_bic,
    norm_document,
    norm_imo,
    norm_inn,
    norm_okpo,
    ogrn_valid,
)
from olivebranch.parties.ids import assign, is_party_id, mint
from olivebranch.parties.refs import norm_un, note_refs, sanction_refs
from olivebranch.store import Store

# ------------------------------------------------------------------ identifier normalisation


def test_inn_with_and_without_leading_zero() -> None:
    assert inn_valid("0105012349") and not inn_valid("105012349")
    assert norm_inn("105012349") == "0105012349"
    assert norm_inn("0105012349") == "0105012349"
    assert norm_inn("01-05012349") == "0105012349"
    # twelve digits (a person's INN) lose their zero too
    assert norm_inn("10501234581") == "010501234581"
    # Rosneft's INN as lists write it
    assert norm_inn("7706107510") == "7706107510"
    assert norm_inn("INN 7706107510") == "7706107510"
    assert norm_inn("0000000000") is None and norm_inn("12345") is None


def test_imo_with_and_without_prefix() -> None:
    assert imo_valid("9187629")
    assert norm_imo("IMO 9187629") == norm_imo("IMO9187629") == norm_imo("9187629") == "9187629"
    assert norm_imo("imo 918762") is None
    # a number in a generic field marked IMO is an IMO number
    assert classify("IMO 9187629") == ("imo", "9187629")


def test_other_identifier_types() -> None:
    assert norm_okpo("44428") == "00044428" and norm_okpo("00044428") == "00044428"
    assert ogrn_valid("1027700043502")
    assert norm_bic("SABRRUMMXXX") == norm_bic("SABR RU MM") == "SABRRUMM"
    assert norm_bic("SABRRUMM012") == "SABRRUMM012"  # a branch stays a branch
    assert norm_document("Diplomatic Passport D009889") == "D009889"
    assert norm_document("BN 4196361") == "BN4196361"
    assert norm_document("(") is None
    # generic fields: an INN or OGRN is recognised by its check digits
    assert classify("TIN: 780245503097") == ("inn", "780245503097")
    assert classify("1027700043502") == ("ogrn", "1027700043502")
    assert classify("CH-660.0.257.011-8") == ("reg", "CH66002570118")
    assert classify("105012349") == ("inn", "0105012349")
    assert keys_of("passportNumber", "No. 722759197", person=True) == [("passport", "722759197")]


def test_publisher_references() -> None:
    assert norm_un("QDi.241") == norm_un("QDi 241") == norm_un("QDi241.") == "QDI.241"
    assert norm_un("QDe092.") == "QDE.092"
    refs = sanction_refs({"authority": ["United Kingdom (FCDO / OFSI)"],
                          "authorityId": ["RUS0273"], "unscId": ["TAe.010"],
                          "description": ["…; OFSI Group ID 14213; designation source UN"]})
    assert refs == {("uk", "RUS0273"), ("un", "TAE.010"), ("ofsi", "14213")}
    # the structured OFSI fields count, a UN reference mentioned in the narrative does not
    notes = ["(UK Sanctions List Ref):AQD0141. (UN Ref):QDi.241. Member of the Rajah "
             "Solaiman Movement (QDe.128)"]
    assert note_refs(notes) == {("uk", "AQD0141"), ("un", "QDI.241")}


# ------------------------------------------------------------------------------ party ids


def test_party_ids_minted_deterministically_and_carried_forward() -> None:
    assert is_party_id(mint("ofac-1")) and mint("ofac-1") == mint("ofac-1")
    first = assign([["a", "b"], ["c"]])
    # a new record joins the first party, "c" leaves, "d" arrives alone
    second = assign([["a", "b", "x"], ["d"]], first.party_of)
    assert second.party_of["a"] == second.party_of["x"] == first.party_of["a"]
    assert first.party_of["c"] in second.retired
    assert second.party_of["d"] not in set(first.party_of.values())
    # two parties merge: the bigger keeps its id, the other becomes an alias
    third = assign([["a", "b", "x", "d"]], second.party_of)
    assert third.party_of["d"] == first.party_of["a"]
    assert third.aliases[second.party_of["d"]] == first.party_of["a"]


# --------------------------------------------------------------------------- resolution


@pytest.fixture
def resolved(store: Store) -> Store:
    load(store)
    PartyResolver(store).run()
    return store


def test_links_on_identifiers_and_names(resolved: Store) -> None:
    p = Parties.load(resolved)
    # the same INN, written with and without its leading zero
    assert p.same_party("ofac-1", "eu-fsf-1")
    # the same IMO number, with and without the prefix, under two ship names
    assert p.same_party("ofac-2", "gb-fcdo-V1")
    # name and full birth date, on three lists
    assert p.records(p.party_of("ofac-3") or "") == ["au-dfat-3", "eu-fsf-3", "ofac-3"]
    # a namesake born in 1975 is another person
    assert not p.same_party("ofac-3", "eu-fsf-4")
    # two records of one publisher are never merged on names
    assert not p.same_party("ofac-6", "ofac-7")
    # an automatic merge on name and birth date
    assert p.same_party("ofac-5", "gb-fcdo-P5")
    pid = p.party_of("ofac-3")
    assert pid and is_party_id(pid) and p.canonical("ofac-3") == pid
    merged = p.merged_entity(pid)
    assert merged is not None and merged.id == pid and merged.schema.name == "Person"
    assert "Ivan Petrovich SIDOROV" in merged.get("name")


def test_reviewer_negative_overrides_wrong_automatic_merge_and_survives_updates(
    resolved: Store,
) -> None:
    resolver = PartyResolver(resolved)
    before = Parties.load(resolved)
    assert before.same_party("ofac-5", "gb-fcdo-P5")
    pid = before.party_of("ofac-5")
    resolver.decide("ofac-5", "gb-fcdo-P5", "negative", user="anna",
                    reason="UK's Anna Maria Schmidt is a Swiss national, OFAC's German")
    after = Parties.load(resolved)
    assert not after.same_party("ofac-5", "gb-fcdo-P5")
    # the record that keeps most of the party (ties: the smaller id) keeps the id
    assert pid in (after.party_of("ofac-5"), after.party_of("gb-fcdo-P5"))
    # a new UK list version (one record added) does not bring the merge back
    lists = base_lists()
    add(resolved, "gb_fcdo", lists["gb_fcdo"] + listed(
        "gb_fcdo", entity("Person", "gb-fcdo-P9", name="Boris Nikolaevich KUZNETSOV")))
    later = Parties.load(resolved)
    assert later.run.id != after.run.id
    assert not later.same_party("ofac-5", "gb-fcdo-P5")
    # withdrawing the judgement restores the automatic link
    resolver.decide("ofac-5", "gb-fcdo-P5", "no_judgement", user="anna")
    assert Parties.load(resolved).same_party("ofac-5", "gb-fcdo-P5")


def test_reviewer_positive_links_what_rules_do_not(resolved: Store) -> None:
    p = Parties.load(resolved)
    assert not p.same_party("eu-fsf-4", "ofac-3")
    PartyResolver(resolved).decide("eu-fsf-4", "ofac-3", "positive", user="bob",
                                   reason="EU's birth date is a typo (checked the OJ)")
    p = Parties.load(resolved)
    assert p.same_party("eu-fsf-4", "ofac-3")
    # the EU's other Sidorov cannot join a party that now holds an EU record on a name match
    assert not p.same_party("eu-fsf-4", "eu-fsf-3")


def test_list_update_removing_a_record_keeps_the_party_id(resolved: Store) -> None:
    p1 = Parties.load(resolved)
    pid = p1.party_of("ofac-3")
    assert len(p1.records(pid or "")) == 3
    lists = base_lists()
    # the EU delists Sidorov: a new EU version without eu-fsf-3
    add(resolved, "eu_fsf", [e for e in lists["eu_fsf"] if "eu-fsf-3" not in
                             (e.id, *e.get("entity", quiet=True))])
    report = PartyResolver(resolved).run()
    assert report.mode == "incremental" and report.changed >= 1
    p2 = Parties.load(resolved)
    assert p2.party_of("eu-fsf-3") is None
    assert p2.party_of("ofac-3") == pid
    assert p2.records(pid or "") == ["au-dfat-3", "ofac-3"]
    # the other parties keep their ids
    for rid in ("ofac-1", "ofac-2", "ofac-5", "eu-fsf-4"):
        assert p2.party_of(rid) == p1.party_of(rid)


def test_party_ids_stable_across_versions_and_fresh_runs(store: Store, tmp_path) -> None:
    load(store)
    PartyResolver(store).run()
    ids1 = dict(Parties.load(store)._party_of)
    # a new version of one list with an unrelated record: nobody's id changes
    lists = base_lists()
    add(store, "au_dfat", lists["au_dfat"] + listed(
        "au_dfat", entity("Company", "au-dfat-9", name="Zenit Optics", country="ru")))
    ids2 = dict(Parties.load(store)._party_of)
    assert {r: ids2[r] for r in ids1} == ids1
    # a full re-resolution keeps them too
    PartyResolver(store).run(full=True)
    assert {r: Parties.load(store)._party_of[r] for r in ids1} == ids1
    # and another store holding the same lists mints the same ids
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    load(other)
    PartyResolver(other).run()
    assert dict(Parties.load(other)._party_of) == ids1


def test_new_record_joining_two_parties_leaves_an_alias(resolved: Store) -> None:
    p1 = Parties.load(resolved)
    a, b = p1.party_of("eu-fsf-4"), p1.party_of("ofac-6")
    assert a != b
    PartyResolver(resolved).decide("eu-fsf-4", "ofac-6", "positive", user="carl")
    p2 = Parties.load(resolved)
    kept = p2.party_of("ofac-6")
    assert kept in (a, b) and p2.party_of("eu-fsf-4") == kept
    gone = b if kept == a else a
    assert p2.canonical(gone or "") == kept


def test_incremental_run_reuses_decisions(resolved: Store) -> None:
    report = PartyResolver(resolved).run()
    assert report.mode == "incremental" and report.changed == 0 and report.compared == 0
    full = PartyResolver(resolved).run(full=True)
    assert full.compared > 0 and full.parties == report.parties


def test_related_records_are_not_merged(store: Store) -> None:
    lists = base_lists()
    # OFAC states that its two ORLOV records are father and son
    lists["us_ofac_sdn"].append(entity("Family", "ofac-fam-1", person="ofac-6",
                                       relative="ofac-7", relationship="son"))
    lists["eu_fsf"] += listed("eu_fsf", entity("Person", "eu-fsf-6", name="Pavel Sergeevich ORLOV",
                                               birthDate="1970-01-12"))
    load(store, lists)
    PartyResolver(store).run()
    p = Parties.load(store)
    # the EU record joins one of them, never both
    assert p.same_party("eu-fsf-6", "ofac-6") != p.same_party("eu-fsf-6", "ofac-7")


def test_explain(resolved: Store) -> None:
    from olivebranch.parties.explain import explain

    p = Parties.load(resolved)
    ex = explain(p, "ofac-1", "eu-fsf-1")
    assert ex.same_party and [link.rule for link in ex.path] == ["id:inn"]
    assert "0105012349" in " ".join(ex.details)
    ex = explain(p, "ofac-3", "eu-fsf-4")
    assert not ex.same_party and "birth date" in ex.verdict


def test_judgements_round_trip_in_nomenklatura_format(resolved: Store, tmp_path) -> None:
    from nomenklatura.resolver.edge import Edge as NkEdge
    from nomenklatura.resolver.linker import Linker

    from olivebranch.parties.export import import_judgements, judgement_lines

    PartyResolver(resolved).decide("ofac-5", "gb-fcdo-P5", "negative", user="anna",
                                   reason="different people")
    p = Parties.load(resolved)
    lines = list(judgement_lines(resolved, p))
    # nomenklatura reads every line, and its linker finds our party ids as canonical ids
    edges = [NkEdge.from_line(line) for line in lines]
    linker: Linker = Linker({})
    for e in edges:
        if e.judgement.value == "positive":
            linker.add(e.source.id, e.target.id)
    assert linker.get_canonical("ofac-3") == p.party_of("ofac-3")
    assert linker.get_canonical("eu-fsf-1") == p.party_of("ofac-1")
    assert any(e.judgement.value == "negative" and {e.source.id, e.target.id} ==
               {"ofac-5", "gb-fcdo-P5"} for e in edges)
    # into a fresh store: the reviewer's negative comes back, our own automatic edges do not
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    load(other)
    n = import_judgements(other, lines, default_user="import")
    assert n == 1
    assert not Parties.load(other).same_party("ofac-5", "gb-fcdo-P5")


def test_import_rejects_malformed_lines(store: Store) -> None:
    from olivebranch.parties.export import import_judgements
    from olivebranch.parties.store import PartyStore

    good = '["ofac-1", "eu-fsf-1", "positive", null, "anna", "2026-01-01T00:00:00"]\n'
    with pytest.raises(ValueError, match="line 2"):
        import_judgements(store, [good, '["a", "b", "maybe"]\n'], default_user="x")
    with pytest.raises(ValueError, match="line 1: not JSON"):
        import_judgements(store, ["{oops\n"], default_user="x")
    # nothing was stored from the file with a bad line
    assert PartyStore(store).count_judgements() == 0


def test_shared_number_against_conflicting_number(store: Store) -> None:
    lists = base_lists()
    # OFAC: the parent; the EU: its subsidiary's record carrying the parent's OGRN and old name
    lists["us_ofac_sdn"] += listed("us_ofac_sdn", entity(
        "Company", "ofac-30", name="JSC KALINA CONCERN", alias="NPO KALINMASH",
        ogrnCode="1111832003018", innCode="7706107510", country="ru"))
    lists["eu_fsf"] += listed("eu_fsf", entity(
        "Company", "eu-fsf-30", name="LLC Kalina Unmanned Systems", alias="NPO Kalinmash",
        ogrnCode="1111832003018", innCode="1841015504", country="ru"))
    # a typo: one OGRN, one main name, two INNs
    lists["us_ofac_sdn"] += listed("us_ofac_sdn", entity(
        "Company", "ofac-31", name="JSC NOVOSIBIRSK INSTRUMENT PLANT", ogrnCode="1027700043502",
        innCode="5408100018", country="ru"))
    lists["eu_fsf"] += listed("eu_fsf", entity(
        "Company", "eu-fsf-31", name="Novosibirsk Instrument Plant JSC",
        ogrnCode="1027700043502", innCode="5408100025", country="ru"))
    load(store, lists)
    p = Parties.load(store)
    assert not p.same_party("ofac-30", "eu-fsf-30")
    assert p.same_party("ofac-31", "eu-fsf-31")
    # both conflicts are real: the records keep both INNs
    from olivebranch.parties.explain import explain

    ex = explain(p, "ofac-30", "eu-fsf-30")
    assert "identifier inn" in ex.verdict
    assert "different identifiers: inn" in "\n".join(explain(p, "ofac-31", "eu-fsf-31").details)


def test_docs_list_every_rule() -> None:
    from olivebranch.parties.rules import rules_table
    from olivebranch.paths import REPO_DIR

    doc = (REPO_DIR / "docs" / "parties.md").read_text(encoding="utf-8")
    for row in rules_table():
        line = f"| `{row['rule']}` | {row['kind']} | {row['min_name']:.2f} | {row['description']} |"
        assert line in doc, f"docs/parties.md does not describe {row['rule']} as the code does"
