"""Excel in and out: a workbook to fill (``lkip template``) and its import (``lkip import``).

Layout of every table sheet: row 1 holds the column names (read back on import), row 2
says what each column holds (description, unit, required or not), data start on row 3.
Allowed values, units and number ranges become Excel data validation, from the
schema. A ``_metadata`` sheet carries ``metadata.yml`` line by line, comments included;
``_info`` explains the workbook. The template offers the core tables and the optional
tables the dataset uses (their file is there); ``all_tables`` offers every table.

Import writes each sheet as CSV text and runs the very checks of ``lkip validate``;
a problem is reported by sheet, Excel row and column. ``data/<dataset>/`` is written
only when the whole workbook is valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from lkip_helpers.capaian import PolicyError
from lkip_helpers.data import safe_yaml, saving
from lkip_helpers.data._openpyxl_compat import sheet_xml
from lkip_helpers.data.completeness import is_draft
from lkip_helpers.data.limits import DEFAULTS, XLSX_UNPACKED_FACTOR, Limits, shown, size_mb
from lkip_helpers.data.loading import Dataset, _coerce, load_dataset, load_metadata, load_table
from lkip_helpers.data.safe_cells import xlsx_cell
from lkip_helpers.data.schema import FIELDS, TABLES, Table, is_percent_unit
from lkip_helpers.errors import DataError, LkipError
from lkip_helpers.palette import DOCUMENT, PALETTE, rgb

INFO_SHEET = "_info"
META_SHEET = "_metadata"
HEADER_ROW, HELP_ROW, FIRST_DATA_ROW = 1, 2, 3
SPARE_ROWS = 500  # validation reaches this far below the data, for rows the analyst adds (older templates: format too)
META_FIRST_ROW = 2  # row 1 of the _metadata sheet is a note; YAML line n sits on row n + 1


class WorkbookError(DataError):
    """Bad input in a workbook: names the sheet, the Excel row and the column."""

    def __init__(self, file: Path | str, sheet: str, message: str, row: int | None = None, column: str | None = None):
        self.sheet = sheet
        super().__init__(file, message, row, column)

    def _compose(self) -> str:
        return f"{self.file}, {self.located()}"

    def located(self) -> str:
        """Sheet, Excel row, column and the problem, without the file name."""
        where = [f"sheet '{self.sheet}'"]
        if self.row is not None:
            where.append(f"baris Excel {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        return ", ".join(where) + ": " + self.detail


# --- template ---------------------------------------------------------------------------------


def offered_tables(ds: Dataset, all_tables: bool = False) -> list[str]:
    """The tables a template offers: the core ones and those the dataset uses (its file is there,
    even with a header only), or every table with ``all_tables``. Never another agency's optional tables."""
    return [
        name
        for name, table in TABLES.items()
        if all_tables or table.core or not ds.tables[name].attrs.get("absent", False)
    ]


def write_template(ds: Dataset, path: Path | str, all_tables: bool = False) -> Path:
    """Write a workbook with one sheet per offered table (:func:`offered_tables`), filled with the dataset's values.

    Returns:
        the path written.
    """
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise LkipError(f"nama file template harus berakhiran .xlsx: {path}")
    wb = Workbook()
    info = wb.active
    info.title = INFO_SHEET
    offered = offered_tables(ds, all_tables)
    for name in offered:
        _table_sheet(wb.create_sheet(name), TABLES[name], ds.tables[name], ds)
    _metadata_sheet(wb.create_sheet(META_SHEET), ds)
    _info_sheet(info, ds, offered)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _help_text(table: Table, column: str) -> str:
    col = table.col(column)
    f = FIELDS[col.field]
    unit = f" [{f.unit}]" if f.unit else ""
    if col.fill:
        need = "Diisi tiap tahun (boleh kosong selama draf)"
    else:
        need = "Wajib" if col.required else "Opsional"
    key = ", kunci" if column in table.key else ""
    allowed = f" Pilihan: {', '.join(f.isin)}." if f.isin else ""
    return f"{f.description.rstrip('.')}{unit}. {need}{key}.{allowed}"


