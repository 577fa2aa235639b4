"""Which OFAC file is which, told by content and never by file name.

OFAC publishes two lists in the same formats: the SDN list (``sdn.csv`` …) and the Consolidated
non-SDN list (``cons_prim.csv`` …). A renamed or mislabelled file must not replace the SDN list
with the 450 entries of the Consolidated one, so:

* the role of a CSV file (primary, addresses, aliases, comments) comes from its shape (12, 6, 5
  or 2 columns, numeric entry number first);
* the list of a primary file comes from its entries: the Consolidated list's entries carry
  non-SDN programmes (NS-PLC, CMIC, FSE, 561 …) or directive listings ("Subject to Directive",
  "Listing Date (EO 14024 Directive …)"); on the SDN list under 1% of entries do. The advanced
  XML names its list on every entry (``SDN List`` or a non-SDN list);
* each companion file is cross-checked against its primary: most of its entry numbers must be
  entries of that primary, otherwise it belongs to the other list (or to another date).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from olivebranch.errors import ParseError, WrongSourceError
from olivebranch.lists.base import MAX_FIELD_CHARS, check_size, is_number
from olivebranch.lists.textfile import LineReader, head, looks_binary, other_format

KINDS = ("sdn", "cons")
TITLES = {"sdn": "OFAC SDN list", "cons": "OFAC Consolidated (non-SDN) list"}
SOURCE_OF = {"sdn": "us_ofac_sdn", "cons": "us_ofac_cons"}
ROLE_BY_COLUMNS = {12: "primary", 6: "add", 5: "alt", 2: "comments"}
ROLE_TITLES = {"add": "address file", "alt": "alias file", "comments": "remarks-continuation file"}
#: The conventional names, used only to find companions next to a single given file.
CONVENTIONAL_NAMES = (
    "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv",
    "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv",
)
MAX_DIR_FILES = 64
PRIMARY_COLUMNS = 12
#: Share of a companion's entry numbers (up to the primary's highest) that must be entries of
#: its primary file; see :func:`coverage` for the figures.
MIN_COVERAGE = 0.5
MIN_SAMPLE = 20  # fewer entry numbers than this in the primary's range cannot tell
#: Share of entries with non-SDN markers from which a primary file is the Consolidated list
#: (0.995 for the bundled cons_prim.csv), and up to which it is the SDN list (0.005 for sdn.csv).
CONS_FROM, SDN_UPTO = 0.5, 0.2
MIN_ENTRIES = 10  # below this, only a unanimous file is classified

NON_SDN_PROGRAMS = {"NS-PLC", "CMIC-EO13959", "NS-CMIC-EO13959", "561-RELATED", "NS-ISA",
                    "NS-MBS", "MBS", "SSI", "PLC"}
NON_SDN_REMARK = re.compile(
    r"Subject to Directive|Listing Date \((?:EO 14024 Directive|CMIC)|Effective Date \(CMIC",
    re.IGNORECASE,
)


# ------------------------------------------------------------------------ classification
def is_non_sdn(programs: Iterable[str], remarks: str | None, lists: Iterable[str] = ()) -> bool:
    """Does this entry carry a mark of the Consolidated (non-SDN) list?"""
    names = [n.strip().lower() for n in lists if n]
    if names:
        return not any(n == "sdn list" or n == "sdn" for n in names)
    for p in programs:
        up = p.strip().upper()
        if up in NON_SDN_PROGRAMS or up.startswith(("FSE-", "NS-")):
            return True
    return bool(remarks and NON_SDN_REMARK.search(remarks))


def classify(marks: Iterable[bool]) -> str | None:
    """``"cons"``, ``"sdn"`` or ``None`` (cannot tell) from per-entry non-SDN marks."""
    total = hits = 0
    for mark in marks:
        total += 1
        hits += bool(mark)
    if total == 0:
        return None
    share = hits / total
    if total < MIN_ENTRIES:
        return "cons" if hits == total else "sdn" if hits == 0 else None
    if share >= CONS_FROM:
        return "cons"
    if share <= SDN_UPTO:
        return "sdn"
    return None


# ---------------------------------------------------------------------------- CSV shape
def decode_line(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


HEAD_BYTES = 65536


def first_record(path: Path) -> list[str] | None:
    """The first non-empty CSV record of a file, read from its head only (``None`` when the
    head holds no whole record)."""
    data = head(path, HEAD_BYTES)
    if not data.strip() or looks_binary(data):
        return None
    lines = decode_line(data).lstrip("\ufeff").splitlines(keepends=True)
    cut = len(data) == HEAD_BYTES  # the file goes on past the head
    reader = csv.reader(lines, strict=True)
    try:
        for row in reader:
            if cut and reader.line_num >= len(lines):
                return None  # the record may go on past the head
            if row and any(c.strip() for c in row):
                return row
    except csv.Error:
        return None
    return None


def csv_role(path: Path) -> str | None:
    """``primary``, ``add``, ``alt`` or ``comments`` from the file's shape, else ``None``."""
    if not path.is_file():
        return None
    rec = first_record(path)
    if rec is None or not is_number(rec[0].strip()):
        return None
    return ROLE_BY_COLUMNS.get(len(rec))


