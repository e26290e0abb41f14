"""The LKIP's tables rebuilt from data, one function per table.

Every number is computed from ``data/``; nothing is copied from the printed report.
Functions take a loaded :class:`~lkip_helpers.data.loading.Dataset` and return a
:class:`~lkip_helpers.report.report_table.ReportTable` whose id is the artifact id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lkip_helpers.analysis import audit as audit_analysis
from lkip_helpers.analysis import kegiatan, kinerja
from lkip_helpers.analysis.anggaran import anggaran_tree, belanja_tree, level_label, level_word, serapan_pct
from lkip_helpers.analysis.anggaran import levels as anggaran_levels
from lkip_helpers.analysis.audit import FINDING_COLUMNS, ID_COLUMNS
from lkip_helpers.analysis.drilldown import facts, stated_causes, supporting
from lkip_helpers.analysis.sensitivitas import contributions, methods_table
from lkip_helpers.capaian import averages_so_far
from lkip_helpers.data.loading import Dataset
from lkip_helpers.report import sections
from lkip_helpers.report.report_table import Column, ReportTable

AVERAGE_LABEL = "RATA-RATA CAPAIAN"
NARASI_KINDS = {
    "faktor_pendukung": "Faktor pendukung",
    "penyebab_kendala": "Penyebab/kendala",
    "rencana_perbaikan": "Rencana perbaikan",
    "solusi": "Alternatif solusi",
    "saran": "Saran",
}


def _append_row(frame: pd.DataFrame, values: dict) -> pd.DataFrame:
    """Append one summary row; cells not given stay empty."""
    row = pd.DataFrame([values])
    return pd.concat([frame, row.dropna(axis=1, how="all")], ignore_index=True)


def _with_average(frame: pd.DataFrame, label_col: str, values: dict) -> pd.DataFrame:
    """Append the RATA-RATA CAPAIAN row."""
    return _append_row(frame, {label_col: AVERAGE_LABEL, **values})


def _overall(ds: Dataset, frame: pd.DataFrame, col: str = "capaian_pct") -> float:
    """Overall average of ``col`` under the dataset's policy (NaN while nothing is measured: a draft)."""
    values = pd.DataFrame({"sasaran_id": frame["sasaran_id"], "capaian_pct": frame[col].astype(float)})
    return averages_so_far(values, kinerja.policy(ds))[1]


def _iku_table(ds: Dataset, key: str, out: pd.DataFrame, columns: list[Column], notes: list[str]) -> ReportTable:
    """A table of IKU rows closed by their average row (``_with_average``), which is emphasised."""
    return _table(
        _art(ds, key),
        out,
        columns,
        id_columns=["sasaran_id", "indikator_id"],
        emphasis_rows=[len(out) - 1],
        notes=notes,
    )


def _prev_average(ds: Dataset, f: pd.DataFrame) -> float:
    """Last year's overall average, over the IKU measured last year (``_two_years``)."""
    return _overall(ds, f.dropna(subset=["capaian_pct_prev"]), "capaian_pct_prev")


# --- Where a table stands in this dataset's report ------------------------------------------


def _art(ds: Dataset, key: str, item: str | None = None):
    """The section's artifact (id, title, source) in this dataset's report; an error when the data lack it."""
    plan = sections.plan(ds)
    art = plan.get(key, item)
    if art is None:
        raise ValueError(f"bagian {key}{'/' + item if item else ''} tidak ada di laporan ini: {plan.reason(key, item)}")
    return art


def _label(ds: Dataset, key: str, fallback: str = "") -> str:
    return sections.plan(ds).label(key, fallback=fallback)


def _table(art, frame, columns, **kw) -> ReportTable:
    return ReportTable(art.id, art.title, frame, columns, source=art.source, **kw)


def _kelas(ds: Dataset, capaian: pd.Series) -> pd.Series:
    """The category of each capaian; a top category below target says so next to it."""
    scale = kinerja.policy(ds).scale
    kelas = capaian.map(scale.classify)
    below = (capaian < 100) & (kelas == scale.bands[0][1])
    return kelas.where(~below, kelas + " (di bawah target)")


# --- Ringkasan eksekutif ---------------------------------------------------------------


