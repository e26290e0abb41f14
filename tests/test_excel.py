"""Excel in and out: `lkip template` then `lkip import` gives back the same data; bad cells are named."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data.excel import FIRST_DATA_ROW, HELP_ROW, write_template
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import TABLES

pytestmark = pytest.mark.slow  # real builds or Excel round trips: make check skips them


@pytest.fixture()
def workbook(scratch, tmp_path, template_xlsx):
    """A template of the default dataset (written with the CLI, once: a copy); returns its path."""
    path = tmp_path / "lkip-2023.xlsx"
    shutil.copyfile(template_xlsx, path)
    return path


def _leftovers(root):
    return [p.name for p in root.iterdir() if p.name.startswith(".")]


def test_round_trip_gives_the_same_data(workbook, capsys):
    assert main(["import", str(workbook), "salinan-2023"]) == 0
    assert "salinan-2023: valid — 19 tabel" in capsys.readouterr().out
    a, b = load_dataset(paths.DEFAULT_DATASET), load_dataset("salinan-2023")
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True, obj=name)
    assert {k: v for k, v in a.meta.items() if k != "dataset"} == {k: v for k, v in b.meta.items() if k != "dataset"}
    assert {**a.meta["dataset"], "id": "salinan-2023"} == b.meta["dataset"]
    assert main(["validate", "salinan-2023"]) == 0


def test_template_layout_and_validation(workbook, ds):
    wb = load_workbook(workbook)
    assert wb.sheetnames[0] == "_info" and wb.sheetnames[-1] == "_metadata"
    # the tables this dataset uses: every one but pembanding, which pmd-ntt-2023 has no file for
    assert wb.sheetnames[1:-1] == [name for name in TABLES if name != "pembanding"]
    for name in wb.sheetnames[1:-1]:
        table = TABLES[name]
        ws = wb[name]
        assert [c.value for c in ws[1]] == table.columns, name
        assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
        assert ws.max_row >= FIRST_DATA_ROW + len(ds.tables[name]) - 1
    ind = wb["indikator"]
    assert ind.cell(HELP_ROW, ind_col(ind, "polarity")).value.startswith("higher = makin tinggi realisasi makin baik")
    rules = {
        (str(dv.sqref).split(":")[0][0], dv.type, dv.formula1, dv.operator)
        for dv in ind.data_validations.dataValidation
    }
    letter = lambda ws, col: chr(ord("A") + ind_col(ws, col) - 1)  # noqa: E731
    assert (letter(ind, "polarity"), "list", '"higher,lower"', None) in rules
    assert (letter(ind, "kind"), "list", '"iku,ikk"', None) in rules
    units = next(
        dv.formula1 for dv in ind.data_validations.dataValidation if str(dv.sqref).startswith(letter(ind, "unit"))
    )
    assert "Unit" in units and "%" in units
    real = wb["realisasi"]
    assert (letter(real, "realisasi"), "decimal", "0", "between") in {  # 0 to schema.MAX_AMOUNT
        (str(dv.sqref)[0], dv.type, dv.formula1, dv.operator) for dv in real.data_validations.dataValidation
    }
    ang = wb["anggaran"]
    assert ang.cell(HELP_ROW, ind_col(ang, "pagu_rp")).value.startswith(
        "Pagu anggaran setelah perubahan [Rp]. Diisi tiap tahun"
    )
    assert ang.cell(FIRST_DATA_ROW, 1).number_format == "@"  # codes such as 2.13 stay text
    # rows the analyst adds below take the column's format (no empty formatted cells are written)
    assert ang.column_dimensions["A"].number_format == "@"
    assert ang.column_dimensions[letter(ang, "pagu_rp")].number_format == "#,##0"
    assert ang.max_row == FIRST_DATA_ROW + len(ds.anggaran) - 1


def ind_col(ws, name):
    return [c.value for c in ws[1]].index(name) + 1


def _edit(src, dst, sheet, cell, value):
    wb = load_workbook(src)
    wb[sheet][cell] = value
    wb.save(dst)
    return dst


BAD = [
    # (id, sheet, cell, value, fragments)
    (
        "text-in-number",
        "realisasi",
        "C5",
        "banyak",
        ["sheet 'realisasi', baris Excel 5, kolom 'realisasi'", "'banyak'", "diharapkan angka"],
    ),
    (
        "outside-list",
        "indikator",
        "I6",
        "tinggi",
        ["sheet 'indikator', baris Excel 6, kolom 'polarity'", "'tinggi'", "higher, lower"],
    ),
    ("negative-money", "anggaran", "E9", -5, ["sheet 'anggaran', baris Excel 9, kolom 'pagu_rp'", ">= 0"]),
    (
        "unknown-id",
        "realisasi",
        "A7",
        "kerja-sama",
        ["sheet 'realisasi', baris Excel 7, kolom 'indikator_id'", "'kerja-sama' tidak ada di sheet 'indikator'"],
    ),
    (
        "decimal-comma-text",
        "realisasi",
        "C10",
        "84,09",
        ["sheet 'realisasi', baris Excel 10, kolom 'realisasi'", "'84,09'"],
    ),
    (
        "metadata-year",
        "_metadata",
        "A11",  # the sheet is metadata.yml line by line, comments included: 'year:' is its line 10
        "  year: dua ribu",
        ["sheet '_metadata', baris Excel 11, kolom 'year'", "bilangan bulat"],
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_cell_names_sheet_row_and_column(workbook, scratch, tmp_path, capsys, case):
    _, sheet, cell, value, fragments = case
    bad = _edit(workbook, tmp_path / "salah.xlsx", sheet, cell, value)
    assert main(["import", str(bad), "impor-2023"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert err.startswith(f"lkip: {bad}, ")
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not paths.dataset_dir("impor-2023").exists()  # nothing half-written
    assert _leftovers(scratch.parent) == []


def test_numbers_typed_in_excel_are_written_canonically(workbook, tmp_path):
    wb = load_workbook(workbook)
    ws = wb["realisasi"]
    ws["C2"], ws["C3"], ws["C4"] = "(catatan)", 1476.0, 84.09000000000001  # row 2 is help text, ignored
    wb.save(tmp_path / "angka.xlsx")
    assert main(["import", str(tmp_path / "angka.xlsx"), "angka-2023"]) == 0
    lines = (paths.dataset_dir("angka-2023") / "realisasi.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == "bumdes-aktif,2023,1476,Tabel 3.1" and lines[2] == "bumdes-pariwisata,2023,84.09,Tabel 3.1"


def test_import_does_not_overwrite_without_force(workbook, capsys):
    assert main(["import", str(workbook), paths.DEFAULT_DATASET]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["import", str(workbook), paths.DEFAULT_DATASET, "--force"]) == 0
    assert main(["validate"]) == 0


def test_missing_sheet_and_not_a_workbook(workbook, scratch, tmp_path, capsys):
    wb = load_workbook(workbook)
    del wb["target"]  # a core table (an optional table's sheet may be left out: tests/test_first_day.py)
    wb.save(tmp_path / "kurang.xlsx")
    assert main(["import", str(tmp_path / "kurang.xlsx"), "kurang-2023"]) == 2
    assert "sheet 'target': sheet tidak ada" in capsys.readouterr().err
    (tmp_path / "bukan.xlsx").write_text("a,b\n", encoding="utf-8")
    assert main(["import", str(tmp_path / "bukan.xlsx"), "kurang-2023"]) == 2
    assert "bukan workbook Excel" in capsys.readouterr().err
    assert not paths.dataset_dir("kurang-2023").exists() and _leftovers(scratch.parent) == []


def test_draft_round_trip(scratch, tmp_path):
    from lkip_helpers.data.newyear import new_dataset

    new_dataset("draf-2024", paths.DEFAULT_DATASET, 2024)
    draft = load_dataset("draf-2024")
    write_template(draft, tmp_path / "draf.xlsx")
    assert main(["import", str(tmp_path / "draf.xlsx"), "draf-2024-b"]) == 0
    back = load_dataset("draf-2024-b")
    assert back.draft
    for name in TABLES:
        pd.testing.assert_frame_equal(draft.tables[name], back.tables[name], check_exact=True, obj=name)


def test_deleted_help_row_is_not_silently_dropped(workbook, tmp_path, capsys):
    wb = load_workbook(workbook)
    wb["target"].delete_rows(HELP_ROW)  # the first data row moves up to row 2
    wb.save(tmp_path / "tanpa-penjelasan.xlsx")
    assert main(["import", str(tmp_path / "tanpa-penjelasan.xlsx"), "impor-2023"]) == 2
    err = capsys.readouterr().err
    assert "sheet 'target', baris Excel 2" in err and "baris penjelasan" in err
