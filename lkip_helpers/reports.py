"""The LKIP's tables rebuilt from data, one function per table.

Every number is computed from ``data/``; nothing is copied from the printed report.
Functions take a loaded :class:`~lkip_helpers.loading.Dataset` and return a
:class:`~lkip_helpers.report_table.ReportTable` whose id is the artifact id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import budget, kinerja
from .capaian import averages_so_far
from .report_table import Column, ReportTable

AVERAGE_LABEL = "RATA-RATA CAPAIAN"
NARASI_KINDS = {"faktor_pendukung": "Faktor pendukung", "penyebab_kendala": "Penyebab/kendala",
                "rencana_perbaikan": "Rencana perbaikan", "solusi": "Alternatif solusi", "saran": "Saran"}


def _indicator_label(ds, frame: pd.DataFrame) -> pd.Series:
    """Indicator name, prefixed by its parent's name for sub-rows (as Tabel 3.1 nests them)."""
    names = ds.indikator.set_index("indikator_id")["name"]
    return pd.Series([name if pd.isna(parent) else f"{names[parent]}: {name}"
                      for name, parent in zip(frame["name"], frame["parent_id"])], index=frame.index)


def _append_row(frame: pd.DataFrame, values: dict) -> pd.DataFrame:
    """Append one summary row; cells not given stay empty."""
    row = pd.DataFrame([values])
    return pd.concat([frame, row.dropna(axis=1, how="all")], ignore_index=True)


def _with_average(frame: pd.DataFrame, label_col: str, values: dict) -> pd.DataFrame:
    """Append the RATA-RATA CAPAIAN row."""
    return _append_row(frame, {label_col: AVERAGE_LABEL, **values})


def _overall(ds, frame: pd.DataFrame, col: str = "capaian_pct") -> float:
    """Overall average of ``col`` under the dataset's policy (NaN while nothing is measured: a draft)."""
    values = pd.DataFrame({"sasaran_id": frame["sasaran_id"], "capaian_pct": frame[col].astype(float)})
    return averages_so_far(values, kinerja.policy(ds))[1]


# --- Ringkasan eksekutif ---------------------------------------------------------------

def ringkasan_eksekutif(ds) -> ReportTable:
    """Average capaian per strategic sasaran and overall (Ikhtisar Eksekutif)."""
    per, overall = kinerja.sasaran_summary(ds)
    frame = per.rename(columns={"name": "sasaran"})
    frame = _with_average(frame, "sasaran", {"rata_rata_capaian_pct": overall,
                                             "n_indikator": per["n_indikator"].sum(),
                                             "n_tercapai": per["n_tercapai"].sum(min_count=1)})
    frame.loc[frame.index[-1], "sasaran"] = "CAPAIAN KINERJA"
    frame["kelas"] = frame["rata_rata_capaian_pct"].map(kinerja.policy(ds).scale.classify)
    return ReportTable(
        "ringkasan-eksekutif", f"Capaian Kinerja per Sasaran Strategis Tahun {ds.year}", frame,
        [Column("nomor", "No"), Column("sasaran", "Sasaran Strategis", merge=True),
         Column("n_indikator", "Jumlah indikator", "int"), Column("n_tercapai", "Mencapai target (≥100%)", "int"),
         Column("rata_rata_capaian_pct", "Rata-rata capaian (%)", "pct"), Column("kelas", "Kategori")],
        id_columns=["sasaran_id"], source="Ikhtisar Eksekutif", emphasis_rows=[len(frame) - 1])


def anggaran_ringkas(ds) -> dict:
    """Headline budget figures: pagu, realisasi, serapan %."""
    pagu, real, pct = budget.total(ds)
    return {"pagu_rp": pagu, "realisasi_rp": real, "serapan_pct": pct}


# --- Bab II ------------------------------------------------------------------------------

def _planning(ds, document: str, table: str, part: str) -> pd.DataFrame:
    d = ds.dokumen_perencanaan
    rows = d[(d["document"] == document) & (d["source_table"] == table) & (d["part"] == part)].copy()
    sas = ds.sasaran.set_index("sasaran_id")["name"]
    rows["sasaran"] = rows["sasaran_id"].map(sas)
    return kinerja.require_rows(rows.reset_index(drop=True), f"{table} ({document}, {part})")