def _csv_records(path: Path, want: tuple[int, ...]) -> Iterator[list[str]]:
    """Records of a CSV file, leniently (for classification; the parser is strict)."""
    reader = LineReader(path, what="OFAC CSV")

    def lines() -> Iterator[str]:
        for _n, raw in reader:
            yield decode_line(raw).rstrip("\x1a")

    try:
        for row in csv.reader(lines()):
            if len(row) in want and is_number(row[0].strip()):
                yield row
    except (csv.Error, ParseError):
        return


def entry_numbers(path: Path) -> set[str]:
    return {r[0].strip() for r in _csv_records(path, (2, 5, 6, 12))}


def primary_kind(path: Path) -> str | None:
    """The list a primary CSV file belongs to, from its entries."""
    return classify(
        is_non_sdn(_programs(r[3]), r[11]) for r in _csv_records(path, (PRIMARY_COLUMNS,))
    )


def _programs(value: str) -> list[str]:
    return [p.strip(" []") for p in value.split("] [") if p.strip(" []")]


# ------------------------------------------------------------------------------- XML
_XML_LIST = re.compile(rb'<(?:\w+:)?List\s+ID="(\d+)"[^>]*>([^<]*)<')
_XML_LIST_ID = re.compile(rb'\bListID="(\d+)"')
_XML_ENTRY = re.compile(rb"<(?:\w+:)?sdnEntry\b")
_XML_PROGRAM = re.compile(rb"<(?:\w+:)?program>([^<]*)<")
_XML_REMARKS = re.compile(rb"<(?:\w+:)?remarks>([^<]*)<")
XML_HEAD = 4 * 1024 * 1024


def xml_root(path: Path) -> str | None:
    from olivebranch.lists.xmlsafe import root_tag

    data = head(path, 512).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not data.startswith(b"<"):
        return None
    tag = root_tag(path)
    return tag if tag in ("sdnList", "Sanctions") else None


def xml_kind(path: Path) -> str | None:
    """The list of an OFAC XML file, from the entries in its first 4 MB (sniffing only; the
    parser classifies every entry)."""
    data = head(path, XML_HEAD)
    if xml_root(path) == "Sanctions":
        names = {m.group(1): m.group(2).decode("utf-8", "replace") for m in _XML_LIST.finditer(data)}
        return classify(
            is_non_sdn((), None, [names.get(m.group(1), "?")]) for m in _XML_LIST_ID.finditer(data)
        )
    chunks = _XML_ENTRY.split(data)[1:]
    if len(chunks) > 1:
        chunks = chunks[:-1]  # the last one may be cut by the head
    return classify(
        is_non_sdn(
            [p.decode("utf-8", "replace") for p in _XML_PROGRAM.findall(c)],
            " ".join(r.decode("utf-8", "replace") for r in _XML_REMARKS.findall(c)),
        )
        for c in chunks
    )


# --------------------------------------------------------------------------- file sets
@dataclass(frozen=True)
class CsvSet:
    """The files of one OFAC CSV set (those other than the primary file may be absent)."""

    kind: str
    primary: Path
    add: Path | None
    alt: Path | None
    comments: Path | None


def _dir_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if len(files) > MAX_DIR_FILES:
        raise ParseError(folder, None, f"directory holds {len(files)} files; give the list's "
                                       f"own files only (at most {MAX_DIR_FILES})")
    return files


def candidates(path: Path) -> list[Path]:
    """Files to consider: every file of a directory, or a file and its conventionally named
    siblings (the names only find them; their content decides what they are)."""
    if path.is_dir():
        return _dir_files(path)
    out = [path]
    try:
        siblings = {p.name.lower(): p for p in path.parent.iterdir() if p.is_file()}
    except OSError:
        siblings = {}
    for name in CONVENTIONAL_NAMES:
        p = siblings.get(name)
        if p is not None and p.resolve() != path.resolve():
            out.append(p)
    return out