def ringkasan(ds: Dataset) -> ReportTable:
    """Average capaian per strategic sasaran and overall (Ikhtisar Eksekutif)."""
    per, overall = kinerja.sasaran_summary(ds)
    frame = per.rename(columns={"name": "sasaran"})
    frame = _with_average(
        frame,
        "sasaran",
        {
            "rata_rata_capaian_pct": overall,
            "n_indikator": per["n_indikator"].sum(),
            "n_tercapai": per["n_tercapai"].sum(min_count=1),
        },
    )
    frame.loc[frame.index[-1], "sasaran"] = "CAPAIAN KINERJA"
    frame["kelas"] = frame["rata_rata_capaian_pct"].map(kinerja.policy(ds).scale.classify)
    return _table(
        _art(ds, "ringkasan"),
        frame,
        [
            Column("nomor", "No"),
            Column("sasaran", "Sasaran Strategis", merge=True),
            Column("n_indikator", "Jumlah indikator", "int"),
            Column("n_tercapai", "Mencapai target (≥100%)", "int"),
            Column("rata_rata_capaian_pct", "Rata-rata capaian (%)", "pct"),
            Column("kelas", "Kategori"),
        ],
        id_columns=["sasaran_id"],
        emphasis_rows=[len(frame) - 1],
    )


# --- Bab II ------------------------------------------------------------------------------


def _planning(ds: Dataset, document: str, part: str) -> pd.DataFrame:
    """Rows of one planning document and part (found by the document/part columns)."""
    d = ds.dokumen_perencanaan
    rows = d[(d["document"] == document) & (d["part"] == part)].copy()
    sas = ds.sasaran.set_index("sasaran_id")["name"]
    rows["sasaran"] = rows["sasaran_id"].map(sas)
    return rows.reset_index(drop=True)


def _core_indikator(ds: Dataset, kind: str) -> pd.DataFrame:
    """Indicators of ``kind`` with this year's PK target, from the core tables (no planning document given)."""
    f = kinerja.measured(ds, kind=kind)
    return f.assign(
        sasaran=f["sasaran_name"],
        target_unit=f["unit"],
        part="outcome" if kind == "iku" else "output",
        kode_rekening=f["kode_rekening"] if "kode_rekening" in f.columns else np.nan,
    )


def renstra_outcome(ds: Dataset) -> ReportTable:
    """The Renstra's outcome indicators per sasaran, with the programs that serve each sasaran."""
    art = _art(ds, "renstra_outcome")
    has_doc = ds.has("dokumen_perencanaan") and not _planning(ds, "renstra", "outcome").empty
    rows = _planning(ds, "renstra", "outcome") if has_doc else _core_indikator(ds, "iku")
    programs = kegiatan.sasaran_links(ds, programs=True).merge(
        ds.anggaran[["kode_rekening", "uraian"]], on="kode_rekening"
    )
    prog = programs.groupby("sasaran_id")["uraian"].agg(lambda s: " dan ".join(x.title() for x in s))
    rows["program"] = rows["sasaran_id"].map(prog)
    cols = [Column("program", "Program", merge=True)] if rows["program"].notna().any() else []
    cols += [Column("sasaran", "Sasaran", merge=True), Column("nomor", "No"), Column("name", "Indikator Kinerja Utama")]
    notes = [] if has_doc else ["Disusun dari daftar indikator kinerja utama; baris dokumen Renstra tidak tersedia."]
    return _table(art, rows, cols, id_columns=["sasaran_id", "indikator_id"], notes=notes)


def renstra_output(ds: Dataset) -> ReportTable:
    rows = _planning(ds, "renstra", "output")
    rows["jenis"] = np.where(rows["kode_rekening"].notna(), "Kegiatan", "Indikator output")
    return _table(
        _art(ds, "renstra_output"),
        rows,
        [
            Column("sasaran", "Sasaran", merge=True),
            Column("nomor", "No"),
            Column("jenis", "Jenis"),
            Column("name", "Indikator Kinerja Output"),
        ],
        id_columns=["sasaran_id", "indikator_id", "kode_rekening"],
    )


PART_LABELS = {"outcome": "Indikator kinerja (outcome)", "output": "Indikator kinerja kegiatan (output)"}


def _pk_table(ds: Dataset, document: str, key: str) -> ReportTable:
    art = _art(ds, key)
    has_doc = ds.has("dokumen_perencanaan") and (ds.dokumen_perencanaan["document"] == document).any()
    if has_doc:
        rows = pd.concat([_planning(ds, document, p) for p in ("outcome", "output")], ignore_index=True)
        notes = (
            ["Baris kegiatan (tanpa target) adalah induk dari indikator output di bawahnya."]
            if rows["kode_rekening"].notna().any()
            else []
        )
    else:  # the PK from the core tables: every indicator with its PK target of the year
        rows = pd.concat([_core_indikator(ds, "iku"), _core_indikator(ds, "ikk")], ignore_index=True)
        notes = ["Disusun dari indikator dan target Perjanjian Kinerja tahun ini; baris dokumen PK tidak tersedia."]
    rows["bagian"] = rows["part"].map(PART_LABELS)
    return _table(
        art,
        rows,
        [
            Column("bagian", "Bagian", merge=True),
            Column("sasaran", "Sasaran", merge=True),
            Column("nomor", "No"),
            Column("name", "Indikator / Kegiatan"),
            Column("target", "Target", "number"),
            Column("target_unit", "Satuan"),
        ],
        id_columns=["sasaran_id", "indikator_id", "kode_rekening"],
        notes=notes,
    )