def tabel_2_1(ds) -> ReportTable:
    rows = _planning(ds, "renstra", "Tabel 2.1", "outcome")
    links = ds.sasaran_kegiatan[ds.sasaran_kegiatan["source_table"] == "Tabel 2.1"]
    programs = links.merge(ds.anggaran[["kode_rekening", "uraian"]], on="kode_rekening")
    prog = programs.groupby("sasaran_id")["uraian"].agg(lambda s: " dan ".join(x.title() for x in s))
    rows["program"] = rows["sasaran_id"].map(prog)
    return ReportTable("tabel-2.1", "Indikator Kinerja Program (Outcome)", rows,
                       [Column("program", "Program", merge=True), Column("sasaran", "Sasaran", merge=True), Column("nomor", "No"),
                        Column("name", "Indikator Kinerja Utama")], id_columns=["sasaran_id", "indikator_id"], source="Bab 2.1, Tabel 2.1")


def tabel_2_2(ds) -> ReportTable:
    rows = _planning(ds, "renstra", "Tabel 2.2", "output")
    rows["jenis"] = np.where(rows["kode_rekening"].notna(), "Kegiatan", "Indikator output")
    return ReportTable("tabel-2.2", "Indikator Kinerja (Output)", rows,
                       [Column("sasaran", "Sasaran", merge=True), Column("nomor", "No"), Column("jenis", "Jenis"),
                        Column("name", "Indikator Kinerja Output")], id_columns=["sasaran_id", "indikator_id", "kode_rekening"], source="Bab 2.1, Tabel 2.2")


def _pk_table(ds, document: str, table: str, artifact: str, title: str) -> ReportTable:
    parts = [_planning(ds, document, table, p) for p in ("outcome", "output")]
    rows = pd.concat(parts, ignore_index=True)
    rows["bagian"] = rows["part"].map({"outcome": "Indikator kinerja (outcome)", "output": "Indikator kinerja kegiatan (output)"})
    return ReportTable(artifact, title, rows,
                       [Column("bagian", "Bagian", merge=True), Column("sasaran", "Sasaran", merge=True), Column("nomor", "No"),
                        Column("name", "Indikator / Kegiatan"), Column("target", "Target", "number"),
                        Column("target_unit", "Satuan")],
                       source=f"Bab 2.2, {table}", id_columns=["sasaran_id", "indikator_id", "kode_rekening"],
                       notes=["Baris kegiatan (tanpa target) adalah induk dari indikator output di bawahnya."])


def tabel_2_3(ds) -> ReportTable:
    return _pk_table(ds, "pk_awal", "Tabel 2.3", "tabel-2.3", f"Perjanjian Kinerja Tahun {ds.year}")


def tabel_2_4(ds) -> ReportTable:
    return _pk_table(ds, "pk_perubahan", "Tabel 2.4", "tabel-2.4", f"Perjanjian Kinerja Tahun {ds.year} Perubahan")


def perubahan_pk(ds) -> ReportTable:
    """Rows whose name, target or unit differ between the PK and the PK Perubahan."""
    d = ds.dokumen_perencanaan
    key = ["part", "nomor"]
    awal = d[d["document"] == "pk_awal"].set_index(key)
    ubah = d[d["document"] == "pk_perubahan"].set_index(key)
    both = awal.join(ubah, lsuffix="_awal", rsuffix="_perubahan", how="outer")

    def differs(a, b):
        return (pd.isna(a) != pd.isna(b)) | ((a != b).fillna(False) & pd.notna(a) & pd.notna(b))

    changed = both[differs(both["name_awal"], both["name_perubahan"]) | differs(both["target_awal"], both["target_perubahan"])
                   | differs(both["target_unit_awal"], both["target_unit_perubahan"])].reset_index()
    changed["perubahan"] = [
        "target dihapus (menjadi 0)" if (ta or 0) > 0 and tp == 0 else
        ("nama indikator berubah" if na != np_ else "target berubah")
        for ta, tp, na, np_ in zip(changed["target_awal"], changed["target_perubahan"],
                                   changed["name_awal"], changed["name_perubahan"])]
    frame = changed.rename(columns={"name_awal": "indikator_awal", "name_perubahan": "indikator_perubahan"})
    return ReportTable("perubahan-pk", f"Perubahan Perjanjian Kinerja {ds.year}: PK Awal dan PK Perubahan", frame,
                       [Column("nomor", "No"), Column("indikator_awal", "PK awal (Tabel 2.3)"),
                        Column("target_awal", "Target awal", "number"), Column("target_unit_awal", "Satuan awal"),
                        Column("indikator_perubahan", "PK perubahan (Tabel 2.4)"),
                        Column("target_perubahan", "Target perubahan", "number"),
                        Column("target_unit_perubahan", "Satuan perubahan"), Column("perubahan", "Perubahan")],
                       id_columns=["part"], source="Tabel 2.3 dan 2.4")


