"""The chapters of the report put on a page: headings, tables, figures and sentences, section by section.

Notebooks call ``render(ds, out, "bab3.capaian")``. A section whose data are absent is
left out with one line saying which table would fill it (see :mod:`lkip_helpers.report.sections`);
nothing is registered for it.
"""

from __future__ import annotations

from IPython.display import display

from lkip_helpers.analysis import drilldown, kinerja
from lkip_helpers.analysis.anggaran import anggaran_tree
from lkip_helpers.analysis.kualitas import quality_findings
from lkip_helpers.analysis.plausibility import plausibility_warnings
from lkip_helpers.data.loading import Dataset
from lkip_helpers.report import charts, narrative, sections, tables
from lkip_helpers.report.artifacts import md
from lkip_helpers.report.lke import penilaian
from lkip_helpers.report.lke import table as lke_table
from lkip_helpers.report.text import escape


def skipped(ds: Dataset, key: str, item: str | None = None) -> None:
    """The one line that says why a section is left out (none for a section that does not apply)."""
    if sections.plan(ds).reason(key, item) == sections.NOT_APPLICABLE:
        return
    md(f"*Bagian ini tidak ditampilkan: {escape(sections.plan(ds).reason(key, item))}.*")


def section(
    ds: Dataset, out, key: str, build, item: str | None = None, intro: str = "", level: int = 2, notes: str = ""
) -> object | None:
    """Heading, intro, then the table or figure ``build()`` makes; the skip line when the data lack it.

    Returns what was built (a ReportTable, or the figure's data), or None when left out.
    """
    art = sections.plan(ds).get(key, item)
    if art is None:
        skipped(ds, key, item)
        return None
    out.heading(art.heading, level)
    if intro:
        md(intro)
    made = build()
    if isinstance(made, tables.ReportTable):
        display(out.table(made))
        return made
    fig, data = made
    display(out.figure(art.id, art.title, fig, data, notes=notes))
    return data


def present(ds: Dataset, key: str, item: str | None = None) -> bool:
    return sections.plan(ds).get(key, item) is not None


# --- Ikhtisar eksekutif ------------------------------------------------------------------


def ikhtisar(ds: Dataset, out) -> None:
    section(
        ds,
        out,
        "ringkasan",
        lambda: tables.ringkasan_eksekutif(ds),
        intro="Rata-rata capaian tiap sasaran dan keseluruhan. Sasaran dengan rata-rata di bawah 100% belum "
        "mencapai target Perjanjian Kinerja; kategori mengikuti skala yang ditetapkan dalam metadata "
        f"dataset ({escape(narrative.scale_text(ds))}).",
    )
    md(narrative.ringkasan(ds))
    section(
        ds,
        out,
        "grafik_capaian",
        lambda: charts.capaian_bars(kinerja.measured(ds), kinerja.policy(ds).scale),
        intro="Batang di kiri garis 100% adalah indikator yang belum mencapai target; warna menunjukkan "
        "kategori capaian.",
    )
    md(narrative.below_target(ds))


# --- Bab I -------------------------------------------------------------------------------


def bab1(ds: Dataset, out) -> None:
    md(narrative.region(ds))
    section(
        ds,
        out,
        "struktur_organisasi",
        lambda: charts.org_chart(ds.unit_organisasi),
        intro="Digambar dari tabel unit organisasi (unit_organisasi.csv).",
        notes="Digambar dari unit_organisasi.csv",
    )
    staff = sections.plan(ds).get("komposisi_jabatan")
    section(
        ds,
        out,
        "komposisi_jabatan",
        lambda: charts.staff_composition(ds.pegawai_total, ds.pegawai),
        intro=narrative.staff(ds) if staff else "",
        notes=sections.not_available_reason(ds, staff.id) if staff else "",
    )
    art = sections.plan(ds).get("komposisi_pendidikan")
    if art is not None:  # only where the dataset states that these figures exist but their numbers do not
        reason = sections.not_available_reason(ds, art.id) or sections.not_available_reason(ds, "komposisi_pendidikan")
        section(
            ds,
            out,
            "komposisi_pendidikan",
            lambda: charts.not_available(art.title, reason),
            intro="Angkanya tidak tersedia; gambar di bawah menyatakannya secara terbuka agar tidak ada angka yang "
            "dikarang.",
            notes=reason,
        )
    if present(ds, "komposisi_jabatan"):
        section(
            ds, out, "penempatan_kontrak", lambda: charts.contract_placement(ds.pegawai, ds.unit_organisasi), level=3
        )
    section(
        ds,
        out,
        "wilayah",
        lambda: tables.wilayah(ds),
        intro="Jumlah kecamatan, desa dan kelurahan per kabupaten/kota.",
    )
    if present(ds, "wilayah"):
        md(narrative.villages(ds))
        section(ds, out, "grafik_wilayah", lambda: charts.desa_per_kabupaten(ds.wilayah), level=3)