def pk(ds: Dataset) -> ReportTable:
    return _pk_table(ds, "pk_awal", "pk")


def pk_perubahan(ds: Dataset) -> ReportTable:
    return _pk_table(ds, "pk_perubahan", "pk_perubahan")


def perubahan_pk(ds: Dataset) -> ReportTable:
    """The PK rows the PK Perubahan changed."""
    awal, ubah = _label(ds, "pk", "PK"), _label(ds, "pk_perubahan", "PK Perubahan")
    return _table(
        _art(ds, "perubahan_pk"),
        kinerja.pk_changes(ds),
        [
            Column("nomor", "No"),
            Column("indikator_awal", f"PK awal ({awal})"),
            Column("target_awal", "Target awal", "number"),
            Column("target_unit_awal", "Satuan awal"),
            Column("indikator_perubahan", f"PK perubahan ({ubah})"),
            Column("target_perubahan", "Target perubahan", "number"),
            Column("target_unit_perubahan", "Satuan perubahan"),
            Column("perubahan", "Perubahan"),
        ],
        id_columns=["part"],
    )


# --- Bab III: capaian ----------------------------------------------------------------------


def capaian(ds: Dataset) -> ReportTable:
    f = kinerja.iku_rows(ds)
    out = _with_average(f, "indikator", {"capaian_pct": _overall(ds, f)})
    out["kelas"] = _kelas(ds, out["capaian_pct"])
    return _iku_table(
        ds,
        "capaian",
        out,
        [
            Column("sasaran_name", "Sasaran Strategis", merge=True),
            Column("indikator", "Indikator Kinerja"),
            Column("unit", "Satuan"),
            Column("target", "Target", "number"),
            Column("realisasi", "Realisasi", "number"),
            Column("capaian_pct", "% Capaian", "pct"),
            Column("kelas", "Kategori"),
        ],
        [kinerja.formula_note(ds)],
    )


def _two_years(ds: Dataset) -> pd.DataFrame:
    now = kinerja.iku_rows(ds)
    prev = kinerja.measured(ds, ds.year - 1, basis="rpjmd")[["indikator_id", "target", "realisasi", "capaian_pct"]]
    now_rpjmd = kinerja.measured(ds, ds.year, basis="rpjmd")[["indikator_id", "target"]]
    f = now.merge(prev, on="indikator_id", how="left", suffixes=("", "_prev")).merge(
        now_rpjmd, on="indikator_id", how="left", suffixes=("", "_rpjmd")
    )
    f["peningkatan_pct"] = f["capaian_pct"] - f["capaian_pct_prev"]
    return f


def banding_tahun_lalu(ds: Dataset) -> ReportTable:
    f = _two_years(ds)
    prev_avg = _prev_average(ds, f)
    out = _with_average(f, "indikator", {"capaian_pct_prev": prev_avg, "capaian_pct": _overall(ds, f)})
    y = ds.year
    where = _label(ds, "banding_rpjmd_tahun_lalu")
    return _iku_table(
        ds,
        "banding_tahun_lalu",
        out,
        [
            Column("sasaran_name", "Sasaran Strategis", merge=True),
            Column("indikator", "Indikator Kinerja"),
            Column("capaian_pct_prev", f"Capaian {y - 1} (%)", "pct"),
            Column("capaian_pct", f"Capaian {y} (%)", "pct"),
        ],
        [f"Capaian {y - 1} dihitung dari target RPJMD dan realisasi {y - 1}" + (f" ({where})." if where else ".")],
    )


