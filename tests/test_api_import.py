"""An admin imports an official list file through the API into an empty store; the match index
is rebuilt and the new entries are screened at once (no server restart)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from olivebranch.api import Settings, auth, create_app
from olivebranch.paths import LISTS_DIR

SEMA = LISTS_DIR / "ca_sema" / "sema-lmes.xml"


def test_admin_import_rebuilds_the_index(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'empty.sqlite'}",
        deals_dir=tmp_path / "deals",
        scenarios_dir=tmp_path / "scenarios",
        import_bundled_if_empty=False,
        warm_up=False,
        index_cache=False,
        anonymous_match=False,
        anonymous_read=False,
    )
    with TestClient(create_app(settings)) as client:
        ob = client.app.state.ob
        admin = {"Authorization": f"Bearer {auth.create_key(ob.store, 'ops', 'admin')[0]}"}
        assert client.get("/readyz").json()["entities"] == 0
        with SEMA.open("rb") as fh:
            resp = client.post("/api/admin/lists/ca_sema/import", headers=admin,
                               files={"file": ("sema-lmes.xml", fh, "application/xml")})
        assert resp.status_code == 200, resp.text
        report = resp.json()
        assert report["index_rebuilt"] is True and report["version"]["entity_count"] > 100
        assert client.get("/readyz").json()["entities"] > 100
        assert "ca_sema" in client.get("/catalog", headers=admin).json()["current"]
        entry = next(iter(ob.index))
        body = {"queries": {"q": {"schema": entry.schema, "properties": {"name": [entry.caption]}}}}
        found = client.post("/match/ca_sema", json=body, headers=admin).json()
        assert entry.id in [r["id"] for r in found["responses"]["q"]["results"]]
        # the same file again is recognised and skipped
        with SEMA.open("rb") as fh:
            again = client.post("/api/admin/lists/ca_sema/import", headers=admin,
                                files={"file": ("sema-lmes.xml", fh, "application/xml")})
        assert again.status_code == 200 and again.json()["skipped"] is True
