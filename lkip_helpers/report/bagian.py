"""The report's parts (bagian): each declared once, here, with everything the program knows of it.

Naming rule — one name per part. A part's key (``capaian``, ``efisiensi_iku``, ``grafik_tren``) is:

* its entry in :data:`BAGIAN` below (kind, chapter, default title, fixed artifact id, the data it needs);
* its key under ``bagian:`` in an agency's ``laporan.yml`` (:mod:`lkip_helpers.report.laporan_file`);
* the name of the function that makes it: ``tables.<key>`` for a table, ``charts.<key>`` for a chart.

Its printed label ("Tabel 3.1") and artifact id (``tabel-3.1``) are labels, not names: the agency
gives them in ``laporan.yml``, else the part is numbered per chapter (:func:`sections.plan`); a part
outside the chapters has the fixed id declared here. A page (``notebooks/NN_<halaman>.ipynb``, shown
by ``laporan.render(ds, out, "<halaman>")``) puts several parts on the page, in the order of
:data:`BAGIAN`, which is the report's order. Domain words are Indonesian, one word per concept
(``tests/test_naming.py`` lists the pairs it refuses).

``perlu`` says, in one line for the reader, which table would fill a part the data cannot show
('' when they can); the generic gates (no measured IKU yet, no budget) are ``mengukur``/``anggaran``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.kegiatan import efisiensi_frame, efisiensi_per_iku, ikk_frame, sasaran_links
from lkip_helpers.data.loading import Dataset

NOT_APPLICABLE = "tidak berlaku"  # a part that does not apply to this agency: left out without a line


@dataclass(frozen=True)
class Bagian:
    """One part of the report: a numbered table/figure of a chapter, or an unnumbered artifact (``fixed`` id)."""

    key: str
    kind: str  # "tabel" | "gambar"
    chapter: int | None  # chapter for the default numbering; None = unnumbered
    title: str  # default title (placeholders of laporan_file.PLACEHOLDERS; {nomor}: the sasaran's number)
    fixed: str | None = None  # artifact id of an unnumbered part
    per_item: str | None = None  # one artifact per sasaran of this level ("program" | "kegiatan")
    mengukur: bool = False  # shows the year's IKU against their PK targets (a new draft has none)
    anggaran: bool = False  # drawn from anggaran.csv (left out silently while it is empty or unavailable)
    perlu: Callable[[Dataset, str | None, str], str] | None = None  # (ds, item, artifact id) -> why not shown


# --- what the parts need, in words -----------------------------------------------------------


def _isi(table: str, what: str) -> str:
    return f"isi {table}.csv untuk {what}"


def _doc(ds: Dataset, document: str, part: str | None = None) -> bool:
    """Whether dokumen_perencanaan.csv holds rows of ``document`` (and ``part``)."""
    if not ds.has("dokumen_perencanaan"):
        return False
    d = ds.dokumen_perencanaan[ds.dokumen_perencanaan["document"] == document]
    return not (d if part is None else d[d["part"] == part]).empty


def _year_values(ds: Dataset, year: int) -> bool:
    t = kinerja.tren(ds)
    return bool(t[(t["year"] == year)]["capaian_pct"].notna().any())


def _years_with_values(ds: Dataset) -> list[int]:
    """The years with at least one capaian."""
    t = kinerja.tren(ds).dropna(subset=["capaian_pct"])
    return sorted(t["year"].unique())


def not_available_reason(ds: Dataset, figure_id: str) -> str:
    """The dataset's statement of why a figure's data are missing ('' when it makes none)."""
    for gap in ds.meta.get("not_available") or []:
        if isinstance(gap, dict) and gap.get("id") == figure_id:
            return str(gap.get("reason", ""))
    return ""


def _struktur(ds, item, art_id):
    if not ds.has("unit_organisasi") or not ds.unit_organisasi["in_struktur"].any():
        return _isi("unit_organisasi", "struktur organisasi")
    return ""


def _komposisi_jabatan(ds, item, art_id):
    if not ds.has("pegawai_total"):
        return _isi("pegawai_total", "jumlah pegawai") + " (dan pegawai.csv untuk rinciannya)"
    return ""


def _komposisi_pendidikan(ds, item, art_id):
    if not (not_available_reason(ds, art_id) or not_available_reason(ds, "komposisi_pendidikan")):
        return "belum ada data komposisi pegawai menurut pendidikan"
    return ""


def _penempatan_kontrak(ds, item, art_id):
    p = ds.pegawai if ds.has("pegawai") else None
    if p is None or p[p["status"] == "tenaga_kontrak"]["jumlah"].sum() <= 0:
        return NOT_APPLICABLE  # no contract staff in the data: nothing to say (the pegawai part says what is given)
    if not ds.has("unit_organisasi"):
        return _isi("unit_organisasi", "penempatan tenaga kontrak per unit")
    return ""


def _wilayah(ds, item, art_id):
    return "" if ds.has("wilayah") else _isi("wilayah", "rekapitulasi wilayah kerja")


def _renstra_outcome(ds, item, art_id):
    if not _doc(ds, "renstra", "outcome") and kinerja.measured(ds).empty:
        return _isi("dokumen_perencanaan", "indikator kinerja Renstra")
    return ""


def _renstra_output(ds, item, art_id):
    if not _doc(ds, "renstra", "output"):
        return _isi("dokumen_perencanaan", "indikator output Renstra (document = renstra, part = output)")
    return ""


def _pk(ds, item, art_id):
    if not _doc(ds, "pk_awal") and kinerja.measured(ds).empty:
        return _isi("target", f"target Perjanjian Kinerja {ds.year} (basis pk)")
    return ""


def _pk_perubahan(ds, item, art_id):
    if not _doc(ds, "pk_perubahan"):
        return _isi("dokumen_perencanaan", "PK Perubahan (document = pk_perubahan), bila PK diubah")
    return ""


def _perubahan_pk(ds, item, art_id):
    if not (_doc(ds, "pk_awal") and _doc(ds, "pk_perubahan")):
        return _isi("dokumen_perencanaan", "membandingkan PK awal dengan PK Perubahan")
    if kinerja.pk_changes(ds).empty:
        return "tidak ada perubahan antara PK awal dan PK Perubahan"
    return ""


def _tahun_lalu_missing(ds: Dataset) -> str:
    y = ds.year
    return (
        f"tidak ada capaian tahun {y - 1}; isi target (basis rpjmd) dan realisasi {y - 1} di target.csv "
        "dan realisasi.csv untuk membandingkan dengan tahun lalu"
    )


def _banding_tahun_lalu(ds, item, art_id):
    known = kinerja.measured(ds, ds.year - 1, basis="rpjmd")["capaian_pct"].notna().any()
    return "" if known else _tahun_lalu_missing(ds)


def _kontribusi(ds, item, art_id):
    return "" if _year_values(ds, ds.year - 1) else _tahun_lalu_missing(ds)


def _banding_rpjmd(ds, item, art_id):
    if kinerja.measured(ds, ds.year, basis="rpjmd").empty and kinerja.final_rpjmd_year(ds) is None:
        return _isi("target", f"target RPJMD (basis rpjmd) tahun {ds.year} atau tahun akhir RPJMD")
    return ""


def _tren(ds, item, art_id):
    if len(_years_with_values(ds)) < 2:
        return (
            "hanya ada capaian satu tahun; isi target dan realisasi tahun-tahun sebelumnya (atau "
            "capaian_historis.csv) untuk tren capaian"
        )
    return ""


def _kegiatan_pendukung(ds, item, art_id):
    if sasaran_links(ds, programs=False).empty:
        return _isi("sasaran_kegiatan", "kegiatan yang mendukung tiap sasaran")
    return ""


def _iku_sasaran_program(ds, item, art_id):
    if kinerja.program_iku(ds, item, ()).empty:
        return f"tidak ada IKU terukur untuk sasaran program {item}"
    return ""


def _ikk_sasaran_kegiatan(ds, item, art_id):
    if ikk_frame(ds, item).empty:
        return f"isi indikator.csv (kind = ikk) untuk indikator kinerja sasaran kegiatan {item}"
    return ""


def _ikk_lain(ds, item, art_id):
    levels = ds.sasaran.set_index("sasaran_id")["level"]
    f = ikk_frame(ds)
    if f[f["sasaran_id"].map(levels) != "kegiatan"].empty:
        return _isi("indikator", "indikator kinerja kegiatan (kind = ikk)")
    return ""


def _penyebab(ds, item, art_id):
    return "" if ds.has("narasi") else _isi("narasi", "penyebab keberhasilan/kegagalan dan rencana perbaikan")


def _belanja_jenis(ds, item, art_id):
    return "" if ds.has("belanja_jenis") else _isi("belanja_jenis", "anggaran menurut jenis belanja")


def _grafik_serapan_program(ds, item, art_id):
    if not (ds.anggaran["level"] == "program").any():
        return "anggaran.csv tidak memuat baris tingkat program (level = program) untuk grafik serapan per program"
    return ""


def _efisiensi(ds, item, art_id):
    if kinerja.measured(ds).empty:  # a new agency's draft: no indicator to measure yet
        return _isi("target", "target indikator kinerja tahun ini")
    if efisiensi_frame(ds).empty:
        return (
            "tidak ada kegiatan yang dikaitkan dengan sasaran atau indikator; isi sasaran_kegiatan.csv "
            "atau kolom kode_rekening di indikator.csv untuk menilai efisiensi"
        )
    return ""


def _efisiensi_iku(ds, item, art_id):
    if efisiensi_per_iku(ds).empty:
        return (
            "tidak ada kegiatan yang dikaitkan dengan IKU; isi kode_rekening di indikator.csv atau "
            "sasaran_kegiatan.csv untuk efisiensi per IKU"
        )
    return ""


def _audit(ds, item, art_id):
    return "" if ds.has("nilai_tercetak") else _isi("nilai_tercetak", "audit angka tercetak laporan")


def _sensitivitas(ds, item, art_id):
    if not _year_values(ds, ds.year) and not _years_with_values(ds):
        return f"belum ada capaian yang terukur (realisasi {ds.year} {ds.missing_text})"
    return ""


# --- the parts, in the report's order -----------------------------------------------------------

_T, _G = "tabel", "gambar"

_DECLARED = [
    # Ringkasan eksekutif
    Bagian(
        "ringkasan",
        _T,
        None,
        "Capaian Kinerja per Sasaran Strategis Tahun {tahun}",
        "ringkasan-eksekutif",
        mengukur=True,
    ),  # fmt: skip
    Bagian("grafik_capaian", _G, None, "Capaian per indikator {tahun}", "grafik-capaian-indikator", mengukur=True),
    # Bab I
    Bagian("struktur_organisasi", _G, 1, "Struktur Organisasi", perlu=_struktur),
    Bagian("komposisi_jabatan", _G, 1, "Komposisi Pegawai Berdasarkan Jabatan", perlu=_komposisi_jabatan),
    Bagian(
        "komposisi_pendidikan", _G, 1, "Komposisi Pegawai Berdasarkan Strata Pendidikan", perlu=_komposisi_pendidikan
    ),  # fmt: skip
    Bagian(
        "penempatan_kontrak",
        _G,
        None,
        "Penempatan tenaga kontrak",
        "grafik-penempatan-kontrak",
        perlu=_penempatan_kontrak,
    ),  # fmt: skip
    Bagian("wilayah", _T, 1, "Rekapitulasi Wilayah Kerja Tahun {tahun}", perlu=_wilayah),
    Bagian(
        "grafik_wilayah", _G, None, "Desa dan kelurahan per kabupaten/kota", "grafik-desa-kelurahan", perlu=_wilayah
    ),  # fmt: skip
    # Bab II
    Bagian("renstra_outcome", _T, 2, "Indikator Kinerja Utama (Outcome) dalam Renstra", perlu=_renstra_outcome),
    Bagian("renstra_output", _T, 2, "Indikator Kinerja Kegiatan (Output) dalam Renstra", perlu=_renstra_output),
    Bagian("pk", _T, 2, "Perjanjian Kinerja Tahun {tahun}", perlu=_pk),
    Bagian("pk_perubahan", _T, 2, "Perjanjian Kinerja Tahun {tahun} Perubahan", perlu=_pk_perubahan),
    Bagian(
        "perubahan_pk",
        _T,
        None,
        "Perubahan Perjanjian Kinerja {tahun}: PK Awal dan PK Perubahan",
        "perubahan-pk",
        perlu=_perubahan_pk,
    ),  # fmt: skip
    # Bab III: capaian, compared
    Bagian("capaian", _T, 3, "Capaian Kinerja terhadap Target Perjanjian Kinerja Tahun {tahun}", mengukur=True),
    Bagian(
        "banding_tahun_lalu",
        _T,
        3,
        "Persentase Capaian Kinerja Tahun {tahun} Dibandingkan Tahun {tahun_lalu}",
        perlu=_banding_tahun_lalu,
    ),  # fmt: skip
    Bagian(
        "banding_rpjmd_tahun_lalu",
        _T,
        3,
        "Persentase Capaian Kinerja Tahun {tahun_lalu} dan {tahun} Dibandingkan Target RPJMD",
        perlu=_banding_tahun_lalu,
    ),  # fmt: skip
    Bagian(
        "banding_rpjmd",
        _T,
        3,
        "Capaian Kinerja Tahun {tahun} Dibandingkan Target Jangka Menengah (RPJMD)",
        perlu=_banding_rpjmd,
    ),  # fmt: skip
    Bagian(
        "tren", _T, 3, "Perbandingan Capaian Kinerja Tahun {tahun_pertama}–{tahun} dengan Target RPJMD", perlu=_tren
    ),  # fmt: skip
    Bagian(
        "grafik_tren",
        _G,
        None,
        "Tren capaian per indikator terhadap target RPJMD",
        "grafik-tren-indikator",
        perlu=_tren,
    ),  # fmt: skip
    Bagian("grafik_tren_rata_rata", _G, None, "Rata-rata capaian per tahun", "grafik-tren-rata-rata", perlu=_tren),
    # Bab III: kegiatan, sasaran program and kegiatan, causes
    Bagian(
        "kegiatan_pendukung",
        _T,
        3,
        "Kegiatan yang Mendukung Keberhasilan/Kegagalan Sasaran",
        anggaran=True,
        perlu=_kegiatan_pendukung,
    ),  # fmt: skip
    Bagian(
        "iku_sasaran_program",
        _T,
        3,
        "Target, Realisasi dan Capaian IKU Sasaran Program {nomor}",
        per_item="program",
        perlu=_iku_sasaran_program,
    ),  # fmt: skip
    Bagian(
        "ikk_sasaran_kegiatan",
        _T,
        3,
        "Capaian Sasaran Kegiatan {nomor}",
        per_item="kegiatan",
        perlu=_ikk_sasaran_kegiatan,
    ),  # fmt: skip
    Bagian("ikk_lain", _T, 3, "Capaian Indikator Kinerja Kegiatan", perlu=_ikk_lain),
    Bagian(
        "penyebab",
        _T,
        None,
        "Penyebab Keberhasilan/Kegagalan, Solusi dan Rencana Perbaikan",
        "penyebab-dan-rencana",
        perlu=_penyebab,
    ),  # fmt: skip
    # Bab III: anggaran, efisiensi
    Bagian(
        "belanja_jenis",
        _T,
        3,
        "Rincian Anggaran dan Realisasi menurut Jenis Belanja Tahun {tahun}",
        perlu=_belanja_jenis,
    ),  # fmt: skip
    Bagian(
        "anggaran", _T, 3, "Rincian Anggaran dan Realisasi per Program dan Kegiatan Tahun {tahun}", anggaran=True
    ),  # fmt: skip
    Bagian(
        "grafik_serapan_program",
        _G,
        None,
        "Pagu dan realisasi per program",
        "grafik-serapan-program",
        anggaran=True,
        perlu=_grafik_serapan_program,
    ),  # fmt: skip
    Bagian(
        "efisiensi",
        _T,
        None,
        "Serapan Anggaran dan Capaian Kinerja per Program dan Kegiatan",
        "anggaran-vs-capaian",
        anggaran=True,
        perlu=_efisiensi,
    ),  # fmt: skip
    Bagian(
        "grafik_efisiensi",
        _G,
        None,
        "Anggaran vs capaian per program dan kegiatan",
        "grafik-anggaran-vs-capaian",
        anggaran=True,
        perlu=_efisiensi,
    ),  # fmt: skip
    Bagian(
        "efisiensi_iku",
        _T,
        None,
        "Efisiensi per Indikator Kinerja Utama",
        "efisiensi-iku",
        anggaran=True,
        perlu=_efisiensi_iku,
    ),  # fmt: skip
    # Audit, LKE, sensitivitas
    Bagian(
        "audit",
        _T,
        None,
        "Audit Konsistensi: Angka Tercetak yang Berbeda dari Hasil Hitung Ulang",
        "audit-konsistensi",
        perlu=_audit,
    ),  # fmt: skip
    Bagian("lke", _T, None, "Kesiapan Laporan menurut Kriteria LKE Pelaporan Kinerja", "kesiapan-lke"),
    Bagian(
        "sensitivitas",
        _T,
        None,
        "Rata-rata Capaian per Tahun menurut Metode Perata-rataan",
        "sensitivitas-rata-rata",
        perlu=_sensitivitas,
    ),  # fmt: skip
    Bagian(
        "grafik_sensitivitas",
        _G,
        None,
        "Rata-rata capaian menurut metode",
        "grafik-sensitivitas-rata-rata",
        perlu=_sensitivitas,
    ),  # fmt: skip
    Bagian(
        "kontribusi",
        _T,
        None,
        "Sumbangan Tiap Indikator terhadap Rata-rata {tahun_lalu}",
        "kontribusi-rata-rata-{tahun_lalu}",
        perlu=_kontribusi,
    ),  # fmt: skip
    Bagian(
        "grafik_kontribusi",
        _G,
        None,
        "Sumbangan indikator terhadap rata-rata {tahun_lalu}",
        "grafik-kontribusi-{tahun_lalu}",
        perlu=_kontribusi,
    ),  # fmt: skip
]
BAGIAN: dict[str, Bagian] = {b.key: b for b in _DECLARED}
