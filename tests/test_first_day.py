"""A new agency's first day: the draft `lkip new` writes builds as it is, a final dataset may state
that its budget is not available, Excel percent cells import as the number shown (or are refused),
`lkip import` keeps metadata.yml as written, `lkip template` offers only this dataset's tables,
`make lab` runs as root with PORT=/ARGS=, and README's core-table list is the schema's.

Expected sentences and numbers are written out by hand.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import CORE_TABLES, TABLES
from lkip_helpers.report import narrative, sections
from lkip_helpers.report.dokumen.compose import compose
from lkip_helpers.report.dokumen.compose import gaps as document_gaps
from lkip_helpers.report.text import escape

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "dinkes-lembahhijau-2023"
NEW = "dinas-contoh-2024"
NEW_ARGS = ["new", NEW, "--year", "2024", "--agency", "Dinas Contoh", "--region", "Kabupaten Contoh"]
REASON = "Pagu dan realisasi anggaran dicatat oleh BPKAD dan belum diserahkan kepada dinas."
STATED = (
    "Data anggaran tidak tersedia bagi instansi ini — Pagu dan realisasi anggaran dicatat oleh BPKAD dan belum "
    "diserahkan kepada dinas."
)


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("LKIP_DATA_DIR", str(root))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    return root


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _one_line_error(capsys, dataset: str) -> str:
    rc = main(["validate", dataset])
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert "Traceback" not in err and err.count("\n") == 1 and err.startswith("lkip: "), err
    return err


# ---------------------------------------------------------------- the draft `lkip new` writes


def test_new_agency_draft_leaves_sections_out_with_one_line(data_dir, capsys, tmp_path):
    assert main(NEW_ARGS) == 0
    ds = load_dataset(NEW)
    plan = sections.plan(ds)
    assert plan.reason("ringkasan") == (
        "tabel inti sasaran, indikator dan target belum diisi; isi sasaran.csv, indikator.csv dan target.csv untuk "
        "capaian indikator kinerja 2024"
    )
    assert plan.reason("capaian") == plan.reason("ringkasan")
    assert plan.reason("anggaran") == (
        "tabel inti anggaran belum diisi; isi anggaran.csv untuk pagu dan realisasi per program dan kegiatan"
    )
    # one line per missing table: the chart under the table and the other budget sections stay silent
    for key in ("grafik_capaian", "grafik_serapan_program", "efisiensi", "efisiensi_iku", "kegiatan_pendukung"):
        assert plan.reason(key) == sections.NOT_APPLICABLE, key
    assert narrative.anggaran_summary(ds) == "" and narrative.below_target(ds) == ""
    assert narrative.ringkasan(ds).startswith(
        "Indikator kinerja utama dan target Perjanjian Kinerja tahun 2024 belum diisi; capaian belum dapat dihitung."
    )
    # every part a notebook renders, and the LKIP document, are made without an error
    from lkip_helpers.report.artifacts import Outputs, set_current
    from lkip_helpers.report.pages import PARTS

    for part, render in PARTS.items():
        if part == "indikator":
            continue  # one page per indicator below target: a draft without indicators has none
        out = Outputs(NEW, tmp_path / "keluaran", f"uji-{part.replace('.', '-')}", missing=ds.missing_text)
        set_current(out)
        render(ds, out)
    capsys.readouterr()
    doc = compose(ds, charts=False)
    assert doc.draft
    assert "pagu dan realisasi anggaran per program dan kegiatan" in document_gaps(ds)


@pytest.mark.slow
def test_new_agency_draft_builds(data_dir, tmp_path, capsys):
    assert main(NEW_ARGS) == 0
    assert main(["build", NEW]) == 0, capsys.readouterr()
    html = (tmp_path / "outputs" / NEW / "html" / "04_anggaran.html").read_text(encoding="utf-8")
    assert "Bagian ini tidak ditampilkan: tabel inti anggaran belum diisi; isi anggaran.csv" in html
    assert (tmp_path / "outputs" / NEW / "dokumen" / f"lkip-{NEW}.pdf").is_file()


# ---------------------------------------------------------------- a budget stated not available


def _without_budget(data_dir: Path, reason: str | None = REASON) -> Path:
    """The fixture agency (final) with anggaran.csv holding its header only and no kode_rekening ties."""
    folder = data_dir / "tanpa-anggaran-2023"
    shutil.copytree(FIXTURE, folder)
    _write(folder / "anggaran.csv", [TABLES["anggaran"].columns])
    rows = _rows(folder / "indikator.csv")
    k = rows[0].index("kode_rekening")
    _write(folder / "indikator.csv", [rows[0]] + [r[:k] + [""] + r[k + 1 :] for r in rows[1:]])
    meta = (folder / "metadata.yml").read_text(encoding="utf-8").replace("  id: dinkes-lembahhijau-2023\n", "")
    if reason is not None:
        meta += f"\n# Anggaran dinas ini dicatat di luar dinas.\ntidak_tersedia:\n  anggaran: {reason}\n"
    (folder / "metadata.yml").write_text(meta, encoding="utf-8")
    return folder


def test_a_final_dataset_may_state_its_budget_unavailable(data_dir, capsys):
    _without_budget(data_dir)
    assert main(["validate", "tanpa-anggaran-2023"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("tanpa-anggaran-2023: valid") and "DRAF" not in out, out
    assert "anggaran" not in out.split("\n", 1)[1], out  # nothing about the budget is listed to fill
    assert "peringatan: anggaran" not in err, err  # nor warned of: no kegiatan can be tied to a budget not given
    ds = load_dataset("tanpa-anggaran-2023")
    assert ds.unavailable("anggaran") == REASON and ds.unavailable("belanja_jenis") == ""
    plan = sections.plan(ds)
    # one sentence where the budget sections would be; the sections drawn from it stay silent
    assert plan.reason("anggaran") == STATED[:1].lower() + STATED[1:-1]
    for key in ("grafik_serapan_program", "efisiensi", "grafik_efisiensi", "efisiensi_iku", "belanja_jenis"):
        assert plan.reason(key) == sections.NOT_APPLICABLE, key
    assert narrative.ringkasan(ds).endswith("\n" + escape(STATED))  # the agency's words, shown literally
    # the LKIP document: the same sentence under Realisasi Anggaran, no id or file name, nothing to fill
    blocks = compose(ds, charts=False).blocks
    at = next(i for i, b in enumerate(blocks) if getattr(b, "text", "").endswith("Realisasi Anggaran"))
    said = "".join(r.text for r in blocks[at + 1].runs)
    assert said == STATED
    assert not any("anggaran" in g for g in document_gaps(ds)), document_gaps(ds)
    assert main(["describe", "tanpa-anggaran-2023"]) == 0
    described = capsys.readouterr().out
    assert (
        f"anggaran.csv — {TABLES['anggaran'].description}\n  tidak tersedia bagi instansi ini: {REASON}\n" in described
    )


@pytest.mark.slow
def test_a_dataset_without_budget_builds(data_dir, tmp_path, capsys):
    _without_budget(data_dir)
    assert main(["build", "tanpa-anggaran-2023"]) == 0, capsys.readouterr()
    html = (tmp_path / "outputs" / "tanpa-anggaran-2023" / "html" / "04_anggaran.html").read_text(encoding="utf-8")
    assert "Bagian ini tidak ditampilkan: data anggaran tidak tersedia bagi instansi ini" in html
    assert "isi anggaran.csv" not in html and "sasaran_kegiatan.csv" not in html
    index = (tmp_path / "outputs" / "tanpa-anggaran-2023" / "html" / "index.html").read_text(encoding="utf-8")
    assert "Data anggaran tidak tersedia bagi instansi ini" in index and "serapan anggaran" not in index
    assert "Realisasi anggaran" not in index  # no "– dari –" for figures the agency never had


@pytest.mark.parametrize(
    "entry, fragments",
    [
        (
            "tidak_tersedia:\n  sasaran: belum ada\n",
            ["metadata.yml, baris", "kunci 'tidak_tersedia.sasaran'", "tidak dapat dinyatakan tidak tersedia"],
        ),
        ("tidak_tersedia:\n  anggaran: ''\n", ["kunci 'tidak_tersedia.anggaran'", "diharapkan alasannya sebagai teks"]),
        ("tidak_tersedia: [anggaran]\n", ["kunci 'tidak_tersedia'", "diharapkan bagian berisi kunci: nilai"]),
    ],
)
def test_a_bad_statement_is_one_line(data_dir, capsys, entry, fragments):
    folder = _without_budget(data_dir, reason=None)
    with (folder / "metadata.yml").open("a", encoding="utf-8") as f:
        f.write(entry)
    err = _one_line_error(capsys, "tanpa-anggaran-2023")
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_a_stated_table_that_holds_rows_is_refused(data_dir, capsys):
    folder = data_dir / "dinkes-2023"
    shutil.copytree(FIXTURE, folder)
    with (folder / "metadata.yml").open("a", encoding="utf-8") as f:
        f.write(f"tidak_tersedia:\n  anggaran: {REASON}\n")
    err = _one_line_error(capsys, "dinkes-2023")
    assert "metadata.yml, baris 27, kunci 'tidak_tersedia.anggaran': anggaran.csv berisi 9 baris" in err, err


def test_an_empty_budget_of_a_final_dataset_says_how_to_state_it(data_dir, capsys):
    _without_budget(data_dir, reason=None)
    err = _one_line_error(capsys, "tanpa-anggaran-2023")
    assert "anggaran.csv, baris 2: tidak ada baris data (hanya header)" in err
    assert "'tidak_tersedia: {anggaran: ALASAN}'" in err


# ---------------------------------------------------------------- Excel: percent cells, metadata, offered sheets


def _filled_template(data_dir: Path, tmp_path: Path, all_tables: bool = False):
    """A template of a new agency with two indicators (one in %, one in orang) and a budget, typed in."""
    from openpyxl import load_workbook

    assert main(NEW_ARGS) == 0
    book = tmp_path / "isian.xlsx"
    assert main(["template", NEW, str(book)] + (["--semua-tabel"] if all_tables else [])) == 0
    wb = load_workbook(book)
    rows = {
        "sasaran": [["ss-1", "strategis", None, "1", "Meningkatnya layanan"]],
        "indikator": [
            ["cakupan", "iku", "ss-1", None, "1", "Persentase cakupan layanan", "Cakupan", "%", "higher"],
            ["kader", "iku", "ss-1", None, "2", "Jumlah kader terlatih", "Kader", "orang", "higher"],
        ],
        "target": [["cakupan", 2024, "pk", 80], ["kader", 2024, "pk", 120]],
        "realisasi": [["cakupan", 2024, 60], ["kader", 2024, 90]],
        "anggaran": [["P1", None, "program", "Program layanan", 1000, 900]],
    }
    for sheet, values in rows.items():
        for i, row in enumerate(values, start=3):
            for j, v in enumerate(row, start=1):
                wb[sheet].cell(i, j).value = v
    return wb, book


def _percent(ws, ref: str, value: float, fmt: str = "0%") -> None:
    ws[ref].value = value
    ws[ref].number_format = fmt


@pytest.mark.slow
def test_percent_cells_import_as_the_number_shown(data_dir, tmp_path, capsys):
    wb, book = _filled_template(data_dir, tmp_path, all_tables=True)
    _percent(wb["target"], "D3", 0.8)  # "80%" typed for an indicator in %: 80
    _percent(wb["realisasi"], "C3", 0.605, "0.0%")  # 60,5 %
    _percent(wb["target"], "D4", 120, '0" %"')  # a literal '%' beside the number: 120 as typed
    ws = wb["capaian_historis"]  # a column whose unit is %
    for j, v in enumerate(["cakupan", 2022, None, "Tabel 3.5"], start=1):
        ws.cell(3, j).value = v
    _percent(ws, "C3", 0.75)
    wb.save(tmp_path / "persen.xlsx")
    assert main(["import", str(tmp_path / "persen.xlsx"), "persen-2024"]) == 0, capsys.readouterr()
    ds = load_dataset("persen-2024")
    t = ds.target.set_index("indikator_id")["target"]
    assert (t["cakupan"], t["kader"]) == (80, 120)
    assert ds.realisasi.set_index("indikator_id")["realisasi"]["cakupan"] == 60.5
    assert ds.capaian_historis["capaian_pct"].tolist() == [75]


@pytest.mark.slow
@pytest.mark.parametrize(
    "sheet, ref, fragments",
    [
        (
            "realisasi",
            "C4",
            [
                "sheet 'realisasi', baris Excel 4, kolom 'realisasi': sel berformat persen (tampil 50%, tersimpan 0,5)",
                "indikator 'kader' bersatuan 'orang', bukan %",
                "format sel sebagai Angka (General) lalu ketik nilainya",
            ],
        ),
        ("anggaran", "E3", ["sheet 'anggaran', baris Excel 3, kolom 'pagu_rp'", "padahal kolom ini dalam Rp, bukan %"]),
        ("target", "B3", ["sheet 'target', baris Excel 3, kolom 'year'", "padahal kolom ini bukan persentase"]),
        ("sasaran", "D3", ["sheet 'sasaran', baris Excel 3, kolom 'nomor'", "kolom ini berisi teks", "sebagai Teks"]),
    ],
)
def test_percent_cells_where_no_percent_belongs_are_refused(data_dir, tmp_path, capsys, sheet, ref, fragments):
    wb, _ = _filled_template(data_dir, tmp_path)
    _percent(wb[sheet], ref, 0.5)
    wb.save(tmp_path / "salah.xlsx")
    capsys.readouterr()
    assert main(["import", str(tmp_path / "salah.xlsx"), "salah-2024"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not paths.dataset_dir("salah-2024").exists()


@pytest.mark.slow
def test_import_keeps_metadata_comments_and_order(data_dir, tmp_path, capsys):
    from openpyxl import load_workbook

    from lkip_helpers.data import saving
    from lkip_helpers.data.excel import META_FIRST_ROW, META_SHEET

    wb, book = _filled_template(data_dir, tmp_path)
    original = (data_dir / NEW / "metadata.yml").read_text(encoding="utf-8")
    ws = wb[META_SHEET]
    sheet = [ws.cell(r, 1).value or "" for r in range(META_FIRST_ROW, ws.max_row + 1)]
    assert "\n".join(sheet).rstrip() == original.rstrip()  # the sheet is the file, comments included
    row = META_FIRST_ROW + sheet.index("  agency: Dinas Contoh")
    ws.cell(row, 1).value = "  agency: Dinas Contoh Baru"
    wb.save(tmp_path / "ubah.xlsx")
    assert main(["import", str(tmp_path / "ubah.xlsx"), NEW, "--force"]) == 0, capsys.readouterr()
    after = (data_dir / NEW / "metadata.yml").read_text(encoding="utf-8")
    assert after == original.replace("  agency: Dinas Contoh\n", "  agency: Dinas Contoh Baru\n")

    # a workbook whose sheet lost the comments (an older template): only the changed value is edited
    old_style = load_workbook(book)
    ws = old_style[META_SHEET]
    for r in range(META_FIRST_ROW, ws.max_row + 1):
        ws.cell(r, 1).value = None
    meta = yaml.safe_load(original)
    meta["dataset"]["region"] = "Kota Contoh"
    for i, line in enumerate(saving.metadata_text(meta).splitlines(), start=META_FIRST_ROW):
        ws.cell(i, 1).value = line
    old_style.save(tmp_path / "lama.xlsx")
    assert main(["import", str(tmp_path / "lama.xlsx"), NEW, "--force"]) == 0, capsys.readouterr()
    assert (data_dir / NEW / "metadata.yml").read_text(encoding="utf-8") == after.replace(
        "  region: Kabupaten Contoh\n", "  region: Kota Contoh\n"
    ).replace("  agency: Dinas Contoh Baru\n", "  agency: Dinas Contoh\n")


@pytest.mark.slow
def test_import_onto_itself_keeps_metadata_and_laporan_yml(scratch, tmp_path):
    before = {name: (scratch / name).read_bytes() for name in ("metadata.yml", "laporan.yml")}
    book = tmp_path / "sendiri.xlsx"
    assert main(["template", paths.DEFAULT_DATASET, str(book)]) == 0
    assert main(["import", str(book), paths.DEFAULT_DATASET, "--force"]) == 0
    assert {name: (scratch / name).read_bytes() for name in before} == before


@pytest.mark.slow
def test_template_offers_only_this_datasets_tables(data_dir, tmp_path, capsys):
    from openpyxl import load_workbook

    shutil.copytree(FIXTURE, data_dir / "dinkes-2023")  # core tables only
    assert main(["template", "dinkes-2023", str(tmp_path / "dinkes.xlsx")]) == 0
    assert "5 sheet data" in capsys.readouterr().out
    wb = load_workbook(tmp_path / "dinkes.xlsx")
    assert wb.sheetnames == ["_info", "sasaran", "indikator", "target", "realisasi", "anggaran", "_metadata"]
    info = "\n".join(str(c.value) for row in wb["_info"].iter_rows() for c in row if c.value is not None)
    assert not re.search(r"Bab \d", info) and "Lomba" not in info and "PKK" not in info, info
    assert "lkip template dinkes-2023 BERKAS.xlsx --semua-tabel" in info
    help_row = "\n".join(str(c.value) for name in CORE_TABLES for c in wb[name][2] if c.value is not None)
    assert not re.search(r"Bab \d", help_row), help_row
    # every table on request; a workbook without an optional sheet imports as "not used"
    assert main(["template", "dinkes-2023", str(tmp_path / "semua.xlsx"), "--semua-tabel"]) == 0
    assert load_workbook(tmp_path / "semua.xlsx").sheetnames == ["_info", *TABLES, "_metadata"]
    assert main(["import", str(tmp_path / "dinkes.xlsx"), "dinkes-salinan"]) == 0
    assert sorted(p.name for p in (data_dir / "dinkes-salinan").iterdir()) == sorted(
        [f"{t}.csv" for t in CORE_TABLES] + ["metadata.yml"]
    )


@pytest.mark.slow
def test_a_left_out_sheet_never_drops_a_file(scratch, tmp_path, capsys):
    from openpyxl import load_workbook

    book = tmp_path / "pmd.xlsx"
    assert main(["template", paths.DEFAULT_DATASET, str(book)]) == 0
    wb = load_workbook(book)
    del wb["narasi"]
    wb.save(book)
    capsys.readouterr()
    assert main(["import", str(book), paths.DEFAULT_DATASET, "--force"]) == 2
    err = capsys.readouterr().err
    assert "sheet 'narasi': sheet tidak ada, padahal pmd-ntt-2023 memuat narasi.csv" in err, err
    assert (scratch / "narasi.csv").is_file()


# ---------------------------------------------------------------- make lab, README


def test_make_lab_passes_port_and_args_and_runs_as_root(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make tidak terpasang")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "jupyter").write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n', encoding="utf-8")
    (fake / "jupyter").chmod(0o755)
    # the install stamp as the Makefile names it (make matches -o by name): never reinstalled here, even
    # when pyproject.toml is newer than it
    run = ["make", "-s", "-C", str(ROOT), "-o", ".venv/.installed", "lab", f"BIN={fake}"]
    args = subprocess.run(
        run + ["PORT=8899", "ARGS=--no-browser --ServerApp.token=abc"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert args[:2] == ["lab", "notebooks/"]
    assert args[-3:] == ["--port=8899", "--no-browser", "--ServerApp.token=abc"]
    assert ("--allow-root" in args) == (os.getuid() == 0)  # jupyter refuses root without it
    plain = subprocess.run(run, capture_output=True, text=True, check=True).stdout.split()
    assert plain[:2] == ["lab", "notebooks/"] and not any(a.startswith("--port") for a in plain)
    assert ("--allow-root" in plain) == (os.getuid() == 0)


def _readme_core_tables() -> dict[str, list[str]]:
    """The core-table list of README's 'Memulai instansi baru' (``- `x.csv`: col, col (note), ...``)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    part = text[text.index("2. **Isi tabel inti.**") :]
    part = part[: part.index("\n\n")]
    items = re.findall(r"- `([a-z_]+)\.csv`: (.*?)(?=\n\s*- `|\Z)", part, re.S)
    out = {}
    for name, body in items:
        body = " ".join(body.split())
        while re.search(r"\([^()]*\)", body):
            body = re.sub(r"\s*\([^()]*\)", "", body)  # notes and allowed values, e.g. "(pk | rpjmd)"
        out[name] = [c.strip() for c in body.split(",")]
    return out


def test_readme_core_table_list_is_the_schema():
    listed = _readme_core_tables()
    assert list(listed) == ["sasaran", "indikator", "target", "realisasi", "anggaran"]
    assert tuple(listed) == CORE_TABLES
    for name, columns in listed.items():
        assert columns == TABLES[name].columns, name  # every column `lkip new` writes, in its order
    assert listed["target"][-1] == "source_table" and listed["realisasi"][-1] == "source_table"