# --- Bab II ------------------------------------------------------------------------------


def bab2(ds: Dataset, out) -> None:
    section(ds, out, "renstra_outcome", lambda: tables.renstra_outcome(ds))
    section(ds, out, "renstra_output", lambda: tables.renstra_output(ds))
    section(ds, out, "pk", lambda: tables.pk(ds))
    if not present(ds, "pk_perubahan"):
        md("PK tidak diubah pada tahun ini (tidak ada PK Perubahan dalam data): tidak ada perubahan.")
        return
    section(ds, out, "pk_perubahan", lambda: tables.pk_perubahan(ds))
    if not present(ds, "perubahan_pk"):
        md("PK Perubahan sama dengan PK awal: tidak ada perubahan.")
        return
    section(
        ds,
        out,
        "perubahan_pk",
        lambda: tables.perubahan_pk(ds),
        intro="Indikator yang targetnya dihapus tidak lagi menjadi janji kinerja; bila Bab III tetap "
        "mengukurnya, pembaca perlu tahu dasar targetnya.",
    )
    md(narrative.planning_changes(ds))


# --- Bab III: capaian ----------------------------------------------------------------------


def bab3_capaian(ds: Dataset, out) -> None:
    section(ds, out, "capaian", lambda: tables.capaian(ds))
    md(narrative.below_target(ds))


def bab3_pembanding(ds: Dataset, out) -> None:
    """Against last year, the medium-term target, and the years before."""
    if present(ds, "banding_tahun_lalu"):
        section(ds, out, "banding_tahun_lalu", lambda: tables.banding_tahun_lalu(ds))
        section(ds, out, "banding_rpjmd_tahun_lalu", lambda: tables.banding_rpjmd_tahun_lalu(ds))
        md(narrative.compared_with_last_year(ds))
    else:
        skipped(ds, "banding_tahun_lalu")
    section(ds, out, "banding_rpjmd", lambda: tables.banding_rpjmd(ds), intro=escape(tables.rpjmd_note(ds)))
    if not present(ds, "tren"):
        skipped(ds, "tren")
        return
    section(ds, out, "tren", lambda: tables.tren(ds))
    section(
        ds,
        out,
        "grafik_tren",
        lambda: charts.trend_per_indikator(kinerja.trend(ds)),
        level=3,
        intro="Setiap panel satu indikator; garis merah adalah target (capaian 100%). Indikator yang turun di "
        "bawah garis pada tahun terakhir perlu penjelasan.",
    )
    section(
        ds,
        out,
        "grafik_tren_rata_rata",
        lambda: charts.yearly_average(kinerja.yearly_average(ds)),
        level=3,
        intro="Rata-rata dihitung atas indikator yang punya nilai pada tahun itu "
        f"({escape(kinerja.average_method(ds))}), sehingga jumlah indikator (dalam kurung) "
        "ikut menentukan.",
    )


