"""One hostile copy of the default dataset, for the safe-HTML and safe-outputs tests (built once per run).

Its names, narrative, places, sasaran, program names and printed references carry text that must stay
text wherever it goes: markup and Markdown that would make a script, a ``javascript:`` link or a
picture fetched from outside (``MARKUP_INDIKATOR``), and formula-like text, URLs and Markdown that a
spreadsheet or a page could run or follow (``SHEET_INDIKATOR``, and every indicator's short name).
The two indicators are both below target, so each has its own drill-down page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

# markup (test_safe_html)
SCRIPT = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
MARKUP = f"{SCRIPT} {BOLD}"
MARKDOWN_LINK = "[klik](javascript:alert(1)) ![gambar](http://contoh.invalid/x.png)"
MARKUP_INDIKATOR = "posyandu-aktif"
MARKUP_NAME = f"Posyandu aktif {MARKUP}"  # its name; its short name is "Posyandu {MARKUP} {MARKDOWN_LINK}"

# spreadsheet formulas, URLs, Markdown (test_safe_outputs)
FORMULA = '=HYPERLINK("http://evil.example/x","klik")'
PAYLOADS = [
    FORMULA,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 tab",
    "=1+1",
]
URL = "http://evil.example/jalan"
MARKDOWN = "**tebal** _miring_ `kode` # judul <http://evil.example/sudut> www.evil.example"
SHEET_INDIKATOR = "alat-ttg"  # its short name is FORMULA: named in the narrative, bold
PRINTED_PLACE = "=cmd|' /C calc'!A0"  # a kabupaten of a printed value (Tabel 3.11)


def _edit(path: Path, change) -> None:
    """Apply ``change(i, row)`` (True when it changed the row) to every row of a CSV file; write it back."""
    text = path.read_bytes().decode("utf-8")
    nl = "\r\n" if "\r\n" in text else "\n"
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert sum(bool(change(i, row)) for i, row in enumerate(rows)), path.name
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=reader.fieldnames, lineterminator=nl)
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _indikator(i: int, row: dict) -> bool:
    if row["indikator_id"] == SHEET_INDIKATOR:
        row["short_name"], row["name"] = FORMULA, f"Alat TTG {URL} {MARKDOWN}"
    elif row["indikator_id"] == MARKUP_INDIKATOR:
        row["short_name"], row["name"] = f"Posyandu {MARKUP} {MARKDOWN_LINK}", MARKUP_NAME
    else:
        row["short_name"] = f"{PAYLOADS[i % len(PAYLOADS)]} {row['short_name']}"
    return True


def edit(folder: Path) -> None:
    """Make the dataset in ``folder`` hostile (see the module's docstring)."""
    _edit(folder / "indikator.csv", _indikator)
    _edit(
        folder / "narasi.csv",
        lambda i, row: i == 0 and row.update(text=f"{row['text']} {MARKUP} {MARKDOWN_LINK} {URL} {MARKDOWN}") is None,
    )
    # every sasaran strategis and program starts with a formula sign; the first of each carries markup too
    _edit(folder / "sasaran.csv", _signed("strategis", "name", "@"))
    _edit(folder / "anggaran.csv", _signed("program", "uraian", "-"))
    # the first kabupaten starts with a sign; the one with most desa and kelurahan carries markup
    rows = list(csv.DictReader(io.StringIO((folder / "wilayah.csv").read_text(encoding="utf-8"), newline="")))
    top = max(rows, key=lambda r: int(r["jumlah_desa"]) + int(r["jumlah_kelurahan"]))["kabupaten"]

    def wilayah(i: int, row: dict) -> bool:
        marked = row["kabupaten"] == top
        row["kabupaten"] = ("+" if i == 0 else "") + row["kabupaten"] + (f" {MARKUP}" if marked else "")
        return i == 0 or marked

    _edit(folder / "wilayah.csv", wilayah)
    _edit(
        folder / "nilai_tercetak.csv",
        lambda i, row: (
            row["report_table"] == "Tabel 3.11"
            and row["kabupaten"] == "TTS"
            and row.update(kabupaten=PRINTED_PLACE) is None
        ),
    )


def _signed(level: str, column: str, sign: str):
    """A ``change`` that puts ``sign`` before ``column`` of every row of ``level``, and MARKUP after the first's."""
    first = []

    def change(i: int, row: dict) -> bool:
        if row["level"] != level:
            return False
        row[column] = f"{sign}{row[column]}" + ("" if first else f" {MARKUP}")
        first.append(i)
        return True

    return change
