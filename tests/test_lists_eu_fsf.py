"""EU Financial Sanctions File: the official XML layout (real excerpt) and the bundled FtM
conversion of the full 2026-05-01 list."""

from __future__ import annotations

import io
import json
import tarfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from olivebranch.errors import ParseError
from olivebranch.lists import eu_fsf
from olivebranch.lists.base import ParseResult
from olivebranch.paths import LISTS_DIR, REPO_DIR

TARBALL = LISTS_DIR / "eu_fsf/ammitto_data-eu_processed_2026-05-01.tar.gz"


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return eu_fsf.parse(REPO_DIR / "tests" / "fixtures" / "lists" / "sample_eu_fsf.xml")


@pytest.fixture(scope="module")
def bundle() -> ParseResult:
    return eu_fsf.parse(LISTS_DIR / "eu_fsf" / "eu_fsf_2026-05-01.ftm.json")


def _by_ref(result: ParseResult, ref: str):
    sanction = next(e for e in result.entities
                    if e.schema.name == "Sanction" and ref in e.get("authorityId"))
    entity = next(e for e in result.entities if e.id == sanction.get("entity")[0])
    return entity, sanction


def test_sample_xml(sample: ParseResult) -> None:
    assert sample.published == date(2026, 8, 5)
    sanctions = [e for e in sample.entities if e.schema.name == "Sanction"]
    assert sorted(s.get("authorityId")[0] for s in sanctions) == sorted(
        ["EU.3579.2", "EU.502.12", "EU.3953.70", "EU.3886.3", "EU.3092.36"]
    )
    # designationDate present -> listingDate; absent (EU.3579.2) -> none
    person, s = _by_ref(sample, "EU.502.12")
    assert s.get("listingDate") == ["2001-01-25"]
    assert s.get("program") == ["AFG"]
    assert person.get("birthDate") == [str(y) for y in range(1953, 1959)]  # yearRangeFrom/To
    assert person.get("citizenship") == ["af"]
    _, s = _by_ref(sample, "EU.3579.2")
    assert s.get("listingDate") == []
    assert person.id == "eu-fsf-521"


def test_sample_calendar_scripts_and_contacts(sample: ParseResult) -> None:
    asiri, _ = _by_ref(sample, "EU.3092.36")
    # ISLAMIC-calendar birthdate: the Gregorian equivalent is used, not year 1402
    assert "1982-04-19" in asiri.get("birthDate")
    assert not any(d.startswith("1402") for d in asiri.get("birthDate"))
    assert any(not a.isascii() for a in asiri.get("alias") + asiri.get("name"))
    assert asiri.get("passportNumber") == ["F654645"]
    pci, _ = _by_ref(sample, "EU.3953.70")
    assert pci.get("name") == ["Parchin Chemical Industries (PCI)"]  # English alias is primary
    assert "http://icig.ir/" in pci.get("website")
    assert pci.get("country") == ["ir"]
    nalias = sum(1 for e in sample.entities if e.schema.name != "Sanction"
                 for _ in set(e.get("name") + e.get("alias") + e.get("weakAlias")))
    assert nalias >= 40  # 45 nameAlias elements, a few duplicates


def test_bundle_counts(bundle: ParseResult) -> None:
    assert bundle.published == date(2026, 5, 1)
    schemata = Counter(e.schema.name for e in bundle.entities)
    assert schemata["Sanction"] == 5860
    assert schemata["Person"] == 4341
    assert schemata["Company"] + schemata["Organization"] == 1519
    assert schemata["Vessel"] == 0  # shipping firms with IMO company numbers are Companies
    programs = Counter(p for e in bundle.entities if e.schema.name == "Sanction"
                       for p in e.get("program"))
    assert programs["UKR"] == 2596
    assert programs["RUSDA"] == 76
    assert programs["RUS"] == 63
    assert programs["IRN"] == 732


def test_bundle_states_missing_listing_dates(bundle: ParseResult) -> None:
    sanctions = [e for e in bundle.entities if e.schema.name == "Sanction"]
    assert all(not s.get("listingDate") for s in sanctions)
    assert all(s.get("summary") == [eu_fsf.MISSING_LISTING_DATE] for s in sanctions)


def test_bundle_known_entries(bundle: ParseResult) -> None:
    sechin, s = _by_ref(bundle, "EU.7512.14")
    assert sechin.schema.name == "Person"
    assert "Igor Ivanovich SECHIN" in sechin.get("name") + sechin.get("alias")
    assert "Игорь Иванович СЕЧИН" in sechin.get("alias")
    assert sechin.get("birthDate") == ["1960-09-07"]
    assert sechin.get("citizenship") == ["ru"]
    assert s.get("program") == ["UKR"]
    scf, s = _by_ref(bundle, "EU.11824.28")
    assert scf.schema.name == "Company"
    assert scf.get("name") == ["JSC SOVCOMFLOT"]
    assert scf.get("ogrnCode") == ["1027739028712"]
    dyukov, _ = _by_ref(bundle, "EU.13794.69")
    assert dyukov.schema.name == "Person"


def test_bundle_matches_raw_tarball(bundle: ParseResult) -> None:
    with tarfile.open(TARBALL) as tar:
        names = [m.name for m in tar.getmembers() if m.name.startswith("processed/eu-")]
    assert len(names) == 5860
    assert sum(1 for e in bundle.entities if e.schema.name == "Sanction") == len(names)


def test_converter_roundtrip(tmp_path: Path) -> None:
    """The conversion script turns ammitto YAML into FtM through the same mapping."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "convert_ammitto", REPO_DIR / "scripts" / "convert_ammitto.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    convert = module.convert

    entry = (
        "eu_reference_number: EU.1.1\nlogical_id: '42'\nregulations:\n"
        "- regulation_type: amendment\n  publication_date: '2022-02-28'\n"
        "  number_title: 2022/336 (OJ L58)\n  programme: UKR\n"
        "subject_type:\n  code: enterprise\n  classification_code: E\n"
        "name_aliases:\n- whole_name: Test Oil LLC\n  name_language: EN\n  strong: true\n"
        "identifications:\n- identification_type_code: regnumber\n  number: '1027739028712'\n"
        "  country_iso2_code: RU\n"
    )
    index = "source: eu\ncount: 1\nfetched_at: '2026-05-01T08:25:35Z'\n"
    tarball = tmp_path / "t.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        for name, text in (("processed/_index.yaml", index), ("processed/eu-1-1.yaml", entry)):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out = convert("eu", tarball, tmp_path)
    assert out.name == "eu_fsf_2026-05-01.ftm.json"
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["eu-fsf-42", "eu-fsf-42-sanction"]
    assert lines[0]["schema"] == "Company"
    assert lines[0]["properties"]["ogrnCode"] == ["1027739028712"]
    result = eu_fsf.parse(out)
    assert result.published == date(2026, 5, 1)


def test_foreign_ids_in_bundle_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ftm.json"
    path.write_text(
        '{"id": "eu-fsf-1", "schema": "Person", "properties": {"name": ["A"]}}\n'
        '{"id": "gb-fcdo-X1", "schema": "Person", "properties": {"name": ["B"]}}\n'
    )
    with pytest.raises(ParseError, match="not a EU FSF id"):
        eu_fsf.parse(path)
