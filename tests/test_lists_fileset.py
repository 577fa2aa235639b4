"""The files of one import: uploads and zip archives are staged flat, with safe names and
limits, before the importer looks at their content."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from olivebranch.errors import ParseError
from olivebranch.lists.fileset import MAX_MEMBERS, is_archive, safe_name, stage, unpack


@pytest.mark.parametrize(
    ("name", "safe"),
    [("sdn.csv", "sdn.csv"), ("../../etc/passwd", "passwd"), ("C:\\x\\alt.csv", "alt.csv"),
     (".hidden", "hidden"), ("", "upload"), ("a b;rm -rf.csv", "a_b_rm_-rf.csv"),
     ("é" * 300, "upload")],
)
def test_safe_names(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_members_cannot_escape(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(_zip({"../../escape.csv": b"1,2", "/abs/x.csv": b"3,4",
                              "__MACOSX/._x.csv": b"junk"}))
    out = unpack(archive, tmp_path / "out")
    assert sorted(p.name for p in out) == ["escape.csv", "x.csv"]
    assert all(p.parent == tmp_path / "out" for p in out)
    assert not (tmp_path.parent / "escape.csv").exists()


def test_zip_links_and_duplicates_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    archive = tmp_path / "link.zip"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(ParseError, match="links"):
        unpack(archive, tmp_path / "o1")
    archive.write_bytes(_zip({"a/sdn.csv": b"1", "b/sdn.csv": b"2"}))
    with pytest.raises(ParseError, match="both called"):
        unpack(archive, tmp_path / "o2")


def test_zip_bomb_refused_by_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import olivebranch.lists.fileset as fileset

    monkeypatch.setattr(fileset, "MAX_UNPACKED_BYTES", 1_000_000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", b"0" * 5_000_000)  # 5 MB of zeros, a few KB compressed
    assert archive.stat().st_size < 50_000
    with pytest.raises(ParseError, match="unpacks to over"):
        unpack(archive, tmp_path / "out")


def test_xlsx_is_not_an_archive_of_files(tmp_path: Path) -> None:
    from olivebranch.paths import LISTS_DIR

    assert not is_archive(LISTS_DIR / "au_dfat" / "regulation8_consolidated.xlsx")
    archive = tmp_path / "set.zip"
    archive.write_bytes(_zip({"sdn.csv": b"1"}))
    assert is_archive(archive)


def test_stage_uploads(tmp_path: Path) -> None:
    single = stage([("../sdn.csv", io.BytesIO(b"1,2"))], tmp_path / "one")
    assert single == tmp_path / "one" / "sdn.csv"
    several = stage([("a.csv", io.BytesIO(b"1")), ("set.zip", io.BytesIO(_zip({"b.csv": b"2"})))],
                    tmp_path / "many")
    assert several == tmp_path / "many"
    assert sorted(p.name for p in several.iterdir()) == ["a.csv", "b.csv"]
    with pytest.raises(ParseError, match="at most"):
        stage([(f"f{i}.csv", io.BytesIO(b"1")) for i in range(MAX_MEMBERS + 1)], tmp_path / "x")
    with pytest.raises(ParseError, match="both called"):
        stage([("a.csv", io.BytesIO(b"1")), ("a.csv", io.BytesIO(b"2"))], tmp_path / "dup")
