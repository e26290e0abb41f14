"""The chapters of the report put on a page: headings, tables, figures and sentences, section by section.

Notebooks call ``render(ds, out, "bab3.capaian")``. A section whose data are absent is
left out with one line saying which table would fill it (see :mod:`lkip_helpers.report.sections`);
nothing is registered for it. ``render`` returns what it showed (:class:`Shown`), so the
next cell can filter, re-plot or export it.
"""

from __future__ import annotations

import inspect
import textwrap
import warnings

import pandas as pd
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

__all__ = [
    "PARTS",
    "Shown",
    "audit",
    "bab1",
    "bab2",
    "bab3_anggaran",
    "bab3_capaian",
    "bab3_efisiensi",
    "bab3_kegiatan",
    "bab3_pembanding",
    "bab3_penyebab",
    "bab4",
    "ringkasan",
    "indikator",
    "lke",
    "present",
    "render",
    "section",
    "sensitivitas",
    "show_figure",
    "show_table",
    "skipped",
]


class Shown(dict):
    """What one part of the report showed, by artifact id, in the order shown.

    A table's value is its :class:`~lkip_helpers.report.report_table.ReportTable` (``.frame``: the
    rows as a DataFrame; ``.title``, ``.source``, ``.notes``; ``.styler()``: as shown); a figure's
    value is the DataFrame it was drawn from. Ids are those of the page and of ``manifest.json``
    (``tabel-3.1``, ``gambar-3.1``, ``indikator-<id>-kegiatan`` …); ``titles`` maps them to their titles.
    A section left out for lack of data is absent.

    >>> s = Shown("contoh")
    >>> s.add("gambar-1.1", "Capaian", pd.DataFrame({"capaian_pct": [90.0]}))
    >>> list(s), s.titles["gambar-1.1"], s.frames()["gambar-1.1"]["capaian_pct"].tolist()
    (['gambar-1.1'], 'Capaian', [90.0])
    """

    def __init__(self, part: str):
        super().__init__()
        self.part = part
        self.titles: dict[str, str] = {}

    def add(self, id: str, title: str, value: tables.ReportTable | pd.DataFrame) -> None:
        """Record one table (its ReportTable) or figure (its data) under its artifact id."""
        self[id] = value
        self.titles[id] = title

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table and figure as a DataFrame (a table's ``.frame``), by artifact id: ready to filter or export."""
        return {k: v.frame if isinstance(v, tables.ReportTable) else v for k, v in self.items()}

    def __repr__(self) -> str:  # what a cell shows for it: ids to pick from, not a wall of frames
        if not self:
            return f"render({self.part!r}): tidak ada tabel atau grafik yang ditampilkan"
        width = max(map(len, self))
        lines = [f"render({self.part!r}): {len(self)} tabel/grafik; ambil satu dengan ['<id>'], semua dengan .frames()"]
        for k, v in self.items():
            kind = "tabel " if isinstance(v, tables.ReportTable) else "grafik"
            lines.append(f"  {k:<{width}}  {kind}  {self.titles[k]}")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's plain text: the same listing, not dict's pretty-print
        p.text(repr(self))


_SHOWING: list[Shown] = []  # the Shown of the render call in progress (innermost last)


def _record(id: str, title: str, value) -> None:
    if _SHOWING:
        _SHOWING[-1].add(id, title, value)


def show_table(out, table: tables.ReportTable) -> tables.ReportTable:
    """Write ``table`` (CSV, XLSX, registry), show it, and record it in what ``render`` returns."""
    display(out.table(table))
    _record(table.id, table.title, table)
    return table


def show_figure(out, id: str, title: str, made: tuple, notes: str = "") -> pd.DataFrame:
    """Write the figure of ``made = (figure, data)``, show it, and record its data in what ``render`` returns."""
    fig, data = made
    display(out.figure(id, title, fig, data, notes=notes))
    _record(id, title, data)
    return data


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
        return show_table(out, made)
    return show_figure(out, art.id, art.title, made, notes=notes)


def present(ds: Dataset, key: str, item: str | None = None) -> bool:
    """True when this dataset's report has section ``key`` (for ``item``): its data are there."""
    return sections.plan(ds).get(key, item) is not None


# --- Ikhtisar eksekutif ------------------------------------------------------------------


def ringkasan(ds: Dataset, out) -> None:
    """Ikhtisar eksekutif: capaian per sasaran and overall, the capaian chart, indicators below target."""
    section(
        ds,
        out,
        "ringkasan",
        lambda: tables.ringkasan(ds),
        intro="Rata-rata capaian tiap sasaran dan keseluruhan. Sasaran dengan rata-rata di bawah 100% belum "
        "mencapai target Perjanjian Kinerja; kategori mengikuti skala yang ditetapkan dalam metadata "
        f"dataset ({escape(narrative.scale_text(ds))}).",
    )
    md(narrative.ringkasan(ds))
    section(
        ds,
        out,
        "grafik_capaian",
        lambda: charts.grafik_capaian(kinerja.measured(ds), kinerja.policy(ds).scale),
        intro="Batang di kiri garis 100% adalah indikator yang belum mencapai target; warna menunjukkan "
        "kategori capaian.",
    )
    md(narrative.below_target(ds))


# --- Bab I -------------------------------------------------------------------------------


def bab1(ds: Dataset, out) -> None:
    """Bab I: organisation chart, staff composition and placement, region (kabupaten, desa)."""
    md(narrative.region(ds))
    section(
        ds,
        out,
        "struktur_organisasi",
        lambda: charts.struktur_organisasi(ds.unit_organisasi),
        intro="Digambar dari tabel unit organisasi (unit_organisasi.csv).",
        notes="Digambar dari unit_organisasi.csv",
    )
    pegawai = sections.plan(ds).get("komposisi_jabatan")
    section(
        ds,
        out,
        "komposisi_jabatan",
        lambda: charts.komposisi_jabatan(ds.pegawai_total, ds.pegawai),
        intro=narrative.pegawai(ds) if pegawai else "",
        notes=sections.not_available_reason(ds, pegawai.id) if pegawai else "",
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
            ds, out, "penempatan_kontrak", lambda: charts.penempatan_kontrak(ds.pegawai, ds.unit_organisasi), level=3
        )
    section(
        ds,
        out,
        "wilayah",
        lambda: tables.wilayah(ds),
        intro="Jumlah kecamatan, desa dan kelurahan per kabupaten/kota.",
    )
    if present(ds, "wilayah"):
        md(narrative.wilayah(ds))
        section(ds, out, "grafik_wilayah", lambda: charts.grafik_wilayah(ds.wilayah), level=3)


# --- Bab II ------------------------------------------------------------------------------


def bab2(ds: Dataset, out) -> None:
    """Bab II: Renstra (outcome, output), Perjanjian Kinerja and its amendment (PK Perubahan)."""
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
    """Bab III: the capaian table (target, realisasi, capaian per indicator) and those below target."""
    section(ds, out, "capaian", lambda: tables.capaian(ds))
    md(narrative.below_target(ds))


def bab3_pembanding(ds: Dataset, out) -> None:
    """Bab III: against last year, the medium-term target (RPJMD), and the years before (trend tables and charts)."""
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
        lambda: charts.grafik_tren(kinerja.tren(ds)),
        level=3,
        intro="Setiap panel satu indikator; garis merah adalah target (capaian 100%). Indikator yang turun di "
        "bawah garis pada tahun terakhir perlu penjelasan.",
    )
    section(
        ds,
        out,
        "grafik_tren_rata_rata",
        lambda: charts.grafik_tren_rata_rata(kinerja.yearly_average(ds)),
        level=3,
        intro="Rata-rata dihitung atas indikator yang punya nilai pada tahun itu "
        f"({escape(kinerja.average_method(ds))}), sehingga jumlah indikator (dalam kurung) "
        "ikut menentukan.",
    )