def detect(path: Path) -> set[str]:
    """The OFAC lists ``path`` (a file or a directory) holds a primary file or XML of."""
    found: set[str] = set()
    files = _dir_files(path) if path.is_dir() else [path]
    for f in files:
        if xml_root(f):
            kind = xml_kind(f)
        elif csv_role(f) == "primary":
            kind = primary_kind(f)
        else:
            continue
        found.update([kind] if kind else KINDS)
    return found


def xml_file(path: Path, kind: str) -> Path | None:
    """The OFAC XML file of ``kind`` in a directory (advanced model preferred)."""
    if not path.is_dir():
        return path if xml_root(path) else None
    found = [f for f in _dir_files(path) if xml_root(f) and xml_kind(f) in (kind, None)]
    found.sort(key=lambda f: (xml_root(f) != "Sanctions", f.name))
    return found[0] if found else None


def locate(path: Path, kind: str) -> CsvSet:
    """Find the primary file of ``kind`` and its companions by content, cross-checked."""
    files = candidates(path)
    roles: dict[str, list[Path]] = {"primary": [], "add": [], "alt": [], "comments": []}
    for f in files:
        role = csv_role(f)
        if role:
            roles[role].append(f)
    if not path.is_dir() and path not in roles["primary"]:
        raise _not_primary(path)
    primaries = [path] if not path.is_dir() else roles["primary"]
    if not primaries:
        unknown = [f for f in files if not xml_root(f)]
        if len(unknown) == 1:
            read_table(unknown[0], PRIMARY_COLUMNS)  # raises why this file is not one
        raise ParseError(path, None, "no OFAC primary CSV file (12 columns, entry number "
                                     "first) in this directory")
    kinds = {p: primary_kind(p) for p in primaries}
    mine = [p for p in primaries if kinds[p] == kind]
    if not mine:
        mine = [p for p in primaries if kinds[p] is None]
    if not mine:
        other = next(iter(kinds.values()))
        assert other is not None
        raise WrongSourceError(
            primaries[0], None,
            f"this is the {TITLES[other]}, not the {TITLES[kind]} (told by its entries' "
            f"programmes and remarks, not by the file name); it looks like {SOURCE_OF[other]}",
        )
    if len(mine) > 1:
        names = ", ".join(p.name for p in mine)
        raise ParseError(path, None, f"several primary files of the {TITLES[kind]}: {names}")
    primary = mine[0]
    entries = entry_numbers(primary)
    others: set[str] = set()
    for p in roles["primary"]:
        if p != primary:
            others |= entry_numbers(p)
    chosen: dict[str, Path | None] = {}
    for role in ("add", "alt", "comments"):
        found = {f: entry_numbers(f) for f in roles[role]}
        chosen[role] = _companion(primary, entries, others, role, found)
    return CsvSet(kind, primary, chosen["add"], chosen["alt"], chosen["comments"])


def _not_primary(path: Path) -> ParseError:
    role = csv_role(path)
    if role in ROLE_TITLES:
        return WrongSourceError(path, None, f"this is an OFAC {ROLE_TITLES[role]}, not a "
                                            f"list's primary file (give the primary file or the "
                                            f"directory of the whole set)")
    read_table(path, PRIMARY_COLUMNS)  # raises the reason this file is not one
    return ParseError(path, None, "not an OFAC primary CSV file")


def coverage(entries: set[str], nums: set[str]) -> tuple[float, int]:
    """Share of a companion's entry numbers ``nums`` that are entries of the primary, among
    those up to the primary's highest entry number.

    OFAC numbers entries in the order of designation and sorts its files by number, so a
    companion of a newer date adds higher numbers, and a primary cut short loses its highest
    ones; neither lowers this share (0.99 for the bundled mixed-vintage SDN set, also with its
    sdn.csv cut to a tenth). The other list's companion interleaves with the primary's range
    and scores 0.14-0.17 next to sdn.csv, 0.02 next to cons_prim.csv."""
    if not entries or not nums:
        return 0.0, 0
    top = max(int(e) for e in entries)
    in_range = [n for n in nums if int(n) <= top]
    if not in_range:
        return 0.0, 0
    return sum(1 for n in in_range if n in entries) / len(in_range), len(in_range)