def bab3_kegiatan(ds: Dataset, out) -> None:
    """Kegiatan behind each sasaran, then the tables per sasaran program and sasaran kegiatan."""
    section(ds, out, "kegiatan_pendukung", lambda: tables.kegiatan_pendukung(ds))
    plan = sections.plan(ds)
    for key, item in list(plan.artifacts):
        if key == "iku_sasaran_program":
            section(ds, out, key, lambda i=item: tables.iku_sasaran_program(ds, i), item=item)
        elif key == "ikk_sasaran_kegiatan":
            section(ds, out, key, lambda i=item: tables.ikk_sasaran_kegiatan(ds, i), item=item)
    if present(ds, "ikk_lain"):
        section(ds, out, "ikk_lain", lambda: tables.ikk_lain(ds))


def bab3_penyebab(ds: Dataset, out) -> None:
    section(ds, out, "penyebab", lambda: tables.penyebab_dan_rencana(ds))


# --- Bab III: anggaran, efisiensi; Bab IV -------------------------------------------------------


def bab3_anggaran(ds: Dataset, out) -> None:
    section(ds, out, "belanja_jenis", lambda: tables.belanja_jenis(ds))
    section(ds, out, "anggaran", lambda: tables.anggaran(ds))
    md(narrative.anggaran_summary(ds))
    section(
        ds,
        out,
        "grafik_serapan_program",
        lambda: charts.anggaran_bars(
            anggaran_tree(ds).query("level == 'program'"),
            "uraian",
            "pagu_rp",
            sections.plan(ds).get("grafik_serapan_program").title,
        ),
        level=3,
    )


def bab3_efisiensi(ds: Dataset, out) -> None:
    made = section(
        ds,
        out,
        "efisiensi",
        lambda: tables.anggaran_vs_capaian(ds),
        intro="Serapan anggaran dibandingkan capaian kinerja, per program dan per kegiatan yang dikaitkan "
        "dengan sasaran atau indikator.",
    )
    if made is not None:
        section(ds, out, "grafik_efisiensi", lambda: charts.serapan_vs_capaian(made.frame), level=3)
        md(narrative.efficiency(ds))
    section(
        ds,
        out,
        "efisiensi_iku",
        lambda: tables.efisiensi_iku(ds),
        intro="Untuk IKU yang dikaitkan dengan kegiatan: capaian IKU dibandingkan serapan anggaran kegiatan "
        "pendukungnya.",
    )


def bab4(ds: Dataset, out) -> None:
    out.heading("Bab IV — Penutup", 1)  # a chapter of its own in the LKIP document
    md(narrative.penutup(ds))


# --- Audit, sensitivity --------------------------------------------------------------------


def audit(ds: Dataset, out, tolerance=None) -> None:
    quality = quality_findings(ds)
    if quality:  # what an evaluator will question in the indicators themselves
        out.heading("Kualitas indikator", 2)
        md(narrative.quality(quality))
    warnings = plausibility_warnings(ds)
    if warnings:  # loaded, but most likely slips: said here as lkip validate says them
        out.heading("Angka yang perlu diperiksa", 2)
        md(narrative.plausibility(warnings))
    if not present(ds, "audit"):
        # a draft: the report is not printed yet, which the summary says; otherwise the table was not filled
        md(narrative.audit_summary(ds, tolerance)) if ds.draft else skipped(ds, "audit")
        return
    md(
        "Sebuah angka dinyatakan berbeda bila selisihnya melebihi toleransi (bawaan: setengah satuan digit terakhir "
        "yang tercetak). Kolom *kemungkinan penyebab* menyebut penjelasan yang cocok dengan angka: pembagi yang salah, "
        "target baris lain, angka dipotong, salah ketik, atau nilai yang tersalin dari tempat lain."
    )
    md(narrative.audit_summary(ds, tolerance))
    section(ds, out, "audit", lambda: tables.audit_konsistensi(ds, tolerance), level=3)


def lke(ds: Dataset, out) -> None:
    """The report against the LKE criteria of Pelaporan Kinerja: score range, each criterion, what to do next."""
    md(narrative.lke(penilaian(ds)))
    section(ds, out, "lke", lambda: lke_table(ds), level=3)