def bab3_kegiatan(ds: Dataset, out) -> None:
    """Bab III: kegiatan behind each sasaran, then the tables per sasaran program and sasaran kegiatan."""
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
    """Bab III: causes, solutions and plans as the agency stated them (narasi.csv)."""
    section(ds, out, "penyebab", lambda: tables.penyebab(ds))


# --- Bab III: anggaran, efisiensi; Bab IV -------------------------------------------------------


def bab3_anggaran(ds: Dataset, out) -> None:
    """Bab III: budget by type of spending and per program/kegiatan, and serapan per program (chart)."""
    section(ds, out, "belanja_jenis", lambda: tables.belanja_jenis(ds))
    section(ds, out, "anggaran", lambda: tables.anggaran(ds))
    md(narrative.anggaran_summary(ds))
    section(
        ds,
        out,
        "grafik_serapan_program",
        lambda: charts.grafik_serapan_program(
            anggaran_tree(ds).query("level == 'program'"),
            "uraian",
            "pagu_rp",
            sections.plan(ds).get("grafik_serapan_program").title,
        ),
        level=3,
    )


def bab3_efisiensi(ds: Dataset, out) -> None:
    """Bab III: serapan against capaian per program and kegiatan, efficiency per IKU (tables and chart)."""
    made = section(
        ds,
        out,
        "efisiensi",
        lambda: tables.efisiensi(ds),
        intro="Serapan anggaran dibandingkan capaian kinerja, per program dan per kegiatan yang dikaitkan "
        "dengan sasaran atau indikator.",
    )
    if made is not None:
        section(ds, out, "grafik_efisiensi", lambda: charts.grafik_efisiensi(made.frame), level=3)
        md(narrative.efisiensi_kegiatan(ds))
    section(
        ds,
        out,
        "efisiensi_iku",
        lambda: tables.efisiensi_iku(ds),
        intro="Untuk IKU yang dikaitkan dengan kegiatan: capaian IKU dibandingkan serapan anggaran kegiatan "
        "pendukungnya.",
    )


