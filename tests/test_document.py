"""The LKIP document (Word draft and PDF): opened with python-docx and pypdf, checked against the CSVs.

One outputs folder of three datasets is shared by every test: the default dataset, next year's draft
made from it (``lkip new``) and the fixture agency (tests/fixtures), all three the session's builds,
reused; ``lkip build`` of the three writes the overview.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DRAFT, FIXTURE, FIXTURES
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from pypdf import PdfReader

from lkip_helpers import paths

pytestmark = pytest.mark.slow  # real builds or Excel round trips: make check skips them

LKIP = str(Path(sys.executable).parent / "lkip")
MAIN = paths.DEFAULT_DATASET


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    res = subprocess.run([LKIP, *args], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return res


@pytest.fixture(scope="module")
def out(built, draft_build, fixture_build, tmp_path_factory):
    work = tmp_path_factory.mktemp("dokumen")
    data = work / "data"
    shutil.copytree(paths.dataset_dir(MAIN), data / MAIN)
    # the session's builds of the same data: reused, not rebuilt
    shutil.copytree(built, work / "outputs" / MAIN)
    shutil.copytree(draft_build / "data" / DRAFT, data / DRAFT)
    shutil.copytree(draft_build / "outputs" / DRAFT, work / "outputs" / DRAFT)
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    shutil.copytree(fixture_build, work / "outputs" / FIXTURE)
    env = {**os.environ, "LKIP_DATA_DIR": str(data), "LKIP_OUTPUTS_DIR": str(work / "outputs")}
    said = _run(["build", MAIN, DRAFT, FIXTURE, "--jobs", "1"], env).stdout
    assert all(f"[{ds}] tidak berubah" in said for ds in (MAIN, DRAFT, FIXTURE)), said  # the overview is written
    return {"root": work / "outputs", "env": env}


def _manifest(out, dataset: str) -> dict:
    return json.loads((out["root"] / dataset / "manifest.json").read_text(encoding="utf-8"))


def _docx(out, dataset: str = MAIN):
    return Document(str(out["root"] / dataset / "dokumen" / f"lkip-{dataset}.docx"))


def _pdf(out, dataset: str = MAIN) -> PdfReader:
    return PdfReader(str(out["root"] / dataset / "dokumen" / f"lkip-{dataset}.pdf"))


def _artifacts(out, dataset: str, kind: str) -> list[dict]:
    return [a for a in _manifest(out, dataset)["artifacts"] if a["kind"] == kind]


def test_listed_in_manifest_and_linked(out):
    for dataset in (MAIN, DRAFT, FIXTURE):
        artifacts = {a["id"]: a for a in _manifest(out, dataset)["artifacts"]}
        assert artifacts["dokumen-lkip"]["kind"] == artifacts["dokumen-verifikasi"]["kind"] == "document"
        assert artifacts["dokumen-lkip"]["files"] == [f"dokumen/lkip-{dataset}.docx", f"dokumen/lkip-{dataset}.pdf"]
        assert artifacts["dokumen-verifikasi"]["files"] == [
            f"dokumen/catatan-verifikasi-{dataset}.docx",
            f"dokumen/catatan-verifikasi-{dataset}.pdf",
        ]
        for f in artifacts["dokumen-lkip"]["files"] + artifacts["dokumen-verifikasi"]["files"]:
            assert (out["root"] / dataset / f).stat().st_size > 10_000
        index = (out["root"] / dataset / "html" / "index.html").read_text(encoding="utf-8")
        assert f'href="../dokumen/lkip-{dataset}.docx"' in index and f'href="../dokumen/lkip-{dataset}.pdf"' in index
    overview = (out["root"] / "index.html").read_text(encoding="utf-8")
    assert f'href="{MAIN}/dokumen/lkip-{MAIN}.pdf"' in overview


def _word_table(d, title: str):
    """The Word table under the caption that ends with ``title``."""
    body = list(d.element.body)
    for i, el in enumerate(body):
        if el.tag == qn("w:p") and "".join(t.text or "" for t in el.iter(qn("w:t"))).endswith(title):
            nxt = body[i + 1]
            assert nxt.tag == qn("w:tbl"), title
            return next(t for t in d.tables if t._tbl is nxt)
    raise AssertionError(f"no caption ends with {title!r}")


# Rows of the seed report's tables, transcribed (numbers written the Indonesian way, as the document
# shows them: 1.476; 98,40; percentages with two decimals): each must be a row of the Word table, in this
# order, with these cells side by side. The seed's "0" percentage of an empty budget line is shown as "–".
SEED_ROWS = {
    "tabel-3.1": (
        10,  # nine indicators and the average
        [
            (None, ["1.500", "1.476", "98,40"]),
            (None, ["100", "104", "104,00"]),
            (None, ["873", "675", "77,32"]),
            (None, ["6.652", "5.867", "88,20"]),
            (None, ["100", "100", "100,00"]),
            (None, ["100", "100", "100,00"]),
            (None, ["100", "84,09", "84,09"]),
            (None, ["100", "51,09", "51,09"]),
            (None, ["100", "37,74", "37,74"]),
            ("RATA-RATA CAPAIAN", ["82,32"]),
        ],
    ),
    "tabel-3.12": (
        6,
        [
            ("Belanja Operasi", ["9.051.591.780", "7.401.465.357", "81,77"]),
            ("Belanja Pegawai", ["5.477.863.000", "4.868.022.947", "88,87"]),
            ("Belanja Barang dan Jasa", ["3.573.728.780", "2.533.442.410", "70,89"]),
            ("Belanja Modal", ["0", "0"]),
            ("Jumlah Belanja", ["9.051.591.780", "7.401.465.357", "81,77"]),
        ],
    ),
    "tabel-3.13": (
        48,
        [
            ("2.13", ["9.051.591.780", "7.401.465.357", "81,77"]),
            ("2.13.01", ["7.430.570.290", "6.637.182.506", "89,32"]),
            ("2.13.01.1.01.06", ["23.375.039", "4.130.039", "17,67"]),
            ("2.13.01.1.08", ["1.552.936.160", "1.474.899.847", "94,97"]),
            ("2.13.02", ["44.132.080", "31.188.100", "70,67"]),
            ("2.13.04", ["529.622.800", "133.529.000", "25,21"]),
            ("2.13.04.1.01.08", ["53.867.400", "8.557.000", "15,89"]),
            ("2.13.05", ["1.047.266.610", "599.565.751", "57,25"]),
            ("2.13.05.1.01.09", ["940.707.610", "519.497.751", "55,22"]),
        ],
    ),
}


def _has_cells(row: list[str], label: str | None, numbers: list[str]) -> bool:
    """The row holds ``label`` (indent stripped) and, after it, ``numbers`` in cells side by side."""
    cells = [c.strip() for c in row]
    if label is not None:
        if label not in cells:
            return False
        cells = cells[cells.index(label) + 1 :]
    return any(cells[i : i + len(numbers)] == numbers for i in range(len(cells)))


@pytest.mark.parametrize("table_id", sorted(SEED_ROWS))
def test_word_tables_show_the_seed_reports_numbers(out, table_id):
    title = next(a["title"] for a in _artifacts(out, MAIN, "table") if a["id"] == table_id)
    table = _word_table(_docx(out), title)
    rows = [[c.text for c in r.cells] for r in table.rows][1:]  # the header row left out
    count, wanted = SEED_ROWS[table_id]
    assert len(rows) == count
    at = 0
    for label, numbers in wanted:
        found = next((i for i in range(at, len(rows)) if _has_cells(rows[i], label, numbers)), None)
        assert found is not None, f"{table_id}: no row {label} {numbers} after row {at}"
        at = found + 1


def test_known_figures_in_word_tables(out):
    cells = {c.text for t in _docx(out).tables for r in t.rows for c in r.cells}
    for figure in ("82,32", "81,77", "9.051.591.780", "7.401.465.357", "1.476"):
        assert figure in cells


def test_tables_repeat_header_rows_keep_rows_whole_and_wide_ones_go_landscape(out):
    d = _docx(out)
    for t in d.tables:
        rows = t._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in d.sections}
    assert sizes <= {(210, 297), (297, 210)}
    assert any(s.orientation == WD_ORIENT.LANDSCAPE for s in d.sections)
    assert d.sections[0].orientation == WD_ORIENT.PORTRAIT


def test_pdf_pages_text_and_outline(out):
    r = _pdf(out)
    assert 20 <= len(r.pages) <= 200
    for page in r.pages:
        w, h = sorted((float(page.mediabox.width), float(page.mediabox.height)))
        assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1  # A4, portrait or landscape
    text = "\n".join(p.extract_text() for p in r.pages)
    for figure in ("82,32", "81,77", "9.051.591.780", "BAB III", "Daftar Isi", "Daftar Tabel", "Daftar Gambar"):
        assert figure in text
    assert "DRAF" not in text and "Konsistensi angka tercetak" not in text  # the audit is in the verification note
    assert len(r.outline) >= 6  # headings as bookmarks: a phone's reader lists them
    figures = len(_docx(out).inline_shapes)
    assert figures >= 3 and sum(len(p.images) for p in r.pages) == figures  # each chart once, as in Word
    note = PdfReader(str(out["root"] / MAIN / "dokumen" / f"catatan-verifikasi-{MAIN}.pdf"))
    assert "Konsistensi angka tercetak" in "\n".join(p.extract_text() for p in note.pages)


def test_draft_is_marked_on_every_page(out):
    d = _docx(out, DRAFT)
    header = " ".join(p.text for s in d.sections for p in s.header.paragraphs)
    assert "DRAF" in header
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "belum diisi" in cells
    r = _pdf(out, DRAFT)
    assert all("DRAF" in p.extract_text() for p in r.pages)
    assert "DRAF" not in " ".join(p.text for s in _docx(out).sections for p in s.header.paragraphs)


def test_no_document_skips_it_and_is_part_of_the_build_state(out):
    """Last: rebuilds the default dataset without the document (reusing every notebook run)."""
    res = _run(["build", MAIN, "--no-document", "--jobs", "1"], out["env"])
    assert "dilewati" not in res.stdout  # the setting changed, so the outputs are rewritten …
    assert f"[{MAIN}] 0 notebook dijalankan" in res.stdout  # … from the runs of the first build, without a kernel
    assert not (out["root"] / MAIN / "dokumen").exists()
    assert all(a["kind"] != "document" for a in _manifest(out, MAIN)["artifacts"])
    assert "dilewati" in _run(["build", MAIN, "--no-document"], out["env"]).stdout  # and now nothing changed


def test_template_supplies_letterhead_and_styles(tmp_path):
    """An agency's template.docx: its header (letterhead) and styles stay, its sample text goes."""
    from docx.shared import Pt

    from lkip_helpers.report.dokumen.model import Document as Model
    from lkip_helpers.report.dokumen.model import Heading, Paragraph, Run, Table
    from lkip_helpers.report.dokumen.word import write_docx

    template = Document()
    template.sections[0].header.paragraphs[0].text = "PEMERINTAH PROVINSI CONTOH — KOP SURAT"
    template.styles["Heading 1"].font.size = Pt(20)
    template.add_paragraph("teks contoh di template")
    template.save(tmp_path / "template.docx")
    model = Model(
        [
            Heading("Bab I Pendahuluan", 1),
            Paragraph([Run("isi =1+1 <b>")]),
            Table(
                "Tabel 1.1",
                "Contoh",
                ["Uraian", "Pagu (Rp)"],
                ["text", "rp"],
                [["Belanja", "9.051.591.780"]],
                widths=[0.6, 0.4],
            ),
        ],
        title="Contoh",
        footer="LKIP Contoh",
        template=tmp_path / "template.docx",
    )
    write_docx(model, tmp_path / "out.docx")
    d = Document(str(tmp_path / "out.docx"))
    assert d.sections[0].header.paragraphs[0].text.startswith("PEMERINTAH PROVINSI CONTOH")
    assert d.styles["Heading 1"].font.size == Pt(20)
    texts = [p.text for p in d.paragraphs]
    assert "teks contoh di template" not in texts and "isi =1+1 <b>" in texts  # data text stays text
    assert d.tables[0].cell(1, 1).text == "9.051.591.780"
