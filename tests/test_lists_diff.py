"""``diff_versions`` reads only the records whose stored text differs between two versions;
what it reports must be exactly what comparing every designated record of both versions gives
(the reference below is that whole comparison): designations added and removed, names and
programmes amended, records re-ordered but unchanged left out."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from ofac_excerpt import SDN_DIR, SDN_FILES, entry, raw_lines

from olivebranch.lists.diff import EntityChange, diff_versions
from olivebranch.lists.importer import import_path
from olivebranch.store import Store


def reference_diff(store: Store, old_id: int, new_id: int) -> tuple[list, list, list]:
    """Every designated record of both versions, compared property by property."""
    def listed(vid: int) -> dict[str, dict[str, Any]]:
        desig: dict[str, set[str]] = {}
        for d in store.designations(version_ids=[vid]):
            desig.setdefault(d.entity_id, set()).add(d.program or "")
        out = {}
        for _v, data in store.iter_entity_dicts(version_ids=[vid]):
            if data["id"] in desig:
                props = dict(data.get("properties") or {})
                props["__programs__"] = sorted(p for p in desig[data["id"]] if p)
                out[data["id"]] = {**data, "properties": props}
        return out

    def caption(d: dict[str, Any]) -> str:
        return (d["properties"].get("name") or [d["id"]])[0]

    old, new = listed(old_id), listed(new_id)
    added = [(i, new[i]["schema"], caption(new[i])) for i in sorted(set(new) - set(old))]
    removed = [(i, old[i]["schema"], caption(old[i])) for i in sorted(set(old) - set(new))]
    changed = []
    for i in sorted(set(old) & set(new)):
        po, pn = old[i]["properties"], new[i]["properties"]
        ch = {("programs" if p == "__programs__" else p):
              {"added": sorted(set(pn.get(p, [])) - set(po.get(p, []))),
               "removed": sorted(set(po.get(p, [])) - set(pn.get(p, [])))}
              for p in sorted(set(po) | set(pn)) if set(po.get(p, [])) != set(pn.get(p, []))}
        if old[i]["schema"] != new[i]["schema"]:
            ch["schema"] = {"added": [new[i]["schema"]], "removed": [old[i]["schema"]]}
        if ch:
            changed.append(EntityChange(i, caption(new[i]), new[i]["schema"], ch))
    return added, removed, changed


def row(raw: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(raw.decode("latin-1"), newline="")))


def line(cells: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue().encode("latin-1")


def write(folder: Path, primary: list[bytes], edit: dict[bytes, bytes] | None = None) -> Path:
    """OFAC's four files for the entries of ``primary`` (rows edited by ``edit``: entry
    number -> the new row of sdn.csv)."""
    folder.mkdir(parents=True)
    keep = {entry(ln) for ln in primary}
    for name in SDN_FILES:
        lines = primary if name == "sdn.csv" else [
            ln for ln in raw_lines(SDN_DIR / name) if entry(ln) in keep]
        lines = [(edit or {}).get(entry(ln), ln) if name == "sdn.csv" else ln for ln in lines]
        (folder / name).write_bytes(b"".join(ln + b"\r\n" for ln in lines) + b"\x1a")
    return folder


def test_diff_reads_only_what_changed_and_matches_the_whole_comparison(
        store: Store, tmp_path: Path) -> None:
    rows = raw_lines(SDN_DIR / "sdn.csv")
    base, extra = rows[:300], rows[300]
    old = import_path(store, write(tmp_path / "v1", base), "us_ofac_sdn",
                      published=date(2026, 11, 1)).version
    # drop one entry, add one, rename one, move one to another programme, and list the
    # entries in another order (which changes nothing)
    gone, renamed, moved = base[10], base[20], base[30]
    cells = row(renamed)
    cells[1] = "RENAMED FOR THE DIFF TEST"
    prog = row(moved)
    prog[3] = prog[3] + "] [DIFF-TEST"
    new_rows = [r for r in base if r != gone][::-1] + [extra]
    new = import_path(store, write(tmp_path / "v2", new_rows,
                                   {entry(renamed): line(cells), entry(moved): line(prog)}),
                      "us_ofac_sdn", published=date(2026, 11, 8)).version
    assert old is not None and new is not None
    d = diff_versions(store, old.id, new.id)
    added, removed, changed = reference_diff(store, old.id, new.id)
    assert (d.added, d.removed, d.changed) == (added, removed, changed)
    assert [i for i, _, _ in d.added] == [f"ofac-{entry(extra).decode()}"]
    assert [i for i, _, _ in d.removed] == [f"ofac-{entry(gone).decode()}"]
    by_id = {c.entity_id: c for c in d.changed}
    assert "RENAMED FOR THE DIFF TEST" in by_id[f"ofac-{entry(renamed).decode()}"].changes[
        "name"]["added"]
    assert "DIFF-TEST" in by_id[f"ofac-{entry(moved).decode()}"].changes["programs"]["added"]
    # nothing else moved, although every record was written again in another order
    assert set(by_id) == {f"ofac-{entry(renamed).decode()}", f"ofac-{entry(moved).decode()}"}
    # and the other way round
    back = diff_versions(store, new.id, old.id)
    assert (back.added, back.removed, back.changed) == reference_diff(store, new.id, old.id)
