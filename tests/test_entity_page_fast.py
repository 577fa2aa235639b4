"""Issue 10: the entity page reads stored entities without followthemoney's model
(``olivebranch.ftm_lite``) and gives exactly what it gave with it.

Held against followthemoney itself (the cached schema table, entities read and merged) and
against the page as it was made before (``entity_reference.py``), on the bundled lists, through
``describe_entity`` and through the ``entity`` command's text and JSON output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import entity_reference
import pytest
from followthemoney import model
from sqlalchemy import func, select
from typer.testing import CliRunner

from olivebranch import entities, ftm_lite
from olivebranch.paths import REPO_DIR
from olivebranch.store import Store
from olivebranch.store import entities as entities_table

#: records with a party of several records, links, addresses and identifiers (Arctic LNG 2,
#: Rosneft, Sechin's six records, a vessel, an OFAC person with identifications)
KNOWN = ["ofac-46030", "gb-fcdo-RUS2092", "ofac-17022", "gb-fcdo-RUS3064", "ofac-16692",
         "eu-fsf-136043", "gb-ofsi-14213"]


def _sample(store: Store) -> list[str]:
    """Known records, records stored in several versions (merged on the page), and one
    record of each schema that points at others (links, addresses, identifications)."""
    e = entities_table.c
    vids = [v.id for v in store.active_versions()]
    with store.engine.connect() as conn:
        merged = [r for (r,) in conn.execute(
            select(e.id).where(e.version_id.in_(vids)).group_by(e.id)
            .having(func.count() > 1).order_by(e.id).limit(4))]
        schemas = [s for (s,) in conn.execute(
            select(e.schema).where(e.version_id.in_(vids)).distinct().order_by(e.schema))]
        by_schema = []
        for schema in schemas:
            row = conn.execute(select(e.data).where(e.version_id.in_(vids), e.schema == schema)
                               .order_by(e.id).limit(1)).first()
            if row is None:
                continue
            data = row[0]
            props = data.get("properties", {})
            # an edge's or an identification's end is the record whose page shows it
            for key in ("holder", "owner", "asset", "director", "person", "relative",
                        "entity", "subject", "organization", "member"):
                if props.get(key):
                    by_schema.append(props[key][0])
                    break
            else:
                by_schema.append(data["id"])
    return list(dict.fromkeys(KNOWN + merged + by_schema))


@pytest.fixture(scope="module")
def sample(bundled_store: Store) -> list[str]:
    return _sample(bundled_store)


def test_schema_table_is_followthemoneys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled table is the installed followthemoney's (regenerate it with ``python -m
    olivebranch.ftm_lite`` when this fails after an upgrade), and holds, for every schema,
    what followthemoney's model says; another version's table is generated and cached."""
    assert json.loads(ftm_lite.BUNDLED.read_text(encoding="utf-8")) == json.loads(
        json.dumps(ftm_lite.table_document()))
    monkeypatch.setenv("OLIVEBRANCH_HOME", str(tmp_path))
    ftm_lite.schemata.cache_clear()
    try:
        bundled = ftm_lite.schemata()
        assert not list(tmp_path.glob("workspace-cache/ftm-model-*.json"))
        monkeypatch.setattr(ftm_lite, "_version", lambda: "0.0.test")
        ftm_lite.schemata.cache_clear()
        ftm_lite.schemata()  # not the bundled version: generated, written
        assert list(tmp_path.glob("workspace-cache/ftm-model-0.0.test-*.json"))
        ftm_lite.schemata.cache_clear()
        table = ftm_lite.schemata()  # read back
        assert table == bundled
    finally:
        ftm_lite.schemata.cache_clear()
    assert set(table) == set(model.schemata)
    for name, schema in model.schemata.items():
        lite = table[name]
        assert lite.label == schema.label
        assert lite.names == frozenset(schema.names)
        assert lite.caption == tuple(schema.caption)
        assert lite.edge == bool(schema.edge)
        if schema.edge:
            assert (lite.edge_source, lite.edge_target) == (schema.edge_source, schema.edge_target)
        assert set(lite.properties) == set(schema.properties)
        for pname, prop in schema.properties.items():
            lp = lite.properties[pname]
            assert (lp.label, lp.type, lp.hidden, lp.stub, lp.total_size) == (
                prop.label, prop.type.name, bool(prop.hidden), bool(prop.stub),
                prop.type.total_size)
    for a in ("Person", "LegalEntity", "Company", "Vessel", "Ownership"):
        for b in ("LegalEntity", "Thing", "Organization", "Person"):
            try:
                want = model.common_schema(a, b).name
            except Exception:  # noqa: BLE001 - followthemoney's InvalidData
                with pytest.raises(ValueError):
                    ftm_lite.common_schema(a, b)
            else:
                assert ftm_lite.common_schema(a, b) == want