def banding_rpjmd_tahun_lalu(ds: Dataset) -> ReportTable:
    f = _two_years(ds)
    prev_avg = _prev_average(ds, f)
    now_avg = _overall(ds, f)
    out = _with_average(
        f, "indikator", {"capaian_pct_prev": prev_avg, "capaian_pct": now_avg, "peningkatan_pct": now_avg - prev_avg}
    )
    y = ds.year
    return _iku_table(
        ds,
        "banding_rpjmd_tahun_lalu",
        out,
        [
            Column("indikator", "Indikator Kinerja"),
            Column("target_prev", f"Target RPJMD {y - 1}", "number"),
            Column("realisasi_prev", f"Realisasi {y - 1}", "number"),
            Column("capaian_pct_prev", f"% Capaian {y - 1}", "pct"),
            Column("target_rpjmd", f"Target RPJMD {y}", "number"),
            Column("realisasi", f"Realisasi {y}", "number"),
            Column("capaian_pct", f"% Capaian {y}", "pct"),
            Column("peningkatan_pct", "% Peningkatan", "pct"),
        ],
        ["% Peningkatan = % capaian tahun ini − % capaian tahun lalu (poin persen)."],
    )


def rpjmd_note(ds: Dataset) -> str:
    """Whether the report year is the last RPJMD year, from the targets."""
    y, final = ds.year, kinerja.final_rpjmd_year(ds)
    if final == y:
        return f"Tahun {y} adalah tahun akhir RPJMD, sehingga target RPJMD tahunan sama dengan target akhir."
    if final is not None and final > y:
        return f"Target akhir RPJMD adalah target tahun {final}; tahun {y} belum tahun akhir RPJMD."
    return f"Target RPJMD terakhir yang tersedia adalah untuk tahun {final}."


def banding_rpjmd(ds: Dataset) -> ReportTable:
    f = _two_years(ds)
    y, final = ds.year, kinerja.final_rpjmd_year(ds)
    akhir = kinerja.measured(ds, final, basis="rpjmd")[["indikator_id", "target"]].rename(
        columns={"target": "target_akhir"}
    )
    f = f.merge(akhir, on="indikator_id", how="left")
    f["capaian_akhir_pct"] = [
        kinerja.capaian_of(ds, r, t, p) for r, t, p in zip(f["realisasi"], f["target_akhir"], f["polarity"])
    ]
    # "% Capaian" stands beside the year's RPJMD target, so it is measured against that target (where an
    # agency's PK target differs from the RPJMD's, the PK capaian is Tabel 3.1's, not this one)
    f["capaian_pct"] = [
        kinerja.capaian_of(ds, r, t, p) for r, t, p in zip(f["realisasi"], f["target_rpjmd"], f["polarity"])
    ]
    f["capaian_pct"] = f["capaian_pct"].astype(float)
    out = _with_average(
        f, "indikator", {"capaian_pct": _overall(ds, f), "capaian_akhir_pct": _overall(ds, f, "capaian_akhir_pct")}
    )
    cols = [
        Column("sasaran_name", "Sasaran Strategis", merge=True),
        Column("indikator", "Indikator Kinerja"),
        Column("target_rpjmd", "Target RPJMD", "number"),
        Column("realisasi", "Realisasi", "number"),
        Column("capaian_pct", "% Capaian", "pct"),
    ]
    if final != y:
        cols.append(Column("target_akhir", f"Target akhir RPJMD ({final})", "number"))
    cols.append(Column("capaian_akhir_pct", f"Capaian terhadap target akhir RPJMD {final} (%)", "pct"))
    return _iku_table(ds, "banding_rpjmd", out, cols, [rpjmd_note(ds)])


def tren(ds: Dataset) -> ReportTable:
    t = kinerja.tren(ds)
    wide = t.pivot(index="indikator_id", columns="year", values="capaian_pct")
    years = sorted(wide.columns)
    now = _two_years(ds)
    frame = now[["indikator_id", "sasaran_id", "sasaran_name", "indikator", "target_rpjmd", "capaian_pct"]].merge(
        wide.add_prefix("capaian_").reset_index(), on="indikator_id", how="left"
    )
    avg = kinerja.yearly_average(ds).set_index("year")["rata_rata_capaian_pct"]
    out = _with_average(
        frame, "indikator", {f"capaian_{y}": avg.get(y, np.nan) for y in years} | {"capaian_pct": _overall(ds, now)}
    )
    target_label = (
        f"Target akhir RPJMD ({ds.year})" if kinerja.final_rpjmd_year(ds) == ds.year else f"Target RPJMD {ds.year}"
    )
    cols = [Column("indikator", "Indikator Kinerja")] + [
        Column(f"capaian_{y}", f"Capaian {y} (%)", "pct") for y in years
    ]
    cols += [
        Column("target_rpjmd", target_label, "number"),
        Column("capaian_pct", f"Capaian terhadap {ds.year} (%)", "pct"),
    ]
    return _iku_table(
        ds,
        "tren",
        out,
        cols,
        [
            _years_note(t),
            "Rata-rata tiap tahun dihitung atas indikator yang memiliki nilai pada tahun itu; "
            "'–' berarti indikator belum digunakan.",
        ],
    )