def _cell_value(value, dtype: str):
    """A DataFrame value as an Excel cell value: numbers stay numbers, missing stays empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if dtype == "int":
        return int(value)
    if dtype == "float":
        return float(value)
    if dtype == "bool":
        return bool(value)
    return str(value)


def _table_sheet(ws, table: Table, df: pd.DataFrame, ds: Dataset) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, help_font = Font(bold=True, color="FFFFFF"), Font(italic=True, color=rgb(DOCUMENT["bantuan"]), size=9)
    fill = PatternFill("solid", fgColor=rgb(PALETTE["utama"]))
    last = FIRST_DATA_ROW + len(df) + SPARE_ROWS
    for j, column in enumerate(table.columns, start=1):
        f = table.field_of(column)
        head = ws.cell(HEADER_ROW, j, column)
        head.font, head.fill = bold, fill
        head.comment = Comment(_help_text(table, column), "lkip")
        note = ws.cell(HELP_ROW, j, _help_text(table, column))
        note.font, note.alignment = help_font, Alignment(wrap_text=True, vertical="top")
        for i, value in enumerate(df[column], start=FIRST_DATA_ROW):
            xlsx_cell(ws, i, j, _cell_value(value, f.dtype))  # text such as "=..." stays text, never a formula
        letter = get_column_letter(j)
        fmt = _number_format(f)
        for i in range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(df)):
            ws.cell(i, j).number_format = fmt
        # rows the analyst adds take the column's format (Excel's own "format the whole column"): no empty
        # formatted cells, which made the workbook slow to write and to read back
        ws.column_dimensions[letter].number_format = fmt
        width = max([len(column) + 2] + [len(str(v)) for v in df[column].head(200) if v is not pd.NA])
        ws.column_dimensions[letter].width = min(max(12, width + 2), 60)
        validation = _validation(table, column, ds, f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        if validation is not None:
            ws.add_data_validation(validation)
    ws.row_dimensions[HELP_ROW].height = 60
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


def _number_format(f) -> str:
    # Text format keeps codes like 1.02 or 1.10 as typed; Rupiah shows grouped, other numbers as typed.
    return {"str": "@", "int": "0"}.get(f.dtype, "#,##0" if f.unit == "Rp" else "General")


def _validation(table: Table, column: str, ds: Dataset, cells: str):
    """Excel data validation for one column, from the schema (None when Excel has nothing to offer)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    f = table.field_of(column)
    if f.isin:
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(f.isin) + '"',
            allow_blank=True,
            errorTitle="Nilai tidak sah",
            error="Pilih salah satu: " + ", ".join(f.isin),
        )
    elif f.name == "unit" and table.name == "indikator":
        units = sorted({str(u) for u in ds.indikator["unit"].dropna()})
        listed = ",".join(units)
        if not units or len(listed) > 250 or any("," in u or '"' in u for u in units):
            return None  # Excel's inline list cannot hold these
        # A new unit is possible: Excel warns but lets it through.
        dv = DataValidation(
            type="list",
            formula1=f'"{listed}"',
            allow_blank=True,
            errorStyle="warning",
            errorTitle="Satuan baru?",
            error="Satuan ini belum dipakai: " + listed,
        )
    elif f.dtype in ("int", "float") and (f.ge is not None or f.le is not None):
        kind = "whole" if f.dtype == "int" else "decimal"
        if f.ge is not None and f.le is not None:
            dv = DataValidation(type=kind, operator="between", formula1=f"{f.ge:g}", formula2=f"{f.le:g}")
            rule = f"antara {f.ge:g} dan {f.le:g}"
        else:
            op, bound = ("greaterThanOrEqual", f.ge) if f.ge is not None else ("lessThanOrEqual", f.le)
            dv = DataValidation(type=kind, operator=op, formula1=f"{bound:g}")
            rule = (">= " if f.ge is not None else "<= ") + f"{bound:g}"
        dv.allow_blank = True
        dv.errorTitle = "Angka tidak sah"
        dv.error = ("Bilangan bulat " if kind == "whole" else "Angka ") + rule + (f" ({f.unit})" if f.unit else "")
    else:
        return None
    dv.showErrorMessage = True
    dv.promptTitle = column[:32]
    dv.prompt = f.description[:250]
    dv.showInputMessage = True
    dv.add(cells)
    return dv


def _metadata_sheet(ws, ds: Dataset) -> None:
    from openpyxl.styles import Font

    ws.cell(
        1, 1, "metadata.yml (YAML), satu baris per sel. Ubah bila perlu (mis. tahun, status); jaga indentasi."
    ).font = Font(italic=True, color=rgb(DOCUMENT["bantuan"]))
    own = ds.path / "metadata.yml"
    # the file as the agency wrote it, comments and all (import writes it back the same way)
    text = own.read_text(encoding="utf-8-sig") if own.is_file() else saving.metadata_text(dict(ds.meta))
    for i, line in enumerate(text.splitlines(), start=META_FIRST_ROW):
        xlsx_cell(ws, i, 1, line)
    ws.column_dimensions["A"].width = 110


def _info_sheet(ws, ds: Dataset, offered: list[str]) -> None:
    """How to fill the workbook, and its sheets: the schema's own words, nothing of any agency's report."""
    from openpyxl.styles import Font

    rows = [
        (f"Template data LKIP — {ds.title}", Font(bold=True, size=13)),
        (f"Dataset: {ds.id}" + (" (DRAF)" if ds.draft else ""), None),
        ("", None),
        ("Cara mengisi", Font(bold=True)),
        (
            "1. Setiap sheet adalah satu tabel data. Baris 1 = nama kolom (jangan diubah); baris 2 = penjelasan "
            "kolom; data mulai baris 3.",
            None,
        ),
        (
            "2. Angka ditulis sebagai angka biasa (1476; 98,4 atau 98.4 sesuai pengaturan Excel). Jangan menulis "
            "'Rp' atau satuan di dalam sel, dan jangan memformat sel sebagai persen: tulis 50 untuk 50%.",
            None,
        ),
        (
            "3. Kolom berpilihan (polarity, kind, level, ...) punya daftar tarik-turun; satuan indikator "
            "disarankan dari daftar.",
            None,
        ),
        (
            "4. Kolom 'diisi tiap tahun' (target, realisasi, pagu, realisasi anggaran) boleh kosong selama "
            "dataset berstatus draf.",
            None,
        ),
        (
            "5. Simpan, lalu jalankan: lkip import BERKAS.xlsx DATASET — kesalahan disebut per sheet, baris "
            "Excel dan kolom.",
            None,
        ),
        ("", None),
        ("Sheet", Font(bold=True)),
    ]
    rows += [(f"{name}: {TABLES[name].description}", None) for name in offered]
    rows += [(f"{META_SHEET}: metadata dataset (nama instansi, tahun, status, sumber).", None)]
    others = [name for name in TABLES if name not in offered]
    examples = [name for name in ("profil", "narasi", "pembanding") if name in others]  # what the LKIP text needs
    if others:
        rows += [
            ("", None),
            ("Tabel opsional lain", Font(bold=True)),
            (
                f"{len(others)} tabel opsional lain belum dipakai dataset ini"
                + (f" (mis. {', '.join(examples)} untuk dokumen LKIP)" if examples else "")
                + f". Untuk mengisinya lewat Excel: lkip template {ds.id} BERKAS.xlsx --semua-tabel; "
                f"penjelasan setiap tabel: lkip describe {ds.id}.",
                None,
            ),
        ]
    for i, (text, font) in enumerate(rows, start=1):
        cell = xlsx_cell(ws, i, 1, text)
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 120


