"""Excel in and out: a workbook to fill (``lkip template``) and its import (``lkip import``).

Layout of every table sheet: row 1 holds the column names (read back on import), row 2
says what each column holds (description, unit, required or not), data start on row 3.
Allowed values, units and number ranges become Excel data validation, from the
schema. A ``_metadata`` sheet carries ``metadata.yml`` line by line; ``_info`` explains
the workbook.

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
import yaml

from . import saving
from .errors import DataError, LkipError
from .loading import Dataset, load_dataset
from .schema import FIELDS, TABLES, Table

INFO_SHEET = "_info"
META_SHEET = "_metadata"
HEADER_ROW, HELP_ROW, FIRST_DATA_ROW = 1, 2, 3
SPARE_ROWS = 500  # validation and text format reach this far below the data, for rows the analyst adds
META_FIRST_ROW = 2  # row 1 of the _metadata sheet is a note; YAML line n sits on row n + 1


class WorkbookError(DataError):
    """Bad input in a workbook: names the sheet, the Excel row and the column."""

    def __init__(self, file: Path | str, sheet: str, message: str, row: int | None = None, column: str | None = None):
        self.sheet = sheet
        super().__init__(file, message, row, column)

    def _compose(self) -> str:
        where = [str(self.file), f"sheet '{self.sheet}'"]
        if self.row is not None:
            where.append(f"baris Excel {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        return ", ".join(where) + ": " + self.detail


# --- template ---------------------------------------------------------------------------------

def write_template(ds: Dataset, path: Path | str) -> Path:
    """Write a workbook with one sheet per table, filled with the dataset's values.

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
    for name, table in TABLES.items():
        _table_sheet(wb.create_sheet(name), table, ds.tables[name], ds)
    _metadata_sheet(wb.create_sheet(META_SHEET), ds)
    _info_sheet(info, ds)
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

    bold, help_font = Font(bold=True, color="FFFFFF"), Font(italic=True, color="666666", size=9)
    fill = PatternFill("solid", fgColor="1F4E79")
    last = FIRST_DATA_ROW + len(df) + SPARE_ROWS
    for j, column in enumerate(table.columns, start=1):
        f = table.field_of(column)
        head = ws.cell(HEADER_ROW, j, column)
        head.font, head.fill = bold, fill
        head.comment = Comment(_help_text(table, column), "lkip")
        note = ws.cell(HELP_ROW, j, _help_text(table, column))
        note.font, note.alignment = help_font, Alignment(wrap_text=True, vertical="top")
        for i, value in enumerate(df[column], start=FIRST_DATA_ROW):
            cell = ws.cell(i, j, _cell_value(value, f.dtype))
            if f.dtype == "str":
                cell.data_type = "s"  # text such as "=..." stays text, never a formula
        letter = get_column_letter(j)
        fmt = _number_format(f)
        for i in range(FIRST_DATA_ROW, last + 1):
            ws.cell(i, j).number_format = fmt
        width = max([len(column) + 2] + [len(str(v)) for v in df[column].head(200) if v is not pd.NA])
        ws.column_dimensions[letter].width = min(max(12, width + 2), 60)
        validation = _validation(table, column, ds, f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        if validation is not None:
            ws.add_data_validation(validation)
    ws.row_dimensions[HELP_ROW].height = 60
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


def _number_format(f) -> str:
    # Text format keeps codes like 2.13 or 1.10 as typed; Rupiah shows grouped, other numbers as typed.
    return {"str": "@", "int": "0"}.get(f.dtype, "#,##0" if f.unit == "Rp" else "General")


def _validation(table: Table, column: str, ds: Dataset, cells: str):
    """Excel data validation for one column, from the schema (None when Excel has nothing to offer)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    f = table.field_of(column)
    if f.isin:
        dv = DataValidation(type="list", formula1='"' + ",".join(f.isin) + '"', allow_blank=True,
                            errorTitle="Nilai tidak sah", error="Pilih salah satu: " + ", ".join(f.isin))
    elif f.name == "unit" and table.name == "indikator":
        units = sorted({str(u) for u in ds.indikator["unit"].dropna()})
        listed = ",".join(units)
        if not units or len(listed) > 250 or any("," in u or '"' in u for u in units):
            return None  # Excel's inline list cannot hold these
        # A new unit is possible: Excel warns but lets it through.
        dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, errorStyle="warning",
                            errorTitle="Satuan baru?", error="Satuan ini belum dipakai: " + listed)
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

    ws.cell(1, 1, "metadata.yml (YAML), satu baris per sel. Ubah bila perlu (mis. tahun, status); "
                  "jaga indentasi.").font = Font(italic=True, color="666666")
    meta = {k: v for k, v in ds.meta.items()}
    text = saving.metadata_text(meta)
    for i, line in enumerate(text.splitlines(), start=META_FIRST_ROW):
        ws.cell(i, 1, line).data_type = "s"
    ws.column_dimensions["A"].width = 110


def _info_sheet(ws, ds: Dataset) -> None:
    from openpyxl.styles import Font

    rows = [
        (f"Template data LKIP — {ds.title}", Font(bold=True, size=13)),
        (f"Dataset: {ds.id}" + (" (DRAF)" if ds.draft else ""), None),
        ("", None),
        ("Cara mengisi", Font(bold=True)),
        ("1. Setiap sheet adalah satu tabel data. Baris 1 = nama kolom (jangan diubah); baris 2 = penjelasan "
         "kolom; data mulai baris 3.", None),
        ("2. Angka ditulis sebagai angka biasa (1476; 98,4 atau 98.4 sesuai pengaturan Excel). Jangan menulis "
         "'Rp' atau satuan di dalam sel.", None),
        ("3. Kolom berpilihan (polarity, kind, level, ...) punya daftar tarik-turun; satuan indikator "
         "disarankan dari daftar.", None),
        ("4. Kolom 'diisi tiap tahun' (target, realisasi, pagu, realisasi anggaran) boleh kosong selama "
         "dataset berstatus draf.", None),
        ("5. Simpan, lalu jalankan: lkip import FILE.xlsx DATASET — kesalahan disebut per sheet, baris "
         "Excel dan kolom.", None),
        ("", None),
        ("Sheet", Font(bold=True)),
    ]
    rows += [(f"{name}: {t.description}", None) for name, t in TABLES.items()]
    rows += [(f"{META_SHEET}: metadata dataset (nama instansi, tahun, status, sumber).", None)]
    for i, (text, font) in enumerate(rows, start=1):
        cell = ws.cell(i, 1, text)
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 120


# --- import -----------------------------------------------------------------------------------

def _open(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise LkipError(f"file tidak ditemukan: {path}")
    try:
        return load_workbook(path, data_only=True)  # formulas: the value Excel last computed
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
        return value.isoformat()  # a number or code Excel turned into a date: the loader will say so
    return str(value)


def read_workbook(path: Path | str) -> dict[str, pd.DataFrame]:
    """Every table sheet as text cells, one DataFrame per table (columns as in the sheet's row 1).

    ``df.attrs["excel_rows"]`` gives the Excel row of each DataFrame row.
    """
    path = Path(path)
    return _sheets(_open(path), path)


def _sheets(wb, path: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name, table in TABLES.items():
        if name not in wb.sheetnames:
            raise WorkbookError(path, name, f"sheet tidak ada; workbook harus memuat satu sheet per tabel "
                                f"({table.description})")
        out[name] = _sheet_frame(wb[name], table, path)
    return out


def _sheet_frame(ws, table: Table, path: Path) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    header = [("" if v is None else str(v).strip()) for v in (rows[0] if rows else ())]
    help_row = rows[HELP_ROW - 1] if len(rows) >= HELP_ROW else ()
    expected = {_help_text(table, h) for h in header if h in table.columns}
    if any(v is not None for v in help_row) and not expected & {str(v) for v in help_row if v is not None}:
        # Data typed on row 2, or the help row deleted so the first data row moved up: either would be lost.
        raise WorkbookError(path, ws.title, "baris 2 harus baris penjelasan kolom dari template (data mulai baris "
                            f"{FIRST_DATA_ROW}); kembalikan baris penjelasan atau kosongkan baris ini", HELP_ROW)
    body = rows[FIRST_DATA_ROW - 1:]
    width = len(header)
    while width and not header[width - 1] and all(len(r) < width or r[width - 1] is None for r in body):
        width -= 1  # trailing columns with neither header nor data
    header = header[:width]
    dtypes = [table.field_of(h).dtype if h in table.columns else "str" for h in header]
    data = [[cell_text(r[j] if j < len(r) else None, dtypes[j]) for j in range(width)] for r in body]
    df = pd.DataFrame(data, columns=header, dtype=object) if header else pd.DataFrame()
    df.attrs["excel_rows"] = list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(data)))
    return df


def _metadata_text(wb, path: Path) -> str:
    if META_SHEET not in wb.sheetnames:
        raise WorkbookError(path, META_SHEET, "sheet tidak ada; sheet ini memuat metadata.yml dataset "
                            "(buat workbook dengan 'lkip template')")
    ws = wb[META_SHEET]
    lines = [("" if r[0] is None else str(r[0])) if r else "" for r in
             ws.iter_rows(min_row=META_FIRST_ROW, max_col=1, values_only=True)]
    return "\n".join(lines).rstrip() + "\n"


def _csv_with_rows(df: pd.DataFrame) -> tuple[str, dict[int, int]]:
    """CSV text of a sheet and, for each line where a record starts, its Excel row."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(list(df.columns))
    rows = {1: HEADER_ROW}
    line = 1 + buf.getvalue().count("\n")
    for excel_row, record in zip(df.attrs["excel_rows"], df.itertuples(index=False)):
        rows[line] = excel_row
        before = len(buf.getvalue())
        writer.writerow(list(record))
        line += buf.getvalue()[before:].count("\n")  # a cell with line breaks spans several lines
    rows[line] = (df.attrs["excel_rows"][-1] + 1) if df.attrs["excel_rows"] else FIRST_DATA_ROW
    return buf.getvalue(), rows


_CSV_NAME = re.compile(r"\b([a-z_]+)\.csv\b")


def _translate(exc: DataError, path: Path, rows: dict[str, dict[int, int]], meta_text: str) -> WorkbookError:
    """A loader error on the staged files, restated for the workbook (sheet, Excel row, column)."""
    detail = _CSV_NAME.sub(lambda m: f"sheet '{m.group(1)}'" if m.group(1) in TABLES else m.group(0), exc.detail)
    if exc.file.name == "metadata.yml":
        # The staged file is re-written YAML: find the key's line in the sheet instead (the last one wins in YAML).
        name = re.sub(r"\[\d+\]", "", getattr(exc, "key", None) or exc.column or "").rsplit(".", 1)[-1] or None
        hits = [n for n, line in enumerate(meta_text.splitlines(), start=META_FIRST_ROW)
                if name and re.match(rf"[\s{{-]*{re.escape(name)}\s*:", line)]
        return WorkbookError(path, META_SHEET, detail, hits[-1] if hits else None, name)
    sheet = exc.file.stem
    row = None if exc.row is None else rows.get(sheet, {}).get(exc.row, exc.row)
    return WorkbookError(path, sheet, detail, row, exc.column)


def import_workbook(path: Path | str, dataset: str, force: bool = False) -> Dataset:
    """Validate a workbook and write it as ``data/<dataset>/``; return the loaded dataset.

    Nothing is written unless every sheet passes the checks of ``lkip validate``; an
    existing dataset folder is replaced only with ``force``.
    """
    path = Path(path)
    dest = saving.check_target(dataset, force)
    wb = _open(path)
    sheets = _sheets(wb, path)
    meta_text = _metadata_text(wb, path)
    try:
        meta = yaml.safe_load(meta_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise WorkbookError(path, META_SHEET, f"YAML tidak sah: {getattr(exc, 'problem', exc)}",
                            None if mark is None else mark.line + META_FIRST_ROW) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("dataset"), dict):
        raise WorkbookError(path, META_SHEET, "bagian 'dataset:' tidak ada", META_FIRST_ROW)
    meta["dataset"]["id"] = dataset  # the folder name is the id
    staged = saving.staging(dataset)
    rows = {}
    try:
        for name, table in TABLES.items():
            text, rows[name] = _csv_with_rows(sheets[name])
            (staged / table.filename).write_text(text, encoding="utf-8", newline="")
        (staged / "metadata.yml").write_text(saving.metadata_text(meta), encoding="utf-8")
        try:
            load_dataset(dataset, root=staged)
        except DataError as exc:
            raise _translate(exc, path, rows, meta_text) from None
        saving.put_in_place(staged, dest)
    finally:
        saving.discard(staged)
    return load_dataset(dataset)
