"""Issue 11, parser weak points: a huge one-line file is refused in bounded memory, and every
name field of every parser has a length limit (a 5 MB UN name was imported and matched
almost anything)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from olivebranch.errors import ParseError
from olivebranch.lists.importer import import_path
from olivebranch.store import Store

ONE_LINE_CASES = [
    ("us_ofac_sdn", "sdn.csv", b'36,"'),
    ("gb_ofsi", "conlist.csv", b"Last Updated,01/01/2026\r\nName 6,Name 1,Group ID,"),
    ("ownership_csv", "owners.csv", b"owner,owner_id,asset,asset_id,percent,as_of,source\r\nA,"),
    ("ftm", "entities.ftm.json", b'{"id": "x", "schema": "Person", "properties": {"name": ["'),
    ("un_sc", "un.xml", b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>"),
]
RUNNER = """
import sys
from pathlib import Path
from olivebranch.errors import OliveBranchError
from olivebranch.lists.importer import import_path
from olivebranch.store import Store
try:
    import_path(Store(sys.argv[3]), Path(sys.argv[1]), sys.argv[2])
    print("IMPORTED")
except OliveBranchError as exc:
    print("REFUSED", exc)
"""


def peak_mb(args: list[str]) -> tuple[int, str]:
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss // 1024, proc.stdout.read() if proc.stdout else ""


@pytest.mark.parametrize(("source", "name", "start"), ONE_LINE_CASES,
                         ids=[c[0] for c in ONE_LINE_CASES])
def test_one_line_file_is_refused_in_bounded_memory(tmp_path: Path, source: str, name: str,
                                                    start: bytes) -> None:
    """64 MB without a line break: before, the CSV readers held it several times over
    (1.4-1.6 GB for 200 MB); now a line is read up to its length limit, then refused."""
    path = tmp_path / name
    with open(path, "wb") as fh:
        fh.write(start)
        for _ in range(64):
            fh.write(b"A" * (1 << 20))
    base, _ = peak_mb(["import olivebranch.lists.importer, olivebranch.store"])
    peak, out = peak_mb([RUNNER, str(path), source, f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert out.startswith("REFUSED"), out
    assert str(path) in out and ("line" in out), out
    assert peak - base < 64, (peak, base, out)


def test_five_megabyte_un_name_is_refused(tmp_path: Path, store: Store) -> None:
    name = "B" * 5_000_000
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL>'
        f"<DATAID>6908001</DATAID><FIRST_NAME>{name}</FIRST_NAME>"
        "<UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER>"
        "</INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ParseError, match="characters exceeds the 1000-character limit") as err:
        import_path(store, path, "un_sc")
    assert err.value.where is not None and "un-6908001" in err.value.where
    assert len(str(err.value)) < 400
    assert store.versions() == []


@pytest.mark.parametrize("prop", ["name", "alias", "firstName", "lastName", "previousName"])
def test_name_limit_applies_to_every_parser(tmp_path: Path, store: Store, prop: str) -> None:
    """The limit sits in the importer, after any parser: FtM JSON as the example."""
    entity = {"id": "p1", "schema": "Person", "properties": {"name": ["Short Name"]}}
    entity["properties"][prop] = ["Z" * 1001]
    path = tmp_path / "e.ftm.json"
    path.write_text(json.dumps(entity) + "\n")
    with pytest.raises(ParseError, match=f"record p1, {prop}"):
        import_path(store, path, "ftm")
    entity["properties"][prop] = ["Z" * 1000]
    path.write_text(json.dumps(entity) + "\n")
    import_path(store, path, "ftm")


def test_long_ofac_alias_names_file_and_record(tmp_path: Path, store: Store) -> None:
    from ofac_excerpt import write_set

    folder = write_set(tmp_path / "set", entries=50)
    alt = folder / "alt.csv"
    alt.write_bytes(alt.read_bytes().replace(b'"AERO-CARIBBEAN"', b'"' + b"Q" * 5000 + b'"'))
    with pytest.raises(ParseError, match="record ofac-36, alias"):
        import_path(store, folder, "us_ofac_sdn")


def test_lone_surrogate_never_reaches_the_store(tmp_path: Path, store: Store) -> None:
    """A JSON escape can carry a lone surrogate; stored, such text broke every later reader
    (issue 11 item 3, for deals). FtM's cleaning drops it from list files; values a parser adds
    as already clean are checked by the importer, naming the record and the property."""
    from followthemoney import model

    from olivebranch.lists.base import check_values

    path = tmp_path / "e.ftm.json"
    path.write_text('{"id": "p1", "schema": "Person", "properties": {"name": ["Ros\\udc80neft"]}}\n')
    import_path(store, path, "ftm")
    assert store.get_entity("p1").get("name") == ["Rosneft"]  # type: ignore[union-attr]
    raw = model.get_proxy({"id": "p2", "schema": "Person",
                           "properties": {"alias": ["Ros\udc80neft"]}}, cleaned=True)
    with pytest.raises(ParseError, match="lone surrogate") as err:
        check_values(path, [raw])
    assert err.value.where == "record p2, alias"
