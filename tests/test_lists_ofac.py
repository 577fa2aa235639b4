"""OFAC SDN / Consolidated CSV parsers and the post-2024 supplement, on the bundled files,
plus every bad-input case: each must raise a clear error and leave the store untouched."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
import yaml

from olivebranch.entities import describe_entity
from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists import get_source
from olivebranch.lists.importer import ImportReport, import_path
from olivebranch.lists.ofac import split_programs
from olivebranch.lists.ofac_sources import parse_cons, parse_sdn
from olivebranch.lists.supplement import parse as parse_supplement
from olivebranch.paths import LISTS_DIR
from olivebranch.store import Store

SDN_DIR = LISTS_DIR / "us_ofac_sdn"
CONS_DIR = LISTS_DIR / "us_ofac_cons"
SUPP_DIR = LISTS_DIR / "us_ofac_sdn_supplement"


def raw_rows(path: Path) -> list[list[str]]:
    """The file read independently of the parser: plain csv module, cp1252."""
    text = path.read_bytes().decode("cp1252").rstrip("\x1a\r\n")
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]


@pytest.fixture(scope="module")
def ofac_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, ImportReport]:
    """SDN, Consolidated and supplement imported once for this module (store, SDN report)."""
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('ofac') / 'ofac.sqlite'}")
    started = time.perf_counter()
    report = import_path(store, SDN_DIR, "us_ofac_sdn")
    seconds = time.perf_counter() - started
    print(f"\nOFAC SDN import: {report.version.entity_count} entities in {seconds:.1f} s")
    assert seconds < 60
    import_path(store, CONS_DIR, "us_ofac_cons")
    import_path(store, SUPP_DIR, "us_ofac_sdn_supplement")
    return store, report


@pytest.fixture(scope="module")
def ofac_store(ofac_import: tuple[Store, ImportReport]) -> Store:
    return ofac_import[0]


# ------------------------------------------------------------------------ acceptance
def test_sdn_counts_match_raw_file(ofac_store: Store) -> None:
    rows = raw_rows(SDN_DIR / "sdn.csv")
    types = Counter(r[2].strip() for r in rows)
    russia = sum("RUSSIA-EO14024" in split_programs(r[3]) for r in rows)
    # The figures PROVENANCE states, recomputed from the raw file rather than trusted.
    assert (len(rows), types["-0-"], types["individual"]) == (14965, 6884, 6854)
    assert (types["vessel"], types["aircraft"], russia) == (851, 376, 4439)

    (version,) = [v for v in ofac_store.active_versions() if v.source == "us_ofac_sdn"]
    schema = version.counts["schema"]
    assert schema["Person"] == types["individual"]
    assert schema["Vessel"] == types["vessel"]
    assert schema["Airplane"] == types["aircraft"]
    assert schema["Company"] + schema["Organization"] == types["-0-"]
    assert schema["Sanction"] == len(rows)
    assert version.counts["program"]["RUSSIA-EO14024"] == russia
    assert str(version.published) == "2024-05-03"


def test_arctic_lng_2_entity(ofac_store: Store) -> None:
    info = describe_entity(ofac_store, "ofac-46030")
    assert info["schema"] == "Company"
    props = info["properties"]
    assert "OOO ARKTIK SPG 2" in props["Alias"]
    assert "8904075357" in props["INN"]
    assert "1148904001278" in props["OGRN"]
    assert any("Novy Urengoi" in a["address"] and a["country"] == "ru" for a in info["addresses"])
    numbers = {i["number"] for i in info["identifiers"]}
    assert {"8904075357", "1148904001278"} <= numbers
    (d,) = info["designations"]
    assert (d["source"], d["program"], d["source_id"]) == ("us_ofac_sdn", "RUSSIA-EO14024", "46030")
    linked = {link["other"] for link in info["links"]}
    assert {"RED BOX ENERGY SERVICES PTE LTD", "CFU SHIPPING CO LIMITED"} <= linked


def test_entity_cli_on_46030(ofac_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from olivebranch.cli import app

    monkeypatch.setenv("OLIVEBRANCH_DB", ofac_store.url)
    result = CliRunner().invoke(app, ["entity", "46030", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["id"] == "ofac-46030" and info["links"] and info["addresses"]


def test_individual_names_and_facts(ofac_store: Store) -> None:
    p = ofac_store.get_entity("ofac-15892")  # PROKOPENKO, Ivan Pavlovitch
    assert p is not None and p.schema.name == "Person"
    assert p.get("name") == ["Ivan Pavlovitch PROKOPENKO"]
    assert (p.get("firstName"), p.get("lastName")) == (["Ivan Pavlovitch"], ["PROKOPENKO"])
    assert p.get("birthDate") == ["1973-09-28"]
    assert set(p.get("nationality")) == {"ru", "ua"}
    assert p.get("innCode") == ["773407989940"]
    passport = [e for e in ofac_store.referencing("ofac-13087") if e.schema.name == "Passport"]
    assert {e.first("number") for e in passport} >= {"645720381", "CA1804389"}


def test_vessel_columns_and_links(ofac_store: Store) -> None:
    v = ofac_store.get_entity("ofac-15036")  # ARTAVIL
    assert v is not None and v.schema.name == "Vessel"
    assert v.get("imoNumber") == ["IMO9187629"] and v.get("mmsi") == ["572469210"]
    assert v.get("callSign") == ["T2EU4"] and v.get("flag") == ["ir"]
    assert v.get("type") == ["Crude/Oil Products Tanker"]
    assert v.get("tonnage") == ["99144"] and v.get("grossRegisteredTonnage") == ["56068"]
    links = [e for e in ofac_store.referencing("ofac-15036") if e.schema.name == "UnknownLink"]
    (link,) = links
    target = ofac_store.get_entity(link.first("object"))
    assert target is not None and target.caption == "NATIONAL IRANIAN TANKER COMPANY"
    assert link.get("role") == ["Linked To"] and link.get("recordId") == ["15036"]


def test_schema_choice_and_programmes(ofac_store: Store) -> None:
    assert ofac_store.get_entity("ofac-46030").schema.name == "Company"  # type: ignore[union-attr]
    org = ofac_store.get_entity("ofac-12743")  # SYRIAN MILITARY INTELLIGENCE DIRECTORATE
    assert org is not None and org.schema.name == "Organization"
    assert org.get("incorporationDate") == ["1969"]
    programs = {d.program for d in ofac_store.designations("ofac-12057")}  # NAQDI: six programmes
    assert programs == {"SDGT", "NPWMD", "IRGC", "IFSR", "IRAN-HR", "IRAN-EO13876"}


def test_comments_continue_truncated_remarks(ofac_import: tuple[Store, ImportReport]) -> None:
    store, report = ofac_import
    lazarus = store.get_entity("ofac-27307")
    assert lazarus is not None and "RED DOT" in lazarus.get("weakAlias")  # in sdn_comments.csv
    assert any("other vintage" in w for w in report.warnings)
    assert "4894 entry numbers absent" in (report.version.note or "")
    cons = {e.id: e for e in parse_cons(CONS_DIR).entities}
    assert cons["ofac-17143"].get("innCode") == ["5504036333"]  # from cons_comments.csv
    assert cons["ofac-18669-cons"].get("listingDate") == ["2022-02-24"]  # directive listing date
    assert cons["ofac-30882-cons"].get("listingDate") == ["2021-06-03"]  # CMIC listing date
    sdn = {d.source: d.listing_date for d in ofac_import[0].designations("ofac-46030")}
    assert sdn == {"us_ofac_sdn": None}  # the SDN CSV states no listing dates


def test_consolidated_and_supplement_merge(ofac_store: Store) -> None:
    gpn = ofac_store.get_entity("ofac-17143")  # Gazprom Neft: SSI since 2014, SDN since 2025
    assert gpn is not None
    assert "GAZPROM NEFT PJSC" in gpn.get("alias")
    assert gpn.get("innCode") == ["5504036333"]
    by_source = {d.source: d for d in ofac_store.designations("ofac-17143")}
    assert set(by_source) == {"us_ofac_cons", "us_ofac_sdn_supplement"}
    published = {v.source: str(v.published) for v in ofac_store.active_versions()}
    assert published["us_ofac_cons"] == "2025-12-19"
    assert published["us_ofac_sdn_supplement"] == "2025-10-22"
    supp = by_source["us_ofac_sdn_supplement"]
    assert supp.listing_date == "2025-01-10"
    assert supp.authority == "US Treasury OFAC (olivebranch supplement)"
    assert {d.program for d in ofac_store.designations("ofac-17022")} >= {"RUSSIA-EO14024"}
    info = describe_entity(ofac_store, "ofac-17022")  # Rosneft
    assert any(d["source"] == "us_ofac_sdn_supplement" and d["listing_date"] == "2025-10-22"
               for d in info["designations"])
    assert "ROSNEFT" in info["properties"]["Alias"]


def test_supplement_entries_join_2026_files() -> None:
    """Every supplement number is on the 2026 SDN add.csv and absent from the 2024 sdn.csv."""
    data = yaml.safe_load((SUPP_DIR / "supplement.yaml").read_text())
    nums = [str(e["ent_num"]) for a in data["actions"] for e in a["entries"]]
    assert len(nums) == len(set(nums))
    in_2024 = {r[0] for r in raw_rows(SDN_DIR / "sdn.csv")}
    in_2026 = {r[0] for r in raw_rows(SDN_DIR / "add.csv")}
    assert not set(nums) & in_2024
    assert set(nums) <= in_2026
    assert {"17022", "17143", "17145", "17248"} <= set(nums)
    result = parse_supplement(SUPP_DIR)
    assert not result.warnings
    assert str(result.published) == "2025-10-22"  # newest listing date in the file
    sanctions = [e for e in result.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == len(nums)
    assert all(s.first("sourceUrl", quiet=True) for s in sanctions)


# ------------------------------------------------------------------------ bad input
def small_sdn(tmp_path: Path, lines: int = 40) -> Path:
    """A real excerpt: the first ``lines`` rows of the bundled sdn.csv, in a directory."""
    folder = tmp_path / "sdn"
    folder.mkdir()
    raw = (SDN_DIR / "sdn.csv").read_bytes().split(b"\r\n")[:lines]
    (folder / "sdn.csv").write_bytes(b"\r\n".join(raw) + b"\r\n\x1a")
    return folder


def test_small_excerpt_parses(tmp_path: Path) -> None:
    result = parse_sdn(small_sdn(tmp_path))
    assert sum(e.schema.name == "Sanction" for e in result.entities) == 40


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\r\n', "line 41", "expected 12 columns, found 4"),
        (b'36,"AEROCARIBBEAN AIRLINES,-0- ,"CUBA",-0- \r\n', "line 41", "malformed quoting"),
        (b'X1,"A",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n', "line 41", "not a number"),
    ],
)
def test_malformed_row(tmp_path: Path, content: bytes, where: str, reason: str) -> None:
    folder = small_sdn(tmp_path)
    path = folder / "sdn.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\x1a") + content)
    with pytest.raises(ParseError) as err:
        parse_sdn(folder)
    assert err.value.path.endswith("sdn.csv")
    assert err.value.where == where
    assert reason in err.value.reason


def test_truncated_file(tmp_path: Path) -> None:
    folder = tmp_path / "cut"
    folder.mkdir()
    data = (SDN_DIR / "sdn.csv").read_bytes()
    cut = data.index(b"BANCO NACIONAL DE CUBA") + 5  # mid-row, inside a quoted field
    (folder / "sdn.csv").write_bytes(data[:cut])
    with pytest.raises(ParseError, match="unterminated"):
        parse_sdn(folder)
    (folder / "sdn.csv").write_bytes(data[: data.index(b",-0- ,", cut) + 1])  # cut between fields
    with pytest.raises(ParseError, match="columns"):
        parse_sdn(folder)


def test_wrong_encodings(tmp_path: Path) -> None:
    folder = small_sdn(tmp_path)
    path = folder / "sdn.csv"
    text = path.read_bytes().decode("cp1252")
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(ParseError, match="UTF-16"):
        parse_sdn(folder)
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ParseError, match="binary"):
        parse_sdn(folder)


def test_latin1_fallback(tmp_path: Path) -> None:
    folder = small_sdn(tmp_path, lines=1)
    path = folder / "sdn.csv"
    # 0x81 is undefined in cp1252, so the file is read as latin-1 instead of failing.
    path.write_bytes(b'1,"CAF\xc9 \x81",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n')
    (entity,) = [e for e in parse_sdn(folder).entities if e.id == "ofac-1"]
    assert entity.first("name") == "CAF\u00c9"  # FtM drops the control character


def test_empty_and_huge(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(b"")
    with pytest.raises(ParseError, match="empty"):
        parse_sdn(folder)
    (folder / "sdn.csv").write_bytes(b"\x1a\r\n")
    with pytest.raises(ParseError, match="empty"):
        parse_sdn(folder)
    huge = b'1,"' + b"A" * 150_000 + b'",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    (folder / "sdn.csv").write_bytes(huge)
    with pytest.raises(ParseError, match="exceeds"):
        parse_sdn(folder)
    big = b'1,"' + b"A" * 110_000 + b'",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    (folder / "sdn.csv").write_bytes(big)  # under csv's own limit, over ours
    with pytest.raises(ParseError, match="exceeds"):
        parse_sdn(folder)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        ('36,"CAF\u00c9",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'.encode("utf-16"),
         "UTF-16"),
        (bytes(range(256)) * 8, "binary"),
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CU', "unterminated"),
    ],
)
def test_bad_files_through_importer(tmp_path: Path, store: Store, content: bytes, match: str) -> None:
    """Via the importer these are reported as what they are, not as another source's file."""
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=match) as err:
        import_path(store, path, "us_ofac_sdn")
    assert not isinstance(err.value, WrongSourceError)
    assert store.versions("us_ofac_sdn") == []


