"""Issue 10: building the screening index fast (names analysed in two processes, analyses kept
on disk between builds) gives the same index, byte for byte, whichever way it was built."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from olivebranch.match import MatchIndex, Query, analysis
from olivebranch.match.analysis import Analyses, NameCache, analyse
from olivebranch.match.names import analyze
from olivebranch.paths import REPO_DIR
from olivebranch.store import Store

#: every n-th listed record of the bundled lists: a few thousand names of every script
STEP = 6


def _subset(store: Store) -> tuple[list[dict], list]:
    from olivebranch.match.index import ID_SCHEMATA
    from olivebranch.match.score import MATCHABLE

    listed = store.designations()
    keep = set(sorted({d.entity_id for d in listed})[::STEP])
    dicts = [d for _vid, d in store.iter_entity_dicts(schemata=MATCHABLE + ID_SCHEMATA)
             if d["id"] in keep or d["schema"] in ID_SCHEMATA]
    return dicts, [d for d in listed if d.entity_id in keep]


@pytest.fixture(scope="module")
def subset(bundled_store: Store) -> tuple[list[dict], list]:
    return _subset(bundled_store)


def _files(index: MatchIndex, directory: Path) -> dict[str, bytes]:
    index.save(directory)
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _build(subset: tuple[list[dict], list], **kwargs) -> MatchIndex:
    dicts, listed = subset
    return MatchIndex._from_dicts(iter(dicts), listed, (1, 2), **kwargs)


@pytest.fixture
def small_parallel_min(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(analysis, "PARALLEL_MIN", 50)
    yield


def test_one_process_two_processes_and_the_cache_give_the_same_bytes(
        subset: tuple[list[dict], list], tmp_path: Path, small_parallel_min: None) -> None:
    one = _files(_build(subset, analyses=lambda pairs: analyse(pairs, processes=1)),
                 tmp_path / "one")
    assert len(one["forms.bin"]) > 100_000
    two = _files(_build(subset, analyses=lambda pairs: analyse(pairs, processes=2)),
                 tmp_path / "two")
    assert two == one
    cache = NameCache(tmp_path / "names", min_names=0)
    cold = _files(_build(subset, analyses=lambda pairs: cache.analyses(pairs, processes=2)),
                  tmp_path / "cold")
    assert cache.path.is_file()
    warm = _files(_build(subset, analyses=cache.analyses), tmp_path / "warm")
    assert cold == warm == one


def test_another_process_with_other_string_hashing_builds_the_same_bytes(
        bundled_store: Store, subset: tuple[list[dict], list], tmp_path: Path) -> None:
    """Sets are stored sorted and marshalled without back-references: the bytes do not depend
    on the process's hash seed or on which objects the analysis happened to share."""
    here = _files(_build(subset, analyses=lambda pairs: analyse(pairs, processes=1)),
                  tmp_path / "here")
    code = f"""
import sys
sys.path.insert(0, {str(REPO_DIR / "tests")!r})
from test_match_build import _subset, _build
from olivebranch.match.analysis import analyse
from olivebranch.store import Store
index = _build(_subset(Store({str(bundled_store.url)!r})),
               analyses=lambda pairs: analyse(pairs, processes=1))
index.save(__import__("pathlib").Path({str(tmp_path / "there")!r}))
"""
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", code], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO_DIR)})
        there = {p.name: p.read_bytes() for p in sorted((tmp_path / "there").iterdir())}
        assert there == here, seed
        for p in (tmp_path / "there").iterdir():
            p.unlink()


def test_stored_forms_are_what_analyze_gives(subset: tuple[list[dict], list]) -> None:
    """Every analysed form the index holds (decoded from its blobs) equals a fresh
    ``analyze`` of its name, field by field and token by token."""
    from dataclasses import fields

    index = _build(subset)
    n = len(index.parts.form_off) - 1
    assert n > 1000

    def values(obj: object) -> tuple:
        return tuple(getattr(obj, f.name) if f.name != "tokens" else
                     tuple(values(t) for t in obj.tokens)  # type: ignore[attr-defined]
                     for f in fields(obj))  # type: ignore[arg-type]

    for f in range(n):
        form = index.form(f)
        assert values(form) == values(analyze(form.original, form.kind)), form.original


