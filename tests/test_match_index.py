"""Screening against the bundled lists: index, search, CLI and batch files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from olivebranch.match import DEFAULT_THRESHOLD, MatchIndex, Query
from olivebranch.store import Store


@pytest.fixture(scope="module")
def index(bundled_store: Store) -> MatchIndex:
    return MatchIndex.from_store(bundled_store)


def ids(results: list) -> list[str]:
    return [r.entity_id for r in results]


def test_index_covers_listed_entities(index: MatchIndex, bundled_store: Store) -> None:
    listed = {d.entity_id for d in bundled_store.designations()}
    assert len(index) > 20_000
    assert all(e.id in listed for e in index)
    arctic = index.get("ofac-46030")
    assert arctic is not None and arctic.schema.name == "Company"
    assert index.get("no-such-entity") is None


def test_arctic_lng_2(index: MatchIndex) -> None:
    results = index.search(Query("Arctic LNG 2"))
    assert "ofac-46030" in ids(results)
    hit = next(r for r in results if r.entity_id == "ofac-46030")
    assert hit.match and hit.score >= 0.95
    assert hit.sources == ["us_ofac_sdn"] and hit.source_ids == ["46030"]
    assert "RUSSIA-EO14024" in hit.programs
    assert hit.entity["id"] == "ofac-46030"
    assert "arctic = arctic" in hit.explanation
    # LNG 1 is another entity and must not outrank LNG 2
    assert results[0].score >= max(r.score for r in results if "LNG 1" in r.caption.upper()) \
        if any("LNG 1" in r.caption.upper() for r in results) else True


def test_sechin_in_cyrillic_on_us_and_eu(index: MatchIndex) -> None:
    results = index.search(Query("Игорь Сечин", schema="Person"))
    found = {r.sources[0] for r in results if "SECHIN" in r.caption.upper()}
    assert {"us_ofac_sdn", "eu_fsf"} <= found
    assert all(r.score >= DEFAULT_THRESHOLD for r in results)


def test_identifier_finds_entity_despite_bad_name(index: MatchIndex) -> None:
    results = index.search(Query("Arktik Gaz Dva", schema="Company", identifiers=["8904075357"]))
    assert results and results[0].entity_id == "ofac-46030"
    assert any(f.name == "identifier" for f in results[0].features)


def test_unlisted_names_find_nothing(index: MatchIndex) -> None:
    for name in ("Zoltan Quixotic-Mbeki", "Romashka Flower Shop Ltd", "Иван Непомнящий-Тестов"):
        assert index.search(Query(name)) == [], name


def test_threshold_zero_returns_best_candidates(index: MatchIndex) -> None:
    results = index.search(Query("Vladimir Putin", schema="Person"), limit=3, threshold=0)
    assert results
    assert any("PUTIN" in r.caption.upper() for r in results)
    assert results == sorted(results, key=lambda r: -r.score)


def test_batch_file_with_bad_rows(index: MatchIndex, tmp_path: Path) -> None:
    from olivebranch.cli.screen import run_batch

    src = tmp_path / "in.csv"
    src.write_text(
        "id,schema,name,birth_date,identifier,country,extra\n"
        "a1,Company,Arctic LNG 2,,,ru,ignored\n"
        "a2,Person,Игорь Сечин,07 Sep 1960,,,\n"
        "a3,Person,,,,,\n"
        "a4,Spaceship,Enterprise,,,,\n"
        "a5,Person,Kirill Dmitriev,not a date,,,\n"
        "a6,,Nobody Known Atall,,,,\n",
        encoding="utf-8",
    )
    dst = tmp_path / "out.jsonl"
    counts = run_batch(index, src, dst, limit=5, threshold=None)
    lines = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert counts == {"rows": 6, "errors": 3, "with_hits": 2}
    first = lines[0]["results"]
    # issue 12: one result per party, with every record's id, source and record number
    hit = next(r for r in first if "ofac-46030" in r["records"])
    assert "us_ofac_sdn" in hit["sources"] and "46030" in hit["source_ids"]
    assert set(hit) >= {"entity_id", "caption", "score", "source", "source_id", "programs",
                        "datasets", "explanation", "party_id", "records"}
    assert "no name" in lines[2]["error"]
    assert "Spaceship" in lines[3]["error"]
    assert "birth_date" in lines[4]["error"]
    assert lines[5]["results"] == [] and "error" not in lines[5]


def test_cli_compare_json() -> None:
    from olivebranch.cli import app

    res = CliRunner().invoke(app, ["compare", "ООО «Ромашка»", "Romashka LLC", "--schema",
                                   "Company", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["score"] >= 0.95 and data["match"] is True
    assert data["features"][0]["name"] == "name"


def test_cli_screen_table(index: MatchIndex, bundled_store: Store, tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    import olivebranch.cli.screen as screen_cli
    from olivebranch.cli import app
    from olivebranch.cli.common import workspace

    # the bundled store, whatever the caller's home holds; the index built once for the module
    monkeypatch.setenv("OLIVEBRANCH_DB", str(bundled_store.url))
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path))
    monkeypatch.setattr(screen_cli, "_screening", lambda as_of: (workspace(), index))
    res = CliRunner().invoke(app, ["screen", "Arctic LNG 2", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    # issue 12: one result per party; OFAC's record is among the party's records
    assert "ofac-46030" in [rid for r in data["results"] for rid in r["records"]]
    res = CliRunner().invoke(app, ["screen", "Игорь Сечин", "--schema", "person"])
    assert res.exit_code == 0 and "16692" in res.output


def test_build_from_entities_merges_records_sharing_an_id() -> None:
    from followthemoney import model

    from olivebranch.store import Designation

    a = model.make_entity("Company")
    a.id = "ofac-1"
    a.add("name", "ROMASHKA LLC")
    b = model.make_entity("Company")
    b.id = "ofac-1"
    b.add("alias", "ООО «Ромашка»")
    b.add("innCode", "8904075357")
    unlisted = model.make_entity("Company")
    unlisted.id = "x-2"
    unlisted.add("name", "Romashka Trading")
    d = Designation(entity_id="ofac-1", sanction_id="ofac-1-sdn", regime="us",
                    source="us_ofac_sdn", version_id=1, program="RUSSIA-EO14024", source_id="1")
    idx = MatchIndex.build([a, b, unlisted], [d])
    assert len(idx) == 1
    merged = idx.get("ofac-1")
    assert merged is not None and "ООО «Ромашка»" in merged.get("alias")
    res = idx.search(Query("Ромашка", schema="Company"))
    assert [r.entity_id for r in res] == ["ofac-1"] and res[0].programs == ["RUSSIA-EO14024"]
    res = idx.search(Query("Something Else", schema="Company", identifiers=["8904075357"]))
    assert res and res[0].entity_id == "ofac-1"


# ---------------------------------------------------------------- the on-disk index


def _queries(index: MatchIndex, n: int = 300) -> list[Query]:
    """A few hundred queries of every kind, made from the listed names themselves: exact, with
    a letter dropped, words reversed, in lower case, with a birth date, a country or an
    identifier, under another schema, and names on no list."""
    import random

    rnd = random.Random(17)
    entries = [index.entries[i] for i in rnd.sample(range(len(index)), n // 3)]
    out: list[Query] = []
    for k, e in enumerate(entries):
        name = rnd.choice(e.profile.names)
        words = name.split()
        out.append(Query(name, schema=e.schema))
        cut = rnd.randrange(len(name))
        out.append(Query(name[:cut] + name[cut + 1 :], schema="LegalEntity",
                         birth_date=(e.profile.birth_dates or (None,))[0],
                         countries=sorted(e.profile.countries)[:1]))
        if k % 2:
            out.append(Query(" ".join(reversed(words)).lower(), schema=e.schema,
                             identifiers=sorted(e.profile.identifiers)[:1]))
        else:
            out.append(Query(name, schema="Vessel" if e.schema == "Person" else "Person",
                             birth_date="1960-01-01", countries=["zz"]))
    out += [Query(f"{a} {b}") for a, b in zip(
        ["Maria", "Olga", "Hans", "Nordic", "Volga", "Li"],
        ["Schmidt", "Kowalski", "Energy Ltd", "Grid AG", "Trading OOO", "Wei"], strict=True)]
    return out


def _result_view(results: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(r.entity_id, r.score, r.match, r.explanation, r.caption, r.schema, r.sources,
             r.source_ids, r.programs, r.datasets, [f.__dict__ for f in r.features], r.entity)
            for r in results]


def test_saved_index_gives_identical_results(index: MatchIndex, tmp_path: Path) -> None:
    """The memory-mapped index answers exactly as the freshly built one: same entities,
    scores, explanations and records, over a few hundred queries of every kind."""
    import numpy as np

    index.save(tmp_path / "idx")
    loaded = MatchIndex.open(tmp_path / "idx")
    assert isinstance(loaded.parts.key_text.base, np.memmap)  # mapped, not read in
    assert len(loaded) == len(index) and loaded.version_ids == index.version_ids
    queries = _queries(index)
    assert len(queries) >= 300
    found = 0
    for q in queries:
        for threshold in (None, 0.0):
            a = _result_view(index.search(q, limit=5, threshold=threshold))
            b = _result_view(loaded.search(q, limit=5, threshold=threshold))
            assert a == b, q
            found += bool(a)
    assert found > 300  # the comparison is not over empty answers
    for e in list(index.entries)[:50]:
        assert loaded.entry(e.id).profile == e.profile  # type: ignore[union-attr]
        assert loaded.get(e.id).to_dict() == index.get(e.id).to_dict()  # type: ignore[union-attr]


def test_load_index_uses_the_cache_and_rebuilds_a_broken_one(
        index: MatchIndex, bundled_store: Store, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from olivebranch.match import cache

    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path))
    path = cache.index_path(bundled_store)
    index.save(path)  # as load_index would after building it
    t = time.perf_counter()
    opened = cache.load_index(bundled_store)
    assert time.perf_counter() - t < 1.0  # memory-mapped, not rebuilt
    q = Query("Игорь Сечин", schema="Person")
    assert _result_view(opened.search(q)) == _result_view(index.search(q))
    # a truncated file is noticed and the index rebuilt (and saved), not used half-read
    blob = path / "entries.bin"
    blob.write_bytes(blob.read_bytes()[:1000])
    again = cache.load_index(bundled_store)
    assert _result_view(again.search(q)) == _result_view(index.search(q))
    assert (path / "entries.bin").stat().st_size > 1000
    assert not list(path.parent.glob(".*.tmp"))  # no half-written copies left behind


def test_cli_screen_loads_only_what_it_needs(index: MatchIndex, bundled_store: Store,
                                             tmp_path: Path) -> None:
    """``olivebranch screen NAME`` opens the on-disk index and imports neither the web stack,
    followthemoney, Dask nor the other commands' engines (start-up is most of its time)."""
    import os
    import subprocess
    import sys

    from olivebranch.match import cache

    env = {**os.environ, "OLIVEBRANCH_DB": bundled_store.url, "OLIVEBRANCH_HOME": str(tmp_path)}
    os.environ["OLIVEBRANCH_HOME"], saved = str(tmp_path), os.environ.get("OLIVEBRANCH_HOME")
    try:
        path = cache.index_path(bundled_store)
        index.save(path)
    finally:
        if saved is None:
            os.environ.pop("OLIVEBRANCH_HOME")
        else:
            os.environ["OLIVEBRANCH_HOME"] = saved
    meta_mtime = (path / "meta.json").stat().st_mtime_ns
    heavy = ("fastapi", "followthemoney", "distributed", "matplotlib", "olivebranch.verdicts",
             "olivebranch.scenarios.engine", "olivebranch.parties.resolver", "olivebranch.api.app")
    code = ("import sys, json\nfrom olivebranch.cli import main\n"
            "sys.argv = ['olivebranch', 'screen', 'Игорь Сечин', '--schema', 'Person', '--json']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)\n")
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stderr.strip().splitlines()[-1]) == []
    assert any("SECHIN" in r["caption"].upper() for r in json.loads(res.stdout)["results"])
    # opened, not rebuilt: the saved index is the only one and was not rewritten
    assert [p.name for p in (tmp_path / "match-cache").iterdir()] == [path.name]
    assert (path / "meta.json").stat().st_mtime_ns == meta_mtime