def _companion(
    primary: Path, entries: set[str], others: set[str], role: str, files: dict[Path, set[str]]
) -> Path | None:
    """The companion of ``role`` that belongs to ``primary``. Files that the other primary
    file present (the other list's set in the same directory) explains better are left out."""
    scored = []
    for f, nums in files.items():
        share, sample = coverage(entries, nums)
        if others and coverage(others, nums)[0] > share:
            continue
        scored.append(((share, sample, len(nums)), f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0][0])
    (share, sample, count), best = scored[0]
    if share >= MIN_COVERAGE or sample < MIN_SAMPLE:
        return best  # too few numbers in range to tell (a short comments file): kept
    raise ParseError(
        best, None,
        f"this {ROLE_TITLES[role]} does not belong to {primary.name}: of its {count} entry "
        f"numbers, only {share:.0%} of those up to {primary.name}'s highest are entries of "
        f"{primary.name} (at least {MIN_COVERAGE:.0%} expected); it is from the other OFAC list",
    )


# ------------------------------------------------------------------------------ reading
END_MARKER = b"\x1a"  # OFAC ends every CSV file with this byte (DOS end-of-file)


@dataclass
class CsvTable:
    """The rows of one OFAC CSV file and what its integrity checks found."""

    path: Path
    rows: list[tuple[int, list[str | None]]]
    has_end_marker: bool


def read_table(path: Path, columns: int, *, raw: bool = False) -> CsvTable:
    """All rows of one headerless OFAC CSV as (line number, cleaned values), read as a stream.

    Raises ``ParseError`` naming the file and line for binary or UTF-16 content, a NUL byte, an
    over-long line or field, an unterminated quote, a wrong number of columns, a non-numeric
    entry number, and for a UTF-8 file (OFAC writes cp1252: a UTF-8 file was converted by
    someone, and reading it as cp1252 would garble every accented name).
    """
    check_size(path)
    start = head(path, 4096)
    other = other_format(start)
    if other:
        raise WrongSourceError(path, None, f"not an OFAC CSV file: it is {other}")
    kind = looks_binary(start)
    if kind:
        raise ParseError(path, None, f"not an OFAC CSV file: it is {kind} (expected cp1252 text)")
    reader = LineReader(path, what="OFAC CSV")

    def lines() -> Iterator[str]:
        for lineno, data in reader:
            if b"\x00" in data:
                raise ParseError(path, f"line {lineno}", "NUL byte: the file is binary or corrupted")
            text = decode_line(data)
            if "\x1a" in text:
                text = text.replace("\x1a", "")
            yield text

    csv_reader = csv.reader(lines(), strict=True)
    rows: list[tuple[int, list[str | None]]] = []
    start = 1
    try:
        for row in csv_reader:
            line = start
            start = csv_reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if not rows and not is_number(row[0].strip()):
                raise WrongSourceError(
                    path, f"line {line}", "not an OFAC CSV file: its first row does not start "
                    f"with an entry number ({row[0][:40]!r}; OFAC's files have no header row)"
                )
            if len(row) != columns:
                raise ParseError(
                    path, f"line {line}", f"expected {columns} columns, found {len(row)}"
                )
            for value in row:
                if len(value) > MAX_FIELD_CHARS:
                    raise ParseError(
                        path,
                        f"line {line}",
                        f"field of {len(value)} characters exceeds {MAX_FIELD_CHARS}",
                    )
            if not is_number(row[0].strip()):
                raise ParseError(
                    path, f"line {line}", f"entry number {row[0][:40]!r} is not a number"
                )
            rows.append((line, list(row) if raw else [clean(v) for v in row]))
    except csv.Error as exc:
        reason = str(exc)
        if "field larger than field limit" in reason:
            reason = f"field exceeds {MAX_FIELD_CHARS} characters"
        elif "unexpected end of data" in reason or "EOF" in reason:
            reason = "unterminated quoted field (file truncated or malformed)"
        else:
            reason = f"malformed quoting ({reason})"
        raise ParseError(path, f"line {start}", reason) from exc
    if not rows:
        raise ParseError(path, None, "file is empty")
    if reader.looks_utf8:
        raise ParseError(
            path,
            f"line {reader.first_non_ascii_line}",
            "the file is UTF-8 text, but OFAC publishes its CSV files in Windows-1252 (cp1252): "
            "it was converted after download, and its accented names would be garbled; import "
            "the file as OFAC published it",
        )
    return CsvTable(path, rows, reader.ends_with(END_MARKER))


def clean(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-0-") else value
