"""Writing a notebook's artifacts: tables (CSV + XLSX), figures (PNG + SVG + CSV), and their registry.

Each notebook records what it wrote in ``<output_dir>/.artifacts/<notebook>.json``;
the build reads each run's record into ``manifest.json``. The LKIP document does not
depend on these runs: :mod:`lkip_helpers.report.dokumen` composes it from the data.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

from lkip_helpers import paths
from lkip_helpers.data.safe_cells import write_csv, xlsx_cell
from lkip_helpers.numbers import format_number
from lkip_helpers.paths import REGISTRY_DIR
from lkip_helpers.report._mpl_compat import tiny_measuring_renderer
from lkip_helpers.report.report_table import KINDS, ReportTable
from lkip_helpers.report.text import escape, no_autolinks

ARTIFACT_ID = re.compile(r"^[a-z0-9][a-z0-9._\-]*$")  # may hold an id of the data (schema.ID_PATTERN)
PNG_DPI = 150  # figures' PNG resolution; the document sizes images from it
_CURRENT: list = []  # the Outputs of the notebook being run (set by notebook.setup), for md()


def current() -> Outputs | None:
    """The Outputs that :func:`lkip_helpers.notebook.setup` made last in this kernel (None outside a build)."""
    return _CURRENT[0] if _CURRENT else None


def set_current(out: Outputs | None) -> None:
    _CURRENT[:] = [out] if out is not None else []


def md(text: str) -> None:
    """Show narrative text computed from the data (Markdown).

    Nothing in it becomes an outside link: data text in it is already escaped
    (:func:`lkip_helpers.report.text.escape`); as a second line of defence, bare
    ``http:``-style schemes, ``www.`` and ``@`` outside code spans are escaped too.
    """
    display(Markdown(no_autolinks(text)))


class Outputs:
    """Where one notebook writes, and the record of what it wrote.

    Args:
        dataset: dataset id.
        output_dir: the output folder; default ``outputs/<dataset>``.
        notebook: the notebook's file stem (e.g. ``03_bab3_capaian``).
        missing: how tables show a missing number (``belum diisi`` for a draft dataset).
    """

    def __init__(self, dataset: str, output_dir: str | Path | None, notebook: str, missing: str | None = None):
        self.root = Path(output_dir) if output_dir else paths.output_dir(dataset)
        self.notebook = notebook
        self.missing = missing
        self.records: list[dict] = []
        self._heading: str | None = None  # the heading shown last, until a table or figure follows it
        for sub in ("tables", "figures", REGISTRY_DIR):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def _register(self, record: dict) -> None:
        if not ARTIFACT_ID.match(record["id"]):
            raise ValueError(f"id artefak tidak sah: {record['id']!r}")
        self.records = [r for r in self.records if r["id"] != record["id"]] + [record]
        path = self.root / REGISTRY_DIR / f"{self.notebook}.json"
        path.write_text(json.dumps(self.records, ensure_ascii=False, indent=1), encoding="utf-8")

    def heading(self, text: str, level: int = 2) -> None:
        """Show a section heading (text from data escaped). Level 1 = chapter; 2 and 3 = sections."""
        if level not in (1, 2, 3):
            raise ValueError(f"level judul harus 1, 2 atau 3, bukan {level!r}")
        display(Markdown("#" * level + " " + escape(text)))
        self._heading = str(text)

    def table(self, table: ReportTable):
        """Write ``tables/<id>.csv`` (canonical) and ``.xlsx`` (display formats); return the styled table."""
        folder = self.root / "tables"
        if self.missing is not None:
            table.missing = self.missing
        write_csv(table.data, folder / f"{table.id}.csv")
        write_xlsx(table, folder / f"{table.id}.xlsx")
        self._register(
            {
                "id": table.id,
                "kind": "table",
                "title": table.title,
                "source": table.source,
                "notebook": self.notebook,
                "files": [f"tables/{table.id}.csv", f"tables/{table.id}.xlsx"],
            }
        )
        heading, self._heading = self._heading, None
        return ShownTable(table, show_title=not repeats(heading, table.title))

    def figure(self, id: str, title: str, fig, data: pd.DataFrame, notes: str = ""):
        """Write ``figures/<id>.png``, ``.svg`` and the data behind the chart as ``.csv``."""
        folder = self.root / "figures"
        png = tight_png(fig)
        (folder / f"{id}.png").write_bytes(png)
        fig.savefig(folder / f"{id}.svg", bbox_inches="tight", metadata={"Date": None})
        write_csv(data, folder / f"{id}.csv")
        self._register(
            {
                "id": id,
                "kind": "figure",
                "title": title,
                "notebook": self.notebook,
                "notes": notes,
                "files": [f"figures/{id}.png", f"figures/{id}.svg", f"figures/{id}.csv"],
            }
        )
        plt.close(fig)
        self._heading = None
        # show the saved PNG rather than drawing the figure a third time; its caption is its alt text
        return Image(
            data=png, format="png", width=min(900, int(fig.get_figwidth() * 100)), metadata={"alt": str(title)}
        )


def repeats(heading: str | None, title: str) -> bool:
    """Whether ``heading`` already says ``title`` (``Tabel 3.1 — <title>``, or the title itself in other
    capitals): the table under it then goes without a caption of its own, so a title shows once.

    >>> repeats("Tabel 3.1 — Capaian Kinerja", "Capaian kinerja"), repeats("Anggaran dan capaian", "Anggaran")
    (True, False)
    """
    if not heading:
        return False
    h, t = (" ".join(str(x).split()).casefold() for x in (heading, title))
    return h == t or h.endswith(" — " + t)


def tight_png(fig) -> bytes:
    """``fig`` as PNG (``PNG_DPI``) cut to its tight box, the box measured on a 1×1-pixel canvas.

    Matplotlib measures the box on a renderer as large as the whole figure, and the texts keep it alive
    while the picture is drawn on a second one: two full pictures at once (~30 MB more for a large trend
    chart). Text sizes depend on the dpi alone, so a tiny renderer at the same dpi measures the same box;
    the picture and its bytes are matplotlib's own (matplotlib's private parts: ``_mpl_compat``).
    """
    png = io.BytesIO()
    with tiny_measuring_renderer(fig):
        fig.savefig(png, format="png", dpi=PNG_DPI, bbox_inches="tight")
    return png.getvalue()


# Rows a page shows of one table: a ministry's 100.000 budget rows would make a page no phone opens
# (and minutes of HTML conversion); the CSV and Excel files keep them all.
MAX_PAGE_ROWS = 2000


class ShownTable:
    """How a table appears in a notebook and its HTML page: title, table, source and notes, escaped."""

    def __init__(self, table: ReportTable, show_title: bool = True):
        self.table = table
        self.show_title = show_title  # False right under a heading that already says the title

    def __repr__(self) -> str:  # plain-text fallback; no memory address, so outputs stay identical
        return f"{self.table.title} ({self.table.id})"

    def _repr_html_(self) -> str:
        t = self.table
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in t.notes)
        if len(t.frame) > MAX_PAGE_ROWS:  # the whole table is in its CSV and Excel files, not on a page
            notes = (
                f"<li>Halaman ini menampilkan {format_number(MAX_PAGE_ROWS, 0)} baris pertama dari "
                f"{format_number(len(t.frame), 0)}; tabel lengkap ada di berkas CSV dan Excel "
                f"{html.escape(t.id)}.</li>" + notes
            )
        source = f'<p class="lkip-source">Sumber: {html.escape(t.source)} · id: {html.escape(t.id)}</p>'
        title = f"<h4>{html.escape(t.title)}</h4>" if self.show_title else ""
        return (
            f'<div class="lkip-table-block">{title}'
            f'<div class="lkip-scroll">{t.to_html(MAX_PAGE_ROWS)}</div>{source}'
            + (f'<ul class="lkip-notes">{notes}</ul>' if notes else "")
            + "</div>"
        )


def write_xlsx(table: ReportTable, path: Path) -> None:
    """One sheet: canonical values, Excel number formats (shown with the reader's locale separators)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = table.id[:31]
    # every cell through xlsx_cell: text from data stays text, never a formula
    xlsx_cell(ws, 1, 1, table.title).font = Font(bold=True, size=12)
    for j, c in enumerate(table.columns, start=1):
        xlsx_cell(ws, 2, j, c.label).font = Font(bold=True)
    last = 2
    # columns as lists: a Series per row (iterrows) took minutes for 100.000 budget rows
    values = {
        name: table.frame[name].tolist()
        for name in {c.name for c in table.columns} | {c.indent for c in table.columns if c.indent}
    }
    for i in range(len(table.frame)):
        last = i + 3
        for j, c in enumerate(table.columns, start=1):
            v = values[c.name][i]
            if pd.isna(v):
                continue
            if c.kind == "text":
                v = ("  " * int(values[c.indent][i] or 0) if c.indent else "") + str(v)
            else:
                v = float(v)
            xlsx_cell(ws, last, j, v)
    for i, c in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        fmt = KINDS[c.kind][1]
        for cell in ws[letter][2:]:
            cell.number_format = fmt
        width = max([len(str(c.label))] + [len(str(v)) for v in table.frame[c.name].head(50)])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
    bold = Font(bold=True)
    for r in table.emphasis_rows:  # by cell: ws[row] measures the whole sheet each time (quadratic)
        for j in range(1, len(table.columns) + 1):
            ws.cell(r + 3, j).font = bold
    ws.freeze_panes = "A3"
    if table.notes:
        for i, note in enumerate(table.notes, start=last + 2):  # after one empty row
            xlsx_cell(ws, i, 1, note)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


_FIXED_TIME = "2000-01-01T00:00:00Z"


def _fixed_zip(data: bytes) -> bytes:
    """Same workbook, same bytes: clear the save time openpyxl stamps into the file and its zip entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + _FIXED_TIME.encode(), content
                )
            info = zipfile.ZipInfo(item.filename, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, content)
    return out.getvalue()
