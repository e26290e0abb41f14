"""Budget hierarchies (by kode rekening, by jenis belanja): totals rolled up from the leaves, serapan %.

A budget may have any shape: one urusan root or several programs side by side at the
top, sub-kegiatan or not. The agency's total is the sum of every top-level row. Rows
tied to a sasaran or an indicator count at their most detailed (:func:`most_detailed`);
efficiency per IKU is :func:`lkip_helpers.analysis.kegiatan.efficiency_per_iku`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lkip_helpers.data.loading import Dataset, per_dataset


def serapan_pct(realisasi: pd.Series | float, pagu: pd.Series | float):
    """Budget absorption in percent; NaN where the budget is zero.

    >>> round(serapan_pct(7401465357, 9051591780), 2)
    81.77
    """
    if isinstance(pagu, pd.Series):
        pagu = pagu.astype(float).replace(0, np.nan)
        return realisasi.astype(float) / pagu * 100
    return np.nan if not pagu else realisasi / pagu * 100


def label(name: str) -> str:
    """A budget name as printed: sentence case for names typed in capitals (program names); others unchanged.

    >>> label("PROGRAM PENINGKATAN GIZI MASYARAKAT"), label("Pelatihan Kader Posyandu")
    ('Program peningkatan gizi masyarakat', 'Pelatihan Kader Posyandu')
    """
    name = str(name)
    return name.capitalize() if name.isupper() else name


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
    keys = out[key].tolist()
    up = {k: p for k, p in zip(keys, out[parent].tolist()) if p is not None and not pd.isna(p)}
    has_children = set(up.values())
    out["is_leaf"] = ~out[key].isin(has_children)
    depth = _depths(keys, up)
    out["depth"] = [depth[k] for k in keys]
    # deepest first, each row adds its total to its parent's: one pass, where walking every leaf up
    # to its root (with pd.isna per step) took 15 s for 100.000 budget rows
    upward = sorted(keys, key=depth.__getitem__, reverse=True)
    for col in amounts:
        values = out[col].to_numpy(dtype=float, na_value=np.nan)
        totals = {k: (0.0 if k in has_children else float(v)) for k, v in zip(keys, values)}
        for k in upward:
            if up.get(k) in totals:
                totals[up[k]] += totals[k]  # NaN (a blank leaf) stays NaN up to the root
        out[col] = np.array([totals[k] for k in keys], dtype=float)
    out["serapan_pct"] = serapan_pct(out[amounts[1]], out[amounts[0]])
    return out


def _depths(keys: list, up: dict) -> dict:
    """Steps from each key to its root (``up``: child -> parent, acyclic as loading checks), each chain walked once."""
    depth: dict = {}
    for k in keys:
        chain = []
        while k not in depth and k in up:
            chain.append(k)
            k = up[k]
        d = depth.setdefault(k, 0)
        for c in reversed(chain):
            d += 1
            depth[c] = d
    return depth


@per_dataset
def anggaran_tree(ds: Dataset) -> pd.DataFrame:
    """The budget by kode rekening with every subtotal computed."""
    return rollup(ds.anggaran, "kode_rekening", "parent_kode", ("pagu_rp", "realisasi_rp"))


def belanja_tree(ds: Dataset) -> pd.DataFrame:
    """The budget by jenis belanja with group totals computed."""
    return rollup(ds.belanja_jenis, "jenis_id", "parent_id", ("anggaran_rp", "realisasi_rp"))


def total(ds: Dataset) -> tuple[float, float, float]:
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


# How each budget level is named on the pages (anggaran.level values, see schema FIELDS["level"]);
# in running text, in lower case (level_word).
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


def level_word(level: str) -> str:
    """A level as written in running text: ``sub_kegiatan`` -> ``sub-kegiatan``."""
    return LEVEL_NAMES.get(level, level).lower()


def levels(ds: Dataset, include_frame: bool = True) -> list[str]:
    """The ``level`` values present in anggaran.csv, from the top of the hierarchy down.

    Ordered by the shallowest depth at which each level occurs (ties: as first listed).

    Args:
        include_frame: also the levels that frame the budget (FRAME_LEVELS).
    """
    tree = anggaran_tree(ds)
    if tree.empty:
        return []
    first = tree.assign(_pos=range(len(tree))).groupby("level", sort=False).agg(d=("depth", "min"), p=("_pos", "min"))
    return [lv for lv in first.sort_values(["d", "p"]).index if include_frame or lv not in FRAME_LEVELS]


def level_label(ds: Dataset, include_frame: bool = False) -> str:
    """The spending levels present, for column titles: e.g. ``Program/Kegiatan`` or ``Program/Kegiatan/Sub-kegiatan``.

    Args:
        include_frame: also name urusan and organisasi rows.
    """
    return "/".join(LEVEL_NAMES.get(lv, lv) for lv in levels(ds, include_frame))


def ancestors(kode: str, parents: pd.Series) -> list[str]:
    """The rows above ``kode``, nearest first (``parents``: parent_kode indexed by kode_rekening)."""
    out, node = [], parents.get(kode)
    while node is not None and not pd.isna(node):
        out.append(node)
        node = parents.get(node)
    return out


def most_detailed(kode, parents: pd.Series) -> list[str]:
    """The budget rows of ``kode`` (each once, those the budget holds), less any with a descendant listed too.

    A sasaran may be linked both to a program and to some of its sub-kegiatan (in the Renstra
    and in the table of supporting kegiatan); the sub-kegiatan are the closer tie, and counting the
    program as well would count the same rupiah twice.

    >>> parents = pd.Series({"P1": None, "P1.01": "P1", "P1.02": "P1"})
    >>> most_detailed(["P1", "P1.01", "P1.01", "X"], parents)
    ['P1.01']
    """
    wanted = [k for k in dict.fromkeys(kode) if k in parents.index]
    above = {a for k in wanted for a in ancestors(k, parents)}
    return [k for k in wanted if k not in above]
