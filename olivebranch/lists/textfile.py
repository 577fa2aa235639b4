"""Reading line-based list files (CSV, JSON lines) as a stream, with bounded memory.

A file is read one physical line at a time and no line may exceed ``max_line`` bytes, so a
200 MB file without a line break costs ``max_line`` bytes of memory, not gigabytes. While it
reads, :class:`LineReader` records what the integrity checks need afterwards: whether the file
ended with a given end byte (OFAC's 0x1A), whether it contained bytes outside ASCII and
whether all of them form valid UTF-8 (a sign that a cp1252 file was re-encoded).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from olivebranch.errors import ParseError
from olivebranch.lists.base import MAX_FIELD_CHARS, check_size

#: Longest physical line accepted by default: four times the longest field, which leaves room
#: for a row of OFAC's 12 columns whose remarks reach the field limit.
MAX_LINE_BYTES = 4 * MAX_FIELD_CHARS + 4096


class LineReader:
    """Iterate ``(line number, raw bytes)`` over a file; see the module docstring."""

    def __init__(self, path: Path, *, max_line: int = MAX_LINE_BYTES, what: str = "list") -> None:
        self.path = Path(path)
        self.max_line = max_line
        self.what = what
        self.last_bytes = b""  # the final bytes of the file, once read to the end
        self.non_ascii = False  # any byte >= 0x80
        self.utf8_valid = True  # every byte so far decodes as UTF-8
        self.first_non_ascii_line: int | None = None
        self.lines = 0
        self._utf8 = codecs.getincrementaldecoder("utf-8")()

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        check_size(self.path)
        with open(self.path, "rb") as fh:
            yield from self._read(fh)

    def _read(self, fh: BinaryIO) -> Iterator[tuple[int, bytes]]:
        lineno = 0
        tail = b""
        while True:
            raw = fh.readline(self.max_line + 1)
            if not raw:
                break
            lineno += 1
            if len(raw) > self.max_line:
                raise ParseError(
                    self.path,
                    f"line {lineno}",
                    f"line longer than {self.max_line} bytes: not a {self.what} file, or damaged",
                )
            if not raw.isascii():
                if not self.non_ascii:
                    self.first_non_ascii_line = lineno
                self.non_ascii = True
                if self.utf8_valid:
                    try:
                        self._utf8.decode(raw)
                    except UnicodeDecodeError:
                        self.utf8_valid = False
            tail = (tail + raw)[-16:]
            yield lineno, raw
        self.lines = lineno
        if self.utf8_valid:
            try:
                self._utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8_valid = False
        self.last_bytes = tail

    @property
    def looks_utf8(self) -> bool:
        """True when the file has non-ASCII bytes and all of them are valid UTF-8: a file a
        single-byte publisher (cp1252) never writes by chance."""
        return self.non_ascii and self.utf8_valid

    def ends_with(self, marker: bytes) -> bool:
        return self.last_bytes.rstrip(b"\r\n \t").endswith(marker) or self.last_bytes.endswith(
            marker
        )


def head(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` bytes of a file (empty when unreadable)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def looks_binary(data: bytes) -> str | None:
    """A short description when ``data`` (a file's head) is not plain text, else ``None``."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16 text"
    if data[:4096].count(b"\x00") > 0:
        return "binary data"
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 26, 12))
    if sample and controls > len(sample) // 20:
        return "binary data"
    return None


#: File signatures of formats that are never a CSV or JSON-lines list file.
MAGIC = (
    (b"PK\x03\x04", "a zip archive or XLSX workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Office (XLS/DOC) file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def other_format(data: bytes) -> str | None:
    """What a file positively is when its head shows a known non-text format, else ``None``."""
    for magic, name in MAGIC:
        if data.startswith(magic):
            return name
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "an XML or HTML document"
    if stripped.startswith((b"{", b"[")):
        return "JSON"
    return None
