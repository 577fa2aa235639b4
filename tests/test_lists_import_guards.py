"""Issue 11, items 5 and 6: the importer tells OFAC's lists apart by content and refuses damaged
or shrunken files unless told the shrink is real; the active version survives every refusal."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from ofac_excerpt import SDN_DIR, write_set
from typer.testing import CliRunner

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists import get_source, registry
from olivebranch.lists.importer import import_path
from olivebranch.store import Store


def active(store: Store, source: str = "us_ofac_sdn"):  # type: ignore[no-untyped-def]
    return next((v for v in store.active_versions() if v.source == source), None)


# ------------------------------------------------------------------ item 5: which file is which
def test_cons_prim_renamed_sdn_is_refused_as_sdn(tmp_path: Path, store: Store) -> None:
    """cons_prim.csv uploaded as the SDN list (under any name) is the Consolidated list."""
    first = import_path(store, write_set(tmp_path / "sdn"), "us_ofac_sdn").version
    for name in ("cons_prim.csv", "sdn.csv", "upload.csv"):
        folder = tmp_path / f"cons-{name}"
        folder.mkdir()
        shutil.copy(write_set(tmp_path / "cons", "cons", 442) / "cons_prim.csv", folder / name)
        with pytest.raises(WrongSourceError, match="us_ofac_cons"):
            import_path(store, folder / name, "us_ofac_sdn")
    assert active(store).id == first.id
    assert len(store.versions("us_ofac_sdn")) == 1


def test_full_cons_set_named_as_sdn_set(tmp_path: Path, store: Store) -> None:
    """The whole Consolidated set under the SDN file names is still refused as SDN, and is
    imported as what it is."""
    folder = write_set(tmp_path / "swapped", "cons", 442,
                       names=("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"))
    assert not get_source("us_ofac_sdn").sniff(folder)
    assert get_source("us_ofac_cons").sniff(folder)
    with pytest.raises(WrongSourceError, match="us_ofac_cons"):
        import_path(store, folder, "us_ofac_sdn")
    report = import_path(store, folder, "us_ofac_cons")
    assert report.version.counts["schema"]["Sanction"] == 442


def test_companions_are_cross_checked(tmp_path: Path, store: Store) -> None:
    """An alias file of the other list next to sdn.csv is refused, not silently joined."""
    folder = write_set(tmp_path / "mixed", entries=300, skip=6000)  # numbers 25473 and up
    cons = write_set(tmp_path / "cons", "cons", 442)
    shutil.copy(cons / "cons_alt.csv", folder / "alt.csv")
    with pytest.raises(ParseError, match="does not belong to sdn.csv") as err:
        import_path(store, folder, "us_ofac_sdn")
    assert err.value.path.endswith("alt.csv")
    assert store.versions("us_ofac_sdn") == []


def test_both_sets_in_one_folder(tmp_path: Path, store: Store) -> None:
    """A download folder holding both lists: each import takes its own primary and companions."""
    folder = write_set(tmp_path / "both", "sdn", 300)
    write_set(folder, "cons", 442)
    sdn = import_path(store, folder, "us_ofac_sdn").version
    cons = import_path(store, folder, "us_ofac_cons").version
    assert sdn.counts["schema"]["Sanction"] == 300
    assert cons.counts["schema"]["Sanction"] == 442
    person = store.get_entity("ofac-36")  # AEROCARIBBEAN AIRLINES: alias from alt.csv
    assert person is not None and "AERO-CARIBBEAN" in person.get("alias")


def test_lone_primary_warns_that_aliases_are_missing(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "lone"
    folder.mkdir()
    shutil.copy(write_set(tmp_path / "set") / "sdn.csv", folder / "sdn.csv")
    report = import_path(store, folder / "sdn.csv", "us_ofac_sdn")
    assert any("without aliases" in w for w in report.warnings)
    assert any("without addresses" in w for w in report.warnings)


def test_zip_of_the_set(tmp_path: Path, store: Store) -> None:
    folder = write_set(tmp_path / "set")
    archive = tmp_path / "ofac-download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"some/dir/{f.name.upper()}")  # names and folders do not matter
    report = import_path(store, archive, "us_ofac_sdn")
    assert report.version.counts["schema"]["Sanction"] == 300
    assert "AERO-CARIBBEAN" in store.get_entity("ofac-36").get("alias")  # type: ignore[union-attr]


def test_empty_and_binary_files_are_nobody_s(tmp_path: Path, store: Store) -> None:
    """Issue 11: an empty or binary file got "it looks like us_ofac_sdn"."""
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    binary = tmp_path / "random.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\r\n \r\n")
    for path in (empty, binary, blank):
        for spec in registry().values():
            assert not spec.sniff(path), (spec.name, path.name)
        for source in ("un_sc", "us_ofac_sdn", "gb_ofsi"):
            with pytest.raises(ParseError) as err:
                import_path(store, path, source)
            assert "looks like" not in str(err.value), str(err.value)


# ------------------------------------------------------------------ item 6: damaged and shrunken
def test_sdn_cut_at_a_line_boundary_is_refused(tmp_path: Path, store: Store) -> None:
    first = import_path(store, write_set(tmp_path / "full"), "us_ofac_sdn").version
    cut = write_set(tmp_path / "cut")
    data = (cut / "sdn.csv").read_bytes()
    lines = data.split(b"\r\n")
    (cut / "sdn.csv").write_bytes(b"\r\n".join(lines[:290]) + b"\r\n")  # 10 entries lost
    with pytest.raises(ParseError, match="0x1A") as err:
        import_path(store, cut, "us_ofac_sdn")
    assert "--accept-shrink" in str(err.value)
    assert type(err.value).__name__ == "ImportRefusedError"
    assert active(store).id == first.id and len(store.versions("us_ofac_sdn")) == 1
    report = import_path(store, cut, "us_ofac_sdn", accept_shrink=True)
    assert report.version.active and report.version.counts["schema"]["Sanction"] == 290
    assert any("0x1A" in w for w in report.warnings)


def test_cut_companion_is_refused(tmp_path: Path, store: Store) -> None:
    cut = write_set(tmp_path / "cut")
    (cut / "alt.csv").write_bytes((cut / "alt.csv").read_bytes()[:-1])  # drop the 0x1A only
    with pytest.raises(ParseError, match="alt.csv does not end"):
        import_path(store, cut, "us_ofac_sdn")


def test_shrink_of_more_than_ten_percent_is_refused(tmp_path: Path, store: Store) -> None:
    first = import_path(store, write_set(tmp_path / "full", entries=300), "us_ofac_sdn").version
    ok = import_path(store, write_set(tmp_path / "ninety-five", entries=285), "us_ofac_sdn")
    assert ok.version.active  # 5% fewer: a normal delisting week
    small = write_set(tmp_path / "half", entries=150)
    with pytest.raises(ParseError, match=r"150 designations against 285") as err:
        import_path(store, small, "us_ofac_sdn")
    assert "47.4% fewer" in str(err.value)
    assert active(store).id == ok.version.id
    assert first.id in {v.id for v in store.versions("us_ofac_sdn")}
    with pytest.raises(ParseError):
        import_path(store, small, "us_ofac_sdn", max_shrink=0.4)
    report = import_path(store, small, "us_ofac_sdn", max_shrink=0.5)
    assert report.version.active


def test_accept_shrink_from_the_cli(tmp_path: Path, store: Store,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from olivebranch.cli import app

    monkeypatch.setenv("OLIVEBRANCH_DB", store.url)
    runner = CliRunner()
    full, small = write_set(tmp_path / "full"), write_set(tmp_path / "small", entries=100)
    assert runner.invoke(app, ["lists", "import", str(full), "-s", "us_ofac_sdn"]).exit_code == 0
    refused = runner.invoke(app, ["lists", "import", str(small), "-s", "us_ofac_sdn"])
    assert refused.exit_code != 0
    assert type(refused.exception).__name__ == "ImportRefusedError"
    assert active(store).counts["schema"]["Sanction"] == 300
    accepted = runner.invoke(app, ["lists", "import", str(small), "-s", "us_ofac_sdn",
                                   "--accept-shrink"])
    assert accepted.exit_code == 0, accepted.output
    assert "accepted although" in accepted.output
    assert active(store).counts["schema"]["Sanction"] == 100


def test_utf8_sdn_is_refused_not_garbled(tmp_path: Path, store: Store) -> None:
    """Issue 11: a UTF-8 sdn.csv imported with mojibake names (CAFÃ‰)."""
    folder = write_set(tmp_path / "utf8")
    text = (folder / "sdn.csv").read_bytes().decode("cp1252")
    text = text.replace("AEROCARIBBEAN AIRLINES", "AÉROCARIBBEAN AIRLINES")
    (folder / "sdn.csv").write_bytes(text.encode("utf-8"))
    with pytest.raises(ParseError, match="UTF-8") as err:
        import_path(store, folder, "us_ofac_sdn")
    assert err.value.where == "line 1" and err.value.path.endswith("sdn.csv")
    assert store.versions("us_ofac_sdn") == []
    (folder / "sdn.csv").write_bytes(text.encode("cp1252"))  # as OFAC writes it
    import_path(store, folder, "us_ofac_sdn")
    assert store.get_entity("ofac-36").get("name") == ["AÉROCARIBBEAN AIRLINES"]  # type: ignore[union-attr]


def test_bundled_sdn_has_its_end_bytes() -> None:
    """The guard's premise: OFAC's files end with 0x1A (all bundled ones do)."""
    for f in SDN_DIR.iterdir():
        assert f.read_bytes().endswith(b"\r\n\x1a"), f.name


def test_cut_sdn_with_full_companions_is_reported_as_cut(tmp_path: Path, store: Store) -> None:
    """The issue's case: OFAC's own add.csv/alt.csv next to an sdn.csv cut at a line boundary.
    The companions still belong to it (the cut only loses the highest entry numbers); the file
    is refused because it was cut, and says so."""
    folder = tmp_path / "cut"
    folder.mkdir()
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copy(SDN_DIR / name, folder / name)
    data = (SDN_DIR / "sdn.csv").read_bytes()
    cut = data[: data.index(b"\r\n", len(data) // 5) + 2]
    (folder / "sdn.csv").write_bytes(cut)
    with pytest.raises(ParseError, match="sdn.csv does not end with OFAC's end-of-file byte"):
        import_path(store, folder, "us_ofac_sdn")
    assert store.versions("us_ofac_sdn") == []