# --- import -----------------------------------------------------------------------------------

MAX_ERRORS = 50  # problems shown at once; any beyond are counted


class WorkbookErrors(LkipError):
    """Every problem found in a workbook, shown together: one line each, at most :data:`MAX_ERRORS`."""

    def __init__(self, path: Path, errors: list[WorkbookError]):
        self.errors = errors
        lines = [f"{path}: {len(errors)} kesalahan, tidak ada yang ditulis; perbaiki semuanya lalu impor ulang:"]
        lines += [f"  - {e.located()}" for e in errors[:MAX_ERRORS]]
        if len(errors) > MAX_ERRORS:
            lines.append(f"  … dan {len(errors) - MAX_ERRORS} kesalahan lain")
        super().__init__("\n".join(lines))


def _raise_all(path: Path, errors: list[WorkbookError]) -> None:
    """Raise the problems found, in sheet and row order (one alone keeps its one-line form)."""
    if not errors:
        return
    order = {name: i for i, name in enumerate([*TABLES, META_SHEET])}
    errors = sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))
    raise errors[0] if len(errors) == 1 else WorkbookErrors(path, errors)


META_ROWS_READ = 10_000  # lines of the _metadata sheet read for its 'batas:' before the workbook is checked


def check_bounds(path: Path, limits: Limits = DEFAULTS) -> Limits:
    """Refuse a workbook past the limits before it is loaded; return the limits in force.

    Bytes of the file and of its unpacked parts, then each sheet streamed (openpyxl read-only, one
    row in memory): cells by its dimension, then counted (the dimension can lie), rows of data of a
    table sheet and the length of each text cell. A ``batas:`` in the ``_metadata`` sheet raises them.
    """
    from openpyxl import load_workbook

    size = path.stat().st_size
    if size > limits.xlsx_bytes:
        raise LkipError(
            f"{path}: file berukuran {size_mb(size)} MB, lebih dari batas {size_mb(limits.xlsx_bytes)} MB per file "
            "Excel; " + limits.raise_hint("xlsx_mb", "metadata.yml dataset tujuan")
        )
    with zipfile.ZipFile(path) as z:  # the central directory only: nothing is unpacked here
        unpacked = sum(i.file_size for i in z.infolist())
    if unpacked > XLSX_UNPACKED_FACTOR * limits.xlsx_bytes:
        raise LkipError(
            f"{path}: isi file terurai {size_mb(unpacked)} MB, lebih dari {XLSX_UNPACKED_FACTOR} x batas "
            f"{size_mb(limits.xlsx_bytes)} MB per file Excel (sel kosong berformat sampai jauh di bawah data?); "
            + limits.raise_hint("xlsx_mb", "metadata.yml dataset tujuan")
        )
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        limits = _sheet_limits(wb, limits)
        where = f"sheet '{META_SHEET}'"
        for ws in wb.worksheets:
            _check_sheet_bounds(ws, path, limits, where)
    finally:
        wb.close()
    return limits


def _sheet_limits(wb, limits: Limits) -> Limits:
    """The limits raised by a ``batas:`` in the ``_metadata`` sheet (a bad one is reported later, by the import)."""
    if META_SHEET not in wb.sheetnames:
        return limits
    rows = wb[META_SHEET].iter_rows(min_row=META_FIRST_ROW, max_row=META_ROWS_READ, max_col=1, values_only=True)
    text = "\n".join("" if not r or r[0] is None else str(r[0]) for r in rows)
    try:
        meta = safe_yaml.load(text)
        return Limits.from_meta(meta) if isinstance(meta, dict) and "batas" in meta else limits
    except (LkipError, safe_yaml.YamlProblem, PolicyError):  # named when the sheet is read for the import
        return limits


_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")  # <c r="A1">, <c/>, <x:c ...>: one cell of the sheet's XML
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1 << 20


