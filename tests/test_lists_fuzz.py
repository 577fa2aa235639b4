"""Property-based fuzzing of every list parser through the importer (issue 11).

Seeds are small excerpts of the real bundled files, one per parser and format. Hypothesis
mutates them (truncation, byte flips, inserted and deleted runs, repeated slices, dropped or
swapped lines, re-encoding to UTF-16/UTF-8/latin-1) or replaces them by random bytes. Each
mutant must either import or raise the project's import error (``ParseError``) naming the
file, with a short message; never another exception, and a refused file never changes the
active version.

`make test` runs 25 derandomized examples per parser (the suite's ``ci`` profile); a long local
campaign with fresh random examples: ``HYPOTHESIS_PROFILE=explore FUZZ_EXAMPLES=2000 pytest
tests/test_lists_fuzz.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from ofac_excerpt import write_set

from olivebranch.errors import ParseError
from olivebranch.lists import registry
from olivebranch.lists.importer import import_path
from olivebranch.paths import DATA_DIR, LISTS_DIR, REPO_DIR
from olivebranch.store import Store

#: Examples per parser; the profile (``ci``: derandomized, or ``explore``) is the suite's own.
fuzz_settings = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FIXTURES = REPO_DIR / "tests" / "fixtures"


# ----------------------------------------------------------------------------- seeds
def _xml_excerpt(src: Path, dest: Path, keep: Callable[[etree._Element], None]) -> Path:
    root = etree.parse(str(src)).getroot()
    keep(root)
    dest.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return dest


def _un(root: etree._Element) -> None:
    for group in ("INDIVIDUALS", "ENTITIES"):
        node = root.find(group)
        if node is not None:
            for child in list(node)[4:]:
                node.remove(child)


def _sema(root: etree._Element) -> None:
    for child in list(root)[12:]:
        root.remove(child)


def _lines(src: Path, dest: Path, count: int) -> Path:
    with open(src, "rb") as fh:
        dest.write_bytes(b"".join(fh.readline() for _ in range(count)))
    return dest


def _xlsx(src: Path, dest: Path, rows: int, sheet: str | None) -> Path:
    from openpyxl import Workbook

    from olivebranch.lists.fields import xlsx_rows

    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    for i, row in enumerate(xlsx_rows(src, sheet=sheet, max_col=40)):
        if i >= rows:
            break
        ws.append(list(row) or [None])
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """name -> (source, path): one small real excerpt per parser and format."""
    d = tmp_path_factory.mktemp("seeds")
    out: dict[str, tuple[str, Path]] = {
        "ofac-sdn-csv": ("us_ofac_sdn", write_set(d / "sdn", "sdn", 60, skip=4000)),
        "ofac-cons-csv": ("us_ofac_cons", write_set(d / "cons", "cons", 40)),
        "ofac-sdn-xml": ("us_ofac_sdn", FIXTURES / "ofac" / "sdn_sample.xml"),
        "ofac-sdn-advanced": ("us_ofac_sdn", FIXTURES / "ofac" / "sdn_advanced_sample.xml"),
        "supplement": ("us_ofac_sdn_supplement",
                       LISTS_DIR / "us_ofac_sdn_supplement" / "supplement.yaml"),
        "un": ("un_sc", _xml_excerpt(LISTS_DIR / "un_sc" / "UN_consolidated.xml",
                                     d / "un.xml", _un)),
        "eu-xml": ("eu_fsf", FIXTURES / "lists" / "sample_eu_fsf.xml"),
        "eu-ftm": ("eu_fsf", _lines(LISTS_DIR / "eu_fsf" / "eu_fsf_2026-05-01.ftm.json",
                                    d / "eu_fsf_2026-05-01.ftm.json", 30)),
        "uk-xml": ("gb_fcdo", FIXTURES / "lists" / "sample_uk_sanctions.xml"),
        "uk-ftm": ("gb_fcdo", _lines(LISTS_DIR / "gb_fcdo" / "gb_fcdo_2026-08-22.ftm.json",
                                     d / "gb_fcdo_2026-08-22.ftm.json", 30)),
        "ofsi-csv": ("gb_ofsi", FIXTURES / "lists" / "ofsi_conlist_2020_excerpt.csv"),
        "ofsi-xlsx": ("gb_ofsi", _xlsx(LISTS_DIR / "gb_ofsi" / "UK_Sanctions_List_2025-04-10.xlsx",
                                       d / "ofsi.xlsx", 30, "Data")),
        "dfat-xlsx": ("au_dfat", _xlsx(LISTS_DIR / "au_dfat" / "regulation8_consolidated.xlsx",
                                       d / "dfat.xlsx", 30, None)),
        "sema": ("ca_sema", _xml_excerpt(LISTS_DIR / "ca_sema" / "sema-lmes.xml",
                                         d / "sema.xml", _sema)),
        "ftm": ("ftm", _lines(LISTS_DIR / "opensanctions_zala" / "entities.ftm.json",
                              d / "zala.ftm.json", 40)),
        "ownership": ("ownership_csv", _lines(DATA_DIR / "ownership" / "owners.csv",
                                              d / "owners.csv", 30)),
    }
    return out


SEED_NAMES = [
    "ofac-sdn-csv", "ofac-cons-csv", "ofac-sdn-xml", "ofac-sdn-advanced", "supplement", "un",
    "eu-xml", "eu-ftm", "uk-xml", "uk-ftm", "ofsi-csv", "ofsi-xlsx", "dfat-xlsx", "sema", "ftm",
    "ownership",
]


def test_seeds_cover_every_parser(seeds: dict[str, tuple[str, Path]]) -> None:
    """Every registered source's parser is fuzzed (sources sharing a parser, such as the
    zala bundle and ``ftm``, share a seed), and every seed imports cleanly as it is."""
    reg = registry()
    covered = {reg[source].parse for source, _ in seeds.values()}
    assert {spec.parse for spec in reg.values()} <= covered
    for name in SEED_NAMES:
        source, path = seeds[name]
        with tempfile.TemporaryDirectory() as tmp:
            report = import_path(Store(f"sqlite:///{tmp}/s.sqlite"), path, source)
            assert report.version is not None and report.version.entity_count > 0, name


# ------------------------------------------------------------------------- mutations
def _truncate(data: bytes, at: float, _extra: bytes) -> bytes:
    return data[: int(len(data) * at)]


def _flip(data: bytes, at: float, extra: bytes) -> bytes:
    if not data:
        return extra
    out = bytearray(data)
    for i, b in enumerate(extra[:16] or b"\xff"):
        out[(int(len(data) * at) + i * 7919) % len(out)] = b
    return bytes(out)


def _insert(data: bytes, at: float, extra: bytes) -> bytes:
    i = int(len(data) * at)
    return data[:i] + extra + data[i:]


def _delete(data: bytes, at: float, extra: bytes) -> bytes:
    i = int(len(data) * at)
    return data[:i] + data[i + 1 + len(extra) * 17 :]


def _repeat(data: bytes, at: float, extra: bytes) -> bytes:
    i = int(len(data) * at)
    return data[:i] + data[i : i + 200 + len(extra) * 50] * 3 + data[i:]


def _drop_lines(data: bytes, at: float, extra: bytes) -> bytes:
    lines = data.split(b"\n")
    i = int(len(lines) * at)
    return b"\n".join(lines[:i] + lines[i + 1 + len(extra) % 5 :])


def _swap_lines(data: bytes, at: float, extra: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 3:
        return data
    i = int((len(lines) - 1) * at)
    j = (i + 1 + len(extra)) % len(lines)
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _reencode(target: str) -> Callable[[bytes, float, bytes], bytes]:
    def change(data: bytes, _at: float, _extra: bytes) -> bytes:
        for source in ("utf-8", "cp1252"):
            try:
                text = data.decode(source)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = data.decode("latin-1")
        return text.encode(target, errors="replace")

    change.__name__ = f"reencode_{target}"
    return change


def _random(_data: bytes, _at: float, extra: bytes) -> bytes:
    return extra


MUTATIONS = [_truncate, _flip, _insert, _delete, _repeat, _drop_lines, _swap_lines,
             _reencode("utf-16"), _reencode("utf-8"), _reencode("latin-1"), _random]

mutants = st.tuples(
    st.sampled_from(MUTATIONS),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    st.binary(max_size=64),
    st.integers(min_value=0, max_value=3),  # which file of a directory set
)


# ---------------------------------------------------------------------------- property
def _mutate(seed: Path, work: Path, mutant: tuple) -> Path:  # type: ignore[type-arg]
    mutate, at, extra, pick = mutant
    if seed.is_dir():
        target = work / seed.name
        shutil.copytree(seed, target)
        files = sorted(target.iterdir())
        victim = files[pick % len(files)]
        victim.write_bytes(mutate(victim.read_bytes(), at, extra))
        return target
    target = work / seed.name
    target.write_bytes(mutate(seed.read_bytes(), at, extra))
    return target


def _check(store: Store, path: Path, source: str) -> None:
    before = {v.source: (v.id, v.entity_count) for v in store.active_versions()}
    try:
        import_path(store, path, source)
    except ParseError as exc:
        message = str(exc)
        assert path.name in message or str(path) in message, message
        assert exc.reason and len(message) < 2500, message
        after = {v.source: (v.id, v.entity_count) for v in store.active_versions()}
        assert after == before, "a refused file changed the active versions"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_mutated_files_import_or_fail_clearly(seeds: dict[str, tuple[str, Path]],
                                              name: str) -> None:
    source, seed = seeds[name]
    with tempfile.TemporaryDirectory(prefix="olivebranch-fuzz-") as tmp:
        store = Store(f"sqlite:///{tmp}/fuzz.sqlite")
        import_path(store, seed, source)  # a real active version to protect

        @fuzz_settings
        @given(mutant=mutants)
        def run(mutant: tuple) -> None:  # type: ignore[type-arg]
            with tempfile.TemporaryDirectory(dir=tmp) as work:
                _check(store, _mutate(seed, Path(work), mutant), source)

        run()


@pytest.mark.parametrize("source", sorted(registry()))
@fuzz_settings
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_crash_a_parser(source: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="olivebranch-fuzz-") as tmp:
        path = Path(tmp) / "input.dat"
        path.write_bytes(data)
        store = Store(f"sqlite:///{tmp}/fuzz.sqlite")
        _check(store, path, source)
