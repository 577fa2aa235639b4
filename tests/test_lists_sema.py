"""Canada SEMA XML: counts from the raw bundled file, regimes, ids."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from olivebranch.lists import sema
from olivebranch.lists.importer import import_path


def test_counts_and_regimes(lists_dir: Path) -> None:
    path = lists_dir / "ca_sema" / "sema-lmes.xml"
    raw = path.read_text(encoding="utf-8")
    records = raw.count("<record>")
    assert records == 1369
    result = sema.parse(path)
    sanctions = [e for e in result.entities if e.schema.name == "Sanction"]
    assert len(sanctions) == records
    assert len({e.id for e in result.entities}) == 2 * records
    programs = Counter(s.get("program")[0] for s in sanctions)
    assert programs["Russia"] == raw.count("<Country>Russia / Russie</Country>") == 197
    assert programs["Ukraine"] == 242
    russia_orgs = [e for e in result.entities if e.schema.name != "Sanction"
                   and e.get("program") == ["Russia"] and e.schema.name != "Person"]
    assert len(russia_orgs) == 79
    persons = [e for e in result.entities if e.schema.name == "Person"]
    assert len(persons) == len(re.findall(r"<LastName>", raw)) == 985


def test_known_record(lists_dir: Path) -> None:
    result = sema.parse(lists_dir / "ca_sema" / "sema-lmes.xml")
    by_id = {e.id: e for e in result.entities}
    air = by_id["ca-sema-mm-1-1"]
    assert air.get("name") == ["Air Bagan"]
    assert "Air Bagan Limited" in air.get("alias")
    assert by_id["ca-sema-mm-1-1-sanction"].get("authorityId") == ["Burma, Schedule 1, Item 1"]
    shwe = by_id["ca-sema-mm-2-1"]
    assert shwe.get("birthDate") == ["1933-02-02"]


def test_bundled_date_is_2020(store, lists_dir: Path) -> None:
    report = import_path(store, lists_dir / "ca_sema" / "sema-lmes.xml", "ca_sema")
    assert report.version is not None
    assert report.version.published == date(2020, 4, 15)
