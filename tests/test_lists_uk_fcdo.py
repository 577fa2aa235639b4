"""FCDO UK Sanctions List: the official XML layout (real excerpt) and the bundled FtM
conversion of the full 2026-08-22 list."""

from __future__ import annotations

import tarfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from olivebranch.lists import uk_fcdo
from olivebranch.lists.base import ParseResult
from olivebranch.paths import LISTS_DIR, REPO_DIR

TARBALL = LISTS_DIR / "gb_fcdo/ammitto_data-uk_processed_2026-08-22.tar.gz"


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return uk_fcdo.parse(REPO_DIR / "tests" / "fixtures" / "lists" / "sample_uk_sanctions.xml")


@pytest.fixture(scope="module")
def bundle() -> ParseResult:
    return uk_fcdo.parse(LISTS_DIR / "gb_fcdo" / "gb_fcdo_2026-08-22.ftm.json")


def _ids(result: ParseResult) -> dict:
    return {e.id: e for e in result.entities}


def test_regime_short_names() -> None:
    f = uk_fcdo.regime_short_name
    assert f("The Russia (Sanctions) (EU Exit) Regulations 2019") == "Russia"
    assert f("The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019") == "Belarus"
    assert f("The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019") == "Iran (Nuclear)"
    assert f("The Global Human Rights Sanctions Regulations 2020") == "Global Human Rights"
    assert f("Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations "
             "2019") == "ISIL (Da'esh) and Al-Qaida"


def test_sample_xml(sample: ParseResult) -> None:
    assert sample.published == date(2026, 9, 10)
    by_id = _ids(sample)
    assert sorted(k for k in by_id if not k.endswith("-sanction")) == [
        "gb-fcdo-AFG0001", "gb-fcdo-AFG0006", "gb-fcdo-AQD0195", "gb-fcdo-BEL0107",
        "gb-fcdo-DPR0075",
    ]
    akhund = by_id["gb-fcdo-AFG0006"]
    assert akhund.get("birthDate") == ["1958-05-12", "1945", "1946"]  # dd/mm/1945 -> 1945
    assert akhund.get("passportNumber") == ["P04581926"]
    assert akhund.get("nationality") == ["af"]
    assert "محمد حسن آخوند" in akhund.get("alias")
    s = by_id["gb-fcdo-AFG0006-sanction"]
    assert s.get("listingDate") == ["2001-01-25"]
    assert s.get("unscId") == ["TAi.002"]
    ship = by_id["gb-fcdo-DPR0075"]
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO9562233"]
    assert ship.get("flag") == ["km"]
    bnk = by_id["gb-fcdo-BEL0107"]
    assert bnk.schema.name == "Company"
    assert bnk.get("weakAlias") == ["BNK"]  # "Low quality a.k.a"
    assert bnk.get("alias") == ["BNK UK Limited"]


def test_bundle_counts(bundle: ParseResult) -> None:
    assert bundle.published == date(2026, 8, 22)
    schemata = Counter(e.schema.name for e in bundle.entities)
    assert schemata["Sanction"] == 6349
    assert schemata["Person"] == 4036
    assert schemata["Vessel"] == 666
    assert schemata["Company"] + schemata["Organization"] == 1647
    russia = [e for e in bundle.entities if e.schema.name == "Sanction"
              and e.get("program") == ["Russia"]]
    assert len(russia) == 3474


@pytest.mark.parametrize(
    ("uid", "name", "listed"),
    [
        ("RUS3064", "PJSC Rosneft Oil Company", "2025-10-15"),
        ("RUS3094", None, "2025-10-15"),
        ("RUS2383", None, "2025-01-10"),
        ("RUS2382", None, "2025-01-10"),
        ("RUS3423", None, "2026-02-24"),
        ("RUS2092", "Arctic LNG 2 Limited Liability Company", "2024-02-22"),
        ("RUS1126", None, "2022-04-06"),
    ],
)
def test_bundle_energy_designations(bundle: ParseResult, uid: str, name: str | None,
                                    listed: str) -> None:
    by_id = _ids(bundle)
    entity = by_id[f"gb-fcdo-{uid}"]
    s = by_id[f"gb-fcdo-{uid}-sanction"]
    if name:
        assert entity.get("name") == [name]
    assert s.get("listingDate") == [listed]
    assert s.get("program") == ["Russia"]
    assert s.get("authorityId") == [uid]


def test_rosneft_non_latin_alias(bundle: ParseResult) -> None:
    rosneft = _ids(bundle)["gb-fcdo-RUS3064"]
    assert "ПАО НК РОСНЕФТЬ" in rosneft.get("alias")
    assert "ROSNEFT" in rosneft.get("alias")


def test_bundle_matches_raw_tarball(bundle: ParseResult) -> None:
    with tarfile.open(TARBALL) as tar:
        names = [m.name for m in tar.getmembers()
                 if m.name.endswith(".yaml") and not m.name.endswith("_index.yaml")]
    assert len(names) == 6349
    assert sum(1 for e in bundle.entities if e.schema.name == "Sanction") == len(names)


def test_bundle_is_current_conversion(tmp_path: Path) -> None:
    """Rebuilding from the bundled tarball reproduces the bundled file byte for byte, so the
    bundle matches the current mapping code (rebuild it after changing the mapping)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "convert_ammitto", REPO_DIR / "scripts" / "convert_ammitto.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.convert("uk", TARBALL, tmp_path)
    bundled = LISTS_DIR / "gb_fcdo" / "gb_fcdo_2026-08-22.ftm.json"
    assert out.read_bytes() == bundled.read_bytes()


def test_alternative_nesting_of_non_latin_names_and_titles(tmp_path: Path) -> None:
    path = tmp_path / "UK_Sanctions_List.xml"
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n<Designations>"
        "<DateGenerated>01/02/2026</DateGenerated><Designation>"
        "<DateDesignated>06/04/2022</DateDesignated><UniqueID>RUS1126</UniqueID>"
        "<Names><Name><Name1>Leonid</Name1><Name6>MIKHELSON</Name6>"
        "<NameType>Primary Name</NameType></Name></Names>"
        "<NonLatinNames><NameNonLatinScript>Леонид Михельсон</NameNonLatinScript></NonLatinNames>"
        "<NonLatinNames><NameNonLatinScript>Михельсон Л.В.</NameNonLatinScript></NonLatinNames>"
        "<RegimeName>The Russia (Sanctions) (EU Exit) Regulations 2019</RegimeName>"
        "<IndividualEntityShip>Individual</IndividualEntityShip>"
        "<IndividualDetails><Individual><Title>Mr</Title><DOBs><DOB>08/08/1955</DOB></DOBs>"
        "</Individual></IndividualDetails></Designation></Designations>",
        encoding="utf-8",
    )
    result = uk_fcdo.parse(path)
    person = next(e for e in result.entities if e.id == "gb-fcdo-RUS1126")
    assert person.get("alias") == ["Леонид Михельсон", "Михельсон Л.В."]
    assert person.get("title") == ["Mr"]
    assert person.get("birthDate") == ["1955-08-08"]
    assert result.published == date(2026, 2, 1)
