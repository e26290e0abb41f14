"""What a dataset still lacks: the cells an analyst fills each year, and whether blanks are allowed.

A dataset is a *draft* while its ``metadata.yml`` says ``status: draft`` (``lkip new``
writes one). The schema says what is filled anew each year (``Col.fill``: targets,
realisasi, budget amounts on the leaves of a hierarchy) and which tables may still be
empty (``Table.empty_in_draft``). In a final dataset a blank that the schema requires
is an error; in a draft it is listed as remaining to fill, so ``lkip validate`` passes
and ``lkip build`` shows the report filling up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd

from lkip_helpers.data.schema import METADATA, TABLES, UNAVAILABLE_KEY
from lkip_helpers.errors import DataError, line_of
from lkip_helpers.numbers import MISSING_TEXT


class Dataset(Protocol):
    """What this module reads of a loaded dataset (loading.Dataset; loading uses this module, not the reverse)."""

    tables: dict[str, pd.DataFrame]
    meta: dict
    year: int


DRAFT = "draft"
FINAL = "final"
STATUSES = METADATA["dataset.status"].isin
assert STATUSES == (DRAFT, FINAL)  # the two states this module knows
MISSING_DRAFT = "belum diisi"  # shown for a missing value in a draft: it is expected, not an error


def is_draft(meta: dict) -> bool:
    """True when the metadata mark the dataset as a draft.

    >>> is_draft({"dataset": {"status": "draft"}}), is_draft({"dataset": {}})
    (True, False)
    """
    return ((meta or {}).get("dataset") or {}).get("status", FINAL) == DRAFT


def unavailable(meta: dict) -> dict[str, str]:
    """Tables the metadata declare not available, with the reason (``tidak_tersedia``, checked at load).

    >>> unavailable({"tidak_tersedia": {"anggaran": " Dikelola BPKAD. "}}), unavailable({})
    ({'anggaran': 'Dikelola BPKAD.'}, {})
    """
    given = (meta or {}).get(UNAVAILABLE_KEY) or {}
    return {str(k): str(v).strip() for k, v in given.items()} if isinstance(given, dict) else {}


def missing_text(draft: bool) -> str:
    """How a missing value is shown: ``belum diisi`` in a draft, a dash otherwise."""
    return MISSING_DRAFT if draft else MISSING_TEXT


@dataclass(frozen=True)
class Gap:
    """Blank cells of one column that are filled each year (or a table without rows).

    Args:
        table: table name.
        column: column name; None when the whole table has no rows yet.
        lines: line in the file of each blank cell (header = line 1).
        rows: rows that should hold a value (leaves only, in a hierarchy).
        required: True when a final dataset may not leave these blank.
    """

    table: str
    column: str | None
    lines: tuple[int, ...]
    rows: int
    required: bool


def gaps(tables: dict[str, pd.DataFrame], unavailable=()) -> list[Gap]:
    """Every blank that the analyst still has to fill, in schema order.

    Args:
        unavailable: tables the metadata declare not available (``tidak_tersedia``): nothing to fill.
    """
    out = []
    for name, table in TABLES.items():
        df = tables[name]
        if name in unavailable:
            continue
        if df.empty:
            # a core table must be filled; an optional one only when its file is there (header only)
            # and it holds facts of the year (prizes, narrative): an absent file means "not used"
            if table.core or (table.empty_in_draft and not df.attrs.get("absent")):
                out.append(Gap(name, None, (), 0, table.core))
            continue
        should = pd.Series(True, index=df.index)
        if table.parent:  # amounts sit on the leaves; parents are computed from them
            should = ~df[table.key[0]].isin(set(df[table.parent].dropna()))
        for col in table.cols:
            if not col.fill:
                continue
            blank = df[col.column].isna() & should
            if blank.any():
                lines = tuple(line_of(df, i) for i in range(len(df)) if blank.iloc[i])
                out.append(
                    Gap(name, col.column, lines, int(should.sum()), required=col.required or table.parent is not None)
                )
    return out


def check(folder: Path, tables: dict[str, pd.DataFrame], draft: bool) -> None:
    """In a final dataset, raise at the first blank the schema requires; a draft may have them."""
    if draft:
        return
    for gap in gaps(tables):
        if not gap.required or gap.column is None:  # empty tables are refused when the file is read
            continue
        table = TABLES[gap.table]
        df = tables[gap.table]
        line = gap.lines[0]
        if table.parent:
            key = next(df[table.key[0]].iloc[i] for i in range(len(df)) if line_of(df, i) == line)
            message = f"baris paling rinci ({key}) harus berisi {gap.column}"
        else:
            message = "sel kosong; kolom ini wajib diisi (" + table.field_of(gap.column).description + ")"
        raise DataError(folder / table.filename, message + _draft_hint(), row=line, column=gap.column)


def _draft_hint() -> str:
    return "; bila dataset masih draf, tulis 'status: draft' di bagian dataset metadata.yml"


def remaining(ds: Dataset) -> list[Gap]:
    """What a dataset still lacks (empty for a complete dataset)."""
    return gaps(ds.tables, unavailable(ds.meta))


def to_check(ds: Dataset) -> list[str]:
    """Tables carried from last year that the analyst should confirm (``draft.check`` in metadata)."""
    return [str(t) for t in ((ds.meta.get("draft") or {}).get("check") or [])]


def lines(ds: Dataset) -> list[str]:
    """Remaining work in plain words, one item per line (for ``lkip validate`` and the banner).

    Each item reads ``tabel.kolom: N dari M baris belum diisi`` or ``tabel: belum ada baris``.
    """
    out = []
    for gap in remaining(ds):
        if gap.column is None and TABLES[gap.table].core:
            out.append(
                f"{gap.table}: belum ada baris — tabel inti, wajib diisi (kolom: "
                + ", ".join(TABLES[gap.table].columns)
                + ")"
            )
        elif gap.column is None:
            out.append(f"{gap.table}: belum ada baris (isi bila ada untuk tahun {ds.year})")
        else:
            out.append(f"{gap.table}.{gap.column}: {len(gap.lines)} dari {gap.rows} baris belum diisi")
    return out + year_lines(ds.tables, ds.year)


def year_lines(tables: dict[str, pd.DataFrame], year: int) -> list[str]:
    """What the report year still lacks: PK targets of the year for the IKU, realisasi rows of the year.

    A final dataset needs both (:func:`lkip_helpers.data.loading.check_years`); a draft lists them.
    """
    iku = set(tables["indikator"].loc[tables["indikator"]["kind"] == "iku", "indikator_id"])
    if not iku:
        return []
    t = tables["target"]
    pk = set(t.loc[(t["basis"] == "pk") & (t["year"] == year) & t["indikator_id"].isin(iku), "indikator_id"])
    if not pk:
        return [f"target: belum ada target PK (basis pk) tahun {year} untuk IKU"]
    r = tables["realisasi"]
    if not (r["indikator_id"].isin(pk) & (r["year"] == year)).any():
        return [f"realisasi: belum ada baris realisasi tahun {year} untuk IKU yang bertarget"]
    return []


def summary(ds: Dataset) -> str:
    """One sentence: how much remains, e.g. ``152 sel belum diisi di 7 kolom; 4 tabel belum berisi baris``."""
    gs = remaining(ds)
    cells = sum(len(g.lines) for g in gs if g.column)
    cols = sum(1 for g in gs if g.column)
    empty = sum(1 for g in gs if g.column is None)
    if not gs:
        return "semua isian lengkap" if not year_lines(ds.tables, ds.year) else "target/realisasi tahun ini belum ada"
    parts = [f"{cells} sel belum diisi di {cols} kolom"] if cols else []
    parts += [f"{empty} tabel belum berisi baris"] if empty else []
    return "; ".join(parts)
