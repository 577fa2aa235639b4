"""``olivebranch parties …`` and ``olivebranch export`` from the command line (piped input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parties_fixtures import base_lists, entity, listed, load
from typer.testing import CliRunner

from olivebranch.cli import app
from olivebranch.errors import OliveBranchError
from olivebranch.parties import Parties
from olivebranch.store import Store


@pytest.fixture
def cli_store(store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    lists = base_lists()
    # a near miss for the review queue: the same company name, listed for unrelated reasons,
    # no country on one side
    lists["us_ofac_sdn"] += listed("us_ofac_sdn", entity("Company", "ofac-20",
                                                        name="HILAL TRADING COMPANY",
                                                        country="ae"), program="SDGT")
    lists["eu_fsf"] += listed("eu_fsf", entity("Company", "eu-fsf-20",
                                               name="Hilal Trading Company"), program="SYR")
    load(store, lists)
    monkeypatch.setenv("OLIVEBRANCH_DB", store.url)
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OLIVEBRANCH_USER", "tester")
    return store


def run(*args: str, input: str | None = None) -> str:
    res = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args), input=input)
    assert res.exit_code == 0, res.output
    return res.output


def test_xref_show_explain(cli_store: Store) -> None:
    report = json.loads(run("parties", "xref", "--json"))
    assert report["rules"]["id:inn"] == 1 and report["rules"]["id:imo"] == 1
    assert report["rules"]["name+dob"] >= 2 and report["suggestions"] >= 1
    shown = json.loads(run("parties", "show", "ofac-3", "--json"))
    assert shown["records"] == ["au-dfat-3", "eu-fsf-3", "ofac-3"]
    assert set(shown["datasets"]) == {"au_dfat", "eu_fsf", "us_ofac_sdn"}
    # a party id works too, and the table names every record
    out = run("parties", "show", shown["party"])
    assert "eu-fsf-3" in out and "name+dob" in out
    out = run("parties", "explain", "ofac-3", "eu-fsf-4")
    assert "two parties" in out and "birth date" in out
    out = run("parties", "explain", "ofac-2", "gb-fcdo-V1")
    assert "one party" in out and "id:imo" in out
    assert "name+context" in run("parties", "rules")


def test_review_queue_from_piped_input(cli_store: Store) -> None:
    run("parties", "xref")
    p = Parties.load(cli_store)
    assert not p.same_party("ofac-20", "eu-fsf-20")
    out = run("parties", "review", input="a same registration in the OJ annex\n")
    assert "HILAL TRADING COMPANY" in out and "1 judgement recorded" in out
    p = Parties.load(cli_store)
    assert p.same_party("ofac-20", "eu-fsf-20")
    # the reviewer's reason is kept; the queue is empty now
    from olivebranch.parties.store import PartyStore

    j = PartyStore(cli_store).judgement("ofac-20", "eu-fsf-20")
    assert j is not None and j.user == "tester" and j.reason == "same registration in the OJ annex"
    assert "nothing to review" in run("parties", "review")


def test_review_automatic_links_reject_and_skip(cli_store: Store) -> None:
    run("parties", "xref")
    # skip the first weakest link, reject the second, quit
    out = run("parties", "review", "--links", input="s\nr not the same person\nq\n")
    assert "1 judgement recorded" in out
    from olivebranch.parties.store import PartyStore

    (j,) = PartyStore(cli_store).judgements()
    assert j.judgement == "negative" and j.reason == "not the same person"
    assert not Parties.load(cli_store).same_party(j.target, j.source)


def test_decide_export_import(cli_store: Store, tmp_path: Path, monkeypatch) -> None:
    out = run("parties", "decide", "ofac-5", "gb-fcdo-P5", "negative", "--reason", "other DOB")
    assert "now two parties" in out
    path = tmp_path / "judgements.jsonl"
    run("parties", "export", str(path))
    lines = path.read_text().splitlines()
    rows = [json.loads(line) for line in lines]
    assert ["ofac-5", "gb-fcdo-P5", "negative"] == rows[0][:3] or \
        ["gb-fcdo-P5", "ofac-5", "negative"] == rows[0][:3]
    assert any(r[2] == "positive" and r[0].startswith("NK-") for r in rows)
    # another store takes the reviewer's judgement from the file
    other = Store(f"sqlite:///{tmp_path / 'other.sqlite'}")
    load(other)
    monkeypatch.setenv("OLIVEBRANCH_DB", other.url)
    assert "1 judgements imported" in run("parties", "import", str(path))
    assert not Parties.load(other).same_party("ofac-5", "gb-fcdo-P5")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('["a", "b", "perhaps"]\n')
    res = CliRunner().invoke(app, ["parties", "import", str(bad)])
    assert isinstance(res.exception, OliveBranchError)
    assert "bad.jsonl line 1: unknown judgement" in str(res.exception)


def test_export_ftm_records_and_parties(cli_store: Store, tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    merged = tmp_path / "parties.jsonl"
    run("export", "--format", "ftm", "-o", str(records))
    run("export", "--format", "ftm", "--parties", "-o", str(merged))
    recs = [json.loads(line) for line in records.read_text().splitlines()]
    parts = [json.loads(line) for line in merged.read_text().splitlines()]
    assert any(r["id"] == "ofac-3" for r in recs)
    sidorov = [p for p in parts if "ofac-3" in p.get("referents", [])]
    assert len(sidorov) == 1
    (party,) = sidorov
    assert sorted(party["referents"]) == ["au-dfat-3", "eu-fsf-3", "ofac-3"]
    assert sorted(party["datasets"]) == ["au_dfat", "eu_fsf", "us_ofac_sdn"]
    assert party["target"] is True
    # the sanctions now point at the party
    sanctions = [p for p in parts if p["schema"] == "Sanction"
                 and party["id"] in p["properties"]["entity"]]
    assert len(sanctions) == 3
    assert not any(p["id"] == "ofac-3" for p in parts)
    # csv, xlsx and jsonl are tables now (issue 16); an unknown format is still refused
    res = CliRunner().invoke(app, ["export", "--format", "pdf"])
    assert isinstance(res.exception, OliveBranchError)
    assert "unknown export format" in str(res.exception)
