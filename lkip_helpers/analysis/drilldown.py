"""Everything about one indicator on one page: the numbers, the trend, the money, the story."""

from __future__ import annotations

import pandas as pd

from lkip_helpers.analysis import anggaran, kinerja
from lkip_helpers.analysis.kegiatan import efficiency_per_iku, iku_kegiatan
from lkip_helpers.data.loading import Dataset, load_dataset
from lkip_helpers.data.schema import ID_PATTERN, ID_RULE
from lkip_helpers.errors import LkipError
from lkip_helpers.numbers import format_number, format_pct


def below_threshold(ds: Dataset, threshold: float = 100.0) -> list[str]:
    """Ids of the measured IKU whose capaian this year is below ``threshold`` (lowest first)."""
    m = kinerja.measured(ds)
    return list(m[m["capaian_pct"] < threshold].sort_values("capaian_pct")["indikator_id"])


INDIKATOR_ID = ID_PATTERN  # one definition of an id (lkip_helpers.data.schema), checked when data load


def check_indikator(ds: Dataset, indikator: str) -> pd.Series:
    """The measured row of ``indikator``; a clear error when it is not a well-formed id of a measured IKU.

    The id becomes part of file names (``indikator-<id>.html``) and artifact ids, so it is
    checked before anything else (:func:`lkip_helpers.data.schema.is_id`).
    """
    if not isinstance(indikator, str) or not INDIKATOR_ID.fullmatch(indikator):
        raise LkipError(f"parameter indikator tidak sah: {indikator!r}; id indikator hanya memuat {ID_RULE}")
    m = kinerja.measured(ds).set_index("indikator_id")
    if indikator not in m.index:
        raise LkipError(f"indikator {indikator!r} tidak diukur di dataset {ds.id}; pilihan: {', '.join(m.index)}")
    return m.loc[indikator]


def facts(ds: Dataset, indikator: str) -> pd.DataFrame:
    """Target, realisasi, capaian and class, this year and last year."""
    now = check_indikator(ds, indikator)
    prev = kinerja.measured(ds, ds.year - 1, basis="rpjmd").set_index("indikator_id")
    rpjmd = kinerja.measured(ds, ds.year, basis="rpjmd").set_index("indikator_id")
    final = "RPJMD (target akhir)" if kinerja.final_rpjmd_year(ds) == ds.year else "RPJMD"
    rows = [(ds.year, "Perjanjian Kinerja", now)]
    rows += [(ds.year, final, rpjmd.loc[indikator])] if indikator in rpjmd.index else []
    rows += [(ds.year - 1, "RPJMD", prev.loc[indikator])] if indikator in prev.index else []
    keep = ["target", "realisasi", "capaian_pct", "kelas"]
    return pd.DataFrame([{"tahun": year, "dasar_target": dasar, **r[keep].to_dict()} for year, dasar, r in rows])


def trend(ds: Dataset, indikator: str) -> pd.DataFrame:
    t = kinerja.trend(ds)
    return t[t["indikator_id"] == indikator].reset_index(drop=True)


def supporting(ds: Dataset, indikator: str) -> pd.DataFrame:
    """Kegiatan that support the indicator (see :func:`kegiatan.iku_kegiatan`), with budget and their outputs (IKK)."""
    check_indikator(ds, indikator)
    ties = iku_kegiatan(ds)
    tree = anggaran.anggaran_tree(ds)
    subs = ties[ties["indikator_id"] == indikator][["kode_rekening"]].merge(tree, on="kode_rekening")[
        ["kode_rekening", "uraian", "pagu_rp", "realisasi_rp", "serapan_pct"]
    ]
    ikk = kinerja.measured(ds, kind="ikk")[
        ["kode_rekening", "indikator_id", "name", "unit", "target", "realisasi", "capaian_pct"]
    ]
    out = subs.merge(ikk, on="kode_rekening", how="left").rename(columns={"name": "output", "indikator_id": "ikk_id"})
    out["output"] = out["output"].fillna("(tidak ada indikator output terukur)")
    return out


def efficiency(ds: Dataset, indikator: str) -> dict | None:
    """The indicator's capaian against the serapan of the kegiatan that support it (None when none is tied to it)."""
    check_indikator(ds, indikator)
    e = efficiency_per_iku(ds)
    if e.empty or indikator not in set(e["indikator_id"]):
        return None
    r = e.set_index("indikator_id").loc[indikator]
    return {
        "capaian_pct": float(r["capaian_pct"]),
        "pagu_rp": float(r["pagu_rp"]),
        "realisasi_rp": float(r["realisasi_rp"]),
        "serapan_pct": float(r["serapan_pct"]),
        "efisiensi_pct": float(r["efisiensi_pct"]),
        "verdict": r["verdict"],
        "alasan": r["alasan"],
        "dasar": r["dasar"],
        "n_iku_bersama": int(r["n_iku_bersama"]),
    }


