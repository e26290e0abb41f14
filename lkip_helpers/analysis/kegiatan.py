"""The kegiatan behind each sasaran and indicator, and their budget beside capaian (efficiency).

A kegiatan is tied to a sasaran by ``sasaran_kegiatan.csv`` (a whole program, or a
kegiatan/sub-kegiatan, told apart by ``anggaran.level``), and to an indicator by its own
``kode_rekening`` (indikator.csv). Efficiency is cost per unit of output, realised against
planned, under the dataset's ``efisiensi`` policy (:class:`lkip_helpers.capaian.EfisiensiPolicy`):
judged only where a kegiatan's budget and output are its own; a budget several IKU share, or
a program whose capaian is its sasaran's outcome, is not judged, and says why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.anggaran import LEVEL_NAMES, anggaran_tree, label, most_detailed, serapan_pct
from lkip_helpers.data.loading import Dataset, per_dataset


def sasaran_links(ds: Dataset, programs: bool) -> pd.DataFrame:
    """sasaran_kegiatan rows that tie a sasaran to a whole program (``programs``), or else to a kegiatan/sub-kegiatan.

    Told apart by anggaran.level; empty when the agency has no sasaran_kegiatan.csv.
    """
    if not ds.has("sasaran_kegiatan"):
        return pd.DataFrame(columns=["sasaran_id", "kode_rekening"])
    levels = ds.anggaran.set_index("kode_rekening")["level"]
    links = ds.sasaran_kegiatan
    return links[(links["kode_rekening"].map(levels) == "program") == programs]


def kegiatan_of_sasaran(ds: Dataset) -> pd.DataFrame:
    """Kegiatan/sub-kegiatan tied to a sasaran (not whole programs), with their budget, ordered by sasaran."""
    tree = anggaran_tree(ds)
    f = sasaran_links(ds, programs=False).merge(tree, on="kode_rekening", how="left")
    sas = ds.sasaran.set_index("sasaran_id")[["nomor", "name"]]
    f["sasaran"] = f["sasaran_id"].map(sas["name"])
    f["_n"] = f["sasaran_id"].map(sas["nomor"])
    return f.sort_values(["_n"], kind="stable").drop(columns="_n").reset_index(drop=True)


def kegiatan_of_ikk(ds: Dataset) -> pd.DataFrame:
    """Kegiatan/sub-kegiatan named by an IKK's kode_rekening, with the IKK's sasaran."""
    ind = ds.indikator
    f = ind[(ind["kind"] == "ikk") & ind["kode_rekening"].notna()][["sasaran_id", "kode_rekening"]]
    return f.drop_duplicates("kode_rekening")


def ikk_frame(ds: Dataset, sasaran_id: str | None = None) -> pd.DataFrame:
    """Output indicators (IKK) with their kegiatan/sub-kegiatan, budget and serapan."""
    f = kinerja.measured(ds, kind="ikk")
    if sasaran_id is not None:
        f = f[f["sasaran_id"] == sasaran_id]
    tree = anggaran_tree(ds)[["kode_rekening", "uraian", "pagu_rp", "realisasi_rp", "serapan_pct"]]
    return f.merge(tree, on="kode_rekening", how="left").reset_index(drop=True)


@per_dataset
def efisiensi_frame(ds: Dataset) -> pd.DataFrame:
    """Per program and per kegiatan tied to a sasaran or an indicator: serapan beside capaian, index and verdict."""
    tree = anggaran_tree(ds)
    levels = tree.set_index("kode_rekening")["level"]
    # Programs: capaian of the strategic sasaran they serve, averaged under the policy.
    if kinerja.measured(ds).empty:  # a new agency's draft: no IKU to measure yet, so no program capaian
        per = pd.Series(dtype=float)
    else:
        per = kinerja.sasaran_summary(ds)[0].set_index("sasaran_id")["rata_rata_capaian_pct"]
    progs = sasaran_links(ds, programs=True).merge(tree, on="kode_rekening")
    progs = progs.assign(
        tingkat="Program", capaian_pct=progs["sasaran_id"].map(per), dasar_capaian="rata-rata IKU sasaran strategis"
    )
    # Kegiatan/sub-kegiatan: those linked to a sasaran, then those an IKK names; capaian = mean of their IKK.
    links = kegiatan_of_sasaran(ds)
    extra = kegiatan_of_ikk(ds)
    extra = extra[~extra["kode_rekening"].isin(links["kode_rekening"])].merge(tree, on="kode_rekening")
    subs = pd.concat([x for x in (links, extra) if not x.empty] or [links], ignore_index=True)
    ikk = (
        kinerja.measured(ds, kind="ikk")
        .groupby("kode_rekening")
        .agg(
            capaian_pct=("capaian_pct", "mean"),
            n_ikk=("capaian_pct", "count"),
            n_dihapus=("status", lambda st: int((st == kinerja.DIHAPUS).sum())),
        )
        .reset_index()
    )
    subs = subs.merge(ikk, on="kode_rekening", how="left")
    subs = subs.assign(
        tingkat=subs["kode_rekening"].map(levels).map(LEVEL_NAMES).fillna("Kegiatan"),
        dasar_capaian=np.where(subs["n_ikk"].notna(), "rata-rata capaian IKK", "tidak ada IKK terukur"),
    )
    cols = [
        "tingkat",
        "kode_rekening",
        "uraian",
        "sasaran_id",
        "pagu_rp",
        "realisasi_rp",
        "serapan_pct",
        "capaian_pct",
        "dasar_capaian",
    ]
    parts = [x.reindex(columns=cols) for x in (progs, subs) if not x.empty]
    f = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
    one_output = f["kode_rekening"].map(ikk.set_index("kode_rekening")["n_ikk"]) == 1
    f["dasar_efisiensi"] = np.where(one_output, "biaya per satuan output", "proksi capaian dan serapan")
    dropped = f["kode_rekening"].map(ikk.set_index("kode_rekening")["n_dihapus"]).fillna(0)
    reasons = [
        _not_judged(t, c, s, ds.missing_text, int(n))
        for t, c, s, n in zip(f["tingkat"], f["capaian_pct"], f["serapan_pct"], dropped)
    ]
    pol = kinerja.efisiensi_policy(ds)
    f["efisiensi_pct"] = [
        np.nan if r else pol.index(c, s) for r, c, s in zip(reasons, f["capaian_pct"], f["serapan_pct"])
    ]
    f["verdict"] = [
        "tidak dapat dinilai" if r else pol.verdict(c, s)
        for r, c, s in zip(reasons, f["capaian_pct"], f["serapan_pct"])
    ]
    f["alasan"] = reasons
    return f


def _not_judged(tingkat: str, capaian: float, serapan: float, missing: str, dropped: int = 0) -> str:
    """Why a unit of spending gets no efficiency verdict ('' when it gets one)."""
    if tingkat == "Program":
        return "capaian program adalah capaian sasaran strategis, bukan output yang dibiayainya"
    if pd.isna(capaian):
        return "indikator outputnya dihapus pada PK Perubahan" if dropped else "tidak ada indikator output terukur"
    if pd.isna(serapan):
        return f"pagu atau realisasi anggaran {missing}"
    return ""


# How a kegiatan is known to support an IKU (iku_kegiatan's ``dasar``), in the order tried.
TIE_KODE = "kode rekening IKU"
TIE_SASARAN = "kegiatan sasaran"
TIE_IKK = "kegiatan IKK sasaran"


@per_dataset
def iku_kegiatan(ds: Dataset) -> pd.DataFrame:
    """Which kegiatan support each IKU, and how the tie is known (indikator_id, kode_rekening, dasar).

    In order: the IKU's own kode_rekening (TIE_KODE); kegiatan linked to its sasaran
    (sasaran_kegiatan, not whole programs: TIE_SASARAN); kegiatan named by the IKK of its
    sasaran or of the sasaran below it (TIE_IKK). Of each IKU's rows only the most detailed
    count (:func:`~lkip_helpers.analysis.anggaran.most_detailed`): a kegiatan beside its own
    sub-kegiatan would count the same rupiah twice.
    """
    m = kinerja.measured(ds)
    links = sasaran_links(ds, programs=False)
    ikk = kegiatan_of_ikk(ds)
    parents = ds.anggaran.set_index("kode_rekening")["parent_kode"]
    s = ds.sasaran
    below = {}
    for sid in m["sasaran_id"].unique():
        ids, frontier = {sid}, {sid}
        while frontier:
            frontier = set(s.loc[s["parent_id"].isin(frontier), "sasaran_id"]) - ids
            ids |= frontier
        below[sid] = ids
    rows = []
    for _, r in m.iterrows():
        own = r.get("kode_rekening")
        if isinstance(own, str) and own:
            kode, dasar = [k.strip() for k in own.split(";")], TIE_KODE
        elif (links["sasaran_id"] == r["sasaran_id"]).any():
            kode, dasar = links.loc[links["sasaran_id"] == r["sasaran_id"], "kode_rekening"], TIE_SASARAN
        else:
            kode, dasar = ikk.loc[ikk["sasaran_id"].isin(below[r["sasaran_id"]]), "kode_rekening"], TIE_IKK
        rows += [(r["indikator_id"], k, dasar) for k in most_detailed(kode, parents)]
    return pd.DataFrame(rows, columns=["indikator_id", "kode_rekening", "dasar"])


EFISIENSI_COLUMNS = [
    "indikator_id",
    "sasaran_id",
    "sasaran",
    "indikator",
    "capaian_pct",
    "n_kegiatan",
    "kegiatan",
    "kode_rekening",
    "pagu_rp",
    "realisasi_rp",
    "serapan_pct",
    "efisiensi_pct",
    "verdict",
    "alasan",
    "dasar",
    "n_iku_bersama",
]


@per_dataset
def efisiensi_per_iku(ds: Dataset) -> pd.DataFrame:
    """Per IKU tied to kegiatan (:func:`iku_kegiatan`): capaian, pagu and serapan of those kegiatan, index and verdict.

    The amounts are the sums over the IKU's kegiatan, blank while one of them is blank (a
    draft): a partial sum is not a total. An IKU tied to no kegiatan has no row.

    Returns:
        one row per tied IKU, in the order of :func:`kinerja.measured`; columns EFFICIENCY_COLUMNS
        (``kegiatan``: their printed names joined by '; ', ``kode_rekening``: their codes joined by ', ').
    """
    ties = iku_kegiatan(ds)
    if ties.empty:
        return pd.DataFrame(columns=EFISIENSI_COLUMNS)
    tree = anggaran_tree(ds).set_index("kode_rekening")
    m = kinerja.iku_rows(ds).set_index("indikator_id")
    users = ties.groupby("kode_rekening")["indikator_id"].nunique()  # how many IKU each kegiatan serves
    pol = kinerja.efisiensi_policy(ds)
    rows = []
    for ind, g in ties.groupby("indikator_id", sort=False):
        kode = list(g["kode_rekening"])
        pagu = tree.loc[kode, "pagu_rp"].sum(skipna=False)
        real = tree.loc[kode, "realisasi_rp"].sum(skipna=False)
        serapan = serapan_pct(real, pagu) if pd.notna(pagu) and pd.notna(real) else np.nan
        c = m.loc[ind, "capaian_pct"]
        shared = int(users[kode].max())
        why = (
            f"anggaran kegiatannya dipakai bersama {shared} IKU dan tidak dirinci per IKU"
            if shared > 1
            else _not_judged("Kegiatan", c, serapan, ds.missing_text)
        )
        rows.append(
            {
                "indikator_id": ind,
                "sasaran_id": m.loc[ind, "sasaran_id"],
                "sasaran": m.loc[ind, "sasaran_name"],
                "indikator": m.loc[ind, "indikator"],
                "capaian_pct": c,
                "n_kegiatan": len(kode),
                "kegiatan": "; ".join(label(tree.loc[k, "uraian"]) for k in kode),
                "kode_rekening": ", ".join(kode),
                "pagu_rp": pagu,
                "realisasi_rp": real,
                "serapan_pct": serapan,
                "efisiensi_pct": np.nan if why else pol.index(c, serapan),
                "verdict": "tidak dapat dinilai" if why else pol.verdict(c, serapan),
                "alasan": why,
                "dasar": g["dasar"].iloc[0],
                "n_iku_bersama": shared,
            }
        )
    order = {k: i for i, k in enumerate(m.index)}
    out = pd.DataFrame(rows, columns=EFISIENSI_COLUMNS)
    return out.sort_values("indikator_id", key=lambda s: s.map(order)).reset_index(drop=True)


def unlinked_iku(ds: Dataset) -> list[str]:
    """Names of the IKU measured this year that no kegiatan is tied to (their efficiency cannot be judged).

    None while the budget has no row (a draft still to fill it, or a budget the agency declares not available).
    """
    if not ds.has("anggaran"):
        return []
    tied = set(iku_kegiatan(ds)["indikator_id"])
    m = kinerja.measured(ds)
    return [n for i, n in zip(m["indikator_id"], m["short_name"]) if i not in tied]
