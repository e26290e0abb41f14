"""Figures that load but look wrong: warnings, not errors.

Some values pass every check of the schema yet are most likely a slip: a realisasi
thousands of times its target (a unit or a thousands separator typed wrong), money
spent above its ceiling (some agencies do over-spend on paper, so it is not refused).
:func:`plausibility_warnings` lists them in plain words; ``lkip validate`` prints them
and the audit page can show them. The maths stays safe with such values: capaian is
never below 0 %, serapan of a zero pagu is missing, not infinite.
"""

from __future__ import annotations

import pandas as pd

from lkip_helpers.analysis.kinerja import measured, policy
from lkip_helpers.capaian import STATUS_ZERO_TARGET, TARGET_OVER_REALISASI, TWO_TARGET_MINUS
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import line_of
from lkip_helpers.numbers import format_number

# A realisasi this many times its target (or a lower-is-better target this many times its
# realisasi) is far outside what a target is for: most often a unit or a separator typed wrong.
RATIO_WARN = 10.0


def plausibility_warnings(ds: Dataset) -> list[str]:
    """Every implausible value of ``ds``, one sentence each (Bahasa Indonesia), naming file, row and column.

    Kept in ``ds.cache`` so a build computes it once.
    """
    cache = getattr(ds, "cache", None)
    if cache is not None and "plausibility" in cache:
        return list(cache["plausibility"])
    out = (
        _zero_targets(ds)
        + _realisasi_vs_target(ds)
        + _spent_vs_anggaran(ds, "anggaran", "kode_rekening", "pagu_rp")
        + _spent_vs_anggaran(ds, "belanja_jenis", "jenis_id", "anggaran_rp")
    )
    if cache is not None:
        cache["plausibility"] = list(out)
    return out


def _zero_targets(ds: Dataset) -> list[str]:
    """PK targets of the report year that are 0 without the PK Perubahan removing them: no capaian, said once each."""
    out = []
    t = ds.target
    for kind in ("iku", "ikk"):
        m = measured(ds, kind=kind)
        zero = m[m["status"] == STATUS_ZERO_TARGET]
        for ind, name in zip(zero["indikator_id"], zero["short_name"]):
            rows = t.index[(t["indikator_id"] == ind) & (t["year"] == ds.year) & (t["basis"] == "pk")]
            where = _where(ds, "target", t.index.get_loc(rows[0]), "target", ind) if len(rows) else "target.csv"
            out.append(f"{where}: target PK {ds.year} bernilai 0, sehingga capaian “{name}” tidak dapat dihitung")
    return out


def _where(ds: Dataset, table: str, position: int, column: str, subject: str) -> str:
    return f"{table}.csv baris {line_of(ds.tables[table], position)}, kolom '{column}' ({subject})"


def _realisasi_vs_target(ds: Dataset) -> list[str]:
    formula = policy(ds).lower_formula
    r, t = ds.realisasi, ds.target
    polarity = dict(zip(ds.indikator["indikator_id"], ds.indikator["polarity"]))
    targets = {
        (i, y, b): v for i, y, b, v in zip(t["indikator_id"], t["year"], t["basis"], t["target"]) if not pd.isna(v)
    }
    out = []
    for pos, (ind, year, real) in enumerate(zip(r["indikator_id"], r["year"], r["realisasi"])):
        if pd.isna(real):
            continue
        basis = "pk" if (ind, year, "pk") in targets else "rpjmd"
        target = targets.get((ind, year, basis))
        if target is None or target == 0:
            continue
        where = _where(ds, "realisasi", pos, "realisasi", f"{ind}, {year}")
        shown = f"realisasi {format_number(real)} terhadap target {basis.upper()} {format_number(target)}"
        if polarity.get(ind) == "higher":
            if real >= RATIO_WARN * target:
                out.append(
                    f"{where}: {shown} = {format_number(real / target)} kali target "
                    f"(capaian {format_number(real / target * 100)} %); periksa satuan atau salah ketik"
                )
        elif real >= RATIO_WARN * target:
            out.append(
                f"{where}: {shown} = {format_number(real / target)} kali target (lebih rendah lebih baik"
                + ("; capaian dihitung 0 %, tidak negatif" if formula == TWO_TARGET_MINUS else "")
                + "); periksa satuan atau salah ketik"
            )
        elif formula == TWO_TARGET_MINUS and real > 2 * target:
            out.append(
                f"{where}: {shown} (lebih rendah lebih baik): capaian dihitung 0 % (tidak negatif); periksa angkanya"
            )
        elif formula == TARGET_OVER_REALISASI and real == 0:
            out.append(
                f"{where}: {shown} (lebih rendah lebih baik): rumus target/realisasi tidak terdefinisi untuk "
                "realisasi 0, capaian tidak dihitung"
            )
        elif formula == TARGET_OVER_REALISASI and target >= RATIO_WARN * real:
            out.append(
                f"{where}: {shown} (lebih rendah lebih baik): target {format_number(target / real)} kali "
                f"realisasi (capaian {format_number(target / real * 100)} %); periksa satuan atau salah ketik"
            )
    return out


def _spent_vs_anggaran(ds: Dataset, table: str, key: str, pagu_col: str) -> list[str]:
    """Leaves whose realisasi_rp exceeds their pagu, or that spent from a zero budget."""
    df = ds.tables.get(table)
    if df is None or df.empty:
        return []
    out = []
    for pos, (k, pagu, spent) in enumerate(zip(df[key], df[pagu_col], df["realisasi_rp"])):
        if pd.isna(pagu) or pd.isna(spent) or spent <= pagu:
            continue
        where = _where(ds, table, pos, "realisasi_rp", str(k))
        if pagu == 0:
            out.append(
                f"{where}: realisasi Rp {format_number(spent)} dengan {pagu_col} 0; serapan tidak dapat "
                "dihitung — periksa kedua angka"
            )
        else:
            out.append(
                f"{where}: realisasi Rp {format_number(spent)} melebihi {pagu_col} Rp "
                f"{format_number(pagu)} (serapan {format_number(spent / pagu * 100, 2)} %); "
                "periksa angkanya"
            )
    return out