def bab4(ds: Dataset, out) -> None:
    """Bab IV penutup: conclusions chosen by the numbers and the stated next steps (text only)."""
    out.heading("Bab IV — Penutup", 1)  # a chapter of its own in the LKIP document
    md(narrative.penutup(ds))


# --- Audit, sensitivity --------------------------------------------------------------------


def audit(ds: Dataset, out, tolerance: float | None = None) -> None:
    """Indicator quality, implausible numbers, and every printed number recomputed (``tolerance``: absolute,
    None = half a unit of the last printed digit)."""
    quality = quality_findings(ds)
    if quality:  # what an evaluator will question in the indicators themselves
        out.heading("Kualitas indikator", 2)
        md(narrative.quality(quality))
    slips = plausibility_warnings(ds)
    if slips:  # loaded, but most likely slips: said here as lkip validate says them
        out.heading("Angka yang perlu diperiksa", 2)
        md(narrative.plausibility(slips))
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
    section(ds, out, "audit", lambda: tables.audit(ds, tolerance), level=3)


def lke(ds: Dataset, out) -> None:
    """The report against the LKE criteria of Pelaporan Kinerja: score range, each criterion, what to do next."""
    md(narrative.lke(penilaian(ds)))
    section(ds, out, "lke", lambda: lke_table(ds), level=3)


def sensitivitas(ds: Dataset, out) -> None:
    """The average capaian under other averaging methods, and each indicator's contribution to it."""
    made = section(
        ds,
        out,
        "sensitivitas",
        lambda: tables.sensitivitas(ds),
        intro="Rata-rata capaian bukan satu-satunya angka yang dapat dipertanggungjawabkan. Bila metode "
        "lain memberi gambaran yang sangat berbeda, pimpinan perlu tahu sebelum menyimpulkan.",
    )
    if made is None:
        return
    section(ds, out, "grafik_sensitivitas", lambda: charts.grafik_sensitivitas(made.frame), level=3)
    prev = ds.year - 1
    kontribusi = section(
        ds,
        out,
        "kontribusi",
        lambda: tables.kontribusi(ds, prev),
        level=3,
        intro="Sumbangan tiap indikator = (capaian − 100) ÷ jumlah indikator. Batang ke kanan "
        "mengangkat rata-rata di atas 100%, batang ke kiri menurunkannya.",
    )
    if kontribusi is not None:
        section(ds, out, "grafik_kontribusi", lambda: charts.grafik_kontribusi(kontribusi.frame, prev), level=3)
    md(narrative.sensitivitas(ds))