# --- Bab III: capaian ----------------------------------------------------------------------

def _iku(ds, year=None, basis="pk") -> pd.DataFrame:
    frame = kinerja.require_rows(kinerja.measured(ds, year, basis), f"IKU tahun {year or ds.year}")
    frame["indikator"] = _indicator_label(ds, frame)
    return frame


def tabel_3_1(ds) -> ReportTable:
    f = _iku(ds)
    out = _with_average(f, "indikator", {"capaian_pct": _overall(ds, f)})
    out["kelas"] = out["capaian_pct"].map(kinerja.policy(ds).scale.classify)
    return ReportTable("tabel-3.1", f"Capaian Kinerja Terhadap Target dalam Perjanjian Kinerja Perubahan Tahun {ds.year}", out,
                       [Column("sasaran_name", "Sasaran Strategis", merge=True), Column("indikator", "Indikator Kinerja"),
                        Column("unit", "Satuan"), Column("target", "Target", "number"),
                        Column("realisasi", "Realisasi", "number"), Column("capaian_pct", "% Capaian", "pct"),
                        Column("kelas", "Kategori")],
                       id_columns=["sasaran_id", "indikator_id"], source="Bab 3.1, Tabel 3.1", emphasis_rows=[len(out) - 1])


def _two_years(ds) -> pd.DataFrame:
    now = _iku(ds)
    prev = kinerja.measured(ds, ds.year - 1, basis="rpjmd")[["indikator_id", "target", "realisasi", "capaian_pct"]]
    now_rpjmd = kinerja.measured(ds, ds.year, basis="rpjmd")[["indikator_id", "target"]]
    f = (now.merge(prev, on="indikator_id", how="left", suffixes=("", "_prev"))
            .merge(now_rpjmd, on="indikator_id", how="left", suffixes=("", "_rpjmd")))
    f["peningkatan_pct"] = f["capaian_pct"] - f["capaian_pct_prev"]
    return f


def tabel_3_2(ds) -> ReportTable:
    f = _two_years(ds)
    prev_avg = _overall(ds, f.dropna(subset=["capaian_pct_prev"]), "capaian_pct_prev")
    out = _with_average(f, "indikator", {"capaian_pct_prev": prev_avg, "capaian_pct": _overall(ds, f)})
    y = ds.year
    return ReportTable("tabel-3.2", f"Persentase Capaian Kinerja Tahun {y} Dibandingkan Tahun {y - 1}", out,
                       [Column("sasaran_name", "Sasaran Strategis", merge=True), Column("indikator", "Indikator Kinerja"),
                        Column("capaian_pct_prev", f"Capaian {y - 1} (%)", "pct"),
                        Column("capaian_pct", f"Capaian {y} (%)", "pct")],
                       id_columns=["sasaran_id", "indikator_id"], source="Bab 3.3, Tabel 3.2", emphasis_rows=[len(out) - 1],
                       notes=[f"Capaian {y - 1} dihitung dari target RPJMD dan realisasi {y - 1} (Tabel 3.3)."])


def tabel_3_3(ds) -> ReportTable:
    f = _two_years(ds)
    prev_avg = _overall(ds, f.dropna(subset=["capaian_pct_prev"]), "capaian_pct_prev")
    now_avg = _overall(ds, f)
    out = _with_average(f, "indikator", {"capaian_pct_prev": prev_avg, "capaian_pct": now_avg,
                                         "peningkatan_pct": now_avg - prev_avg})
    y = ds.year
    return ReportTable("tabel-3.3", f"Persentase Capaian Kinerja Tahun {y - 1} dan {y} Dibandingkan Target RPJMD", out,
                       [Column("indikator", "Indikator Kinerja"),
                        Column("target_prev", f"Target RPJMD {y - 1}", "number"),
                        Column("realisasi_prev", f"Realisasi {y - 1}", "number"),
                        Column("capaian_pct_prev", f"% Capaian {y - 1}", "pct"),
                        Column("target_rpjmd", f"Target RPJMD {y}", "number"),
                        Column("realisasi", f"Realisasi {y}", "number"),
                        Column("capaian_pct", f"% Capaian {y}", "pct"),
                        Column("peningkatan_pct", "% Peningkatan", "pct")],
                       id_columns=["sasaran_id", "indikator_id"], source="Bab 3.3, Tabel 3.3", emphasis_rows=[len(out) - 1],
                       notes=["% Peningkatan = % capaian tahun ini − % capaian tahun lalu (poin persen)."])


