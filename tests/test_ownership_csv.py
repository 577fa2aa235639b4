"""The ownership CSV format: parsing, errors that name the line, import with name resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from olivebranch.errors import ParseError
from olivebranch.lists.base import make, make_sanction
from olivebranch.lists.ownership_csv import parse, stub_id
from olivebranch.ownership import analyse
from olivebranch.ownership.importers import import_ownership_csv
from olivebranch.paths import DATA_DIR

HEADER = "owner,owner_id,asset,asset_id,percent,as_of,source,role\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "owners.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_become_ownership_entities_and_stub_nodes(tmp_path):
    path = write(tmp_path, HEADER + 'Acme Holding,,"Acme, LLC",acme-1,60.5,2024-03,registry,\n'
                 "Board Co,,Acme Holding,,,2024,filing,right to appoint board majority\n")
    result = parse(path)
    owns = [e for e in result.entities if e.schema.name == "Ownership"]
    assert len(owns) == 2
    first = owns[0]
    assert first.get("owner") == [stub_id("Acme Holding")] and first.get("asset") == ["acme-1"]
    assert first.get("percentage") == ["60.5"] and first.get("startDate") == ["2024-03"]
    assert owns[1].get("role") == ["right to appoint board majority"] and not owns[1].get("percentage")
    nodes = {e.id: e for e in result.entities if e.schema.is_a("LegalEntity")}
    assert nodes[stub_id("acme  HOLDING")].first("name") == "Acme Holding"


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        ("A,,B,,sixty,2024,src,\n", "line 2", "percent 'sixty'"),
        ("A,,B,,120,2024,src,\n", "line 2", "percent '120'"),
        ("A,,B,,10,2024,src,\nA,,C,,10,24/03/2024,src,\n", "line 3", "not an ISO date"),
        ("A,,,,10,2024,src,\n", "line 2", "asset needs a name"),
        ("A,,A,,10,2024,src,\n", "line 2", "same entity"),
    ],
)
def test_bad_rows_raise_parse_errors_naming_the_line(tmp_path, body, where, reason):
    with pytest.raises(ParseError) as err:
        parse(write(tmp_path, HEADER + body))
    assert err.value.where == where and reason in err.value.reason


def test_a_missing_column_is_named(tmp_path):
    with pytest.raises(ParseError) as err:
        parse(write(tmp_path, "# comment\nowner,owner_id,asset,asset_id,percent,source\nA,,B,,1,x\n"))
    assert err.value.where == "line 2" and "missing column(s): as_of" in err.value.reason


def test_the_bundled_chains_parse_and_cite_sources():
    result = parse(DATA_DIR / "ownership" / "owners.csv")
    owns = [e for e in result.entities if e.schema.name == "Ownership"]
    assert len(owns) >= 40 and not result.warnings
    assert all(e.get("publisher") for e in owns)
    assert any(e.get("status") == ["uncertain"] for e in owns)


def test_import_resolves_bare_names_to_list_entities(store, tmp_path):
    person = make("Person", "ofac-99")
    person.add("name", "DOE, John")
    sanction = make_sanction(person, sanction_id="ofac-99-sdn", authority="OFAC", programs=["RUSSIA-EO14024"])
    store.add_version("us_ofac_sdn", [person, sanction], regime="us")
    path = write(tmp_path, HEADER + "John Doe,,Doe Energy LLC,,75,2025-01,registry 2025,\n")
    report = import_ownership_csv(store, path, use_matcher=False)
    (owner_res, asset_res) = sorted(report.resolutions, key=lambda r: r.name)[::-1]
    assert owner_res.entity_id == "ofac-99" and owner_res.method == "exact_name"
    assert asset_res.entity_id is None and asset_res.method == "unresolved"
    analysis = analyse(store, link_identities=False)
    st = analysis.status(stub_id("Doe Energy LLC"))["us"]
    assert st.blocked and st.basis == "owned" and st.share == 75
    assert "75%" in st.paths[0].text() and "DOE, John" in st.paths[0].text()


def test_import_uses_the_matching_engine_when_present(store, tmp_path):
    company = make("Company", "ofac-77")
    company.add("name", "JOINT STOCK COMPANY NORTHERN GAS")
    sanction = make_sanction(company, sanction_id="ofac-77-sdn", authority="OFAC", programs=["RUSSIA-EO14024"])
    store.add_version("us_ofac_sdn", [company, sanction], regime="us")
    path = write(tmp_path, HEADER + "JSC Northern Gas,,Gas JV,,51,2025-01,registry,\n")
    report = import_ownership_csv(store, path)
    owner = next(r for r in report.resolutions if r.name == "JSC Northern Gas")
    assert owner.entity_id == "ofac-77" and owner.method in ("match", "exact_name")


def test_owners_import_keeps_the_bundled_chains_active(store, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from olivebranch.cli import app
    from olivebranch.lists.importer import import_path

    import_path(store, DATA_DIR / "ownership" / "owners.csv", "ownership_csv")
    path = write(tmp_path, HEADER + "PAO Novatek,ofac-17064,New LNG JV,,51,2026-01,deal memo,\n")
    monkeypatch.setenv("OLIVEBRANCH_DB", store.url)
    out = CliRunner().invoke(app, ["owners", "import", str(path), "--no-resolve"])
    assert out.exit_code == 0, out.output
    assert "ownership_user" in out.output
    active = {v.source for v in store.active_versions()}
    assert {"ownership_csv", "ownership_user"} <= active
    graph = analyse(store, link_identities=False).graph
    assert graph.node(stub_id("New LNG JV")) is not None
    assert graph.node(stub_id("PAO Yamal LNG")) is not None