def test_wrong_source(tmp_path: Path, store: Store) -> None:
    xml = tmp_path / "consolidated.xml"
    xml.write_text('<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-02-27"/>')
    with pytest.raises(WrongSourceError, match="not a OFAC SDN"):
        import_path(store, xml, "us_ofac_sdn")
    from openpyxl import Workbook

    xlsx = tmp_path / "list.xlsx"
    wb = Workbook()
    wb.active.append(["Reference", "Name", "Type"])
    wb.save(xlsx)
    with pytest.raises(WrongSourceError):
        import_path(store, xlsx, "us_ofac_cons")
    with pytest.raises(WrongSourceError, match="us_ofac_cons"):
        import_path(store, CONS_DIR, "us_ofac_sdn")  # the consolidated set, mislabelled
    with pytest.raises(WrongSourceError, match="us_ofac_sdn"):
        import_path(store, SDN_DIR / "sdn.csv", "us_ofac_cons")
    with pytest.raises(WrongSourceError):
        import_path(store, SDN_DIR / "alt.csv", "us_ofac_sdn")  # an alias file alone
    header = tmp_path / "ofsi.csv"
    header.write_text("Last Updated,01/01/2026\nName 6,Name 1,Name 2\n")
    with pytest.raises(WrongSourceError):
        import_path(store, header, "us_ofac_sdn")
    assert get_source("us_ofac_sdn").sniff(SDN_DIR)
    assert get_source("us_ofac_cons").sniff(CONS_DIR / "cons_prim.csv")