def _check_sheet_bounds(ws, path: Path, limits: Limits, where: str) -> None:
    """One sheet against ``limits``: cells by its dimension, then its cells and rows counted in its XML.

    Counted in the packed XML as it streams (a regular expression per megabyte, no objects per cell),
    stopping at the limit: the dimension can lie, and a full load would hold every cell. Rows with
    cells count, blank but formatted ones too (a full load holds those as well). The length of a text
    cell is checked when the sheet is loaded as a table (:func:`_check_sheet`).
    """
    name = ws.title
    rows, cols = ws.max_row or 0, ws.max_column or 0
    clear = "hapus baris dan kolom di bawah/kanan data (Ctrl+End menunjukkan sel terakhir yang terpakai), atau "
    if rows * cols > limits.sel_per_sheet:
        raise WorkbookError(
            path,
            name,
            f"{shown(rows * cols)} sel terpakai ({shown(rows)} baris x {shown(cols)} kolom menurut dimensi sheet), "
            f"lebih dari batas {shown(limits.sel_per_sheet)} sel per sheet; {clear}"
            + limits.raise_hint("sel_per_sheet", where),
        )
    most_rows = limits.baris_per_tabel + FIRST_DATA_ROW - 1 + SPARE_ROWS  # header, help row, template's spare rows
    too_many_cells = WorkbookError(
        path,
        name,
        f"lebih dari {shown(limits.sel_per_sheet)} sel terpakai, batas sel per sheet; {clear}"
        + limits.raise_hint("sel_per_sheet", where),
    )
    cells = n_rows = 0
    tail = b""
    with sheet_xml(ws) as src:  # the sheet's XML part, unpacked as it is read
        while chunk := src.read(_CHUNK):
            text = tail + chunk
            cut = max(0, len(text) - 16)  # a tag cut by the chunk's end is counted in the next one
            cells += len(_CELL_TAG.findall(text, 0, cut))
            n_rows += len(_ROW_TAG.findall(text, 0, cut))
            tail = text[cut:]
            if cells > limits.sel_per_sheet:
                raise too_many_cells
            if name in TABLES and n_rows > most_rows:
                raise WorkbookError(
                    path,
                    name,
                    f"lebih dari {shown(most_rows)} baris terpakai (termasuk baris kosong yang berformat), batas "
                    f"{shown(limits.baris_per_tabel)} baris data per tabel; hapus baris kosong di bawah data, atau "
                    + limits.raise_hint("baris_per_tabel", where),
                )
    cells += len(_CELL_TAG.findall(tail))
    if cells > limits.sel_per_sheet:
        raise too_many_cells


def _dest_limits(dest: Path) -> Limits:
    """The limits of the dataset an import replaces (its metadata.yml), else the defaults."""
    try:
        meta = safe_yaml.load((dest / "metadata.yml").read_text(encoding="utf-8-sig"))
        return Limits.from_meta(meta) if isinstance(meta, dict) else DEFAULTS
    except (OSError, UnicodeDecodeError, LkipError, safe_yaml.YamlProblem, PolicyError):
        return DEFAULTS  # no dataset yet, or one that no longer loads: it is replaced, its limits do not count


def _meta_limits(meta: dict, dest: Path) -> Limits:
    """The limits of the ``_metadata`` sheet, else of the dataset replaced (a bad ``batas:`` is named by the import)."""
    try:
        return Limits.from_meta(meta) if "batas" in meta else _dest_limits(dest)
    except PolicyError:
        return DEFAULTS


def _open(path: Path, limits: Limits = DEFAULTS):
    """The workbook twice: with the values Excel last computed, and with the formulas themselves.

    Its size and shape are checked first (:func:`check_bounds`): a full load holds every cell in memory
    (~350 bytes each). The formulas are streamed (read-only), so only one full load is held.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise LkipError(f"file tidak ditemukan: {path}")
    try:
        check_bounds(path, limits)
        formulas = load_workbook(path, read_only=True, data_only=False)
        for ws in formulas.worksheets:
            ws.reset_dimensions()  # every row the file holds, whatever its dimension says
        return load_workbook(path, data_only=True), formulas
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise LkipError(f"{path}: bukan workbook Excel .xlsx yang dapat dibaca ({exc})") from None


def cell_text(value, dtype: str) -> str:
    """An Excel cell as the text a data file holds.

    Numbers typed in Excel arrive as int or float: written without float noise
    (``1476``, ``84.09``); text stays as typed, so the loader can say what is wrong.

    >>> cell_text(1476.0, "float"), cell_text(84.09000000000001, "float"), cell_text(2, "str"), cell_text(None, "int")
    ('1476', '84.09', '2', '')
    >>> cell_text(True, "bool"), cell_text("1.476", "float"), cell_text(1.1, "str")
    ('true', '1.476', '1.1')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        # 15 significant digits is what Excel itself keeps: drops binary noise such as ...000000001.
        x = float(f"{float(value):.15g}")
        return np.format_float_positional(x, trim="-") if dtype == "str" else saving.canonical(x, "float")
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()  # (import refuses date cells before this: see _unreadable)
    return str(value)


def read_workbook(path: Path | str) -> dict[str, pd.DataFrame]:
    """Every table sheet as text cells, one DataFrame per table (columns as in the sheet's row 1).

    Blank rows are left out; ``df.attrs["excel_rows"]`` gives the Excel row of each
    DataFrame row. A cell that cannot be read as a value raises (all of them at once).
    """
    path = Path(path)
    errors: list[WorkbookError] = []
    sheets = _sheets(*_open(path), path, errors)
    _raise_all(path, errors)
    return sheets


