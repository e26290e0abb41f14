"""Size and shape limits of the inputs (lkip_helpers.data.limits): refused before parsing, one line each."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lkip_helpers.analysis.anggaran import rollup
from lkip_helpers.capaian import PolicyError
from lkip_helpers.data.excel import FIRST_DATA_ROW, META_SHEET, check_bounds, import_workbook, write_template
from lkip_helpers.data.limits import DEFAULTS, Limits
from lkip_helpers.data.loading import load_dataset, load_table
from lkip_helpers.data.schema import TABLES
from lkip_helpers.errors import DataError, LkipError

# --- the limits themselves --------------------------------------------------------------------


def test_defaults_and_raised_limits():
    assert Limits.from_meta({"dataset": {}}) == DEFAULTS
    assert DEFAULTS.baris_per_tabel == 200_000 and DEFAULTS.csv_bytes == 50 * 1024 * 1024
    raised = Limits.from_meta({"batas": {"baris_per_tabel": 1_000_000, "csv_mb": 120.5}})
    assert raised.baris_per_tabel == 1_000_000 and raised.csv_mb == 120.5
    assert raised.sel_per_sheet == DEFAULTS.sel_per_sheet  # the keys left out keep their defaults


@pytest.mark.parametrize(
    "batas, key",
    [
        ({"baris": 5}, "batas.baris"),  # unknown key
        ({"baris_per_tabel": 0}, "batas.baris_per_tabel"),
        ({"baris_per_tabel": 2.5}, "batas.baris_per_tabel"),  # rows are whole
        ({"csv_mb": "besar"}, "batas.csv_mb"),
        ({"karakter_per_sel": True}, "batas.karakter_per_sel"),
        ([1, 2], "batas"),
    ],
)
def test_bad_batas_names_its_key(batas, key):
    with pytest.raises(PolicyError) as exc:
        Limits.from_meta({"batas": batas})
    assert exc.value.key == key


def test_bad_batas_in_metadata_is_a_data_error(scratch):
    meta = scratch / "metadata.yml"
    meta.write_text(meta.read_text(encoding="utf-8") + "batas:\n  baris_per_tabel: -1\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_dataset(scratch.name)
    assert exc.value.key == "batas.baris_per_tabel" and "lebih dari 0" in str(exc.value)


# --- CSV --------------------------------------------------------------------------------------

SASARAN = TABLES["sasaran"]


def _sasaran_csv(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "sasaran.csv"
    lines = ["sasaran_id,level,parent_id,nomor,name"]
    lines += [f"s-{i},strategis,,{i},{name}" for i, name in enumerate(names, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_rows_past_the_limit_name_the_first_row_over(tmp_path):
    path = _sasaran_csv(tmp_path, ["Satu", "Dua", "Tiga", "Empat"])
    with pytest.raises(DataError) as exc:
        load_table(path, SASARAN, limits=Limits(baris_per_tabel=3))
    # header is line 1, the fourth data row line 5
    assert exc.value.row == 5 and "lebih dari 3 baris data" in exc.value.detail
    assert "batas: {baris_per_tabel: 30}" in exc.value.detail
    assert len(load_table(path, SASARAN, limits=Limits(baris_per_tabel=4))) == 4  # at the limit: loads


def test_csv_bytes_past_the_limit_are_refused_before_reading(tmp_path):
    path = _sasaran_csv(tmp_path, ["Satu"] * 1)
    path.write_bytes(path.read_bytes() + b"\xff" * 2000)  # not UTF-8 either: the size is what is named
    with pytest.raises(DataError) as exc:
        load_table(path, SASARAN, limits=Limits(csv_mb=0.001))
    assert "lebih dari batas 0 MB per file CSV" in exc.value.detail and "csv_mb" in exc.value.detail


def test_csv_long_text_cell_names_row_and_column(tmp_path):
    path = _sasaran_csv(tmp_path, ["Pendek", "x" * 11])
    with pytest.raises(DataError) as exc:
        load_table(path, SASARAN, limits=Limits(karakter_per_sel=10))
    assert (exc.value.row, exc.value.column) == (3, "name")
    assert "sel terlalu panjang: 11 karakter, lebih dari batas 10 karakter" in exc.value.detail
    assert load_table(path, SASARAN, limits=Limits(karakter_per_sel=11))["name"].iloc[1] == "x" * 11


def test_csv_unclosed_quote_stops_at_the_cell_limit(tmp_path):
    path = tmp_path / "sasaran.csv"
    path.write_text('sasaran_id,level,parent_id,nomor,name\ns-1,strategis,,1,"open\n' + "y," * 50, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_table(path, SASARAN, limits=Limits(karakter_per_sel=20))
    assert exc.value.row == 2 and exc.value.column == "name" and "tanda kutip" in exc.value.detail


def test_limits_raised_in_metadata_apply_to_the_dataset(scratch):
    n = max(len(pd.read_csv(f, dtype=str)) for f in scratch.glob("*.csv"))  # the longest table's data rows
    meta = scratch / "metadata.yml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text + f"batas:\n  baris_per_tabel: {n - 1}\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_dataset(scratch.name)
    assert "baris data" in exc.value.detail
    meta.write_text(text + f"batas:\n  baris_per_tabel: {n}\n", encoding="utf-8")
    assert max(len(t) for t in load_dataset(scratch.name).tables.values()) == n


# --- XLSX -------------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list], meta_lines: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "anggaran"
    for r in rows:
        ws.append(r)
    m = wb.create_sheet("_metadata")
    m.append(["# metadata.yml"])
    for line in meta_lines:
        m.append([line])
    wb.save(path)
    return path


HEADER = ["kode_rekening", "parent_kode", "level", "uraian", "pagu_rp", "realisasi_rp"]
HELP = ["penjelasan"] * 6


def _budget_rows(n: int) -> list[list]:
    return [[f"P{i}", None, "program", f"Program {i}", 100, 90] for i in range(1, n + 1)]


def test_xlsx_cells_past_the_limit_by_dimension(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [HEADER, HELP, *_budget_rows(3)])  # 5 rows x 6 columns = 30 cells
    with pytest.raises(LkipError) as exc:
        check_bounds(path, Limits(sel_per_sheet=29))
    assert "sheet 'anggaran'" in str(exc.value) and "30 sel terpakai (5 baris x 6 kolom" in str(exc.value)
    assert check_bounds(path, Limits(sel_per_sheet=30)).sel_per_sheet == 30


def _lie_about_dimension(path: Path) -> None:
    """Rewrite the sheet's <dimension> as A1:A1, as some writers leave it."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    text = parts[sheet].decode()
    start = text.index("<dimension ref=")
    end = text.index("/>", start) + 2
    parts[sheet] = (text[:start] + '<dimension ref="A1:A1"/>' + text[end:]).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_xlsx_cells_counted_when_the_dimension_lies(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [HEADER, HELP, *_budget_rows(3)])
    _lie_about_dimension(path)
    with pytest.raises(LkipError) as exc:
        check_bounds(path, Limits(sel_per_sheet=20))
    assert "sheet 'anggaran'" in str(exc.value) and "lebih dari 20 sel terpakai" in str(exc.value)
    assert check_bounds(path, Limits(sel_per_sheet=30)).sel_per_sheet == 30  # 5 rows x 6 cells: at the limit


