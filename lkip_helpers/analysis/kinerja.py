"""Indicator performance from a dataset: capaian per indicator, per sasaran, per year."""

from __future__ import annotations

import pandas as pd

from lkip_helpers.capaian import (
    LOWER_FORMULAS,
    CapaianPolicy,
    EfisiensiPolicy,
    averages_so_far,
)  # noqa: F401 — capaian_pct, capaian_status re-exported
from lkip_helpers.data.loading import Dataset, memo

IKU, IKK = "iku", "ikk"


def policy(ds: Dataset) -> CapaianPolicy:
    """The dataset's capaian policy (lower-is-better formula, cap, averaging, scale) from its metadata.

    The metadata were checked when the dataset loaded, so this does not fail for a loaded dataset.
    """
    cache = getattr(ds, "cache", None)
    if cache is None:
        return CapaianPolicy.from_meta(ds.meta)
    if "policy" not in cache:
        cache["policy"] = CapaianPolicy.from_meta(ds.meta)
    return cache["policy"]


def efisiensi_policy(ds: Dataset) -> EfisiensiPolicy:
    """The dataset's efficiency policy (``efisiensi:`` in metadata.yml), checked when the dataset loaded."""
    return EfisiensiPolicy.from_meta(ds.meta)


def measured(
    ds: Dataset, year: int | None = None, basis: str = "pk", kind: str = IKU, revised: bool = True
) -> pd.DataFrame:
    """One row per measured indicator of ``kind`` for ``year`` against the ``basis`` target.

    Columns: indikator identity, sasaran, target, realisasi, capaian_pct, status, kelas.
    Indicators with sub-rows are measured through their sub-rows (the parent row has no target). Ordered by sasaran number, then as listed in indikator.csv.
    ``revised``: indicators the PK Perubahan removed are shown as DIHAPUS without capaian
    (:func:`removed_by_pk_perubahan`); False computes their capaian anyway (the audit checks what was printed).
    """
    year = ds.year if year is None else year
    return memo(ds, ("measured", year, basis, kind, revised), lambda: _measured(ds, year, basis, kind, revised))


def _measured(ds: Dataset, year: int, basis: str, kind: str, revised: bool = True) -> pd.DataFrame:
    ind = ds.indikator[ds.indikator["kind"] == kind]
    targets = ds.target[(ds.target["year"] == year) & (ds.target["basis"] == basis)]
    frame = ind.merge(targets[["indikator_id", "target"]], on="indikator_id", how="inner")
    real = ds.realisasi[ds.realisasi["year"] == year][["indikator_id", "realisasi"]]
    frame = frame.merge(real, on="indikator_id", how="left")
    sasaran = ds.sasaran[["sasaran_id", "nomor", "name"]].rename(
        columns={"nomor": "sasaran_nomor", "name": "sasaran_name"}
    )
    frame = frame.merge(sasaran, on="sasaran_id", how="left")
    frame["_order"] = frame["indikator_id"].map({k: i for i, k in enumerate(ds.indikator["indikator_id"])})
    frame = frame.sort_values(["sasaran_nomor", "_order"], kind="stable").drop(columns="_order")
    pol = policy(ds)
    frame["capaian_pct"] = [
        pol.capaian_pct(r, t, p) for r, t, p in zip(frame["realisasi"], frame["target"], frame["polarity"])
    ]
    frame["capaian_pct"] = frame["capaian_pct"].astype(float)
    frame["status"] = [pol.status(r, t, p) for r, t, p in zip(frame["realisasi"], frame["target"], frame["polarity"])]
    removed = removed_by_pk_perubahan(ds) if revised and basis == "pk" and year == ds.year else set()
    gone = frame["indikator_id"].isin(removed)
    frame.loc[gone, "capaian_pct"] = float("nan")  # not a promise any more: shown, never counted
    frame.loc[gone, "status"] = DIHAPUS
    frame["kelas"] = frame["capaian_pct"].map(pol.scale.classify)
    frame["tercapai"] = frame["capaian_pct"] >= 100
    return frame.reset_index(drop=True)


DIHAPUS = "dihapus pada PK Perubahan"


def removed_by_pk_perubahan(ds: Dataset) -> set[str]:
    """Indicators whose target the PK Perubahan set to 0 (or left out) while the PK awal had one.

    Measured against the revised PK they are no longer a promise: shown as DIHAPUS, not counted.
    ``dataset.pk_perubahan: abaikan`` in metadata.yml measures against the PK awal instead.
    """
    if (ds.meta["dataset"].get("pk_perubahan") or "terapkan") == "abaikan" or not ds.has("dokumen_perencanaan"):
        return set()
    d = ds.dokumen_perencanaan[ds.dokumen_perencanaan["indikator_id"].notna()]
    revised = d[d["document"] == "pk_perubahan"]
    if revised.empty:
        return set()
    awal = set(d.loc[(d["document"] == "pk_awal") & (d["target"].fillna(0) > 0), "indikator_id"])
    zero = set(revised.loc[revised["target"] == 0, "indikator_id"])
    return zero | (awal - set(revised["indikator_id"]))  # set to 0, or left out of the revised PK


