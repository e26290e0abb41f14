"""A report table: canonical data plus how each column is shown.

One object feeds the CSV (canonical numbers), the XLSX (Indonesian display formats)
and the notebook/HTML display (formatted, text escaped).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from lkip_helpers.numbers import MISSING_TEXT, format_number, format_pct, format_rp

# column kind -> (display formatter(value, missing text), Excel number format)
KINDS = {
    "text": (lambda v, m=MISSING_TEXT: m if pd.isna(v) else str(v), "@"),
    "int": (lambda v, m=MISSING_TEXT: format_number(v, 0, m), "#,##0"),
    "number": (lambda v, m=MISSING_TEXT: format_number(v, missing=m), "#,##0.##"),
    "pct": (lambda v, m=MISSING_TEXT: format_number(v, 2, m), "#,##0.00"),
    "pct_sign": (lambda v, m=MISSING_TEXT: format_pct(v, 2, m), "#,##0.00"),
    "rp": (lambda v, m=MISSING_TEXT: format_number(v, 0, m), "#,##0"),
    "rp_sign": (lambda v, m=MISSING_TEXT: format_rp(v, m), '"Rp "#,##0'),
    "index": (lambda v, m=MISSING_TEXT: format_number(v, 2, m), "0.00"),
}


SHORT_TEXT = 24  # characters: a text column no longer than this is laid out like a number on a narrow screen


@dataclass
class Column:
    """Display of one column: its header label and kind (see :data:`KINDS`)."""

    name: str
    label: str
    kind: str = "text"
    indent: str | None = None  # column holding a depth: indents the display text (hierarchies)
    merge: bool = False  # show a value only where it changes, like the report's merged cells


@dataclass
class ReportTable:
    """A table of the report rebuilt from data.

    Args:
        id: artifact id, e.g. ``tabel-3.1``.
        title: title as in the report.
        frame: canonical data (numbers as numbers).
        columns: display spec for the columns to show, in order.
        source: where in the report the table stands.
        notes: caveats shown under the table.
        emphasis_rows: row positions to show in bold (totals, averages).
        id_columns: identifier columns written first to the CSV (not shown), so outputs can be joined.
        missing: how a missing number is shown; a draft dataset shows "belum diisi" (set by
            :class:`~lkip_helpers.report.artifacts.Outputs` from the dataset).
    """

    id: str
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    source: str = ""
    notes: list[str] = field(default_factory=list)
    emphasis_rows: list[int] = field(default_factory=list)
    id_columns: list[str] = field(default_factory=list)
    missing: str = MISSING_TEXT

    def __post_init__(self):
        missing = [c.name for c in self.columns if c.name not in self.frame.columns]
        missing += [c for c in self.id_columns if c not in self.frame.columns]
        if missing:
            raise ValueError(f"{self.id}: kolom tidak ada di tabel data: {missing}")
        if self.frame.empty:
            raise ValueError(f"{self.id}: tabel kosong — tidak ada data untuk ditampilkan")

    @property
    def data(self) -> pd.DataFrame:
        """The canonical columns shown (and their depth columns), with their data names (for CSV)."""
        names = list(self.id_columns)
        for c in self.columns:
            names += [c.indent] if c.indent and c.indent not in names else []
            names += [c.name] if c.name not in names else []
        return self.frame[names].reset_index(drop=True)

    def display_frame(self) -> pd.DataFrame:
        """All cells as Indonesian display text, headers as labels."""
        out = {}
        for c in self.columns:
            fmt = KINDS[c.kind][0]
            text = self.frame[c.name].map(lambda v, fmt=fmt: fmt(v, self.missing))
            if c.merge:
                text = text.where(text != text.shift(), "")
            if c.indent:
                depth = self.frame[c.indent].fillna(0).astype(int)
                text = pd.Series(["\u2003" * d + t for d, t in zip(depth, text)], index=text.index)
            out[c.label] = text
        return pd.DataFrame(out).reset_index(drop=True)

    def styler(self):
        """A pandas Styler for notebooks and HTML: formatted, escaped, no index."""
        shown = self.display_frame()
        # a fixed uuid keeps the HTML identical from build to build
        styler = shown.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
        styler.set_uuid(self.id.replace(".", "-"))
        numeric = [c.label for c in self.columns if c.kind != "text"]
        styler = styler.set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
        if self.emphasis_rows:
            styler = styler.set_properties(subset=pd.IndexSlice[self.emphasis_rows, :], **{"font-weight": "bold"})
        styler = styler.set_table_attributes('class="lkip-table"')
        return styler

    def to_html(self, max_rows: int | None = None) -> str:
        """The table as HTML for notebooks and pages: text escaped, numbers right-aligned, totals in bold.

        Every cell carries its column's label (``data-label``) and kind (``lkip-num`` / ``lkip-text``): on a
        narrow screen the page's CSS (:data:`lkip_helpers.report.html.CSS`) shows each row as a card of
        labelled values, so target, realisasi, capaian, pagu and serapan stay in view without scrolling
        sideways; on a wide screen it is an ordinary table. No script and no style sheet of its own (totals are
        bold inline, so JupyterLab shows them too, with its own table style).
        """
        e = html.escape
        shown = self.display_frame()
        if max_rows is not None:
            shown = shown.head(max_rows)
        # a text column of short values (unit, category) sits beside the numbers in a card, a long one spans it
        kinds = [
            "lkip-num"
            if c.kind != "text"
            else "lkip-text lkip-short"
            if shown.iloc[:, j].map(len).max() <= SHORT_TEXT
            else "lkip-text"
            for j, c in enumerate(self.columns)
        ]
        labels = [e(str(c.label)) for c in self.columns]
        head = "".join(f'<th scope="col" class="{k}">{label}</th>' for k, label in zip(kinds, labels))
        emphasis = set(self.emphasis_rows)
        rows = []
        for i, values in enumerate(shown.itertuples(index=False, name=None)):
            cells = "".join(
                f'<td class="{k}" data-label="{label}">{e(str(v))}</td>' for k, label, v in zip(kinds, labels, values)
            )
            bold = ' class="lkip-em" style="font-weight:bold"' if i in emphasis else ""
            rows.append(f"<tr{bold}>{cells}</tr>")
        anchor = e("T_" + self.id.replace(".", "-"))
        return (
            f'<table class="lkip-table" id="{anchor}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def excel_formats(self) -> dict[str, str]:
        return {c.label: KINDS[c.kind][1] for c in self.columns}