def test_xlsx_rows_counted_before_loading(tmp_path):
    # header, help row, 506 rows: the limit of 5 data rows plus the template's 500 spare rows is 507 rows
    path = _workbook(tmp_path / "a.xlsx", [HEADER, HELP, *_budget_rows(506)])
    assert check_bounds(path, Limits(baris_per_tabel=6)).baris_per_tabel == 6  # 508 rows allowed
    with pytest.raises(LkipError) as exc:
        check_bounds(path, Limits(baris_per_tabel=5))
    assert "sheet 'anggaran'" in str(exc.value) and "lebih dari 507 baris terpakai" in str(exc.value)


@pytest.mark.slow  # an Excel round trip
def test_xlsx_long_text_and_rows_named_by_excel_row(tmp_path, ds, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "out"))
    path = write_template(ds, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    wb["sasaran"].cell(FIRST_DATA_ROW + 1, 5).value = "n" * 101  # column 5 of sasaran: name
    meta = wb[META_SHEET]
    meta.append(["batas:"])
    meta.append(["  karakter_per_sel: 100"])
    wb.save(path)
    with pytest.raises(LkipError) as exc:
        import_workbook(path, "besar")
    assert "sheet 'sasaran', baris Excel 4, kolom 'name'" in str(exc.value), str(exc.value)
    assert "101 karakter, lebih dari batas 100" in str(exc.value)
    assert not (tmp_path / "data" / "besar").exists()


def test_xlsx_batas_in_its_metadata_sheet_raises_the_limit(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [HEADER, HELP, *_budget_rows(4)], ("batas:", "  baris_per_tabel: 4"))
    assert check_bounds(path, Limits(baris_per_tabel=3)).baris_per_tabel == 4


def test_xlsx_bytes_and_unpacked_size(tmp_path):
    path = _workbook(tmp_path / "a.xlsx", [HEADER, HELP, *_budget_rows(3)])
    with pytest.raises(LkipError, match="per file Excel"):
        check_bounds(path, Limits(xlsx_mb=path.stat().st_size / 1024 / 1024 / 2))


# --- memory: a workbook of millions of cells, under a hard memory limit --------------------------


def _huge_workbook(path: Path, n_rows: int, n_cols: int, dimension: str | None) -> None:
    """A real workbook whose anggaran sheet holds n_rows x n_cols numeric cells (written as XML, streamed)."""
    small = _workbook(path.with_suffix(".small.xlsx"), [HEADER, HELP])
    with zipfile.ZipFile(small) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    head = parts.pop(sheet).decode()
    head = head[: head.index("<sheetData")]
    if dimension:
        start = head.index("<dimension ref=")
        head = head[:start] + f'<dimension ref="{dimension}"/>' + head[head.index("/>", start) + 2 :]
    cells = "<c><v>1</v></c>" * n_cols
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        with z.open(sheet, "w", force_zip64=True) as f:
            f.write(head.encode() + b"<sheetData>")
            row = f"<row>{cells}</row>".encode()
            for _ in range(n_rows):
                f.write(row)
            f.write(b"</sheetData></worksheet>")


MEMORY_LIMIT = 1536 * 1024 * 1024  # far below what loading millions of cells whole takes


def _import_under_limit(tmp_path: Path, xlsx: Path) -> subprocess.CompletedProcess:
    code = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
        from lkip_helpers.cli import entry
        sys.exit(entry(["import", {str(xlsx)!r}, "besar"]))
        """
    )
    env = {"LKIP_DATA_DIR": str(tmp_path / "data"), "LKIP_OUTPUTS_DIR": str(tmp_path / "out"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
@pytest.mark.parametrize("dimension", ["A1:BH100000", "A1:A1"])  # told, and hidden by a lying dimension
def test_six_million_cells_refused_in_bounded_memory(tmp_path, dimension):
    xlsx = tmp_path / "besar.xlsx"
    _huge_workbook(xlsx, 100_000, 60, dimension)  # 6.000.000 cells, a few MB packed
    done = _import_under_limit(tmp_path, xlsx)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "sheet 'anggaran'" in lines[0] and "sel per sheet" in lines[0]
    assert not (tmp_path / "data" / "besar").exists()


# --- scale: the budget tree is one pass ---------------------------------------------------------


def test_rollup_sums_leaves_and_keeps_blank_leaves_blank():
    df = pd.DataFrame(
        {
            "k": ["A", "A.1", "A.1.a", "A.1.b", "A.2", "B", "B.1"],
            "p": [None, "A", "A.1", "A.1", "A", None, "B"],
            "pagu": [None, None, 10.0, 5.0, 1.0, None, None],
            "real": [None, None, 8.0, 5.0, 1.0, None, 2.0],
        }
    )
    out = rollup(df, "k", "p", ("pagu", "real"))
    assert out["depth"].tolist() == [0, 1, 2, 2, 1, 0, 1]
    assert out["is_leaf"].tolist() == [False, False, True, True, True, False, True]
    assert out["pagu"].tolist()[:5] == [16.0, 15.0, 10.0, 5.0, 1.0]
    assert pd.isna(out["pagu"].iloc[5]) and pd.isna(out["pagu"].iloc[6])  # B.1 blank: B has no total
    assert out["real"].tolist() == [14.0, 13.0, 8.0, 5.0, 1.0, 2.0, 2.0]


# --- time limits grow with the work -------------------------------------------------------------


def test_time_allowance_grows_with_the_rows_and_says_how(tmp_path):
    from lkip_helpers.pipeline.runner import PER_ROW_S, DocumentTask, allowance

    folder = tmp_path / "data" / "besar"
    folder.mkdir(parents=True)
    (folder / "anggaran.csv").write_text("a,b\n" + "1,2\n" * 1000, encoding="utf-8")  # 1000 data rows
    (folder / "indikator.csv").write_text("a\n" + "x\n" * 200, encoding="utf-8")  # 200 more
    (folder / "metadata.yml").write_text("dataset:\n" * 50, encoding="utf-8")  # not a table: not counted
    seconds, why = allowance(DocumentTask("besar", str(tmp_path), str(tmp_path / "data")), 120)
    assert seconds == int(120 + PER_ROW_S * 1200) + 1
    assert "batas 120 detik" in why and "x 1200 baris" in why
    assert allowance(DocumentTask("tidak-ada", str(tmp_path), str(tmp_path / "data")), 120)[0] == 121
