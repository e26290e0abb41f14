"""The path of one number, as ARCHITECTURE.md lists it, followed (issue #25, item 5).

BUMDes aktif of pmd-ntt-2023: the seed (Tabel 3.1) prints target 1.500, realisasi 1.476, capaian 98,40.
Each hop of the list is a file and a function a newcomer can open; the test opens each, then follows the
number through them to the page, the CSV table, the Word file and the PDF.
"""

from __future__ import annotations

import csv
import importlib
import re
import sys
from pathlib import Path

import pytest

from lkip_helpers import paths
from lkip_helpers.analysis import kinerja
from lkip_helpers.data.loading import load_dataset

ARCHITECTURE = paths.PROJECT_ROOT / "ARCHITECTURE.md"
IKU = "bumdes-aktif"
TARGET, REALISASI, CAPAIAN = 1500, 1476, 98.40  # the seed, Tabel 3.1
PRINTED = "98,40"


def hops() -> list[tuple[str, str]]:
    """(file, function) of each hop, in order, from the marked list in ARCHITECTURE.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = text.split("<!-- satu-angka -->", 1)[1].split("<!-- /satu-angka -->", 1)[0]
    return re.findall(r"^\d+\. `([\w/]+\.py)` · `([\w.]+)`", block, flags=re.M)


def resolve(file: str, function: str):
    module = importlib.import_module(file.removesuffix(".py").replace("/", "."))
    obj = module
    for part in function.split("."):
        obj = getattr(obj, part)
    return obj


def test_the_path_is_at_most_ten_hops_each_a_function_to_open():
    listed = hops()
    assert 5 <= len(listed) <= 10, listed
    for file, function in listed:
        assert (paths.PROJECT_ROOT / file).is_file(), file
        assert callable(resolve(file, function)), f"{file} · {function}"
    names = [f for _, f in listed]
    for needed in ("load_dataset", "measured", "capaian", "Outputs.table", "notebook_page", "write_docx", "write_pdf"):
        assert needed in names, needed


@pytest.fixture(scope="module")
def ds():
    return load_dataset("pmd-ntt-2023")


def _hop(function: str):
    return resolve(*next((f, fn) for f, fn in hops() if fn == function))


def test_the_number_goes_from_the_csv_rows_to_the_page_and_the_csv_table(ds, tmp_path):
    import nbformat

    from lkip_helpers.report import laporan
    from lkip_helpers.report.artifacts import Outputs, set_current

    row = _hop("measured")(ds).set_index("indikator_id").loc[IKU]  # hops 1–2
    assert (row["target"], row["realisasi"]) == (TARGET, REALISASI)
    assert round(row["capaian_pct"], 2) == CAPAIAN
    capaian_pct = _hop("CapaianPolicy.capaian_pct")  # hop 3, under this agency's policy
    assert round(capaian_pct(kinerja.policy(ds), REALISASI, TARGET, "higher"), 2) == CAPAIAN

    table = _hop("capaian")(ds)  # hop 4
    shown = table.display_frame()
    assert PRINTED in set(shown[next(c.label for c in table.columns if c.name == "capaian_pct")])

    out = Outputs(ds.id, tmp_path, "03_bab3_capaian")
    set_current(out)
    try:
        laporan.render(ds, out, "bab3.capaian")  # hops 5–6: pages.section, Outputs.table
    finally:
        set_current(None)
    written = {p.name for p in (tmp_path / "tables").glob("*.csv")}
    assert written == {"tabel-3.1.csv"}  # the number laporan.yml gives this part
    with open(tmp_path / "tables" / "tabel-3.1.csv", encoding="utf-8") as f:
        rows = {r["indikator_id"]: r for r in csv.DictReader(f)}
    assert round(float(rows[IKU]["capaian_pct"]), 2) == CAPAIAN and float(rows[IKU]["realisasi"]) == REALISASI

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("laporan.render(ds, out, 'bab3.capaian')")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": table.to_html()})]
    nb.cells = [cell]
    executed = tmp_path / "03_bab3_capaian.ipynb"
    nbformat.write(nb, executed)
    page = _hop("notebook_page")(executed, "Bab III")  # hop 7
    assert f">{PRINTED}<" in page


@pytest.mark.slow
def test_the_number_goes_into_the_word_file_and_the_pdf(ds, tmp_path):
    import docx
    import pypdf

    from lkip_helpers.report.dokumen.compose import Composer

    composer = Composer(ds, charts=False)
    doc = composer.compose()  # hop 8: Composer.bab3 puts tables.capaian in the model
    _hop("write_docx")(doc, tmp_path / "lkip.docx")  # hop 9
    _hop("write_pdf")(doc, tmp_path / "lkip.pdf")  # hop 10
    word = docx.Document(str(tmp_path / "lkip.docx"))
    capaian_tables = [
        t
        for t in word.tables
        if any("Capaian" in c.text for c in t.rows[0].cells) and any("1.476" in c.text for r in t.rows for c in r.cells)
    ]
    assert capaian_tables, "no Word table shows realisasi 1.476"
    cells = [c.text for r in capaian_tables[0].rows for c in r.cells]
    assert PRINTED in cells
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(tmp_path / "lkip.pdf")).pages)
    assert re.search(rf"1\.476\s+{re.escape(PRINTED)}", text), "the PDF does not show 1.476 then 98,40"


def test_the_hop_list_check_can_fail(tmp_path, monkeypatch):
    fake = tmp_path / "ARCHITECTURE.md"
    fake.write_text(
        "<!-- satu-angka -->\n"
        + "".join(f"{i}. `lkip_helpers/data/loading.py` · `load_dataset`\n" for i in range(1, 12))
    )
    monkeypatch.setattr(sys.modules[__name__], "ARCHITECTURE", fake)
    with pytest.raises(AssertionError):
        test_the_path_is_at_most_ten_hops_each_a_function_to_open()
    assert Path(fake).exists()