def _sheets(wb, formulas, path: Path, errors: list) -> dict[str, pd.DataFrame]:
    """Every table sheet the workbook holds; an optional table's sheet may be left out (a template
    offers only the tables a dataset uses), a core table's may not."""
    out = {}
    for name, table in TABLES.items():
        if name not in wb.sheetnames and not table.core:
            continue
        if name not in wb.sheetnames:
            errors.append(
                WorkbookError(
                    path, name, f"sheet tidak ada; workbook harus memuat satu sheet per tabel ({table.description})"
                )
            )
            continue
        df = _sheet_frame(wb[name], formulas[name], table, path, errors)
        if df is not None:
            out[name] = df
    formulas.close()  # read-only: it holds the file open until closed
    _percent_cells(out, path, errors)
    return out


# Numbers in the unit of the indicator their row names ("dalam satuan indikator"), and where that unit is.
_INDIKATOR_UNIT = {("target", "target"), ("realisasi", "realisasi"), ("pembanding", "nilai")}
_ROW_UNIT = {("dokumen_perencanaan", "target"): "target_unit"}  # the unit printed beside the target


def _percent_cells(sheets: dict[str, pd.DataFrame], path: Path, errors: list) -> None:
    """Cells formatted as percent (Excel shows 50 %, stores 0.5): the number shown, or refused.

    Excel keeps "50%" as 0.5 and shows it as 50 %; writing 0.5 would silently make a
    hundredth of what the user typed. Per column:

    * a column whose unit is % (``capaian_pct``, ``ambang_pct``): the number shown (50);
    * ``target``, ``realisasi`` and ``pembanding.nilai``, which are in the unit of the
      indicator on their row: the number shown when that indicator's unit is % (``%``,
      ``persen``), else refused; ``dokumen_perencanaan.target``: likewise by its ``target_unit``;
    * any other column (Rupiah, counts, years, text): refused — a percent there is a slip,
      and the number meant cannot be known.

    A refused cell is named by sheet, Excel row and column, with what was expected.
    """
    ind = sheets.get("indikator")
    units = {}
    if ind is not None and {"indikator_id", "unit"} <= set(ind.columns):
        units = {str(i).strip(): u for i, u in zip(ind["indikator_id"], ind["unit"])}
    for name, df in sheets.items():
        table = TABLES[name]
        position = {r: pos for pos, r in enumerate(df.attrs["excel_rows"])}  # not list.index per cell: quadratic
        for (excel_row, column), value in df.attrs.get("percent", {}).items():
            if column not in table.columns:
                continue  # an unknown column: named as such when the sheet is checked
            pos, j = position[excel_row], list(df.columns).index(column)
            f = table.field_of(column)
            shown = cell_text(value * 100, "float").replace(".", ",") + "%"
            stored = cell_text(value, "float").replace(".", ",")
            if f.dtype == "float" and f.unit == "%":
                df.iat[pos, j] = cell_text(value * 100, "float")
                continue
            if (name, column) in _INDIKATOR_UNIT and "indikator_id" in df.columns:
                iid = str(df["indikator_id"].iloc[pos]).strip()
                unit = units.get(iid, "")
                if is_percent_unit(unit):
                    df.iat[pos, j] = cell_text(value * 100, "float")
                    continue
                why = (
                    f"indikator '{iid}' bersatuan '{unit}', bukan %"
                    if unit
                    else f"satuan indikator '{iid}' tidak tertulis di sheet 'indikator' (kolom unit)"
                )
            elif (name, column) in _ROW_UNIT and _ROW_UNIT[(name, column)] in df.columns:
                unit = df[_ROW_UNIT[(name, column)]].iloc[pos]
                if is_percent_unit(unit):
                    df.iat[pos, j] = cell_text(value * 100, "float")
                    continue
                why = f"satuan targetnya '{unit}', bukan %" if unit else "satuan targetnya (target_unit) kosong"
            elif f.dtype == "str":
                why = "kolom ini berisi teks"
            else:
                why = f"kolom ini dalam {f.unit}, bukan %" if f.unit else "kolom ini bukan persentase"
            errors.append(
                WorkbookError(
                    path,
                    name,
                    f"sel berformat persen (tampil {shown}, tersimpan {stored}), padahal {why}; format sel sebagai "
                    + ("Teks" if f.dtype == "str" else "Angka (General)")
                    + " lalu ketik nilainya",
                    excel_row,
                    column,
                )
            )
            df.attrs["reported"].add((excel_row, j + 1))
            df.iat[pos, j] = ""


def _column_name(header: list[str], j: int) -> str:
    from openpyxl.utils import get_column_letter

    return header[j] if j < len(header) and header[j] else get_column_letter(j + 1)


def _unreadable(cell, formula, dtype: str) -> str | None:
    """Why a cell cannot be read as a value (None when it can): import never guesses."""
    value = cell.value
    if formula is not None and value is None:
        text = str(getattr(formula, "text", formula))
        text = text if len(text) <= 60 else text[:57] + "..."
        return (
            f"rumus tanpa nilai tersimpan ({text}); buka workbook di Excel dan simpan ulang agar nilainya "
            "dihitung, atau ketik nilainya langsung"
        )
    if cell.data_type == "e":
        return f"nilai galat Excel {value}; perbaiki rumusnya atau ketik nilainya langsung"
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()  # Excel keeps every date as a date-time
        shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if dtype == "str":
            return (
                f"Excel membaca isinya sebagai tanggal/waktu ({shown}); format sel sebagai Teks lalu ketik "
                "ulang nilainya (mis. kode 1.02)"
            )
        return f"tanggal/waktu ({shown}) di kolom angka; format sel sebagai Angka (General) lalu ketik ulang nilainya"
    return None