def default_indikator(dataset: str) -> str:
    """The drill-down's default: the first indicator below target, else the first indicator measured."""
    ds = load_dataset(dataset)
    below = below_threshold(ds)
    m = kinerja.measured(ds)
    if below:
        return below[0]
    if m.empty:
        raise LkipError(f"dataset {ds.id} tidak memiliki IKU yang diukur pada tahun {ds.year}")
    return m["indikator_id"].iloc[0]


def stated_causes(ds: Dataset, indikator: str) -> pd.DataFrame:
    """What the report says about the indicator; failing that, about its sasaran; failing that, in general."""
    row = check_indikator(ds, indikator)
    n = ds.narasi
    for scope, rows in (
        ("indikator ini", n[n["indikator_id"] == indikator]),
        ("sasaran indikator ini", n[(n["sasaran_id"] == row["sasaran_id"]) & n["indikator_id"].isna()]),
        ("umum (laporan tidak menyebut indikator ini)", n[n["sasaran_id"].isna() & n["indikator_id"].isna()]),
    ):
        if len(rows):
            return rows.assign(cakupan=scope)[["section", "kind", "text", "cakupan"]].reset_index(drop=True)
    return pd.DataFrame(columns=["section", "kind", "text", "cakupan"])


def observations(ds: Dataset, indikator: str, findings: pd.DataFrame | None = None) -> list[str]:
    """What the numbers suggest beyond the report's own explanation."""
    row = check_indikator(ds, indikator)
    notes = []
    t = trend(ds, indikator).set_index("year")["capaian_pct"]
    y = ds.year
    if y - 1 in t.index and pd.notna(t[y - 1]) and t[y - 1] - t[y] > 30:
        notes.append(f"Capaian turun tajam: {format_pct(t[y - 1])} ({y - 1}) → {format_pct(t[y])} ({y}).")
    prev = kinerja.measured(ds, y - 1, basis="rpjmd").set_index("indikator_id")
    if indikator in prev.index:
        p = prev.loc[indikator]
        known = lambda *vs: all(pd.notna(v) for v in vs)  # noqa: E731 — a draft has no values for this year yet
        if known(p["target"], row["target"]) and p["target"] and row["target"] / p["target"] >= 1.3:
            notes.append(
                f"Target melonjak {format_number(row['target'] / p['target'] * 100 - 100, 0)}% dari "
                f"{format_number(p['target'])} ({y - 1}) menjadi {format_number(row['target'])} ({y})."
            )
        if known(p["realisasi"], p["target"]) and p["realisasi"] > p["target"] * 1.5:
            notes.append(
                f"Realisasi {y - 1} ({format_number(p['realisasi'])}) {format_number(p['realisasi'] / p['target'] * 100 - 100, 0)}% "
                f"di atas targetnya ({format_number(p['target'])})."
            )
        if known(row["realisasi"], p["realisasi"]) and row["realisasi"] < p["realisasi"]:
            notes.append(
                f"Realisasi menurun: {format_number(p['realisasi'])} ({y - 1}) → {format_number(row['realisasi'])} ({y})."
            )
    subs = supporting(ds, indikator)
    unfunded = subs.drop_duplicates("kode_rekening")
    unfunded = unfunded[unfunded["realisasi_rp"] == 0]
    for _, s in unfunded.iterrows():
        notes.append(
            f"Kegiatan pendukung tidak terealisasi sama sekali: {s['uraian']} (pagu {format_number(s['pagu_rp'])})."
        )
    zero_out = subs[subs["capaian_pct"] == 0]
    for _, s in zero_out.iterrows():
        notes.append(
            f"Output pendukung tidak dilaksanakan: {s['output']} (target {format_number(s['target'])} {s['unit']})."
        )
    pk = ds.dokumen_perencanaan
    dropped = pk[(pk["document"] == "pk_perubahan") & (pk["target"] == 0) & pk["indikator_id"].isin(subs["ikk_id"])]
    if len(dropped):
        notes.append("PK Perubahan menghapus target output pendukung: " + "; ".join(dropped["name"]) + ".")
    eff = efficiency(ds, indikator)
    if eff is not None and eff["serapan_pct"] < 50:
        notes.append(f"Serapan anggaran kegiatan pendukung {format_pct(eff['serapan_pct'])}, di bawah 50%.")
    if findings is not None and len(findings):
        mine = findings[(findings["indikator_id"] == indikator) & (findings["jenis"] == "angka")]
        for _, f in mine.iterrows():
            notes.append(
                f"Audit: {f['report_table']} mencetak {f['printed_text']} untuk {f['metric']} {f['year']}; "
                f"dihitung dari data {format_number(f['recomputed'], 2)} ({f['cause']})."
            )
    return notes or ["Tidak ada pola lain yang menonjol dari angka."]