def tabel_3_4(ds) -> ReportTable:
    f = _two_years(ds)
    f["capaian_akhir_pct"] = [kinerja.capaian_pct(r, t, p) for r, t, p in zip(f["realisasi"], f["target_rpjmd"], f["polarity"])]
    out = _with_average(f, "indikator", {"capaian_pct": _overall(ds, f), "capaian_akhir_pct": _overall(ds, f, "capaian_akhir_pct")})
    y = ds.year
    return ReportTable("tabel-3.4", f"Capaian Kinerja Tahun {y} Dibandingkan Target Jangka Menengah (RPJMD)", out,
                       [Column("sasaran_name", "Sasaran Strategis", merge=True), Column("indikator", "Indikator Kinerja"),
                        Column("target_rpjmd", "Target RPJMD", "number"), Column("realisasi", "Realisasi", "number"),
                        Column("capaian_pct", "% Capaian", "pct"),
                        Column("capaian_akhir_pct", f"Capaian terhadap target akhir RPJMD {y} (%)", "pct")],
                       id_columns=["sasaran_id", "indikator_id"], source="Bab 3.4, Tabel 3.4", emphasis_rows=[len(out) - 1],
                       notes=[f"Tahun {y} adalah tahun akhir RPJMD, sehingga target RPJMD tahunan sama dengan target akhir."])


def tabel_3_5(ds) -> ReportTable:
    t = kinerja.trend(ds)
    wide = t.pivot(index="indikator_id", columns="year", values="capaian_pct")
    years = sorted(wide.columns)
    now = _two_years(ds)
    frame = now[["indikator_id", "sasaran_id", "sasaran_name", "indikator", "target_rpjmd", "capaian_pct"]].merge(
        wide.add_prefix("capaian_").reset_index(), on="indikator_id", how="left")
    avg = kinerja.yearly_average(ds).set_index("year")["rata_rata_capaian_pct"]
    out = _with_average(frame, "indikator", {f"capaian_{y}": avg.get(y, np.nan) for y in years}
                        | {"capaian_pct": _overall(ds, now)})
    cols = [Column("indikator", "Indikator Kinerja")] + [Column(f"capaian_{y}", f"Capaian {y} (%)", "pct") for y in years]
    cols += [Column("target_rpjmd", f"Target akhir RPJMD ({ds.year})", "number"),
             Column("capaian_pct", f"Capaian terhadap {ds.year} (%)", "pct")]
    return ReportTable("tabel-3.5", f"Perbandingan Capaian Kinerja Tahun {years[0]}–{years[-1]} dengan Target RPJMD", out, cols,
                       id_columns=["sasaran_id", "indikator_id"], source="Bab 3.4, Tabel 3.5", emphasis_rows=[len(out) - 1],
                       notes=[_years_note(t),
                              "Rata-rata tiap tahun dihitung atas indikator yang memiliki nilai pada tahun itu; "
                              "'–' berarti indikator belum digunakan."])


def _years_note(trend: pd.DataFrame) -> str:
    """Which years are published capaian and which are computed, from the trend itself."""
    def span(kind):
        ys = sorted(trend.loc[trend["sumber"] == kind, "year"].unique())
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else (str(ys[0]) if ys else "")

    parts = [f"{span('dilaporkan')}: capaian sebagaimana dilaporkan (target dan realisasi tidak tersedia)"
             if span("dilaporkan") else "", f"{span('dihitung')}: dihitung dari target dan realisasi"
             if span("dihitung") else ""]
    return "; ".join(p for p in parts if p) + "."