def indikator(ds: Dataset, out, indikator: str) -> None:
    """One indicator on one page (``indikator=<id>``): numbers, trend, supporting kegiatan and their budget,
    efficiency, causes, observations."""
    md(narrative.indikator_choices(ds))
    md(narrative.indikator_header(ds, indikator))
    out.heading("Target, realisasi dan capaian", 2)
    show_table(out, tables.indikator_fakta(ds, indikator))
    tren = drilldown.tren(ds, indikator).dropna(subset=["capaian_pct"])
    if tren["year"].nunique() > 1:
        out.heading("Tren capaian", 2)
        md(
            "Garis merah adalah target (capaian 100%). Titik kosong: capaian yang hanya dilaporkan; titik penuh: "
            "dihitung dari target dan realisasi."
        )
        made = charts.grafik_tren(drilldown.tren(ds, indikator))
        show_figure(out, f"indikator-{indikator}-tren", "Tren capaian", made)
    else:
        md(
            "*Bagian ini tidak ditampilkan: hanya ada capaian satu tahun; isi target dan realisasi tahun-tahun "
            "sebelumnya untuk tren.*"
        )
    out.heading("Kegiatan pendukung, anggaran dan output", 2)
    if drilldown.supporting(ds, indikator).empty:
        md(f"*Bagian ini tidak ditampilkan: {escape(sections.supporting_missing(ds))}.*")
    else:
        show_table(out, tables.indikator_kegiatan(ds, indikator))
        md(narrative.indikator_efisiensi(ds, indikator))
    out.heading("Penyebab dan rencana menurut laporan", 2)
    if drilldown.stated_causes(ds, indikator).empty:
        md("*Bagian ini tidak ditampilkan: isi narasi.csv untuk penyebab dan rencana perbaikan indikator ini.*")
    else:
        show_table(out, tables.indikator_penyebab(ds, indikator))
    out.heading("Apa yang ditunjukkan angka", 2)
    md("Pengamatan otomatis dari data — bahan diskusi, bukan kesimpulan akhir.")
    md(narrative.indikator_observations(ds, indikator))


PARTS = {
    "ringkasan": ringkasan,
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


OLD_PARTS = {"ikhtisar": "ringkasan"}  # old part name -> its name now


def render(ds: Dataset, out, part: str, **params) -> Shown:
    """Put one part of the report on the page and return what it showed.

    Args:
        ds: the dataset, from :func:`lkip_helpers.notebook.setup` (or ``load_dataset``).
        out: where its tables and figures are written (the ``out`` of ``setup``).
        part: one of the parts listed below.
        **params: the part's own parameters: ``indikator=<id>`` for ``"indikator"``,
            ``tolerance=<number>`` for ``"audit"``.

    Returns:
        :class:`Shown`: a dict from artifact id (``tabel-3.1``, ``gambar-3.2`` …) to each table
        shown (its ``ReportTable``; ``.frame`` is the DataFrame) and each figure shown (the
        DataFrame it was drawn from); ``.frames()`` gives them all as DataFrames.

    Raises:
        ValueError: ``part`` is not one of the parts listed below.

    Example::

        ds, out = setup("pmd-ntt-2023", None, "jelajah")
        capaian = render(ds, out, "bab3.capaian")
        capaian.frames()

    Parts (:data:`PARTS`):
    """
    if part in OLD_PARTS:  # users' own notebooks written before the part was renamed
        warnings.warn(f"bagian {part!r} sekarang bernama {OLD_PARTS[part]!r}", FutureWarning, stacklevel=2)
        part = OLD_PARTS[part]
    if part not in PARTS:
        raise ValueError(f"bagian halaman tidak dikenal: {part!r}; pilihan: {', '.join(PARTS)}")
    shown = Shown(part)
    _SHOWING.append(shown)
    try:
        PARTS[part](ds, out, **params)
    finally:
        _SHOWING.remove(shown)
    return shown


def _parts_listing() -> str:
    """One line per part for ``help(render)``: its name and the first paragraph of its docstring."""

    def summary(fn) -> str:
        return " ".join(inspect.cleandoc(fn.__doc__ or "").split("\n\n")[0].split())

    return "\n".join(
        textwrap.fill(summary(fn), 104, initial_indent=f"    {name:<16}", subsequent_indent=" " * 20)
        for name, fn in PARTS.items()
    )


if render.__doc__:  # (python -OO drops docstrings)
    render.__doc__ += _parts_listing() + "\n"
