"""The verification note: what the team and the Inspektorat check before the LKIP is signed.

Kept apart from the LKIP on purpose: it speaks of data tables, files and checks, which
the document a Kepala Dinas signs must not. Parts: what the LKIP still lacks (the places
to fill), values that load but look like slips, the consistency audit of printed figures,
and how the headline average depends on the averaging method.
"""

from __future__ import annotations

from lkip_helpers.analysis.kualitas import quality_findings
from lkip_helpers.analysis.plausibility import plausibility_warnings
from lkip_helpers.data import completeness
from lkip_helpers.data.loading import Dataset
from lkip_helpers.report import lke, narrative, sections, tables
from lkip_helpers.report.dokumen.compose import Composer
from lkip_helpers.report.dokumen.model import Contents, Document, PageBreak, Paragraph, Run, clean
from lkip_helpers.report.text import escape


def verification(ds: Dataset, gaps: list[str] | None = None) -> Document:
    """The verification note of ``ds``: gaps (what the LKIP lacks, :attr:`Composer.gaps`; found here when not
    given), plausibility, audit, averaging methods, readiness against the LKE criteria."""
    if gaps is None:
        lkip = Composer(ds, charts=False)
        lkip.compose()
        gaps = lkip.gaps
    c = Composer(ds, charts=False)
    c.numbering("")
    d = ds.meta["dataset"]
    c.blocks += [
        Paragraph([Run("CATATAN VERIFIKASI", bold=True)], "cover", "center"),
        Paragraph([Run(clean(f"LKIP {d.get('agency', '')} Tahun {ds.year}"), bold=True)], "cover-sub", "center"),
        Paragraph(
            [Run("Dokumen internal untuk tim penyusun dan Inspektorat; bukan bagian dari LKIP yang ditandatangani.")],
            align="center",
        ),
        PageBreak(),
        Contents("isi"),
        PageBreak(),
    ]
    c.numbering("1")
    c.heading("1. Kelengkapan LKIP", 1)
    if ds.draft:
        c.text(f"Dataset ini masih draf: {completeness.summary(ds)}.")
    missing = list(dict.fromkeys(gaps))
    if missing:
        c.text(
            f"LKIP masih memerlukan {len(missing)} isian"
            + (" (ditandai [diisi: …] dalam draf)" if ds.draft else " (bagian ini tidak dicetak dalam LKIP final)")
            + ":\n\n"
            + "\n".join(f"- {escape(g)}" for g in missing)
        )
    else:
        c.text("Semua bagian LKIP terisi dari data.")
    c.blocks.append(PageBreak())
    c.numbering("2")
    c.heading("2. Angka dan indikator yang perlu diperiksa", 1)
    warnings = plausibility_warnings(ds)
    c.text(narrative.plausibility(warnings) if warnings else "Tidak ada nilai yang tampak sebagai salah ketik.")
    quality = quality_findings(ds)
    c.text(narrative.quality(quality) if quality else "Tidak ada temuan kualitas indikator.")
    c.blocks.append(PageBreak())
    c.numbering("3")
    c.heading("3. Konsistensi angka tercetak", 1)
    c.text(narrative.audit_summary(ds))
    if sections.plan(ds).get("audit") is not None:
        c.table(tables.audit(ds))
    c.blocks.append(PageBreak())
    c.numbering("4")
    c.heading("4. Metode rata-rata capaian", 1)
    if sections.plan(ds).get("sensitivitas") is not None:
        c.text(narrative.sensitivitas(ds))
        c.table(tables.sensitivitas(ds))
    else:
        c.text("Perbandingan metode rata-rata belum dapat dibuat: belum ada capaian yang terukur.")
    c.blocks.append(PageBreak())
    c.numbering("5")
    c.heading("5. Kesiapan LKE Pelaporan Kinerja", 1)
    c.text(narrative.lke(lke.penilaian(ds, gaps)))
    c.table(lke.table(ds))
    marks = (["DRAF"] if ds.draft else []) + (["DATA SINTETIS"] if ds.synthetic else [])
    return Document(
        c.blocks,
        title=f"Catatan Verifikasi LKIP {d.get('agency', '')} Tahun {ds.year}",
        footer=f"Catatan verifikasi LKIP {d.get('agency_short') or d.get('agency', '')} {ds.year}",
        author=str(d.get("agency", "")),
        draft=ds.draft,
        marks=["INTERNAL", *marks],
    )