def _supporting(ds, source_table: str = "Tabel 3.6") -> pd.DataFrame:
    tree = budget.anggaran_tree(ds)
    links = ds.sasaran_kegiatan[ds.sasaran_kegiatan["source_table"] == source_table]
    f = links.merge(tree, on="kode_rekening", how="left")
    sas = ds.sasaran.set_index("sasaran_id")[["nomor", "name"]]
    f["sasaran"] = f["sasaran_id"].map(sas["name"])
    f["_n"] = f["sasaran_id"].map(sas["nomor"])
    return f.sort_values(["_n"], kind="stable").drop(columns="_n").reset_index(drop=True)


def tabel_3_6(ds) -> ReportTable:
    f = kinerja.require_rows(_supporting(ds), "Tabel 3.6")
    return ReportTable("tabel-3.6", "Kegiatan yang Mendukung Keberhasilan/Kegagalan Sasaran", f,
                       [Column("sasaran", "Sasaran", merge=True), Column("kode_rekening", "Kode"), Column("uraian", "Kegiatan"),
                        Column("pagu_rp", "Anggaran (Rp)", "rp"), Column("realisasi_rp", "Realisasi (Rp)", "rp"),
                        Column("serapan_pct", "Serapan (%)", "pct")], id_columns=["sasaran_id"], source="Bab 3.5, Tabel 3.6")


def _iku_program(ds, artifact: str, indikator_id: str, title: str, table: str) -> ReportTable:
    """One IKU shown under its sasaran program (Tabel 3.7, 3.9)."""
    f = _iku(ds)
    row = f[f["indikator_id"] == indikator_id].copy()
    programs = ds.sasaran[ds.sasaran["level"] == "program"].set_index("parent_id")["name"]
    row["sasaran_program"] = row["sasaran_id"].map(programs)
    return ReportTable(artifact, title, row,
                       [Column("sasaran_program", "Sasaran Program", merge=True), Column("indikator", "Indikator Kinerja Program"),
                        Column("unit", "Satuan"), Column("target", "Target", "number"),
                        Column("realisasi", "Realisasi", "number"), Column("capaian_pct", "% Capaian", "pct")],
                       source=f"Bab 3.6, {table}", id_columns=["sasaran_id", "indikator_id"])


def tabel_3_7(ds) -> ReportTable:
    return _iku_program(ds, "tabel-3.7", "bumdes-aktif", "Ringkasan Target, Realisasi dan Capaian IKU Sasaran Program 1", "Tabel 3.7")


def tabel_3_9(ds) -> ReportTable:
    return _iku_program(ds, "tabel-3.9", "status-desa-berkembang",
                        "Ringkasan Target, Realisasi dan Capaian IKU Sasaran Program 2", "Tabel 3.9")


def ikk_frame(ds, sasaran_id: str | None = None) -> pd.DataFrame:
    """Output indicators (IKK) with their sub-kegiatan, budget and serapan."""
    f = kinerja.measured(ds, kind="ikk")
    if sasaran_id is not None:
        f = f[f["sasaran_id"] == sasaran_id]
    tree = budget.anggaran_tree(ds)[["kode_rekening", "uraian", "pagu_rp", "realisasi_rp", "serapan_pct"]]
    return f.merge(tree, on="kode_rekening", how="left").reset_index(drop=True)


def _ikk_table(ds, artifact, sasaran_id, title, table) -> ReportTable:
    f = kinerja.require_rows(ikk_frame(ds, sasaran_id), table)
    return ReportTable(artifact, title, f,
                       [Column("uraian", "Sasaran Kegiatan (sub-kegiatan)", merge=True), Column("nomor", "No"),
                        Column("name", "Indikator Kinerja Kegiatan"), Column("unit", "Satuan"),
                        Column("target", "Target", "number"), Column("realisasi", "Realisasi", "number"),
                        Column("capaian_pct", "Capaian (%)", "pct"), Column("serapan_pct", "Serapan anggaran (%)", "pct")],
                       source=f"Bab 3.6, {table}", id_columns=["sasaran_id", "indikator_id", "kode_rekening"],
                       notes=["Serapan anggaran dari Tabel 3.13, untuk sub-kegiatan yang menaungi indikator."])


def tabel_3_8(ds) -> ReportTable:
    return _ikk_table(ds, "tabel-3.8", "sk-kelembagaan", "Capaian Sasaran Kegiatan — Sasaran Program 1", "Tabel 3.8")


