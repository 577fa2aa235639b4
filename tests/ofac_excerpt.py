"""Small but complete OFAC CSV sets cut from the bundled files, for tests that import often.

An excerpt keeps the first ``entries`` rows of the primary file and, from each companion file,
the rows of those entries, with OFAC's CRLF line ends and 0x1A end byte: what OFAC would publish
if its list were that short."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from olivebranch.paths import LISTS_DIR

SDN_DIR = LISTS_DIR / "us_ofac_sdn"
CONS_DIR = LISTS_DIR / "us_ofac_cons"
SDN_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_FILES = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")


def raw_lines(path: Path) -> list[bytes]:
    """The records of an OFAC file as raw bytes (quoted line breaks kept inside a record)."""
    data = path.read_bytes().rstrip(b"\x1a")
    text = data.decode("latin-1")
    out: list[bytes] = []
    buf = io.StringIO(text, newline="")
    reader = csv.reader(buf)
    pos = 0
    for _row in reader:
        end = buf.tell()
        chunk = text[pos:end]
        pos = end
        if chunk.strip():
            out.append(chunk.encode("latin-1").rstrip(b"\r\n"))
    return out


def entry(line: bytes) -> bytes:
    return line.split(b",", 1)[0]


def write_set(folder: Path, kind: str = "sdn", entries: int = 300, *, skip: int = 0,
              names: tuple[str, ...] | None = None, end_byte: bool = True) -> Path:
    """Write an excerpt set into ``folder`` (created) and return it; a companion without rows
    for these entries is left out."""
    src = SDN_DIR if kind == "sdn" else CONS_DIR
    files = SDN_FILES if kind == "sdn" else CONS_FILES
    names = names or files
    folder.mkdir(parents=True, exist_ok=True)
    primary = raw_lines(src / files[0])[skip : skip + entries]
    keep = {entry(line) for line in primary}
    for source_name, target_name in zip(files, names, strict=True):
        lines = primary if source_name == files[0] else [
            line for line in raw_lines(src / source_name) if entry(line) in keep]
        if not lines:
            continue  # OFAC's comments file has no row for most excerpts: leave it out
        body = b"".join(line + b"\r\n" for line in lines)
        (folder / target_name).write_bytes(body + (b"\x1a" if end_byte else b""))
    return folder
