"""The workbench's server-side pieces without a browser: the editor's form covers the deal
format, batch uploads are read (CSV dialects, XLSX, bad files) and mapped, the verdict colour
scale is readable, code labels, and docs rendered without raw HTML."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from olivebranch.deals.models import Activity, Asset, Deal, Party, Stake
from olivebranch.regimes import registry
from olivebranch.web import batch, editor, guide, humanize, palette


def test_editor_form_has_every_field_of_the_deal_format_with_help() -> None:
    spec = editor.form_spec()
    for part, model in (("asset", Asset), ("activity", Activity), ("party", Party), ("stake", Stake)):
        names = {f["name"] for f in spec["parts"][part]}
        assert names == {i.alias or n for n, i in model.model_fields.items()}, part
        assert all(f["help"] for f in spec["parts"][part]), [f["name"] for f in spec["parts"][part] if not f["help"]]
    deal_fields = {f["name"] for f in spec["parts"]["deal"]}
    assert deal_fields | editor.NESTED == set(Deal.model_fields)
    sectors = next(f for f in spec["parts"]["asset"] if f["name"] == "sectors")
    assert sectors["kind"] == "multi" and "rare_earths" in sectors["options"]
    role = next(f for f in spec["parts"]["party"] if f["name"] == "role")
    assert set(role["options"]) == set(spec["roles"])  # help for every role
    assert next(f for f in spec["parts"]["asset"] if f["name"] == "subsoil_use")["kind"] == "tristate"


def test_batch_reads_csv_dialects_and_xlsx() -> None:
    cols, rows = batch.read_table("a.csv", b"Full Name;Country\nRosneft;ru\n\nAcme;de\n")
    assert cols == ["Full Name", "Country"] and rows == [["Rosneft", "ru"], ["Acme", "de"]]
    cols, _ = batch.read_table("b.csv", "\ufeffname,dob\nX,1960-01-01\n".encode())
    assert cols == ["name", "dob"]
    wb = Workbook()
    ws = wb.active
    ws.append(["Counterparty", "Type", "Reg no"])
    ws.append(["Sovcomflot", "Company", 1027739028712])
    buf = io.BytesIO()
    wb.save(buf)
    cols, rows = batch.read_table("c.xlsx", buf.getvalue())
    assert cols == ["Counterparty", "Type", "Reg no"] and rows[0] == ["Sovcomflot", "Company", "1027739028712"]
    assert batch.guess_mapping(cols) == {"name": "Counterparty", "schema": "Type", "identifier": "Reg no"}


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.csv", b"", "no header row"),
    ("x.csv", b"name\n", "no data rows"),
    ("x.csv", "name\nJos\xe9\n".encode("latin-1"), "not UTF-8"),
    ("x.xlsx", b"PK\x03\x04 not really a zip", "not a readable XLSX"),
])
def test_batch_rejects_bad_uploads_naming_the_file(name: str, data: bytes, message: str) -> None:
    with pytest.raises(batch.BatchInputError, match=message) as exc:
        batch.read_table(name, data)
    assert name in str(exc.value)


def test_batch_results_are_formula_safe() -> None:
    from olivebranch import exports

    row = dict.fromkeys(batch.RESULT_COLUMNS, "")
    row.update(query="=HYPERLINK(\"http://x\")", score=None, hits=0)
    text = exports.render(batch.results_table([row], "t"), "csv").decode("utf-8")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_verdict_colours_are_one_scale_with_readable_text() -> None:
    css = palette.stylesheet()
    for e in registry().effects:
        tint, ink = palette.shades(e.hex)
        assert palette.contrast(ink, tint) >= 4.5, e.id
        assert e.hex in css
    hexes = [e.hex.lower() for e in registry().effects]
    assert len(set(hexes)) == len(hexes)
    # risk is not a green next to clear (issue 16): its hue is between yellow and orange
    r, g, b = (int(registry().effect("risk").hex[i:i + 2], 16) for i in (1, 3, 5))
    assert r > 200 and g > 150 and b < 100


def test_code_labels() -> None:
    assert humanize.human("arctic_lng_2") == "Arctic LNG 2"
    assert humanize.human("new_investment") == "New investment"
    assert humanize.human("eu_sanctions_lng") == "EU sanctions LNG"
    html = str(humanize.codes(["lng", "<b>"]))
    assert 'title="lng">LNG<' in html and "<b>" not in html


def test_docs_render_without_raw_html(tmp_path, monkeypatch) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("# T\n\n<script>alert(1)</script>\n\n[a](javascript:alert(1)) "
                   "[b](rules.md#lift) \n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    html = guide.render_markdown(doc)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="/guide/rules#lift"' in html
    assert '<table class="data">' in html
    assert any(d["name"] == "rules" for d in guide.documents())


def test_field_kinds_cover_every_annotation() -> None:
    # a new field type in the deal format must map to an input, not fall back silently
    for part in editor.PARTS:
        for f in editor.fields(part):
            assert f["kind"] in {"text", "textarea", "choice", "choice-optional", "multi", "lines",
                                 "bool", "tristate", "number", "date"}, (part, f)