def tabel_3_10(ds) -> ReportTable:
    return _ikk_table(ds, "tabel-3.10", "sk-status-desa", "Capaian Sasaran Kegiatan — Sasaran Program 2", "Tabel 3.10")


# --- Wilayah, anggaran -----------------------------------------------------------------

def tabel_3_11(ds) -> ReportTable:
    w = ds.wilayah.copy()
    w["jumlah_desa_kelurahan"] = w["jumlah_desa"] + w["jumlah_kelurahan"]
    total = {c: w[c].sum() for c in ("jumlah_kecamatan", "jumlah_desa", "jumlah_kelurahan", "jumlah_desa_kelurahan")}
    out = _append_row(w, {"kabupaten": "Total", **total})
    return ReportTable("tabel-3.11", f"Rekapitulasi Jumlah Desa dan Kelurahan di NTT Tahun {ds.year}", out,
                       [Column("nomor", "No", "int"), Column("kabupaten", "Kabupaten/Kota"),
                        Column("jumlah_kecamatan", "Kecamatan", "int"), Column("jumlah_desa", "Desa", "int"),
                        Column("jumlah_kelurahan", "Kelurahan", "int"),
                        Column("jumlah_desa_kelurahan", "Jumlah Desa/Kelurahan", "int")],
                       source="Bab 3.6, Tabel 3.11", emphasis_rows=[len(out) - 1])


def tabel_3_12(ds) -> ReportTable:
    tree = budget.belanja_tree(ds)
    roots = tree[tree["depth"] == 0]
    total = {"jenis_id": "jumlah-belanja", "uraian": "Jumlah Belanja",
             "anggaran_rp": roots["anggaran_rp"].sum(skipna=False),  # blank while a group is (a draft)
             "realisasi_rp": roots["realisasi_rp"].sum(skipna=False), "depth": 0}
    total["serapan_pct"] = budget.serapan_pct(total["realisasi_rp"], total["anggaran_rp"])
    out = _append_row(tree, total)
    return ReportTable("tabel-3.12", f"Rincian Anggaran dan Realisasi per 31 Desember {ds.year}", out,
                       [Column("nomor", "No"), Column("uraian", "Uraian Belanja", indent="depth"),
                        Column("anggaran_rp", "Anggaran (Rp)", "rp"), Column("realisasi_rp", "Realisasi (Rp)", "rp"),
                        Column("serapan_pct", "Persentase (%)", "pct")],
                       id_columns=["jenis_id"], source="Bab 3.7, Tabel 3.12",
                       emphasis_rows=[i for i, d in enumerate(out["depth"]) if d == 0])


def tabel_3_13(ds) -> ReportTable:
    tree = budget.anggaran_tree(ds)
    return ReportTable("tabel-3.13", f"Rincian per Program dan Kegiatan Tahun {ds.year}", tree,
                       [Column("kode_rekening", "Kode Rekening"), Column("level", "Tingkat", merge=True),
                        Column("uraian", "Program/Kegiatan/Sub Kegiatan", indent="depth"),
                        Column("pagu_rp", "Pagu (Rp)", "rp"), Column("realisasi_rp", "Realisasi (Rp)", "rp"),
                        Column("serapan_pct", "%", "pct")],
                       id_columns=["parent_kode"], source="Bab 3.7, Tabel 3.13",
                       emphasis_rows=[i for i, leaf in enumerate(tree["is_leaf"]) if not leaf],
                       notes=["Subtotal program dan kegiatan dihitung dari sub-kegiatan."])