def _sheet_frame(ws, ws_formulas, table: Table, path: Path, errors: list) -> pd.DataFrame | None:
    """One sheet as text cells; problems go to ``errors``. None when its rows cannot be placed."""
    rows = list(ws.iter_rows())
    header = [("" if c.value is None else str(c.value).strip()) for c in (rows[0] if rows else ())]
    help_row = [c.value for c in rows[HELP_ROW - 1]] if len(rows) >= HELP_ROW else []
    expected = {_help_text(table, h) for h in header if h in table.columns}
    if any(v is not None for v in help_row) and not expected & {str(v) for v in help_row if v is not None}:
        # Data typed on row 2, or the help row deleted so the first data row moved up: either would be lost.
        errors.append(
            WorkbookError(
                path,
                ws.title,
                "baris 2 harus baris penjelasan kolom dari template (data mulai "
                f"baris {FIRST_DATA_ROW}); kembalikan baris penjelasan atau kosongkan baris ini",
                HELP_ROW,
            )
        )
        return None
    body = rows[FIRST_DATA_ROW - 1 :]
    width = len(header)
    while width and not header[width - 1] and all(len(r) < width or r[width - 1].value is None for r in body):
        width -= 1  # trailing columns with neither header nor data
    header = header[:width]
    reported = set()  # (Excel row, column) of cells already named: not named again as, say, blank
    for merged in ws.merged_cells.ranges:
        if merged.min_col <= width and not merged.min_row == merged.max_row == HELP_ROW:
            reported |= {
                (r, c)
                for r in range(merged.min_row, merged.max_row + 1)
                for c in range(merged.min_col, merged.max_col + 1)
            }
            errors.append(
                WorkbookError(
                    path,
                    ws.title,
                    f"sel gabungan (merge) {merged.coord}; pisahkan selnya "
                    "(Unmerge Cells) dan isi setiap sel dengan nilainya sendiri",
                    merged.min_row,
                    _column_name(header, merged.min_col - 1),
                )
            )
    formulas = {
        (c.row, c.column): c.value
        for r in ws_formulas.iter_rows(min_row=FIRST_DATA_ROW, max_col=max(width, 1))
        for c in r
        if c.data_type == "f"
    }
    dtypes = [table.field_of(h).dtype if h in table.columns else "str" for h in header]
    data, excel_rows, percent = [], [], {}
    for excel_row, r in enumerate(body, start=FIRST_DATA_ROW):
        texts = []
        for j in range(width):
            cell = r[j] if j < len(r) else None
            value = None if cell is None else cell.value
            problem = None if cell is None else _unreadable(cell, formulas.get((excel_row, j + 1)), dtypes[j])
            if problem:
                errors.append(WorkbookError(path, ws.title, problem, excel_row, _column_name(header, j)))
                reported.add((excel_row, j + 1))
                value = None
            elif _percent_formatted(cell):
                percent[(excel_row, _column_name(header, j))] = float(value)  # resolved per column: _percent_cells
            texts.append(cell_text(value, dtypes[j]))
        if any(t.strip() for t in texts) or any((excel_row, j + 1) in reported for j in range(width)):
            # blank rows (the template's spare rows) are never written
            data.append(texts)
            excel_rows.append(excel_row)
    df = pd.DataFrame(data, columns=header, dtype=object) if header else pd.DataFrame()
    df.attrs["excel_rows"] = excel_rows
    df.attrs["reported"] = reported
    df.attrs["percent"] = {k: v for k, v in percent.items() if k[0] in excel_rows}
    return df


def _warn_hidden(wb, sheets: dict[str, pd.DataFrame], path: Path) -> None:
    """Data the analyst cannot see in Excel (a hidden sheet, hidden rows or columns) is imported all the same:
    said, so what enters the report is no surprise."""
    import warnings

    from openpyxl.utils import column_index_from_string

    for name, df in sheets.items():
        ws = wb[name]
        if ws.sheet_state != "visible" and not df.empty:
            warnings.warn(
                f"{path}, sheet '{name}': sheet tersembunyi, tetapi {len(df)} barisnya ikut diimpor; "
                "tampilkan sheet itu (Unhide) dan periksa isinya",
                stacklevel=3,
            )
            continue
        hidden = [r for r in df.attrs.get("excel_rows", []) if ws.row_dimensions[r].hidden]
        if hidden:
            shown = ", ".join(map(str, hidden[:10])) + (" …" if len(hidden) > 10 else "")
            warnings.warn(
                f"{path}, sheet '{name}', baris {shown}: baris tersembunyi, tetapi ikut diimpor; "
                "tampilkan barisnya (Unhide) dan periksa isinya",
                stacklevel=3,
            )
        columns = list(df.columns)
        for key, dim in ws.column_dimensions.items():
            if not dim.hidden:
                continue
            first = column_index_from_string(key) if dim.min is None else dim.min
            last = first if dim.max is None else dim.max
            for j in range(first - 1, min(last, len(columns))):
                if (df.iloc[:, j].str.strip() != "").any():
                    warnings.warn(
                        f"{path}, sheet '{name}', kolom '{columns[j]}': kolom tersembunyi, tetapi isinya ikut "
                        "diimpor; tampilkan kolomnya (Unhide) dan periksa isinya",
                        stacklevel=3,
                    )


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escaped characters, [colour]/[condition]


