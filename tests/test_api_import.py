"""An admin imports an official list file through the API into an empty store; the match index
is rebuilt and the new entries are screened at once (no server restart)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from olivebranch.api import auth
from olivebranch.api.settings import Settings
from olivebranch.app import create_app
from olivebranch.lists.importer import import_path
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


# ------------------------------------------------------------------ issue 11, items 5 and 6
def _client(tmp_path: Path) -> TestClient:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'api.sqlite'}",
        deals_dir=tmp_path / "deals",
        scenarios_dir=tmp_path / "scenarios",
        import_bundled_if_empty=False,
        warm_up=False,
        index_cache=False,
        anonymous_match=False,
        anonymous_read=False,
    )
    return TestClient(create_app(settings))


def _files(folder: Path, names: list[str] | None = None) -> list:  # type: ignore[type-arg]
    paths = sorted(folder.iterdir())
    return [("file", (name or p.name, p.read_bytes(), "text/csv"))
            for p, name in zip(paths, names or [None] * len(paths), strict=True)]


def test_admin_import_of_cons_prim_as_sdn_is_refused(tmp_path: Path) -> None:
    """Issue 11 item 5: cons_prim.csv uploaded to the SDN import replaced the SDN list."""
    from ofac_excerpt import write_set

    sdn = write_set(tmp_path / "sdn", entries=300)
    cons = write_set(tmp_path / "cons", "cons", entries=442)
    with _client(tmp_path) as client:
        admin = {"Authorization": f"Bearer {auth.create_key(client.app.state.ob.store, 'ops', 'admin')[0]}"}
        url = "/api/admin/lists/us_ofac_sdn/import"
        first_id = import_path(client.app.state.ob.store, sdn, "us_ofac_sdn").version.id
        for name in ("cons_prim.csv", "sdn.csv"):
            resp = client.post(url, headers=admin, files=[
                ("file", (name, (cons / "cons_prim.csv").read_bytes(), "text/csv"))])
            assert resp.status_code == 400, resp.text
            assert "us_ofac_cons" in resp.json()["detail"]
            assert "olivebranch-upload" not in resp.json()["detail"]  # no server paths
        # the whole Consolidated set, every file renamed to the SDN names: still refused
        renamed = client.post(url, headers=admin, files=_files(
            cons, ["add.csv", "alt.csv", "sdn_comments.csv", "sdn.csv"]))
        assert renamed.status_code == 400 and "us_ofac_cons" in renamed.json()["detail"]
        (version,) = [v for v in client.get("/api/lists/versions", headers=admin).json()
                      if v["source"] == "us_ofac_sdn" and v["active"]] or [None]
        assert version is not None and version["id"] == first_id
        full = client.post(url, headers=admin, data={"force": "true"}, files=_files(sdn))
        assert full.status_code == 200, full.text
        stored = client.app.state.ob.store.get_version(full.json()["version"]["id"])
        assert stored.filename.startswith("upload: add.csv, alt.csv")  # not a temporary path


def test_admin_import_of_the_whole_set_keeps_aliases(tmp_path: Path) -> None:
    """Issue 11 item 5: the API took one file, so aliases and addresses were dropped."""
    import io
    import zipfile

    from ofac_excerpt import write_set

    folder = write_set(tmp_path / "sdn", entries=300)
    with _client(tmp_path) as client:
        ob = client.app.state.ob
        admin = {"Authorization": f"Bearer {auth.create_key(ob.store, 'ops', 'admin')[0]}"}
        url = "/api/admin/lists/us_ofac_sdn/import"
        lone = client.post(url, headers=admin, files=[
            ("file", ("sdn.csv", (folder / "sdn.csv").read_bytes(), "text/csv"))])
        assert lone.status_code == 200, lone.text
        assert any("without aliases" in w for w in lone.json()["warnings"])
        assert ob.store.get_entity("ofac-36").get("alias") == []
        full = client.post(url, headers=admin, files=_files(folder))
        assert full.status_code == 200, full.text
        assert "AERO-CARIBBEAN" in ob.store.get_entity("ofac-36").get("alias")
        assert ob.store.get_entity("ofac-36").get("addressEntity")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in folder.iterdir():
                zf.write(f, f.name)
        again = client.post(url, headers=admin, data={"force": "true"},
                            files=[("file", ("ofac.zip", buf.getvalue(), "application/zip"))])
        assert again.status_code == 200, again.text
        assert again.json()["version"]["entity_count"] == full.json()["version"]["entity_count"]
        # a zip whose member tries to leave the upload folder is flattened, not followed
        evil = io.BytesIO()
        with zipfile.ZipFile(evil, "w") as zf:
            zf.writestr("../../../../tmp/olivebranch-evil.csv", (folder / "sdn.csv").read_bytes())
        resp = client.post(url, headers=admin, data={"force": "true"},
                           files=[("file", ("evil.zip", evil.getvalue(), "application/zip"))])
        assert resp.status_code in (200, 409), resp.text
        assert not Path("/tmp/olivebranch-evil.csv").exists()


def test_admin_import_refuses_shrink_unless_accepted(tmp_path: Path) -> None:
    """Issue 11 item 6 over the API: a file missing its end byte, or much smaller, is a 409."""
    from ofac_excerpt import write_set

    full = write_set(tmp_path / "full", entries=300)
    cut = write_set(tmp_path / "cut", entries=120, end_byte=False)
    with _client(tmp_path) as client:
        admin = {"Authorization": f"Bearer {auth.create_key(client.app.state.ob.store, 'ops', 'admin')[0]}"}
        url = "/api/admin/lists/us_ofac_sdn/import"
        assert client.post(url, headers=admin, files=_files(full)).status_code == 200
        refused = client.post(url, headers=admin, files=_files(cut))
        assert refused.status_code == 409, refused.text
        detail = refused.json()["detail"]
        assert "0x1A" in detail and "120 designations against 300" in detail
        assert "accept_shrink" in detail
        ok = client.post(url, headers=admin, data={"accept_shrink": "true"}, files=_files(cut))
        assert ok.status_code == 200, ok.text
        assert ok.json()["version"]["active"] is True
        assert any("accepted although" in w for w in ok.json()["warnings"])


def test_admin_import_while_another_runs_is_409(tmp_path: Path) -> None:
    """Issue 11 item 9 over the API: a clear 409 with Retry-After, not a 500."""
    with _client(tmp_path) as client:
        ob = client.app.state.ob
        admin = {"Authorization": f"Bearer {auth.create_key(ob.store, 'ops', 'admin')[0]}"}
        with ob.store.import_lock("a CLI import"), SEMA.open("rb") as fh:
            resp = client.post("/api/admin/lists/ca_sema/import", headers=admin,
                               files={"file": ("sema-lmes.xml", fh, "application/xml")})
        assert resp.status_code == 409, resp.text
        assert "another import is running (a CLI import" in resp.json()["detail"]
        assert resp.headers["Retry-After"] == "30"
        assert ob.store.versions() == []