def capaian_of(ds: Dataset, realisasi, target, polarity: str, pol: CapaianPolicy | None = None) -> float:
    """Capaian under the dataset's policy (its lower-is-better formula, floor at 0 %)."""
    return (pol or policy(ds)).capaian_pct(realisasi, target, polarity)


def formula_note(ds: Dataset) -> str:
    """How capaian is computed here, named from the policy and the polarities present."""
    text = "Capaian = realisasi ÷ target × 100 (makin tinggi makin baik)"
    if (ds.indikator["polarity"] == "lower").any():
        text += f"; untuk indikator yang makin rendah makin baik: {LOWER_FORMULAS[policy(ds).lower_formula]}"
    return text + "."


def average_method(ds: Dataset) -> str:
    """The averaging method of the policy, in words."""
    pol = policy(ds)
    how = (
        "rata-rata seluruh baris indikator yang terukur"
        if pol.average == "rows"
        else "rata-rata dari rata-rata tiap sasaran strategis (bobot sama per sasaran)"
    )
    return how + (f", tiap capaian dibatasi {pol.cap_pct:g}%" if pol.cap_pct is not None else ", tanpa batas atas")


def require_rows(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Fail loudly when a notebook would otherwise show an empty table."""
    if frame.empty:
        raise ValueError(f"tidak ada data untuk {what}")
    return frame


def sasaran_summary(ds: Dataset, year: int | None = None) -> tuple[pd.DataFrame, float]:
    """Average capaian per strategic sasaran and overall (the executive summary table).

    Returns:
        (frame with sasaran_id, nomor, name, n_indikator, n_tercapai, rata_rata_capaian_pct; overall mean).
        Averages are NaN while no indicator has a realisasi (a draft).
    """
    frame = require_rows(measured(ds, year), f"indikator kinerja tahun {year or ds.year}")
    per, overall = averages_so_far(frame, policy(ds))
    counts = (
        frame.assign(terukur=frame["capaian_pct"].notna())
        .groupby("sasaran_id", sort=False)
        .agg(n_indikator=("indikator_id", "size"), n_tercapai=("tercapai", "sum"), n_terukur=("terukur", "sum"))
    )
    # nothing measured yet (a draft): "how many reached target" is unknown, not zero
    counts["n_tercapai"] = counts["n_tercapai"].where(counts.pop("n_terukur") > 0)
    out = (
        ds.sasaran[ds.sasaran["level"] == "strategis"][["sasaran_id", "nomor", "name"]]
        .merge(counts, on="sasaran_id")
        .sort_values("nomor")
    )
    out["rata_rata_capaian_pct"] = out["sasaran_id"].map(per).astype(float)
    return out.reset_index(drop=True), overall


def tren(ds: Dataset) -> pd.DataFrame:
    """Capaian per indicator and year: computed where target and realisasi exist, else as published.

    Columns: indikator_id, short_name, sasaran_id, year, capaian_pct, sumber
    (``dihitung`` = computed from target/realisasi; ``dilaporkan`` = published capaian only).
    """
    return memo(ds, ("trend",), lambda: _tren(ds))


def _tren(ds: Dataset) -> pd.DataFrame:
    parts = []
    years = sorted(set(ds.realisasi["year"]))
    for year in years:
        m = measured(ds, year, basis="pk") if year == ds.year else measured(ds, year, basis="rpjmd")
        if m.empty:
            m = measured(ds, year, basis="rpjmd")
        parts.append(m[["indikator_id", "capaian_pct"]].assign(year=year, sumber="dihitung"))
    hist = ds.capaian_historis[~ds.capaian_historis["year"].isin(years)]
    parts.append(hist[["indikator_id", "year", "capaian_pct"]].assign(sumber="dilaporkan"))
    kept = [p for p in parts if not p.empty] or parts[:1]  # empty frames would blur the column types
    out = pd.concat(kept, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["capaian_pct"] = out["capaian_pct"].astype(float)
    ind = ds.indikator[["indikator_id", "short_name", "sasaran_id"]]
    out = out.merge(ind, on="indikator_id", how="left")
    order = {k: i for i, k in enumerate(ds.indikator["indikator_id"])}
    out["_o"] = out["indikator_id"].map(order)
    return out.sort_values(["_o", "year"]).drop(columns="_o").reset_index(drop=True)


def yearly_average(ds: Dataset) -> pd.DataFrame:
    """Average capaian per year over the indicators with a value that year (policy applied)."""
    pol = policy(ds)
    t = tren(ds).dropna(subset=["capaian_pct"])
    out = t.groupby("year").agg(n_indikator=("indikator_id", "size"))
    out["rata_rata_capaian_pct"] = t.assign(c=pol.capped(t["capaian_pct"])).groupby("year")["c"].mean()
    return out.reset_index()


# --- IKU as the report's tables show them; the planning documents -----------------------------


def indikator_label(ds: Dataset, frame: pd.DataFrame) -> pd.Series:
    """Indicator name, prefixed by its parent's name for sub-rows (as the capaian table nests them)."""
    names = ds.indikator.set_index("indikator_id")["name"]
    return pd.Series(
        [
            name if pd.isna(parent) else f"{names[parent]}: {name}"
            for name, parent in zip(frame["name"], frame["parent_id"])
        ],
        index=frame.index,
    )


def iku_rows(ds: Dataset, year=None, basis="pk") -> pd.DataFrame:
    """Measured IKU of ``year`` (against the ``basis`` target) with their printed label ``indikator``; an error if none."""
    frame = require_rows(measured(ds, year, basis), f"IKU tahun {year or ds.year}")
    frame["indikator"] = indikator_label(ds, frame)
    return frame


def program_iku(ds: Dataset, sasaran_program: str, indikator: tuple = ()) -> pd.DataFrame:
    """The IKU of a sasaran program: its own, else those of the strategic sasaran above it (optionally a chosen few)."""
    f = iku_rows(ds) if not measured(ds).empty else measured(ds)
    s = ds.sasaran.set_index("sasaran_id")
    rows = f[f["sasaran_id"] == sasaran_program]
    if rows.empty and sasaran_program in s.index:
        rows = f[f["sasaran_id"] == s.loc[sasaran_program, "parent_id"]]
    if indikator:
        rows = rows[rows["indikator_id"].isin(indikator)]
    rows = rows.copy()
    rows["sasaran_program"] = s["name"].get(sasaran_program)
    return rows.reset_index(drop=True)


def final_rpjmd_year(ds: Dataset) -> int | None:
    """The last year with an RPJMD target: the end of the medium-term plan (None when no RPJMD target)."""
    t = ds.target[ds.target["basis"] == "rpjmd"]
    return int(t["year"].max()) if len(t) else None


def pk_changes(ds: Dataset) -> pd.DataFrame:
    """Rows whose name, target or unit differ between the PK and the PK Perubahan (empty when unchanged)."""
    d = ds.dokumen_perencanaan
    key = ["part", "nomor"]
    awal = d[d["document"] == "pk_awal"].set_index(key)
    ubah = d[d["document"] == "pk_perubahan"].set_index(key)
    both = awal.join(ubah, lsuffix="_awal", rsuffix="_perubahan", how="outer")

    def differs(a, b):
        return (pd.isna(a) != pd.isna(b)) | ((a != b).fillna(False) & pd.notna(a) & pd.notna(b))

    changed = both[
        differs(both["name_awal"], both["name_perubahan"])
        | differs(both["target_awal"], both["target_perubahan"])
        | differs(both["target_unit_awal"], both["target_unit_perubahan"])
    ].reset_index()
    changed["perubahan"] = [
        _change_kind(ta, tp, na, np_)
        for ta, tp, na, np_ in zip(
            changed["target_awal"], changed["target_perubahan"], changed["name_awal"], changed["name_perubahan"]
        )
    ]
    return changed.rename(columns={"name_awal": "indikator_awal", "name_perubahan": "indikator_perubahan"})


def _change_kind(target_awal, target_perubahan, name_awal, name_perubahan) -> str:
    """What the PK Perubahan did to one row, in words (blank cells are missing, never compared).

    >>> _change_kind(5.0, 0.0, "a", "a"), _change_kind(None, 3.0, None, "b"), _change_kind(2.0, 3.0, "a", "a")
    ('target dihapus (menjadi 0)', 'baris ditambahkan', 'target atau satuan berubah')
    """
    if pd.isna(name_awal):
        return "baris ditambahkan"
    if pd.isna(name_perubahan):
        return "baris dihapus"
    if pd.notna(target_awal) and target_awal > 0 and pd.notna(target_perubahan) and target_perubahan == 0:
        return "target dihapus (menjadi 0)"
    return "nama indikator berubah" if name_awal != name_perubahan else "target atau satuan berubah"