def _percent_formatted(cell) -> bool:
    """A number the cell shows as a percent: Excel stores 50 % as 0.5.

    Only a '%' that scales counts: ``0"%"`` or ``0\\%`` print the sign beside the number as typed.

    >>> from types import SimpleNamespace as C
    >>> [_percent_formatted(C(value=0.5, number_format=f)) for f in ("0%", "0.00%", '0"%"', "0\\\\%", "General")]
    [True, True, False, False, False]
    """
    value = cell.value
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
        return False
    return "%" in _FORMAT_LITERALS.sub("", str(cell.number_format or ""))


def _metadata(wb, path: Path, errors: list) -> tuple[str, dict | None]:
    """The ``_metadata`` sheet's YAML text and its parsed content (None after a problem)."""
    if META_SHEET not in wb.sheetnames:
        errors.append(
            WorkbookError(
                path,
                META_SHEET,
                "sheet tidak ada; sheet ini memuat metadata.yml dataset (buat workbook dengan 'lkip template')",
            )
        )
        return "", None
    ws = wb[META_SHEET]
    lines = [
        ("" if r[0] is None else str(r[0])) if r else ""
        for r in ws.iter_rows(min_row=META_FIRST_ROW, max_col=1, values_only=True)
    ]
    text = "\n".join(lines).rstrip() + "\n"
    try:
        meta = safe_yaml.load(text)
    except safe_yaml.YamlProblem as exc:
        mark = exc.problem_mark
        errors.append(
            WorkbookError(
                path, META_SHEET, f"YAML tidak sah: {exc.problem}", None if mark is None else mark.line + META_FIRST_ROW
            )
        )
        return text, None
    if not isinstance(meta, dict) or not isinstance(meta.get("dataset"), dict):
        errors.append(WorkbookError(path, META_SHEET, "bagian 'dataset:' tidak ada", META_FIRST_ROW))
        return text, None
    return text, meta


def _csv_with_rows(df: pd.DataFrame) -> tuple[str, dict[int, int]]:
    """CSV text of a sheet and, for each line where a record starts, its Excel row."""
    buf = io.StringIO()  # one record at a time: reading back the whole text per row was quadratic
    writer = csv.writer(buf)
    writer.writerow(list(df.columns))
    parts = [buf.getvalue()]
    rows = {1: HEADER_ROW}
    line = 1 + parts[0].count("\n")
    for excel_row, record in zip(df.attrs["excel_rows"], df.itertuples(index=False)):
        rows[line] = excel_row
        buf.seek(0)
        buf.truncate()
        writer.writerow(list(record))
        parts.append(buf.getvalue())
        line += parts[-1].count("\n")  # a cell with line breaks spans several lines
    rows[line] = (df.attrs["excel_rows"][-1] + 1) if df.attrs["excel_rows"] else FIRST_DATA_ROW
    return "".join(parts), rows


_MORE = re.compile(r" \(dan \d+ masalah lain di file ini\)")
_CSV_NAME = re.compile(r"\b([a-z_]+)\.csv\b")


def _translate(exc: DataError, path: Path, rows: dict[str, dict[int, int]], meta_text: str) -> WorkbookError:
    """A loader error on the staged files, restated for the workbook (sheet, Excel row, column)."""
    detail = _CSV_NAME.sub(lambda m: f"sheet '{m.group(1)}'" if m.group(1) in TABLES else m.group(0), exc.detail)
    if exc.file.name == "metadata.yml":
        # The staged file is re-written YAML: find the key's line in the sheet instead (the last one wins in YAML).
        name = re.sub(r"\[\d+\]", "", getattr(exc, "key", None) or exc.column or "").rsplit(".", 1)[-1] or None
        hits = [
            n
            for n, line in enumerate(meta_text.splitlines(), start=META_FIRST_ROW)
            if name and re.match(rf"[\s{{-]*{re.escape(name)}\s*:", line)
        ]
        return WorkbookError(path, META_SHEET, detail, hits[-1] if hits else None, name)
    sheet = exc.file.stem
    row = None if exc.row is None else rows.get(sheet, {}).get(exc.row, exc.row)
    return WorkbookError(path, sheet, detail, row, exc.column)


