"""Indicator quality: definitions and targets an evaluator will question, stated as facts with their numbers.

Not slips (see :mod:`.plausibility`) and not causes: a percentage indicator measured above
100, a "persentase" counted in units, a target set below what was already realised, a
realisasi always equal to its target, a top category given to an indicator below target.
``lkip validate`` lists them, the audit page and the verification note show them.
"""

from __future__ import annotations

import re

import pandas as pd

from lkip_helpers.analysis import kinerja
from lkip_helpers.data.loading import Dataset, memo
from lkip_helpers.data.schema import is_percent_unit
from lkip_helpers.numbers import format_number, format_pct

_PERCENT_NAME = re.compile(r"^\s*(persentase|prosentase|presentase|persen)\b", re.IGNORECASE)


_is_pct = is_percent_unit


def quality_findings(ds: Dataset) -> list[str]:
    """Every indicator-quality finding of ``ds``, one sentence each, in the agency's terms (indicator names)."""
    return list(memo(ds, ("kualitas",), lambda: _findings(ds)))


def _findings(ds: Dataset) -> list[str]:
    ind = ds.indikator.set_index("indikator_id")
    name = ind["short_name"].fillna(ind["name"])
    out: list[str] = []
    values = _values(ds)
    for iid, rows in values.groupby("indikator_id", sort=False):
        r = ind.loc[iid]
        label = f"Indikator “{name[iid]}”"
        if _is_pct(r["unit"]):
            over = rows[(rows["realisasi"] > 100) | (rows["target"] > 100)]  # NaN compares False
            for _, v in over.iterrows():
                what = "realisasi" if v["realisasi"] > 100 else "target"
                out.append(
                    f"{label} bersatuan % tetapi {what} {int(v['year'])} {format_number(v[what])} (di atas 100): "
                    "periksa definisi atau satuannya"
                )
        if _PERCENT_NAME.match(str(r["name"])) and not _is_pct(r["unit"]) and isinstance(r["unit"], str):
            out.append(f"{label} bernama persentase tetapi diukur dalam satuan “{r['unit']}”")
        if r["polarity"] == "higher":
            by_year = rows.set_index("year")
            for y in by_year.index:
                if y - 1 in by_year.index:
                    t, prev = by_year.loc[y, "target"], by_year.loc[y - 1, "realisasi"]
                    if pd.notna(t) and pd.notna(prev) and t < prev:
                        out.append(
                            f"{label}: target {int(y)} ({format_number(t)}) di bawah realisasi {int(y - 1)} "
                            f"({format_number(prev)})"
                        )
        both = rows.dropna(subset=["target", "realisasi"])
        if len(both) >= 2 and (both["target"] == both["realisasi"]).all():
            out.append(f"{label}: realisasi sama dengan target pada setiap tahun ({len(both)} tahun)")
    top = kinerja.policy(ds).scale.bands[0][1]
    m = kinerja.measured(ds)
    for _, r in m[(m["capaian_pct"] < 100) & (m["kelas"] == top)].iterrows():
        out.append(
            f"Indikator “{r['short_name']}” berkategori “{top}” padahal di bawah target "
            f"(capaian {format_pct(r['capaian_pct'])})"
        )
    return out


def _values(ds: Dataset) -> pd.DataFrame:
    """Target (PK where given, else the medium-term one) and realisasi per IKU and year."""
    t = ds.target.dropna(subset=["target"])
    t = t.assign(_o=t["basis"].map({"pk": 0, "rpjmd": 1})).sort_values("_o").drop_duplicates(["indikator_id", "year"])
    iku = set(ds.indikator.loc[ds.indikator["kind"] == "iku", "indikator_id"])
    v = t[["indikator_id", "year", "target"]].merge(
        ds.realisasi[["indikator_id", "year", "realisasi"]], on=["indikator_id", "year"], how="outer"
    )
    v = v[v["indikator_id"].isin(iku)].astype({"target": float, "realisasi": float})  # NaN, not <NA>: compare
    order = {k: i for i, k in enumerate(ds.indikator["indikator_id"])}
    return v.sort_values(["indikator_id", "year"], key=lambda s: s.map(order) if s.name == "indikator_id" else s)