def sensitivitas(ds: Dataset, out) -> None:
    made = section(
        ds,
        out,
        "sensitivitas",
        lambda: tables.sensitivitas_rata_rata(ds),
        intro="Rata-rata capaian bukan satu-satunya angka yang dapat dipertanggungjawabkan. Bila metode "
        "lain memberi gambaran yang sangat berbeda, pimpinan perlu tahu sebelum menyimpulkan.",
    )
    if made is None:
        return
    section(ds, out, "grafik_sensitivitas", lambda: charts.sensitivity_lines(made.frame), level=3)
    prev = ds.year - 1
    kontribusi = section(
        ds,
        out,
        "kontribusi",
        lambda: tables.kontribusi_rata_rata(ds, prev),
        level=3,
        intro="Sumbangan tiap indikator = (capaian − 100) ÷ jumlah indikator. Batang ke kanan "
        "mengangkat rata-rata di atas 100%, batang ke kiri menurunkannya.",
    )
    if kontribusi is not None:
        section(ds, out, "grafik_kontribusi", lambda: charts.contribution_bars(kontribusi.frame, prev), level=3)
    md(narrative.sensitivity(ds))


def indikator(ds: Dataset, out, indikator: str) -> None:
    """One indicator on one page: numbers, trend, supporting kegiatan, efficiency, causes, observations."""
    md(narrative.indikator_choices(ds))
    md(narrative.indikator_header(ds, indikator))
    out.heading("Target, realisasi dan capaian", 2)
    display(out.table(tables.indikator_fakta(ds, indikator)))
    trend = drilldown.trend(ds, indikator).dropna(subset=["capaian_pct"])
    if trend["year"].nunique() > 1:
        out.heading("Tren capaian", 2)
        md(
            "Garis merah adalah target (capaian 100%). Titik kosong: capaian yang hanya dilaporkan; titik penuh: "
            "dihitung dari target dan realisasi."
        )
        fig, data = charts.trend_per_indikator(drilldown.trend(ds, indikator))
        display(out.figure(f"indikator-{indikator}-tren", "Tren capaian", fig, data))
    else:
        md(
            "*Bagian ini tidak ditampilkan: hanya ada capaian satu tahun; isi target dan realisasi tahun-tahun "
            "sebelumnya untuk tren.*"
        )
    out.heading("Kegiatan pendukung, anggaran dan output", 2)
    if drilldown.supporting(ds, indikator).empty:
        md(
            "*Bagian ini tidak ditampilkan: isi kode_rekening di indikator.csv atau sasaran_kegiatan.csv untuk "
            "kegiatan yang mendukung indikator ini.*"
        )
    else:
        display(out.table(tables.indikator_kegiatan(ds, indikator)))
        md(narrative.indikator_efisiensi(ds, indikator))
    out.heading("Penyebab dan rencana menurut laporan", 2)
    if drilldown.stated_causes(ds, indikator).empty:
        md("*Bagian ini tidak ditampilkan: isi narasi.csv untuk penyebab dan rencana perbaikan indikator ini.*")
    else:
        display(out.table(tables.indikator_penyebab(ds, indikator)))
    out.heading("Apa yang ditunjukkan angka", 2)
    md("Pengamatan otomatis dari data — bahan diskusi, bukan kesimpulan akhir.")
    md(narrative.indikator_observations(ds, indikator))


PARTS = {
    "ikhtisar": ikhtisar,
    "bab1": bab1,
    "bab2": bab2,
    "bab3.capaian": bab3_capaian,
    "bab3.pembanding": bab3_pembanding,
    "bab3.kegiatan": bab3_kegiatan,
    "bab3.penyebab": bab3_penyebab,
    "bab3.anggaran": bab3_anggaran,
    "bab3.efisiensi": bab3_efisiensi,
    "bab4": bab4,
    "audit": audit,
    "sensitivitas": sensitivitas,
    "lke": lke,
    "indikator": indikator,
}


def render(ds: Dataset, out, part: str, **params) -> None:
    """Put one part of the report on the page (see :data:`PARTS`)."""
    if part not in PARTS:
        raise ValueError(f"bagian halaman tidak dikenal: {part!r}; pilihan: {', '.join(PARTS)}")
    PARTS[part](ds, out, **params)