def test_stored_entities_read_and_merge_as_proxies(bundled_store: Store,
                                                  sample: list[str]) -> None:
    """Values, their order, captions, merges and ``to_dict`` equal followthemoney's for
    stored entities (and their addresses and linked records)."""
    checked = 0
    ids = list(sample)
    for eid in ids:
        rows = bundled_store.entity_records(eid)
        proxy = bundled_store.get_entity(eid)
        if proxy is None:
            continue
        lite = None
        for data in rows:
            e = ftm_lite.Entity(data)
            lite = e if lite is None else lite.merge(e)
        assert lite is not None
        assert lite.schema.name == proxy.schema.name
        assert lite.caption == proxy.caption
        assert [(p.name, v) for p, v in lite.itervalues()] == [
            (p.name, v) for p, v in proxy.itervalues()]
        assert lite.to_dict() == proxy.to_dict()
        for ref in bundled_store.referencing(eid):
            assert ftm_lite.Entity(ref.to_dict()).caption == ref.caption
        checked += 1
    assert checked >= 10


def test_entity_page_equals_the_previous_one(bundled_store: Store, sample: list[str]) -> None:
    from followthemoney.exc import InvalidData

    compared = 0
    for eid in sample:
        if bundled_store.get_entity(eid) is None:
            continue
        new = entities.describe_entity(bundled_store, eid)
        try:
            old = entity_reference.describe_entity(bundled_store, eid)
        except InvalidData:
            # the old page failed where followthemoney refused a property the schema lacks
            # (an identification's own ``addressEntity``, a family link's ``role``); the new
            # one shows the page
            assert new["id"] == eid and new["party"]["records"]
            continue
        assert new == old, eid
        compared += 1
    assert compared >= 10
    # as of a past day too, and resolving record numbers and party ids alike
    from datetime import date

    day = date(2024, 1, 1)
    for eid in KNOWN[:3]:
        if entity_reference.resolve_entity_id(bundled_store, eid, as_of=day) is None:
            continue
        assert entities.describe_entity(bundled_store, eid, as_of=day) == \
            entity_reference.describe_entity(bundled_store, eid, as_of=day), eid
    for ref in ("46030", "RUS3064", "ofac-46030", "no-such-record"):
        assert entities.resolve_entity_id(bundled_store, ref) == \
            entity_reference.resolve_entity_id(bundled_store, ref)


def test_entity_command_prints_what_it_printed(bundled_store: Store, sample: list[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``entity`` command's table and JSON output, with the page made both ways."""
    from olivebranch.cli import build_app

    monkeypatch.setenv("OLIVEBRANCH_DB", str(bundled_store.url))
    monkeypatch.setenv("COLUMNS", "200")
    app = build_app(["lists"], group=True)
    runner = CliRunner()
    for eid in KNOWN[:4] + sample[-3:]:
        for args in (["entity", eid], ["entity", eid, "--json"]):
            new = runner.invoke(app, args)
            with monkeypatch.context() as m:
                m.setattr(entities, "describe_entity", entity_reference.describe_entity)
                old = runner.invoke(app, args)
            assert new.exit_code == old.exit_code == 0, (new.output, old.output)
            if "--json" in args:
                assert json.loads(new.output) == json.loads(old.output)
            else:
                assert new.output == old.output


def test_entity_command_does_not_load_followthemoney(bundled_store: Store,
                                                     tmp_path: Path) -> None:
    """The point of it all: once the table is cached, ``olivebranch entity`` runs without
    importing followthemoney (its model load was most of the command's time)."""
    env = {**os.environ, "OLIVEBRANCH_DB": str(bundled_store.url),
           "OLIVEBRANCH_HOME": str(tmp_path), "PYTHONPATH": str(REPO_DIR)}
    code = ("import sys\nfrom olivebranch.cli import main\nsys.argv = ['olivebranch', 'entity', "
            "'ofac-46030']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('FTM' if 'followthemoney' in sys.modules else 'NOFTM')")
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True)
    assert "ARCTIC" in first.stdout.upper()
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert second.stdout.strip().endswith("NOFTM"), second.stdout[-500:]
