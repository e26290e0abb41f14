"""How the headline average moves under other defensible averaging methods."""

from __future__ import annotations

import pandas as pd

from lkip_helpers.analysis import kinerja
from lkip_helpers.data.loading import Dataset, per_dataset


@per_dataset  # the sensitivity page, its sentence, the verification note: one computation
def methods_table(ds: Dataset) -> pd.DataFrame:
    """Average capaian per year under each method (rows: methods; columns: years).

    The row computed as the dataset's own policy says so in ``keterangan``; when no listed
    method is the policy, the policy is added as its own row.
    """
    t = kinerja.tren(ds)
    pol = kinerja.policy(ds)
    all_ids = t["indikator_id"].unique()
    n_years = t.dropna(subset=["capaian_pct"])["year"].nunique()
    complete = t.groupby("indikator_id")["capaian_pct"].apply(lambda s: s.notna().all())
    panel = set(complete[complete].index)
    rows = []

    def add(name, note, fn, policy=None):
        mine = policy == (pol.average, pol.cap_pct)
        row = {"metode": name, "keterangan": f"metode dataset ini ({note})" if mine else note}
        for year, g in t.groupby("year"):
            row[year] = fn(g)
        rows.append(row)
        return mine

    def valued(g):
        return g.dropna(subset=["capaian_pct"])

    def by_sasaran(g, c=None):
        return valued(g).assign(c=valued(g)["capaian_pct"].clip(upper=c)).groupby("sasaran_id")["c"].mean().mean()

    found = add(
        "Rata-rata indikator yang bernilai",
        "tanpa batas atas",
        lambda g: valued(g)["capaian_pct"].mean(),
        ("rows", None),
    )
    for cap in (100, 110, 120):
        found |= add(
            f"Dibatasi {cap}%",
            f"capaian di atas {cap}% dihitung {cap}%",
            lambda g, c=cap: valued(g)["capaian_pct"].clip(upper=c).mean(),
            ("rows", float(cap)),
        )
    add("Median", "nilai tengah; tidak terpengaruh nilai ekstrem", lambda g: valued(g)["capaian_pct"].median())
    found |= add(
        "Bobot sama per sasaran", "rata-rata dari rata-rata tiap sasaran strategis", by_sasaran, ("sasaran", None)
    )
    if not found:
        add(
            "Metode dataset ini",
            kinerja.average_method(ds),
            lambda g: (
                by_sasaran(g, pol.cap_pct) if pol.average == "sasaran" else pol.capped(valued(g)["capaian_pct"]).mean()
            ),
        )
    if n_years > 1:  # a comparable series needs more than one year
        add(
            f"Hanya indikator lengkap {n_years} tahun",
            f"{len(panel)} indikator yang bernilai setiap tahun (deret sebanding)",
            lambda g: g[g["indikator_id"].isin(panel)]["capaian_pct"].mean(),
        )
    add(
        "Indikator tanpa nilai dihitung 0",
        f"jumlah dibagi semua {len(all_ids)} indikator (batas bawah yang pesimistis)",
        lambda g: g["capaian_pct"].fillna(0).sum() / len(all_ids),
    )
    out = pd.DataFrame(rows)
    out.columns = [str(c) for c in out.columns]
    return out


def contributions(ds: Dataset, year: int) -> pd.DataFrame:
    """Each indicator's pull on the year's average: (capaian − 100) ÷ n, in percentage points."""
    t = kinerja.tren(ds)
    g = t[(t["year"] == year)].dropna(subset=["capaian_pct"]).copy()
    g["selisih_dari_100"] = g["capaian_pct"] - 100
    g["kontribusi_poin"] = g["selisih_dari_100"] / len(g)
    return g.sort_values("kontribusi_poin", ascending=False)[
        ["indikator_id", "short_name", "sasaran_id", "capaian_pct", "kontribusi_poin", "sumber"]
    ].reset_index(drop=True)
