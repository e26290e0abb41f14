"""Everything about one indicator on one page: the numbers, the trend, the money, the story."""

from __future__ import annotations

import math

import pandas as pd

from lkip_helpers.analysis import anggaran, kinerja
from lkip_helpers.analysis.kegiatan import efisiensi_per_iku, iku_kegiatan
from lkip_helpers.data.loading import Dataset, load_dataset
from lkip_helpers.data.schema import ID_PATTERN, ID_RULE
from lkip_helpers.errors import LkipError


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


def tren(ds: Dataset, indikator: str) -> pd.DataFrame:
    t = kinerja.tren(ds)
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


def efisiensi(ds: Dataset, indikator: str) -> dict | None:
    """The indicator's capaian against the serapan of the kegiatan that support it (None when none is tied to it)."""
    check_indikator(ds, indikator)
    e = efisiensi_per_iku(ds)
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


# What the agency states about an indicator (narasi.kind): causes, and efforts or plans.
NARASI_CAUSE = ("faktor_pendukung", "penyebab_kendala")
NARASI_EFFORT = ("solusi", "rencana_perbaikan")


def stated(ds: Dataset, indikator: str, kinds: tuple[str, ...]) -> list[str]:
    """The agency's own sentences of ``kinds`` tied to ``indikator`` (narasi.csv), as written."""
    if not ds.has("narasi"):
        return []
    n = ds.narasi
    return list(n.loc[(n["indikator_id"] == indikator) & n["kind"].isin(kinds), "text"])


def yearly_values(ds: Dataset, indikator: str) -> pd.DataFrame:
    """Target, realisasi and capaian of one IKU per year: the PK target for the report year, else the
    medium-term one; published capaian where a year has only that."""
    rows = []
    years = sorted(
        set(ds.realisasi.loc[ds.realisasi["indikator_id"] == indikator, "year"])
        | set(kinerja.tren(ds).loc[lambda t: t["indikator_id"] == indikator, "year"])
    )
    tren = kinerja.tren(ds)
    tren = tren[tren["indikator_id"] == indikator].set_index("year")
    for y in years:
        row = None
        for basis in ("pk", "rpjmd"):
            m = kinerja.measured(ds, int(y), basis=basis)
            m = m[m["indikator_id"] == indikator]
            if len(m) and pd.notna(m["target"].iloc[0]):
                row = m.iloc[0]
                break
        cap = tren.loc[y, "capaian_pct"] if y in tren.index else math.nan
        rows.append(
            {
                "tahun": int(y),
                "target": row["target"] if row is not None else math.nan,
                "realisasi": row["realisasi"] if row is not None else math.nan,
                "capaian_pct": row["capaian_pct"] if row is not None and pd.notna(row["capaian_pct"]) else cap,
            }
        )
    out = pd.DataFrame(rows, columns=["tahun", "target", "realisasi", "capaian_pct"])
    return out.dropna(subset=["target", "realisasi", "capaian_pct"], how="all").reset_index(drop=True)


def medium_term(ds: Dataset, indikator: str) -> tuple[int, float] | None:
    """The final medium-term target of ``indikator`` (year, target), if any."""
    t = ds.target[(ds.target["basis"] == "rpjmd") & (ds.target["indikator_id"] == indikator)].dropna(subset=["target"])
    if t.empty:
        return None
    last = t.sort_values("year").iloc[-1]
    return int(last["year"]), float(last["target"])


def benchmarks(ds: Dataset, indikator: str) -> pd.DataFrame:
    if not ds.has("pembanding"):
        return pd.DataFrame()
    b = ds.pembanding
    return b[b["indikator_id"] == indikator].sort_values(["year", "pembanding"])