def test_the_name_cache_analyses_only_new_names(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def counting(name: str, kind: str):  # noqa: ANN202
        calls.append((name, kind))
        return analyze(name, kind)

    monkeypatch.setattr(analysis, "analyze", counting)
    cache = NameCache(tmp_path, min_names=0)
    first = [("Arctic LNG 2 LLC", "org"), ("Игорь Иванович Сечин", "person"),
             ("金正恩", "person"), ("SCF Primorye", "object")]
    table = cache.analyses(first)
    assert sorted(calls) == sorted(first) and len(table) == 4
    calls.clear()
    again = cache.analyses([*first, ("Rosneft Oil Company", "org")])
    assert calls == [("Rosneft Oil Company", "org")]
    assert len(again) == 5
    # a held form is the NameForm analyze gives (content-equal)
    form = again.form(("Игорь Иванович Сечин", "person"))
    fresh = analyze("Игорь Иванович Сечин", "person")
    assert [t.fold for t in form.tokens] == [t.fold for t in fresh.tokens]
    assert form.compact == fresh.compact and form.legal_forms == fresh.legal_forms
    # another analyser (code or library versions) has its own file: nothing is reused
    monkeypatch.setattr(analysis, "analyser_digest", lambda: "other")
    calls.clear()
    cache.analyses(first)
    assert len(calls) == 4


def test_a_broken_worker_or_cache_file_only_costs_time(
        subset: tuple[list[dict], list], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        small_parallel_min: None) -> None:
    pairs = [("Arctic LNG 2 LLC", "org"), ("Игорь Сечин", "person")] * 40 + [
        (f"Company number {i}", "org") for i in range(100)]
    good = _content(analyse(pairs, processes=1))
    assert _content(analyse(pairs, processes=2)) == good
    monkeypatch.setattr(analysis, "_collect", lambda pid, fd: (os.close(fd), os.waitpid(pid, 0),
                                                               None)[2])
    assert _content(analyse(pairs, processes=2)) == good
    cache = NameCache(tmp_path, min_names=0)
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(b"not a table")
    assert isinstance(cache.load(), Analyses) and len(cache.load()) == 0
    assert _content(cache.analyses(pairs)) == good


def _content(table: Analyses) -> dict:
    """Each pair's form values with its tokens' values in place of their numbers (a table's
    numbering depends on the order it was filled in)."""
    out = {}
    for pair, rec in table.forms.items():
        values = list(rec)
        values[analysis.FORM_TOKENS] = tuple(table.tokens[t] for t in rec[analysis.FORM_TOKENS])
        out[pair] = tuple(values)
    return out


def test_search_results_do_not_depend_on_the_build(subset: tuple[list[dict], list],
                                                  small_parallel_min: None) -> None:
    one = _build(subset, analyses=lambda pairs: analyse(pairs, processes=1))
    two = _build(subset, analyses=lambda pairs: analyse(pairs, processes=2))
    queries = [Query(e.caption) for e in list(one)[:: max(1, len(one) // 40)]]
    queries += [Query("Игорь Сечин", schema="Person"), Query("Arctic LNG 2")]
    for q in queries:
        a = [(r.entity_id, r.score) for r in one.search(q, threshold=0)]
        b = [(r.entity_id, r.score) for r in two.search(q, threshold=0)]
        assert a == b, q



def test_the_build_that_analyses_while_it_merges_gives_the_same_bytes(
        subset: tuple[list[dict], list], tmp_path: Path, small_parallel_min: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``from_store``'s path: names analysed (in two processes, from the merged records'
    names) while the entities' profiles are made and their records encoded, the names'
    postings made in a child process: the same index as one process making everything in
    turn."""
    monkeypatch.setenv("OLIVEBRANCH_BUILD_WORKERS", "1")
    one = _files(_build(subset), tmp_path / "one")
    monkeypatch.setenv("OLIVEBRANCH_BUILD_WORKERS", "2")
    assert _files(_build(subset), tmp_path / "two") == one
    cache = NameCache(tmp_path / "names", min_names=0)
    assert _files(_build(subset, name_cache=cache), tmp_path / "cold") == one
    assert _files(_build(subset, name_cache=cache), tmp_path / "warm") == one


def test_the_names_known_before_the_profiles_are_the_profiles_names(
        subset: tuple[list[dict], list]) -> None:
    from olivebranch.match.index import _entries, _merge_records, _name_pairs, _pairs

    dicts, listed = subset
    merged = _merge_records(iter(dicts), listed)
    pairs = _pairs(_entries(merged))
    assert len(pairs) > 1000
    assert sorted(_name_pairs(merged)) == sorted(pairs)


def test_postings_are_the_keys_of_each_names_tokens_and_each_entitys_identifiers(
        subset: tuple[list[dict], list]) -> None:
    """The index's posting lists against their definition, computed plainly from what the
    index holds: every listed name under each key of its tokens (``token_keys``), every
    entity under its identifiers; keys sorted by bytes, each list in name or entity order;
    tokens numbered by first use."""
    from olivebranch.match.index import token_keys

    index = _build(subset)
    p = index.parts
    expect: dict[bytes, list[int]] = {}
    for n in range(len(p.name_entry)):
        form = index.form(int(p.name_form[n]))
        for key in set().union(*(token_keys(t) for t in form.tokens)):
            expect.setdefault(key.encode(), []).append(n)
    for i, e in enumerate(index.entries):
        for ident in e.profile.identifiers:
            expect.setdefault(f"i:{ident}".encode(), []).append(-1 - i)
    assert len(expect) > 10_000
    keys = p.key_text.tolist()
    assert keys == sorted(expect)
    assert p.key_text.dtype.itemsize == max(map(len, keys))
    for j, key in enumerate(keys):
        assert p.postings[p.key_off[j]:p.key_off[j + 1]].tolist() == expect[key], key
    # forms numbered by first use over the entities' names, tokens by first use over the forms
    firsts = list(dict.fromkeys(p.entry_forms.tolist()))
    assert firsts == list(range(len(p.form_off) - 1))
    seen: dict[int, None] = {}
    for f in range(len(p.form_off) - 1):
        raw = analysis.marshal.loads(bytes(p.forms[p.form_off[f] + 1:p.form_off[f + 1]]))
        seen.update(dict.fromkeys(raw[analysis.FORM_TOKENS]))
    assert list(seen) == list(range(len(p.token_off) - 1))