def test_failed_import_keeps_active_version(tmp_path: Path, store: Store) -> None:
    good = small_sdn(tmp_path)
    first = import_path(store, good, "us_ofac_sdn").version
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    path = bad / "sdn.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\x1a") + b'99,"BROKEN\r\n')
    with pytest.raises(ParseError):
        import_path(store, bad, "us_ofac_sdn")
    (active,) = [v for v in store.active_versions() if v.source == "us_ofac_sdn"]
    assert active.id == first.id
    assert len(store.versions("us_ofac_sdn")) == 1
    assert store.get_entity("ofac-36") is not None


def test_bad_supplement(tmp_path: Path) -> None:
    folder = tmp_path / "supp"
    folder.mkdir()
    (folder / "supplement.yaml").write_text("actions: [ {listing_date: 2025-01-10\n")
    with pytest.raises(ParseError, match="invalid YAML"):
        parse_supplement(folder)
    (folder / "supplement.yaml").write_text(
        "actions:\n  - listing_date: '2025-01-10'\n    entries: [{ent_num: 1, name: X}]\n"
    )
    with pytest.raises(ParseError, match="citation"):
        parse_supplement(folder)
    (folder / "supplement.yaml").write_text(
        "actions:\n  - {listing_date: '2025-01-10', citation: 'https://x', "
        "entries: [{ent_num: abc, name: X}]}\n"
    )
    with pytest.raises(ParseError) as err:
        parse_supplement(folder)
    assert err.value.where == "actions[0].entries[0]"


