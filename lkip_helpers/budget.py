"""Budget hierarchies (Tabel 3.12, 3.13): totals rolled up from the leaves, serapan %."""

from __future__ import annotations

import numpy as np
import pandas as pd


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


def anggaran_tree(ds) -> pd.DataFrame:
    """Tabel 3.13 with every subtotal computed."""
    return rollup(ds.anggaran, "kode_rekening", "parent_kode", ("pagu_rp", "realisasi_rp"))


def belanja_tree(ds) -> pd.DataFrame:
    """Tabel 3.12 with group totals computed."""
    return rollup(ds.belanja_jenis, "jenis_id", "parent_id", ("anggaran_rp", "realisasi_rp"))


def total(ds) -> tuple[float, float, float]:
    """(pagu, realisasi, serapan %) of the whole agency, from Tabel 3.13's leaves."""
    tree = anggaran_tree(ds)
    root = tree[tree["depth"] == 0].iloc[0]
    return float(root["pagu_rp"]), float(root["realisasi_rp"]), float(root["serapan_pct"])
