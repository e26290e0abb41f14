"""Budget hierarchies (by kode rekening, by jenis belanja): totals rolled up from the leaves, serapan %.

A budget may have any shape: one urusan root or several programs side by side at the
top, sub-kegiatan or not. The agency's total is the sum of every top-level row. Where
the agency ties budget rows to an IKU (``indikator.kode_rekening`` on the IKU's row, or
``sasaran_kegiatan`` rows linking kode rekening to the IKU's sasaran), efficiency
(capaian % / serapan %) is computed per IKU.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lkip_helpers.analysis.kinerja import per_dataset


def serapan_pct(realisasi: pd.Series | float, pagu: pd.Series | float):
    """Budget absorption in percent; NaN where the budget is zero.

    >>> round(serapan_pct(7401465357, 9051591780), 2)
    81.77
    """
    if isinstance(pagu, pd.Series):
        pagu = pagu.astype(float).replace(0, np.nan)
        return realisasi.astype(float) / pagu * 100
    return np.nan if not pagu else realisasi / pagu * 100


def rollup(df: pd.DataFrame, key: str, parent: str, amounts: tuple[str, str]) -> pd.DataFrame:
    """Fill every parent row with the sum of its leaves, and add depth, is_leaf and serapan_pct.

    Rows keep their order (the report's order: each parent before its children). A
    parent with a leaf still blank (a draft) stays blank: a partial sum is not a total.

    Args:
        df: one row per node; amounts filled on leaves only.
        key, parent: id column and parent-id column.
        amounts: (budget column, realised column).
    """
    out = df.copy()
    parents = dict(zip(out[key], out[parent]))
    has_children = set(out[parent].dropna())
    out["is_leaf"] = ~out[key].isin(has_children)
    out["depth"] = [_depth(k, parents) for k in out[key]]
    for col in amounts:
        totals = {k: 0.0 for k in out[key]}
        for k, v in zip(out[key], out[col]):
            if k in has_children:
                continue
            node = k
            while node is not None and not pd.isna(node):
                totals[node] += np.nan if pd.isna(v) else float(v)
                node = parents.get(node)
        out[col] = out[key].map(totals).astype(float)
    out["serapan_pct"] = serapan_pct(out[amounts[1]], out[amounts[0]])
    return out


def _depth(k, parents) -> int:
    d = 0
    while not pd.isna(parents.get(k)) and parents.get(k) is not None:
        k, d = parents[k], d + 1
    return d


@per_dataset
def anggaran_tree(ds) -> pd.DataFrame:
    """The budget by kode rekening with every subtotal computed."""
    return rollup(ds.anggaran, "kode_rekening", "parent_kode", ("pagu_rp", "realisasi_rp"))


def belanja_tree(ds) -> pd.DataFrame:
    """The budget by jenis belanja with group totals computed."""
    return rollup(ds.belanja_jenis, "jenis_id", "parent_id", ("anggaran_rp", "realisasi_rp"))


def total(ds) -> tuple[float, float, float]:
    """(pagu, realisasi, serapan %) of the whole agency: the sum of every top-level row of anggaran.csv.

    NaN while a leaf is still blank (a draft) or when the table has no rows.
    """
    tree = anggaran_tree(ds)
    roots = tree[tree["depth"] == 0]
    if roots.empty:
        return np.nan, np.nan, np.nan
    pagu = float(roots["pagu_rp"].sum(skipna=False))
    real = float(roots["realisasi_rp"].sum(skipna=False))
    return pagu, real, float(serapan_pct(real, pagu)) if not np.isnan(pagu) else np.nan


# How each budget level is named on the pages (anggaran.level values, see schema FIELDS["level"]).
LEVEL_NAMES = {
    "urusan": "Urusan",
    "organisasi": "Organisasi",
    "program": "Program",
    "kegiatan": "Kegiatan",
    "sub_kegiatan": "Sub-kegiatan",
    "strategis": "Sasaran strategis",
}
# Levels that frame the budget rather than spend it: left out of labels such as "Program/Kegiatan".
FRAME_LEVELS = ("urusan", "organisasi")


def levels(ds) -> list[str]:
    """The ``level`` values present in anggaran.csv, from the top of the hierarchy down.

    Ordered by the shallowest depth at which each level occurs (ties: as first listed).
    """
    tree = anggaran_tree(ds)
    if tree.empty:
        return []
    first = tree.assign(_pos=range(len(tree))).groupby("level", sort=False).agg(d=("depth", "min"), p=("_pos", "min"))
    return list(first.sort_values(["d", "p"]).index)


def level_label(ds, include_frame: bool = False) -> str:
    """The spending levels present, for column titles: e.g. ``Program/Kegiatan`` or ``Program/Kegiatan/Sub-kegiatan``.

    Args:
        include_frame: also name urusan and organisasi rows.
    """
    names = [LEVEL_NAMES.get(lv, lv) for lv in levels(ds) if include_frame or lv not in FRAME_LEVELS]
    return "/".join(names)


def linked_budget(ds, kode: list[str]) -> pd.DataFrame:
    """The budget rows of ``kode``, keeping the most detailed: a row is dropped when one of its descendants is listed.

    A sasaran may be linked both to a program and to some of its sub-kegiatan (in the Renstra
    and in the table of supporting kegiatan); the sub-kegiatan are the closer tie, and counting the
    program as well would count the same rupiah twice.
    """
    tree = anggaran_tree(ds)
    parents = dict(zip(tree["kode_rekening"], tree["parent_kode"]))
    wanted = [k for k in dict.fromkeys(kode) if k in parents]
    ancestors = set()
    for k in wanted:
        node = parents.get(k)
        while node is not None and not pd.isna(node):
            ancestors.add(node)
            node = parents.get(node)
    keep = [k for k in wanted if k not in ancestors]
    return tree[tree["kode_rekening"].isin(keep)].reset_index(drop=True)


TIE_KODE = "kode rekening pada baris IKU"
TIE_SASARAN = "sasaran_kegiatan (kegiatan yang mendukung sasaran IKU)"
TIE_NONE = "tidak terkait anggaran"


def efficiency_per_iku(ds, year: int | None = None) -> pd.DataFrame:
    """Efficiency (capaian % / serapan %) per measured IKU, where the agency ties budget rows to it.

    The tie is the IKU's own ``kode_rekening`` (indikator.csv) when given, else every
    ``sasaran_kegiatan`` row of the IKU's sasaran (the most detailed rows, see
    :func:`linked_budget`). An IKU without a tie keeps its row with blank amounts and
    ``dasar`` saying so.

    Returns:
        one row per measured IKU: indikator_id, short_name, sasaran_id, capaian_pct,
        dasar (what ties budget to it), kode_rekening (the rows summed, joined by ', '),
        pagu_rp, realisasi_rp, serapan_pct, indeks_efisiensi, verdict.
    """
    from lkip_helpers.analysis import kinerja
    from lkip_helpers.capaian import efficiency_index, efficiency_verdict

    m = kinerja.measured(ds, year)
    links = (
        ds.sasaran_kegiatan
        if "sasaran_kegiatan" in ds.tables
        else pd.DataFrame(columns=["sasaran_id", "kode_rekening"])
    )
    rows = []
    for _, r in m.iterrows():
        if not pd.isna(r["kode_rekening"]):
            dasar, kode = TIE_KODE, [r["kode_rekening"]]
        else:
            kode = list(links.loc[links["sasaran_id"] == r["sasaran_id"], "kode_rekening"])
            dasar = TIE_SASARAN if kode else TIE_NONE
        budget_rows = linked_budget(ds, kode) if kode else None
        if budget_rows is None or budget_rows.empty:
            pagu = real = serapan = np.nan
            dasar, kode = TIE_NONE, []
        else:
            pagu = float(budget_rows["pagu_rp"].sum(skipna=False))
            real = float(budget_rows["realisasi_rp"].sum(skipna=False))
            serapan = float(serapan_pct(real, pagu)) if not np.isnan(pagu) else np.nan
            kode = list(budget_rows["kode_rekening"])
        capaian = r["capaian_pct"]
        rows.append(
            {
                "indikator_id": r["indikator_id"],
                "short_name": r["short_name"],
                "sasaran_id": r["sasaran_id"],
                "capaian_pct": capaian,
                "dasar": dasar,
                "kode_rekening": ", ".join(kode),
                "pagu_rp": pagu,
                "realisasi_rp": real,
                "serapan_pct": serapan,
                "indeks_efisiensi": efficiency_index(capaian, serapan) if kode else np.nan,
                "verdict": efficiency_verdict(capaian, serapan) if kode else "Tidak terkait anggaran",
            }
        )
    cols = [
        "indikator_id",
        "short_name",
        "sasaran_id",
        "capaian_pct",
        "dasar",
        "kode_rekening",
        "pagu_rp",
        "realisasi_rp",
        "serapan_pct",
        "indeks_efisiensi",
        "verdict",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("capaian_pct", "pagu_rp", "realisasi_rp", "serapan_pct", "indeks_efisiensi"):
        out[c] = out[c].astype(float)
    return out
