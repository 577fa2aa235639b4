"""What makes bulk screening fast must not change what it finds: repeated names with other
facts are scored afresh (the name-pair memo keeps names, not facts), and a batch leaves the
process's garbage-collector settings as it found them."""

from __future__ import annotations

import csv
import gc
import json
from pathlib import Path

import pytest

from olivebranch.match.batch import iter_rows, screen_row
from olivebranch.match.index import MatchIndex
from olivebranch.store import Store


@pytest.fixture(scope="module")
def index(bundled_store: Store) -> MatchIndex:
    return MatchIndex.from_store(bundled_store)


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "schema", "name", "birth_date", "identifier", "country"])
        w.writerows(rows)


def test_repeated_names_with_other_facts_score_as_alone(index: MatchIndex, tmp_path: Path) -> None:
    """The same listed name with another birth date, country or identifier: each row's
    results are those of screening that row alone in a fresh order (a memo keyed on the name
    alone would hand the first row's score to the others)."""
    from olivebranch.bulk import run_local

    listed = [e for e in index if e.schema == "Person" and e.profile.birth_dates][:5]
    companies = [e for e in index if e.schema == "Company"][:5]
    rows: list[list[str]] = []
    for k, e in enumerate(listed):
        born = e.profile.birth_dates[0]
        for j, (birth, country) in enumerate([(born, ""), ("1901-01-01", ""), ("", "zz"),
                                              (born, "zz"), ("", "")]):
            rows.append([f"p{k}-{j}", "Person", e.caption, birth, "", country])
    for k, e in enumerate(companies):
        ident = next(iter(e.profile.identifiers), "")
        for j, (idv, country) in enumerate([("", ""), (ident, ""), ("", "ru"), ("", "")]):
            rows.append([f"c{k}-{j}", "Company", e.caption, "", idv, country])
    src = tmp_path / "in.csv"
    _write(src, rows)
    out = tmp_path / "out.jsonl"
    threshold = gc.get_threshold()
    frozen = gc.get_freeze_count()
    run_local(index, src, out, partition_rows=7)
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
    got = out.read_text(encoding="utf-8").splitlines()
    # each row on its own, last row first (so no row is screened after its twins)
    alone = [json.dumps(screen_row(index, item, limit=5, threshold=None), ensure_ascii=False)
             for item in reversed(list(iter_rows(src)))]
    assert got == alone[::-1]
    # the facts moved the scores: the memo did not hand one row's score to its twins
    # (a party's best record may be one without a birth date, so look over every group)
    results = [json.dumps(json.loads(line)["results"]) for line in got]
    groups = [results[k:k + 5] for k in range(0, 5 * len(listed), 5)]
    assert any(len(set(g)) > 1 for g in groups)
