"""How the headline average moves under other defensible averaging methods."""

from __future__ import annotations

import pandas as pd

from . import kinerja


def methods_table(ds) -> pd.DataFrame:
    """Average capaian per year under each method (rows: methods; columns: years)."""
    t = kinerja.trend(ds)
    all_ids = t["indikator_id"].unique()
    complete = t.groupby("indikator_id")["capaian_pct"].apply(lambda s: s.notna().all())
    panel = set(complete[complete].index)
    rows = []

    def add(name, note, fn):
        row = {"metode": name, "keterangan": note}
        for year, g in t.groupby("year"):
            row[year] = fn(g)
        rows.append(row)

    valued = lambda g: g.dropna(subset=["capaian_pct"])  # noqa: E731
    add("Rata-rata indikator yang bernilai", "metode dataset ini (tanpa batas atas)", lambda g: valued(g)["capaian_pct"].mean())
    for cap in (100, 110, 120):
        add(f"Dibatasi {cap}%", f"capaian di atas {cap}% dihitung {cap}%",
            lambda g, c=cap: valued(g)["capaian_pct"].clip(upper=c).mean())
    add("Median", "nilai tengah; tidak terpengaruh nilai ekstrem", lambda g: valued(g)["capaian_pct"].median())
    add("Bobot sama per sasaran", "rata-rata dari rata-rata tiap sasaran strategis",
        lambda g: valued(g).groupby("sasaran_id")["capaian_pct"].mean().mean())
    add("Hanya indikator lengkap 6 tahun", f"{len(panel)} indikator yang bernilai setiap tahun (deret sebanding)",
        lambda g: g[g["indikator_id"].isin(panel)]["capaian_pct"].mean())
    add("Indikator tanpa nilai dihitung 0", f"jumlah dibagi semua {len(all_ids)} indikator (batas bawah yang pesimistis)",
        lambda g: g["capaian_pct"].fillna(0).sum() / len(all_ids))
    out = pd.DataFrame(rows)
    out.columns = [str(c) for c in out.columns]
    return out


def contributions(ds, year: int) -> pd.DataFrame:
    """Each indicator's pull on the year's average: (capaian − 100) ÷ n, in percentage points."""
    t = kinerja.trend(ds)
    g = t[(t["year"] == year)].dropna(subset=["capaian_pct"]).copy()
    g["selisih_dari_100"] = g["capaian_pct"] - 100
    g["kontribusi_poin"] = g["selisih_dari_100"] / len(g)
    return g.sort_values("kontribusi_poin", ascending=False)[
        ["indikator_id", "short_name", "sasaran_id", "capaian_pct", "kontribusi_poin", "sumber"]].reset_index(drop=True)