# ------------------------------------------------------------------------ XML formats
def _by_id(result) -> dict:  # type: ignore[no-untyped-def]
    return {e.id: e for e in result.entities}


@pytest.mark.parametrize("name", ["sdn_sample.xml", "sdn_advanced_sample.xml"])
def test_xml_formats(fixtures: Path, name: str) -> None:
    result = parse_sdn(fixtures / "ofac" / name)
    e = _by_id(result)
    arctic = e["ofac-46030"]
    assert arctic.schema.name == "Company"
    assert arctic.get("alias") == ["OOO ARKTIK SPG 2"]
    assert (arctic.get("innCode"), arctic.get("ogrnCode")) == (["8904075357"], ["1148904001278"])
    assert arctic.get("country") == ["ru"] and arctic.get("addressEntity") == ["ofac-addr-68564"]
    assert e["ofac-46030-sdn"].get("program") == ["RUSSIA-EO14024"]
    link = e["ofac-link-48803-46030"]
    assert (link.get("subject"), link.get("object")) == (["ofac-48803"], ["ofac-46030"])
    person = e["ofac-15892"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["Ivan Pavlovitch PROKOPENKO"]
    assert person.get("lastName") == ["PROKOPENKO"]
    assert "1973-09-28" in person.get("birthDate")
    assert set(person.get("nationality")) == {"ru", "ua"} and person.get("gender") == ["male"]
    assert person.get("innCode") == ["773407989940"]
    vessel = e["ofac-15036"]
    assert vessel.schema.name == "Vessel"
    assert (vessel.get("imoNumber"), vessel.get("mmsi")) == (["IMO9187629"], ["572469210"])
    assert (vessel.get("callSign"), vessel.get("flag")) == (["T2EU4"], ["ir"])
    assert vessel.get("grossRegisteredTonnage") == ["56068"]
    assert "ABADAN" in vessel.get("previousName")
    assert e["ofac-link-15036-15117"].get("object") == ["ofac-15117"]


def test_classic_xml_publish_date(fixtures: Path) -> None:
    assert str(parse_sdn(fixtures / "ofac" / "sdn_sample.xml").published) == "2024-05-03"


def test_advanced_xml_specifics(fixtures: Path) -> None:
    result = parse_sdn(fixtures / "ofac" / "sdn_advanced_sample.xml")
    assert str(result.published) == "2026-06-02"  # DateOfIssue
    e = _by_id(result)
    assert e["ofac-46030-sdn"].get("listingDate") == ["2023-11-02"]  # EntryEvent date
    person = e["ofac-15892"]
    assert {"1960", "1961", "1962"} <= set(person.get("birthDate"))  # DatePeriod range
    assert "Иван Павлович ПРОКОПЕНКО" in person.get("alias")  # Cyrillic documented name
    (passport,) = [x for x in result.entities if x.schema.name == "Passport"]
    assert passport.get("startDate") == ["2010-03-01"] and passport.get("country") == ["ru"]
    assert e["ofac-48803"].get("weakAlias") == ["RED BOX ENERGY SERV SNG"]  # LowQuality alias
    assert e["ofac-link-15036-15117"].get("role") == ["Owned or Controlled By"]


def test_xml_import_and_sniffing(fixtures: Path, store: Store, tmp_path: Path) -> None:
    report = import_path(store, fixtures / "ofac" / "sdn_advanced_sample.xml", "us_ofac_sdn")
    assert str(report.version.published) == "2026-06-02"
    (d,) = store.designations("ofac-46030")
    assert (d.listing_date, d.program) == ("2023-11-02", "RUSSIA-EO14024")
    # Issue 11: the content decides, never the name: SDN entries named consolidated.xml are
    # still the SDN list.
    cons_named = tmp_path / "consolidated.xml"
    shutil.copy(fixtures / "ofac" / "sdn_sample.xml", cons_named)
    with pytest.raises(WrongSourceError, match="us_ofac_sdn"):
        import_path(store, cons_named, "us_ofac_cons")
    assert not get_source("us_ofac_cons").sniff(cons_named)
    assert get_source("us_ofac_sdn").sniff(cons_named)
    folder = tmp_path / "download"
    folder.mkdir()
    shutil.copy(fixtures / "ofac" / "sdn_advanced_sample.xml", folder / "SDN_ADVANCED.XML")
    assert get_source("us_ofac_sdn").sniff(folder)
    assert not get_source("us_ofac_cons").sniff(folder)
    assert len([e for e in parse_sdn(folder).entities if e.schema.name == "Sanction"]) == 5


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
         b"<sdnList><sdnEntry><uid>1</uid><lastName>&lol2;</lastName></sdnEntry></sdnList>",
         "entities"),
        (b'<?xml version="1.0"?><!DOCTYPE sdnList SYSTEM "http://example.com/x.dtd">'
         b"<sdnList/>", "external"),
        (b'<?xml version="1.0"?><sdnList><sdnEntry><uid>1</uid><lastName>CUT', "truncated"),
        (b"<sdnList><sdnEntry><lastName>NO UID</lastName></sdnEntry></sdnList>", "uid"),
        (b"<sdnList></sdnList>", "no entries"),
        (b"<sdnList><sdnEntry><uid>1</uid><lastName>" + b"A" * 120_000
         + b"</lastName></sdnEntry></sdnList>", "exceeds"),
    ],
)
def test_hostile_and_broken_xml(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "sdn.xml"
    path.write_bytes(content)
    with pytest.raises(ParseError, match=match):
        parse_sdn(path)