def _years_note(tren: pd.DataFrame) -> str:
    """Which years are published capaian and which are computed, from the trend itself."""

    def span(kind):
        ys = sorted(tren.loc[tren["sumber"] == kind, "year"].unique())
        return f"{ys[0]}–{ys[-1]}" if len(ys) > 1 else (str(ys[0]) if ys else "")

    parts = [
        f"{span('dilaporkan')}: capaian sebagaimana dilaporkan (target dan realisasi tidak tersedia)"
        if span("dilaporkan")
        else "",
        f"{span('dihitung')}: dihitung dari target dan realisasi" if span("dihitung") else "",
    ]
    return "; ".join(p for p in parts if p) + "."


def _level_word(ds: Dataset, kodes) -> str:
    """'sub-kegiatan', 'kegiatan' or 'kegiatan/sub-kegiatan': the budget levels of ``kodes``."""
    levels = ds.anggaran.set_index("kode_rekening")["level"]
    present = [level_word(lv) for lv in ("kegiatan", "sub_kegiatan") if lv in set(pd.Series(kodes).map(levels))]
    return "/".join(present) or "kegiatan"


def kegiatan_pendukung(ds: Dataset) -> ReportTable:
    f = kinerja.require_rows(kegiatan.kegiatan_of_sasaran(ds), "kegiatan pendukung")
    return _table(
        _art(ds, "kegiatan_pendukung"),
        f,
        [
            Column("sasaran", "Sasaran", merge=True),
            Column("kode_rekening", "Kode"),
            Column("uraian", "Kegiatan"),
            Column("pagu_rp", "Anggaran (Rp)", "rp"),
            Column("realisasi_rp", "Realisasi (Rp)", "rp"),
            Column("serapan_pct", "Serapan (%)", "pct"),
        ],
        id_columns=["sasaran_id"],
    )


def iku_sasaran_program(ds: Dataset, sasaran_program: str) -> ReportTable:
    """The IKU shown under one sasaran program."""
    art = _art(ds, "iku_sasaran_program", sasaran_program)
    return _table(
        art,
        kinerja.program_iku(ds, sasaran_program, art.indikator),
        [
            Column("sasaran_program", "Sasaran Program", merge=True),
            Column("indikator", "Indikator Kinerja Program"),
            Column("unit", "Satuan"),
            Column("target", "Target", "number"),
            Column("realisasi", "Realisasi", "number"),
            Column("capaian_pct", "% Capaian", "pct"),
        ],
        id_columns=["sasaran_id", "indikator_id"],
    )


def _ikk_columns(ds: Dataset, f) -> tuple[list[Column], list[str]]:
    word = _level_word(ds, f["kode_rekening"])
    cols = [
        Column("uraian", f"Sasaran Kegiatan ({word})", merge=True),
        Column("nomor", "No"),
        Column("name", "Indikator Kinerja Kegiatan"),
        Column("unit", "Satuan"),
        Column("target", "Target", "number"),
        Column("realisasi", "Realisasi", "number"),
        Column("capaian_pct", "Capaian (%)", "pct"),
        Column("serapan_pct", "Serapan anggaran (%)", "pct"),
    ]
    gone = f["status"] == kinerja.DIHAPUS
    if gone.any():  # the revised PK's target is 0: shown, not counted
        f["keterangan"] = gone.map({True: "dihapus pada PK Perubahan; tidak dihitung", False: ""})
        cols.append(Column("keterangan", "Keterangan"))
    where = _label(ds, "anggaran", "anggaran.csv")
    return cols, [f"Serapan anggaran dari {where}, untuk {word} yang menaungi indikator."]


def ikk_sasaran_kegiatan(ds: Dataset, sasaran_kegiatan: str) -> ReportTable:
    f = kinerja.require_rows(kegiatan.ikk_frame(ds, sasaran_kegiatan), f"IKK sasaran kegiatan {sasaran_kegiatan}")
    cols, notes = _ikk_columns(ds, f)
    return _table(
        _art(ds, "ikk_sasaran_kegiatan", sasaran_kegiatan),
        f,
        cols,
        id_columns=["sasaran_id", "indikator_id", "kode_rekening"],
        notes=notes,
    )