def _check_sheet(
    df: pd.DataFrame, table: Table, staged: Path, path: Path, draft: bool, errors: list, limits: Limits = DEFAULTS
) -> dict[int, int]:
    """Write one sheet as ``staged/<table>.csv`` and find every problem the loader finds in it.

    Each cell is checked on its own with the loader's own rules, so all bad cells are
    named; the rows left are then checked as a table (values, keys) one problem at a
    time, setting aside the row at fault, up to :data:`MAX_ERRORS`. Returns the
    line-to-Excel-row map of the file written.
    """
    file = staged / table.filename
    excel_rows = list(df.attrs["excel_rows"])
    header = list(df.columns)
    reported = df.attrs.get("reported", set())
    bad = {pos for pos, r in enumerate(excel_rows) if any((r, j + 1) in reported for j in range(len(header)))}
    for column in [c for c in table.columns if header.count(c) == 1]:
        values = pd.Series(list(df[column]), index=excel_rows, dtype=object)
        try:
            _coerce(file, table, column, values, draft)
            continue
        except DataError:
            pass
        for pos in range(len(values)):
            try:
                _coerce(file, table, column, values.iloc[pos : pos + 1], draft)
            except DataError as exc:
                if (excel_rows[pos], header.index(column) + 1) not in reported:
                    errors.append(WorkbookError(path, table.name, exc.detail, excel_rows[pos], column))
                bad.add(pos)
    keep = [pos for pos in range(len(df)) if pos not in bad]
    for _ in range(MAX_ERRORS):
        part = df.iloc[keep]
        part.attrs["excel_rows"] = [excel_rows[pos] for pos in keep]
        text, rows = _csv_with_rows(part)
        file.write_text(text, encoding="utf-8", newline="")
        if not keep and len(df):
            break  # every row already has a problem: "no data rows" would only repeat them
        try:
            load_table(file, table, draft, limits=limits)
            break
        except DataError as exc:
            error = _translate(exc, path, {table.name: rows}, "")
            error.detail = _MORE.sub("", error.detail)  # the others are listed too
            errors.append(WorkbookError(path, error.sheet, error.detail, error.row, error.column))
            if (
                exc.row is None
                or rows.get(exc.row, HEADER_ROW) == HEADER_ROW
                or rows[exc.row] not in part.attrs["excel_rows"]
            ):
                break  # a problem of the header or of the whole table: nothing to set aside
            keep.remove(keep[part.attrs["excel_rows"].index(rows[exc.row])])
    return rows


def metadata_file_text(sheet_text: str, meta: dict, dataset: str, existing: Path | None = None) -> str:
    """``metadata.yml`` as import writes it: the agency's own text, with only the values that changed.

    The ``_metadata`` sheet carries the file line by line, comments included: its text is kept.
    A sheet without any comment (a workbook from an older template) changes only the values of
    the ``existing`` file that differ, so its comments and key order stay. The id is set to
    ``dataset`` where the text names one. Only a change of shape (keys added or removed)
    that the existing file cannot take line by line writes the sheet's text as it is.
    """
    if "id" in meta["dataset"]:
        meta = {**meta, "dataset": {**meta["dataset"], "id": dataset}}  # the folder name is the id
    commented = any(line.lstrip().startswith("#") for line in sheet_text.splitlines())
    if existing is not None and not commented:
        kept = saving.patched_yaml(existing.read_text(encoding="utf-8-sig"), meta)
        if kept is not None:
            return kept
    return saving.patched_yaml(sheet_text, meta) or saving.metadata_text(meta)


def _carry_other_files(dest: Path, staged: Path) -> None:
    """Files of the replaced dataset that no sheet holds (laporan.yml, template.docx, lke.yml) stay with it;
    they are checked with the imported tables, as lkip validate would."""
    if not dest.is_dir():
        return
    tables = {t.filename for t in TABLES.values()} | {"metadata.yml"}
    for item in dest.iterdir():
        if item.is_file() and item.name not in tables and not item.name.startswith("."):
            (staged / item.name).write_bytes(item.read_bytes())


def import_workbook(path: Path | str, dataset: str, force: bool = False) -> Dataset:
    """Validate a workbook and write it as ``data/<dataset>/``; return the loaded dataset.

    Every problem of the workbook is reported at once (see :class:`WorkbookErrors`).
    Nothing is written unless every sheet passes the checks of ``lkip validate``; an
    existing dataset folder is replaced only with ``force``.
    """
    path = Path(path)
    dest = saving.check_target(dataset, force)
    errors: list[WorkbookError] = []
    wb, formulas = _open(path, _dest_limits(dest))
    sheets = _sheets(wb, formulas, path, errors)
    _warn_hidden(wb, sheets, path)
    meta_text, meta = _metadata(wb, path, errors)
    draft = True if meta is None else is_draft(meta)  # unknown: do not report blanks a draft allows
    limits = _dest_limits(dest) if meta is None else _meta_limits(meta, dest)
    staged = saving.staging(dataset)
    try:
        if meta is not None:
            existing = dest / "metadata.yml"
            text = metadata_file_text(meta_text, meta, dataset, existing if existing.is_file() else None)
            (staged / "metadata.yml").write_text(text, encoding="utf-8")
            try:
                load_metadata(staged)
            except DataError as exc:
                errors.append(_translate(exc, path, {}, meta_text))
        rows = {
            name: _check_sheet(df, TABLES[name], staged, path, draft, errors, limits) for name, df in sheets.items()
        }
        for name in TABLES:
            if name not in sheets and (dest / TABLES[name].filename).is_file():
                errors.append(  # the sheet left out: replacing the dataset would drop what its file holds
                    WorkbookError(
                        path,
                        name,
                        f"sheet tidak ada, padahal {dest.name} memuat {TABLES[name].filename}; tambahkan sheet itu "
                        f"(lkip template {dest.name} BERKAS.xlsx --semua-tabel) atau hapus file itu lebih dahulu",
                    )
                )
        _raise_all(path, errors)
        for name, df in sheets.items():
            table = TABLES[name]
            if not table.core and df.empty and not (dest / table.filename).is_file():
                # an empty sheet of a table the agency does not use: no file ("not used", not "still to fill")
                (staged / table.filename).unlink(missing_ok=True)
        _carry_other_files(dest, staged)
        try:  # rules across tables (links, hierarchies, totals): one at a time
            load_dataset(dataset, root=staged)
        except DataError as exc:
            raise _translate(exc, path, rows, meta_text) from None
        saving.put_in_place(staged, dest)
    finally:
        saving.discard(staged)
    return load_dataset(dataset)