def anggaran_vs_capaian(ds) -> ReportTable:
    """Per program and per sub-kegiatan: serapan anggaran beside capaian, efficiency index and verdict."""
    from .capaian import efficiency_index, efficiency_verdict

    tree = budget.anggaran_tree(ds)
    # Programs: capaian of the strategic sasaran they serve (Tabel 2.1 links), averaged under the policy.
    per, _ = kinerja.sasaran_summary(ds)
    per = per.set_index("sasaran_id")["rata_rata_capaian_pct"]
    prog_links = ds.sasaran_kegiatan[ds.sasaran_kegiatan["source_table"] == "Tabel 2.1"]
    progs = prog_links.merge(tree, on="kode_rekening")
    progs = progs.assign(tingkat="Program", capaian_pct=progs["sasaran_id"].map(per),
                         dasar_capaian="rata-rata IKU sasaran strategis")
    # Sub-kegiatan: mean capaian of their output indicators (IKK).
    ikk = kinerja.measured(ds, kind="ikk").groupby("kode_rekening").agg(
        capaian_pct=("capaian_pct", "mean"), n_ikk=("indikator_id", "size")).reset_index()
    subs = _supporting(ds).merge(ikk, on="kode_rekening", how="left")
    subs = subs.assign(tingkat="Sub-kegiatan", dasar_capaian=np.where(
        subs["n_ikk"].notna(), "rata-rata capaian IKK", "tidak ada IKK terukur"))
    cols = ["tingkat", "kode_rekening", "uraian", "sasaran_id", "pagu_rp", "realisasi_rp", "serapan_pct",
            "capaian_pct", "dasar_capaian"]
    f = pd.concat([progs[cols], subs[cols]], ignore_index=True)
    f["indeks_efisiensi"] = [efficiency_index(c, s) for c, s in zip(f["capaian_pct"], f["serapan_pct"])]
    f["verdict"] = [efficiency_verdict(c, s) for c, s in zip(f["capaian_pct"], f["serapan_pct"])]
    return ReportTable("anggaran-vs-capaian", "Serapan Anggaran dan Capaian Kinerja per Program dan Sub-kegiatan", f,
                       [Column("tingkat", "Tingkat", merge=True), Column("kode_rekening", "Kode"), Column("uraian", "Program/Sub-kegiatan"),
                        Column("pagu_rp", "Pagu (Rp)", "rp"), Column("serapan_pct", "Serapan (%)", "pct"),
                        Column("capaian_pct", "Capaian (%)", "pct"), Column("dasar_capaian", "Dasar capaian"),
                        Column("indeks_efisiensi", "Indeks efisiensi", "index"), Column("verdict", "Penilaian")],
                       id_columns=["sasaran_id"], source="Bab 3.6 dan 3.7 (Tabel 3.6, 3.8, 3.10, 3.13)",
                       notes=["Indeks efisiensi = % capaian ÷ % serapan anggaran; ≥ 1 berarti efisien.",
                              "Capaian program = rata-rata capaian IKU sasaran strategis yang dilayaninya (Tabel 2.1)."])


def penyebab_dan_rencana(ds) -> ReportTable:
    """Causes of success or failure, plans and suggestions the report states, with the indicator they concern."""
    n = ds.narasi.merge(ds.indikator[["indikator_id", "short_name"]], on="indikator_id", how="left")
    n["jenis"] = n["kind"].map(NARASI_KINDS)
    n["indikator"] = n["short_name"].fillna("(umum)")
    if n.empty:  # a draft: the narrative of the year is written later
        n = pd.DataFrame([{"narasi_id": None, "sasaran_id": None, "indikator_id": None, "section": "-", "jenis": "-",
                           "indikator": "-", "text": f"Belum ada uraian untuk tahun {ds.year} ({ds.missing_text})."}])
    return ReportTable("penyebab-dan-rencana", "Penyebab Keberhasilan/Kegagalan, Solusi dan Rencana Perbaikan", n,
                       [Column("section", "Bagian", merge=True), Column("jenis", "Jenis"), Column("indikator", "Indikator"),
                        Column("text", "Uraian")], id_columns=["narasi_id", "sasaran_id", "indikator_id"], source="Bab 3.2, 3.5, 3.6 dan Bab IV")


# --- Audit and sensitivity (issue: why indicators failed) ---------------------------------