def ikk_lain(ds: Dataset) -> ReportTable:
    """IKK tied to a sasaran that is not a sasaran kegiatan (agencies without that level)."""
    levels = ds.sasaran.set_index("sasaran_id")["level"]
    f = kegiatan.ikk_frame(ds)
    f = f[f["sasaran_id"].map(levels) != "kegiatan"].reset_index(drop=True)
    f["sasaran"] = f["sasaran_name"]
    cols, notes = _ikk_columns(ds, f)
    cols = [Column("sasaran", "Sasaran", merge=True)] + cols
    return _table(
        _art(ds, "ikk_lain"), f, cols, id_columns=["sasaran_id", "indikator_id", "kode_rekening"], notes=notes
    )


# --- Wilayah, anggaran -----------------------------------------------------------------


def wilayah(ds: Dataset) -> ReportTable:
    w = ds.wilayah.copy()
    w["jumlah_desa_kelurahan"] = w["jumlah_desa"] + w["jumlah_kelurahan"]
    total = {c: w[c].sum() for c in ("jumlah_kecamatan", "jumlah_desa", "jumlah_kelurahan", "jumlah_desa_kelurahan")}
    out = _append_row(w, {"kabupaten": "Total", **total})
    return _table(
        _art(ds, "wilayah"),
        out,
        [
            Column("nomor", "No", "int"),
            Column("kabupaten", "Kabupaten/Kota"),
            Column("jumlah_kecamatan", "Kecamatan", "int"),
            Column("jumlah_desa", "Desa", "int"),
            Column("jumlah_kelurahan", "Kelurahan", "int"),
            Column("jumlah_desa_kelurahan", "Jumlah Desa/Kelurahan", "int"),
        ],
        emphasis_rows=[len(out) - 1],
    )


def belanja_jenis(ds: Dataset) -> ReportTable:
    tree = belanja_tree(ds)
    roots = tree[tree["depth"] == 0]
    total = {
        "jenis_id": "jumlah-belanja",
        "uraian": "Jumlah Belanja",
        "anggaran_rp": roots["anggaran_rp"].sum(skipna=False),  # blank while a group is (a draft)
        "realisasi_rp": roots["realisasi_rp"].sum(skipna=False),
        "depth": 0,
    }
    total["serapan_pct"] = serapan_pct(total["realisasi_rp"], total["anggaran_rp"])
    out = _append_row(tree, total)
    return _table(
        _art(ds, "belanja_jenis"),
        out,
        [
            Column("nomor", "No"),
            Column("uraian", "Uraian Belanja", indent="depth"),
            Column("anggaran_rp", "Anggaran (Rp)", "rp"),
            Column("realisasi_rp", "Realisasi (Rp)", "rp"),
            Column("serapan_pct", "Persentase (%)", "pct"),
        ],
        id_columns=["jenis_id"],
        emphasis_rows=[i for i, d in enumerate(out["depth"]) if d == 0],
    )


def anggaran(ds: Dataset) -> ReportTable:
    tree = anggaran_tree(ds)
    levels = anggaran_levels(ds, include_frame=False)
    leaf_levels = [lv for lv in levels if lv in set(tree.loc[tree["is_leaf"], "level"])]
    parents = [level_word(lv) for lv in levels if lv not in leaf_levels]
    note = (
        f"Subtotal {' dan '.join(parents)} dihitung dari {'/'.join(level_word(lv) for lv in leaf_levels)}."
        if parents and leaf_levels
        else "Subtotal dihitung dari baris terbawah."
    )
    tree = tree.assign(tingkat=tree["level"].map(level_word))  # "sub-kegiatan", not the data's sub_kegiatan
    roots = tree[tree["depth"] == 0]
    if len(roots) > 1:  # several programs at the top: their sum closes the table, as belanja_jenis does
        total = {
            "kode_rekening": "",
            "tingkat": "",
            "uraian": "Jumlah",
            "pagu_rp": roots["pagu_rp"].sum(skipna=False),  # blank while a leaf is (a draft)
            "realisasi_rp": roots["realisasi_rp"].sum(skipna=False),
            "depth": 0,
            "is_leaf": False,
        }
        total["serapan_pct"] = serapan_pct(total["realisasi_rp"], total["pagu_rp"])
        tree = _append_row(tree, total)
    return _table(
        _art(ds, "anggaran"),
        tree,
        [
            Column("kode_rekening", "Kode Rekening"),
            Column("tingkat", "Tingkat", merge=True),
            Column("uraian", level_label(ds) or "Uraian", indent="depth"),
            Column("pagu_rp", "Pagu (Rp)", "rp"),
            Column("realisasi_rp", "Realisasi (Rp)", "rp"),
            Column("serapan_pct", "%", "pct"),
        ],
        id_columns=["parent_kode", "level"],
        emphasis_rows=[i for i, leaf in enumerate(tree["is_leaf"]) if not leaf],
        notes=[note],
    )


