"""Hostile and broken XML for every XML list parser: refused with file and line, never
expanded, never fetched; a failed import leaves the active version untouched."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists import get_source
from olivebranch.lists.importer import import_path
from olivebranch.lists.xmlsafe import parse_bytes, root_tag

XML_SOURCES = {
    "un_sc": b"<CONSOLIDATED_LIST dateGenerated='2026-01-01'><INDIVIDUALS>",
    "eu_fsf": b"<export xmlns='http://eu.europa.ec/fpi/fsd/export' generationDate='2026-01-01'>",
    "gb_fcdo": b"<Designations><DateGenerated>01/01/2026</DateGenerated>",
    "ca_sema": b"<data-set><record><Country>Russia / Russie</Country><Schedule>1</Schedule>",
}

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("source", sorted(XML_SOURCES))
def test_malformed_xml_names_file_and_line(tmp_path: Path, source: str) -> None:
    head = XML_SOURCES[source]
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + head + b"\n<broken attr=>\n"
    path = _write(tmp_path, f"{source}.xml", data)
    with pytest.raises(ParseError) as err:
        get_source(source).parse(path)
    assert str(path) in str(err.value)
    assert "line 3" in str(err.value)


@pytest.mark.parametrize("source", sorted(XML_SOURCES))
def test_truncated_xml(tmp_path: Path, source: str) -> None:
    data = b'<?xml version="1.0"?>\n' + XML_SOURCES[source] + b"\n<Name"
    path = _write(tmp_path, f"{source}.xml", data)
    with pytest.raises(ParseError, match="truncated|malformed"):
        get_source(source).parse(path)


@pytest.mark.parametrize("source", sorted(XML_SOURCES))
def test_billion_laughs_refused_without_expansion(tmp_path: Path, source: str) -> None:
    root = XML_SOURCES[source].split(b">")[0].split()[0][1:].decode()
    data = BOMB.replace(b"lolz", root.encode()) + XML_SOURCES[source] + b"&lol9;"
    path = _write(tmp_path, "bomb.xml", data)
    started = time.perf_counter()
    with pytest.raises(ParseError, match="entit") as err:
        get_source(source).parse(path)
    assert time.perf_counter() - started < 1.0
    assert "line 3" in str(err.value)


@pytest.mark.parametrize("source", sorted(XML_SOURCES))
@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"])
def test_external_entity_refused(tmp_path: Path, source: str, target: str) -> None:
    head = XML_SOURCES[source]
    root = head.split(b">")[0].split()[0][1:]
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE ' + root + b" [\n"
        b'<!ENTITY xxe SYSTEM "' + target.encode() + b'">\n]>\n' + head + b"&xxe;"
    )
    path = _write(tmp_path, "xxe.xml", data)
    with pytest.raises(ParseError, match="refused") as err:
        get_source(source).parse(path)
    assert "line 3" in str(err.value)


def test_external_dtd_refused(tmp_path: Path) -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE Designations SYSTEM "http://127.0.0.1:9/x.dtd">\n<Designations/>'
    path = _write(tmp_path, "dtd.xml", data)
    with pytest.raises(ParseError, match="external DTD"):
        get_source("gb_fcdo").parse(path)


def test_lxml_itself_never_expands_entities() -> None:
    """Even past the DTD check, the parser is configured not to substitute entities."""
    data = b'<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>'
    with pytest.raises(ParseError):
        parse_bytes(Path("x.xml"), data)


@pytest.mark.parametrize("source", sorted(XML_SOURCES))
def test_empty_file(tmp_path: Path, source: str) -> None:
    path = _write(tmp_path, "empty.xml", b"")
    with pytest.raises(ParseError, match="empty"):
        get_source(source).parse(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "blank.xml", b"   \n\n")
    with pytest.raises(ParseError, match="empty"):
        get_source("un_sc").parse(path)


def test_wrong_encoding(tmp_path: Path) -> None:
    # Latin-1 bytes in a file that declares UTF-8.
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS><INDIVIDUAL>'
        b"<DATAID>1</DATAID><FIRST_NAME>Jos\xe9</FIRST_NAME></INDIVIDUAL></INDIVIDUALS>"
        b"</CONSOLIDATED_LIST>"
    )
    path = _write(tmp_path, "latin1.xml", data)
    with pytest.raises(ParseError, match="encoding|UTF-8") as err:
        get_source("un_sc").parse(path)
    assert "line 3" in str(err.value)


def test_huge_field_refused(tmp_path: Path) -> None:
    big = b"A" * 200_000
    data = (
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>"
        b"<FIRST_NAME>X</FIRST_NAME><COMMENTS1>" + big + b"</COMMENTS1>"
        b"</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    path = _write(tmp_path, "huge.xml", data)
    with pytest.raises(ParseError, match="exceeds"):
        get_source("un_sc").parse(path)


def test_root_tag_sniffing(fixtures: Path, lists_dir: Path) -> None:
    assert root_tag(lists_dir / "un_sc" / "UN_consolidated.xml") == "CONSOLIDATED_LIST"
    assert root_tag(fixtures / "lists" / "sample_eu_fsf.xml") == "export"
    assert root_tag(fixtures / "lists" / "sample_uk_sanctions.xml") == "Designations"
    assert root_tag(lists_dir / "ca_sema" / "sema-lmes.xml") == "data-set"


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ("un_sc/UN_consolidated.xml", "eu_fsf"),
        ("un_sc/UN_consolidated.xml", "gb_fcdo"),
        ("ca_sema/sema-lmes.xml", "un_sc"),
        ("eu_fsf/eu_fsf_2026-05-01.ftm.json", "gb_fcdo"),
        ("gb_fcdo/gb_fcdo_2026-08-22.ftm.json", "eu_fsf"),
        ("au_dfat/regulation8_consolidated.xlsx", "gb_ofsi"),
        ("gb_ofsi/UK_Sanctions_List_2025-04-10.xlsx", "au_dfat"),
        ("gb_ofsi/UK_Sanctions_List_2025-04-10.xlsx", "ca_sema"),
    ],
)
def test_wrong_source_is_refused(store, lists_dir: Path, path: str, wrong: str) -> None:
    with pytest.raises(WrongSourceError, match="looks like"):
        import_path(store, lists_dir / path, wrong)
    assert store.versions() == []


def test_failed_import_keeps_active_version(store, lists_dir: Path, tmp_path: Path) -> None:
    good = import_path(store, lists_dir / "ca_sema" / "sema-lmes.xml", "ca_sema")
    assert good.version is not None
    broken = tmp_path / "sema-lmes.xml"
    data = (lists_dir / "ca_sema" / "sema-lmes.xml").read_bytes()
    broken.write_bytes(data[: len(data) // 2])  # truncated mid-file
    with pytest.raises(ParseError):
        import_path(store, broken, "ca_sema")
    active = [v for v in store.active_versions() if v.source == "ca_sema"]
    assert [v.id for v in active] == [good.version.id]
    assert store.count_entities(good.version.id)["Sanction"] == 1369


# ------------------------------------------------------------------ issue 11: decoy comment
DECOYS = [
    b"<!-- <!DOCTYPE x> -->\n",  # a DOCTYPE in a comment used to end the pre-check's search
    b"<!-- <!DOCTYPE x [ ]> -->\n",
    b"<?pi <!DOCTYPE x> ?>\n",
]


@pytest.mark.parametrize("decoy", DECOYS)
@pytest.mark.parametrize("source", sorted(XML_SOURCES))
def test_decoy_comment_does_not_hide_entities(tmp_path: Path, source: str, decoy: bytes) -> None:
    head = XML_SOURCES[source]
    root = head.split(b">")[0].split()[0][1:]
    data = (b'<?xml version="1.0"?>\n' + decoy + b"<!DOCTYPE " + root + b" [\n"
            b'<!ENTITY xxe "SECRET">\n]>\n' + head + b"X&xxe;Y")
    path = _write(tmp_path, "decoy.xml", data)
    with pytest.raises(ParseError, match="entities") as err:
        get_source(source).parse(path)
    assert "line 4" in str(err.value)


def test_decoy_entity_never_imported_as_truncated_name(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    """Issue 11: `X&xxe;Y` behind a decoy comment was imported as the name "X"."""
    data = (b'<?xml version="1.0"?>\n<!-- <!DOCTYPE x> -->\n<!DOCTYPE CONSOLIDATED_LIST [\n'
            b'<!ENTITY xxe "SECRET">\n]>\n<CONSOLIDATED_LIST dateGenerated="2026-01-01">'
            b"<INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>X&xxe;Y</FIRST_NAME>"
            b"<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER>"
            b"</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>")
    path = _write(tmp_path, "un.xml", data)
    with pytest.raises(ParseError, match="entities"):
        import_path(store, path, "un_sc")
    assert store.versions("un_sc") == []


def test_plain_doctype_is_harmless(tmp_path: Path) -> None:
    """A bare DOCTYPE (no entities, no external DTD) parses as before."""
    root = parse_bytes(Path("x.xml"), b'<?xml version="1.0"?>\n<!DOCTYPE a>\n<a><b>text</b></a>')
    assert root.findtext("b") == "text"


def test_entities_in_xlsx_parts_are_refused(tmp_path: Path) -> None:
    """An XLSX is XML inside a zip: its parts get the same treatment."""
    import zipfile

    from olivebranch.lists.fields import xlsx_rows
    from olivebranch.paths import LISTS_DIR

    src = LISTS_DIR / "au_dfat" / "regulation8_consolidated.xlsx"
    for part in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
        out = tmp_path / f"evil-{part.replace('/', '_')}.xlsx"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == part:
                    data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "SECRET">]>', 1)
                zout.writestr(info, data)
        with pytest.raises(ParseError, match="entit"):
            for _ in xlsx_rows(out):
                pass