def audit_konsistensi(ds, tolerance: float | None = None) -> ReportTable:
    """Every printed figure that disagrees with the data, one finding per row."""
    from .audit import FINDING_COLUMNS, ID_COLUMNS, audit

    findings, _ = audit(ds, tolerance)
    if findings.empty:
        findings = pd.DataFrame([{**{c: pd.NA for c in FINDING_COLUMNS}, "jenis": "-", "report_table": "-",
                                  "subject_label": "-", "metric": "-", "printed_text": "-",
                                  "cause": "tidak ada ketidaksesuaian"}], columns=FINDING_COLUMNS)
    return ReportTable("audit-konsistensi", "Audit Konsistensi: Angka Tercetak yang Berbeda dari Hasil Hitung Ulang",
                       findings,
                       [Column("jenis", "Jenis"), Column("report_table", "Letak"), Column("subject_label", "Baris"),
                        Column("metric", "Besaran"), Column("year", "Tahun"), Column("printed_text", "Tercetak"),
                        Column("reported", "Nilai tercetak", "number"), Column("recomputed", "Hitung ulang", "number"),
                        Column("difference", "Selisih", "number"), Column("cause", "Kemungkinan penyebab")],
                       source="Seluruh laporan", id_columns=["subject", *ID_COLUMNS, "tolerance"],
                       notes=["Toleransi: setengah satuan digit terakhir yang tercetak (ditambah pembulatan masukan "
                              "untuk selisih).", "Jenis 'rujukan': nama atau kode yang tidak ditemukan di tabel rujukan."])


def sensitivitas_rata_rata(ds) -> ReportTable:
    from .sensitivity import methods_table

    t = methods_table(ds)
    years = [c for c in t.columns if c.isdigit()]
    return ReportTable("sensitivitas-rata-rata", "Rata-rata Capaian per Tahun menurut Metode Perata-rataan", t,
                       [Column("metode", "Metode")] + [Column(y, y, "pct") for y in years] + [Column("keterangan", "Keterangan")],
                       source="Tabel 3.5 (dihitung ulang)")


def kontribusi_rata_rata(ds, year: int) -> ReportTable:
    from .sensitivity import contributions

    t = contributions(ds, year)
    return ReportTable(f"kontribusi-rata-rata-{year}", f"Sumbangan Tiap Indikator terhadap Rata-rata {year}", t,
                       [Column("short_name", "Indikator"), Column("capaian_pct", f"Capaian {year} (%)", "pct"),
                        Column("kontribusi_poin", "Sumbangan terhadap selisih rata-rata dari 100% (poin)", "pct"),
                        Column("sumber", "Sumber")],
                       source="Tabel 3.3 dan 3.5 (dihitung ulang)", id_columns=["indikator_id", "sasaran_id"])


# --- Drill-down per indicator ---------------------------------------------------------------

def indikator_fakta(ds, indikator: str) -> ReportTable:
    from .drilldown import facts

    return ReportTable(f"indikator-{indikator}-fakta", "Target, Realisasi dan Capaian", facts(ds, indikator),
                       [Column("tahun", "Tahun"), Column("dasar_target", "Dasar target"), Column("target", "Target", "number"),
                        Column("realisasi", "Realisasi", "number"), Column("capaian_pct", "Capaian (%)", "pct"),
                        Column("kelas", "Kategori")], source="Tabel 3.1, 3.3, 3.4")


def indikator_kegiatan(ds, indikator: str) -> ReportTable:
    from .drilldown import supporting

    return ReportTable(f"indikator-{indikator}-kegiatan", "Sub-kegiatan Pendukung, Anggaran dan Output",
                       supporting(ds, indikator),
                       [Column("kode_rekening", "Kode", merge=True), Column("uraian", "Sub-kegiatan", merge=True),
                        Column("pagu_rp", "Pagu (Rp)", "rp", merge=True),
                        Column("realisasi_rp", "Realisasi (Rp)", "rp", merge=True),
                        Column("serapan_pct", "Serapan (%)", "pct", merge=True), Column("output", "Output (IKK)"),
                        Column("target", "Target", "number"), Column("realisasi", "Realisasi", "number"),
                        Column("capaian_pct", "Capaian output (%)", "pct")],
                       source="Tabel 3.6, 3.8, 3.10, 3.13", id_columns=["ikk_id"])


def indikator_penyebab(ds, indikator: str) -> ReportTable:
    from .drilldown import stated_causes

    t = stated_causes(ds, indikator)
    t = t.assign(jenis=t["kind"].map(NARASI_KINDS)) if len(t) else pd.DataFrame(
        [{"section": "-", "jenis": "-", "text": "Laporan tidak menyatakan penyebab atau rencana.", "cakupan": "-"}])
    return ReportTable(f"indikator-{indikator}-penyebab", "Penyebab dan Rencana yang Dinyatakan Laporan", t,
                       [Column("jenis", "Jenis"), Column("text", "Uraian"), Column("section", "Bagian"),
                        Column("cakupan", "Berlaku untuk")], source="Bab 3.2, 3.5, 3.6, IV")