def efisiensi(ds: Dataset) -> ReportTable:
    """Per program and per kegiatan: serapan anggaran beside capaian, efficiency index and verdict."""
    f = kegiatan.efisiensi_frame(ds)
    word = _level_word(ds, f.loc[f["tingkat"] != "Program", "kode_rekening"])
    notes = [kinerja.efisiensi_policy(ds).sentence()]
    if (f["tingkat"] == "Program").any():
        where = _label(ds, "renstra_outcome")
        notes.append(
            "Capaian program = rata-rata capaian IKU sasaran strategis yang dilayaninya"
            + (f" ({where})." if where else ".")
        )
    return _table(
        _art(ds, "efisiensi"),
        f,
        [
            Column("tingkat", "Tingkat", merge=True),
            Column("kode_rekening", "Kode"),
            Column("uraian", f"Program/{_cap(word)}"),
            Column("pagu_rp", "Pagu (Rp)", "rp"),
            Column("serapan_pct", "Serapan (%)", "pct"),
            Column("capaian_pct", "Capaian (%)", "pct"),
            Column("dasar_capaian", "Dasar capaian"),
            Column("efisiensi_pct", kinerja.efisiensi_policy(ds).heading, "pct"),
            Column("verdict", "Penilaian"),
            Column("alasan", "Keterangan"),
        ],
        id_columns=["sasaran_id"],
        notes=notes,
    )


def efisiensi_iku(ds: Dataset) -> ReportTable:
    f = kegiatan.efisiensi_per_iku(ds)
    n_iku = len(kinerja.measured(ds))
    notes = [
        kinerja.efisiensi_policy(ds).sentence(),
        "Kaitan anggaran: kode rekening pada IKU sendiri, atau kegiatan yang dikaitkan dengan sasarannya, atau "
        "kegiatan yang menaungi indikator output sasaran itu; anggaran yang dipakai bersama beberapa IKU tidak "
        "dinilai per IKU.",
    ]
    if len(f) < n_iku:
        notes.append(f"{n_iku - len(f)} IKU lain tidak dikaitkan dengan kegiatan mana pun sehingga tidak dinilai.")
    return _table(
        _art(ds, "efisiensi_iku"),
        f,
        [
            Column("sasaran", "Sasaran", merge=True),
            Column("indikator", "Indikator Kinerja Utama"),
            Column("capaian_pct", "Capaian (%)", "pct"),
            Column("kegiatan", "Kegiatan pendukung"),
            Column("pagu_rp", "Pagu (Rp)", "rp"),
            Column("serapan_pct", "Serapan (%)", "pct"),
            Column("dasar", "Kaitan anggaran"),
            Column("efisiensi_pct", kinerja.efisiensi_policy(ds).heading, "pct"),
            Column("verdict", "Penilaian"),
            Column("alasan", "Keterangan"),
        ],
        id_columns=["sasaran_id", "indikator_id"],
        notes=notes,
    )


def penyebab(ds: Dataset) -> ReportTable:
    """Causes of success or failure, plans and suggestions the report states, with the indicator they concern."""
    n = ds.narasi.merge(ds.indikator[["indikator_id", "short_name"]], on="indikator_id", how="left")
    n["jenis"] = n["kind"].map(NARASI_KINDS)
    n["indikator"] = n["short_name"].fillna("(umum)")
    return _table(
        _art(ds, "penyebab"),
        n,
        [
            Column("section", "Bagian", merge=True),
            Column("jenis", "Jenis"),
            Column("indikator", "Indikator"),
            Column("text", "Uraian"),
        ],
        id_columns=["narasi_id", "sasaran_id", "indikator_id"],
    )


# --- Audit and sensitivity (issue: why indicators failed) ---------------------------------


