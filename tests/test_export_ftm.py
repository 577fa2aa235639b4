"""``olivebranch export --format ftm``: FollowTheMoney JSON lines that followthemoney validates
and nomenklatura loads, by record and by party, on the bundled lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import ValueEntity, model
from sqlalchemy import create_engine, select

from olivebranch.parties import Parties
from olivebranch.parties.export import judgement_lines
from olivebranch.parties.ftm import iter_ftm
from olivebranch.store import Store, entities


def _write(path: Path, rows) -> list[dict]:  # noqa: ANN001
    out = list(rows)
    with path.open("w", encoding="utf-8") as fh:
        for row in out:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def _validate(rows: list[dict]) -> None:
    """Every entity passes followthemoney's own checks: known schema, known properties, values
    that clean to themselves (no value is dropped or changed when cleaned again)."""
    for row in rows:
        schema = model.get(row["schema"])
        assert schema is not None, row["id"]
        proxy = model.get_proxy({"id": row["id"], "schema": row["schema"],
                                 "properties": row["properties"]}, cleaned=False)
        for prop, values in row["properties"].items():
            assert schema.get(prop) is not None, (row["id"], prop)
            assert sorted(proxy.get(prop)) == sorted(set(values)), (row["id"], prop)


@pytest.fixture(scope="module")
def exported(bundled_store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict:
    parties = Parties.load(bundled_store)
    tmp = tmp_path_factory.mktemp("ftm")
    records = _write(tmp / "records.ftm.json", iter_ftm(bundled_store))
    merged = _write(tmp / "parties.ftm.json", iter_ftm(bundled_store, parties=parties))
    (tmp / "judgements.jsonl").write_text("".join(judgement_lines(bundled_store, parties)))
    return {"parties": parties, "records": records, "merged": merged, "dir": tmp}


def test_records_export_counts_and_validates(bundled_store: Store, exported: dict) -> None:
    records = exported["records"]
    vids = [v.id for v in bundled_store.active_versions()]
    with bundled_store.engine.connect() as conn:
        ids = {i for (i,) in conn.execute(select(entities.c.id).where(
            entities.c.version_id.in_(vids)))}
    # one line per entity id (OFAC's SDN and Consolidated records merged)
    assert len(records) == len(ids) == len({r["id"] for r in records})
    _validate(records)
    rosneft = next(r for r in records if r["id"] == "ofac-17022")
    assert {"us_ofac_cons", "us_ofac_sdn_supplement"} <= set(rosneft["datasets"])
    assert rosneft["target"] is True


def test_parties_export_merges_rosneft(exported: dict) -> None:
    parties: Parties = exported["parties"]
    merged = exported["merged"]
    _validate(merged)
    party_rows = [r for r in merged if r.get("referents")]
    # every record of a party is a referent of exactly one party entity
    referents = [ref for r in party_rows for ref in r["referents"]]
    assert len(referents) == len(set(referents))
    assert len(party_rows) == len(parties)
    pid = parties.party_of("ofac-17022")
    rosneft = next(r for r in merged if r["id"] == pid)
    assert {"ofac-17022", "gb-fcdo-RUS3064"} <= set(rosneft["referents"])
    assert "7706107510" in rosneft["properties"]["innCode"]
    assert {"us_ofac_cons", "gb_fcdo"} <= set(rosneft["datasets"])
    assert rosneft["schema"] == "Company" and rosneft["target"] is True
    # sanctions of both regimes now point at the party, and no line points at its records
    sanctions = [r for r in merged if r["schema"] == "Sanction"
                 and pid in r["properties"].get("entity", [])]
    assert {"us_ofac_cons", "gb_fcdo"} <= {d for s in sanctions for d in s["datasets"]}
    ids = {r["id"] for r in merged}
    assert "ofac-17022" not in ids and "gb-fcdo-RUS3064" not in ids
    # ownership edges cross list boundaries: Rosneft owns Vostok Engineering as a party
    owned = [r for r in merged if r["schema"] == "Ownership"
             and pid in r["properties"].get("owner", [])]
    assert owned


def test_nomenklatura_loads_both_exports(exported: dict) -> None:
    from nomenklatura.db import Session
    from nomenklatura.resolver import Resolver
    from nomenklatura.store import load_entity_file_store

    parties: Parties = exported["parties"]
    tmp: Path = exported["dir"]
    pid = parties.party_of("ofac-17022")
    engine = create_engine(f"sqlite:///{tmp / 'nk.sqlite'}")
    resolver = Resolver(Session(engine), create=True)
    # the merged export loads as it is
    store = load_entity_file_store(tmp / "parties.ftm.json", resolver)
    entity = store.default_view().get_entity(pid or "")
    assert entity is not None and "7706107510" in entity.get("innCode")
    # the records export plus our judgements, as ``nomenklatura apply`` does it: each entity
    # renamed to its canonical id (our party id), then entities of one id merged
    resolver.load(tmp / "judgements.jsonl")
    linker = resolver.get_linker()
    merged: ValueEntity | None = None
    with (tmp / "records.ftm.json").open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            if data["id"] not in ("ofac-17022", "gb-fcdo-RUS3064", "au-dfat-7544"):
                continue
            proxy = linker.apply_stream(ValueEntity(model.get(data["schema"]), data))
            assert proxy.id == pid
            merged = proxy if merged is None else merged.merge(proxy)
    assert merged is not None and "7706107510" in merged.get("innCode")
    assert {"us_ofac_cons", "gb_fcdo", "au_dfat"} <= merged.datasets
