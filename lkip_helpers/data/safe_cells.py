"""Spreadsheet-safe cells: text from data never becomes a formula in a CSV or XLSX we hand out.

One rule serves every writer (output tables, figure data, ``lkip audit --csv``, the
``lkip template`` workbook):

* XLSX: a text value is stored as a string cell (never a formula); text that a
  spreadsheet would read as a formula also gets Excel's "quote prefix" style, so it
  stays text even when someone edits the cell. The value itself is unchanged.
* CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
  prefixed with a single quote ``'`` (OWASP, "CSV Injection"), unless the whole cell is
  a number (``-12.5`` stays ``-12.5``, so do ``-1.476,50`` and a lone ``-``). Numbers are never
  touched.

Dataset CSVs under ``data/`` are inputs, not hand-outs: they keep the text exactly as
written, and neither the loader nor ``lkip import`` strips a leading ``'``. Nothing we
write into ``data/`` carries one (the template stores text as string cells with the
quote-prefix *style*, which ``lkip import`` reads back as the plain value), so there is
nothing to undo; an apostrophe typed by a user is their text and is kept.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from lkip_helpers.files import write_atomic

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number however written (-12.5, -1.476,50, +98,4 %, 1e-5) or a lone sign ("-" for "none"):
# digits, separators and a sign cannot make a formula.
_NUMBER = re.compile(r"^[+-]?[0-9., ]*([eE][+-]?[0-9]+)? ?%?$")


def formula_like(value) -> bool:
    """True for text a spreadsheet could take as a formula (numbers written as text excepted).

    >>> formula_like("=1+1"), formula_like("-12.5"), formula_like("@SUM(A1)"), formula_like("Kota Contoh"), formula_like(-3)
    (True, False, True, False, False)
    >>> formula_like("-"), formula_like("-1.476,50"), formula_like("-1+2"), formula_like("-e"), formula_like("+A1")
    (False, False, True, True, True)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value)


def csv_cell(value):
    r"""A value as a CSV cell we hand out: formula-like text gets a leading ``'``; numbers are unchanged.

    Line breaks inside text become ``\n``: a lone carriage return would not be quoted by
    the ``csv`` writer and would split the row.

    >>> print(csv_cell('=HYPERLINK("http://x","klik")'))
    '=HYPERLINK("http://x","klik")
    >>> csv_cell("-12.5"), csv_cell(-12.5), csv_cell("@x"), csv_cell("\tx"), csv_cell("\r=1"), csv_cell("a\r\nb")
    ('-12.5', -12.5, "'@x", "'\tx", "'\n=1", 'a\nb')
    """
    if not isinstance(value, str):
        return value
    text = "'" + value if formula_like(value) else value
    return text.replace("\r\n", "\n").replace("\r", "\n")


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell passed through :func:`csv_cell` (column names too)."""
    out = df.copy()
    out.columns = [csv_cell(c) for c in out.columns]
    for name in out.columns[[pd.api.types.is_object_dtype(dt) or isinstance(dt, pd.StringDtype) for dt in out.dtypes]]:
        out[name] = out[name].map(csv_cell, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, path: Path | str) -> None:
    """``df`` as a UTF-8 CSV file without index, every text cell made safe; written whole or not at all."""
    safe = safe_frame(df)
    write_atomic(Path(path), lambda part: safe.to_csv(part, index=False, encoding="utf-8"))


def xlsx_cell(ws, row: int, column: int, value):
    """Write ``value`` into a worksheet cell; text stays text (string cell, never a formula). Returns the cell.

    Numbers (int, float, bool) stay numbers; NaN and None give an empty cell.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ws.cell(row, column)
    cell = ws.cell(row, column, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        if formula_like(value):
            cell.quotePrefix = True  # Excel keeps it text even after the cell is edited
    return cell