def audit(ds: Dataset, tolerance: float | None = None) -> ReportTable:
    """Every printed figure that disagrees with the data, one finding per row."""
    findings, _ = audit_analysis.audit(ds, tolerance)
    if findings.empty:
        findings = pd.DataFrame(
            [
                {
                    **{c: pd.NA for c in FINDING_COLUMNS},
                    "jenis": "-",
                    "report_table": "-",
                    "subject_label": "-",
                    "metric": "-",
                    "printed_text": "-",
                    "cause": "tidak ada ketidaksesuaian",
                }
            ],
            columns=FINDING_COLUMNS,
        )
    return _table(
        _art(ds, "audit"),
        findings,
        [
            Column("jenis", "Jenis"),
            Column("report_table", "Letak"),
            Column("subject_label", "Baris"),
            Column("metric", "Besaran"),
            Column("year", "Tahun"),
            Column("printed_text", "Tercetak"),
            Column("reported", "Nilai tercetak", "number"),
            Column("recomputed", "Hitung ulang", "number"),
            Column("difference", "Selisih", "number"),
            Column("cause", "Kemungkinan penyebab"),
        ],
        id_columns=["subject", *ID_COLUMNS, "tolerance"],
        notes=[
            "Toleransi: setengah satuan digit terakhir yang tercetak (ditambah pembulatan masukan untuk selisih).",
            "Jenis 'rujukan': nama atau kode yang tidak ditemukan di tabel rujukan.",
        ],
    )


def sensitivitas(ds: Dataset) -> ReportTable:
    t = methods_table(ds)
    years = [c for c in t.columns if c.isdigit()]
    return _table(
        _art(ds, "sensitivitas"),
        t,
        [Column("metode", "Metode")] + [Column(y, y, "pct") for y in years] + [Column("keterangan", "Keterangan")],
    )


def kontribusi(ds: Dataset, year: int) -> ReportTable:
    t = contributions(ds, year)
    return _table(
        _art(ds, "kontribusi"),
        t,
        [
            Column("short_name", "Indikator"),
            Column("capaian_pct", f"Capaian {year} (%)", "pct"),
            Column("kontribusi_poin", "Sumbangan terhadap selisih rata-rata dari 100% (poin)", "pct"),
            Column("sumber", "Sumber"),
        ],
        id_columns=["indikator_id", "sasaran_id"],
    )


# --- Drill-down per indicator ---------------------------------------------------------------


def _sources(ds: Dataset, *keys) -> str:
    """'Tabel 3.1, Tabel 3.3' for the sections present (the drill-down cites them)."""
    plan = sections.plan(ds)
    found = [plan.get(k).label for k in keys if plan.get(k) is not None]
    return ", ".join(f for f in found if f) or "dihitung dari data"


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def indikator_fakta(ds: Dataset, indikator: str) -> ReportTable:
    return ReportTable(
        f"indikator-{indikator}-fakta",
        "Target, Realisasi dan Capaian",
        facts(ds, indikator),
        [
            Column("tahun", "Tahun"),
            Column("dasar_target", "Dasar target"),
            Column("target", "Target", "number"),
            Column("realisasi", "Realisasi", "number"),
            Column("capaian_pct", "Capaian (%)", "pct"),
            Column("kelas", "Kategori"),
        ],
        source=_sources(ds, "capaian", "banding_rpjmd_tahun_lalu", "banding_rpjmd"),
    )


def indikator_kegiatan(ds: Dataset, indikator: str) -> ReportTable:
    f = supporting(ds, indikator)
    word = _level_word(ds, f["kode_rekening"])
    return ReportTable(
        f"indikator-{indikator}-kegiatan",
        f"{_cap(word)} Pendukung, Anggaran dan Output",
        f,
        [
            Column("kode_rekening", "Kode", merge=True),
            Column("uraian", _cap(word), merge=True),
            Column("pagu_rp", "Pagu (Rp)", "rp", merge=True),
            Column("realisasi_rp", "Realisasi (Rp)", "rp", merge=True),
            Column("serapan_pct", "Serapan (%)", "pct", merge=True),
            Column("output", "Output (IKK)"),
            Column("target", "Target", "number"),
            Column("realisasi", "Realisasi", "number"),
            Column("capaian_pct", "Capaian output (%)", "pct"),
        ],
        source=_sources(ds, "kegiatan_pendukung", "anggaran"),
        id_columns=["ikk_id"],
    )


def indikator_penyebab(ds: Dataset, indikator: str) -> ReportTable:
    t = stated_causes(ds, indikator)
    t = t.assign(jenis=t["kind"].map(NARASI_KINDS))
    return ReportTable(
        f"indikator-{indikator}-penyebab",
        "Penyebab dan Rencana yang Dinyatakan Laporan",
        t,
        [
            Column("jenis", "Jenis"),
            Column("text", "Uraian"),
            Column("section", "Bagian"),
            Column("cakupan", "Berlaku untuk"),
        ],
        source=_art(ds, "penyebab").source,
    )
