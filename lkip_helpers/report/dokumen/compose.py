"""The LKIP as an agency hands it in, composed from the loaded dataset (PermenPAN-RB 53/2014).

Sampul, Kata Pengantar, Ikhtisar Eksekutif, Daftar Isi/Tabel/Gambar, Bab I Pendahuluan,
Bab II Perencanaan Kinerja, Bab III Akuntabilitas Kinerja (A. capaian per sasaran and per
IKU, B. realisasi anggaran), Bab IV Penutup, Lampiran. Tables come from
:mod:`lkip_helpers.report.tables` and charts from :mod:`lkip_helpers.report.charts`, the
functions the notebooks call, so the document's numbers are the pages' and the CSVs'.

What the data do not hold is, in a draft, a highlighted ``[diisi: …]`` place worded for the
agency; in a final dataset a whole part without data is left out. Either way it is listed
in :attr:`Composer.gaps` (``lkip validate`` and the verification note show them). No id,
file name or column name reaches the document: internal checks go to :mod:`.verifikasi`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lkip_helpers.analysis import drilldown, kinerja
from lkip_helpers.analysis.anggaran import anggaran_tree, label
from lkip_helpers.analysis.drilldown import NARASI_CAUSE, NARASI_EFFORT, benchmarks, medium_term, stated, yearly_values
from lkip_helpers.analysis.kegiatan import TIE_KODE, iku_kegiatan
from lkip_helpers.analysis.ringkasan import angka_ringkasan
from lkip_helpers.data.loading import Dataset
from lkip_helpers.numbers import format_number, format_pct, format_rp
from lkip_helpers.paths import TEMPLATE_DOCX
from lkip_helpers.report import charts, narrative, sections, tables
from lkip_helpers.report.artifacts import PNG_DPI, tight_png
from lkip_helpers.report.dokumen.model import (
    BodyStart,
    Contents,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    clean,
    layout,
    markdown,
)
from lkip_helpers.report.kalimat import choose
from lkip_helpers.report.report_table import Column, ReportTable

# How the LKIP speaks of the agency, by the kind of government it belongs to (metadata: dataset.jenis_instansi).
WORDING = {
    "daerah": {"instansi": "perangkat daerah", "jangka_menengah": "RPJMD", "pemerintah": "pemerintah daerah"},
    "kementerian": {"instansi": "unit kerja", "jangka_menengah": "Renstra", "pemerintah": "kementerian"},
    "lembaga": {"instansi": "unit kerja", "jangka_menengah": "Renstra", "pemerintah": "lembaga"},
}
CHAPTERS = (
    ("ringkasan", "IKHTISAR EKSEKUTIF"),
    ("bab-1", "BAB I PENDAHULUAN"),
    ("bab-2", "BAB II PERENCANAAN KINERJA"),
    ("bab-3", "BAB III AKUNTABILITAS KINERJA"),
    ("bab-4", "BAB IV PENUTUP"),
    ("lampiran", "LAMPIRAN"),
)
SISTEMATIKA = [  # PermenPAN-RB 53/2014, the same for every agency
    "Ikhtisar Eksekutif menyajikan secara singkat sasaran yang ingin dicapai, capaian kinerja dan "
    "kendala yang dihadapi.",
    "Bab I Pendahuluan menjelaskan latar belakang, dasar hukum, tugas dan fungsi, struktur organisasi, "
    "sumber daya manusia dan isu strategis yang dihadapi.",
    "Bab II Perencanaan Kinerja menguraikan rencana strategis, indikator kinerja utama dan Perjanjian "
    "Kinerja tahun yang dilaporkan.",
    "Bab III Akuntabilitas Kinerja menyajikan capaian kinerja organisasi untuk setiap sasaran dan "
    "indikator, beserta analisisnya, serta realisasi anggaran.",
    "Bab IV Penutup memuat kesimpulan atas capaian kinerja dan langkah perbaikan ke depan.",
    "Lampiran memuat Perjanjian Kinerja dan dokumen pendukung lainnya.",
]
PROFIL_PARTS = {  # profil.bagian -> (what a draft asks for, shown as a list)
    "kata_pengantar": ("kata pengantar: maksud penyusunan LKIP, ringkasan capaian, ucapan terima kasih", False),
    "latar_belakang": ("latar belakang penyusunan laporan kinerja dan kedudukan instansi", False),
    "dasar_hukum": ("peraturan yang menjadi dasar hukum penyusunan laporan kinerja", True),
    "tugas_fungsi": ("tugas pokok dan fungsi instansi menurut peraturan pembentukannya", False),
    "struktur_organisasi": ("uraian struktur organisasi", False),
    "sdm": ("jumlah dan komposisi pegawai", False),
    "isu_strategis": ("isu strategis yang dihadapi instansi", True),
    "visi": ("visi", False),
    "misi": ("misi", True),
    "tujuan": ("tujuan jangka menengah", True),
    "rencana_tindak_lanjut": ("langkah perbaikan kinerja tahun berikutnya", True),
}
_CROSS_REF = re.compile(r"\s*\((?:Tabel|Gambar) [^)]*\)")


def wording(ds: Dataset) -> dict:
    """The words for this kind of agency; the medium-term plan as the dataset names it."""
    d = ds.meta["dataset"]
    words = dict(WORDING.get(d.get("jenis_instansi") or "daerah", WORDING["daerah"]))
    if d.get("rencana_jangka_menengah"):
        words["jangka_menengah"] = str(d["rencana_jangka_menengah"])
    return words


def _p(text: str, style: str = "body", bold: bool = False, align: str = "left") -> Paragraph:
    return Paragraph([Run(clean(text), bold=bold)], style, align)


def _labelled(lead: str, text: str) -> Paragraph:
    """A paragraph opening with a bold lead ("Dibandingkan target jangka menengah.")."""
    return Paragraph([Run(clean(lead), bold=True), Run(" " + clean(text))])


def _lines(values, missing: str) -> str:
    return missing if pd.isna(values) else format_number(values)


@dataclass
class Composer:
    """Builds the blocks of one dataset's LKIP; ``charts=False`` skips drawing (for listing the gaps)."""

    ds: Dataset
    charts: bool = True
    drawn: Path | None = None  # figures a build's notebooks drew (their PNGs are reused, not drawn again)
    blocks: list = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # what the document lacks, in the agency's words
    places: int = 0  # [diisi: …] places the document holds
    _chapter: str = "0"
    _count: dict = field(default_factory=dict)

    # --- building blocks ---------------------------------------------------------------

    def fill(self, what: str, lead: str = "") -> None:
        """A place the agency fills: highlighted in a draft, a plain statement in a final document."""
        self.gaps.append(what)
        if self.ds.draft:
            self.places += 1
            runs = ([Run(clean(lead) + " ", bold=True)] if lead else []) + [Run(f"[diisi: {clean(what)}]", italic=True)]
            self.blocks.append(Paragraph(runs, "placeholder"))

    def heading(self, text: str, level: int) -> None:
        self.blocks.append(Heading(clean(text), level))

    def text(self, markdown_text: str) -> None:
        self.blocks += markdown(markdown_text, base_level=3)

    def label(self, kind: str) -> str:
        n = self._count[(kind, self._chapter)] = self._count.get((kind, self._chapter), 0) + 1
        return f"{kind} {self._chapter}.{n}" if self._chapter else f"{kind} {n}"

    def table(self, rt: ReportTable, title: str | None = None) -> None:
        """A report table (the notebooks' own) with the document's running number."""
        shown = rt.display_frame()
        labels = [_CROSS_REF.sub("", c.label) for c in rt.columns]  # the document numbers its tables itself
        kinds = [c.kind for c in rt.columns]
        rows = [[clean(v) for v in row] for row in shown.itertuples(index=False)]
        widths, wide = layout(labels, kinds, rows)
        notes = [clean(n) for n in rt.notes if n]
        self.blocks.append(
            Table(
                self.label("Tabel"),
                clean(title or rt.title),
                labels,
                kinds,
                rows,
                set(rt.emphasis_rows),
                notes,
                "",
                widths,
                wide,
            )
        )

    def figure(self, key: str, made, title: str, notes: str = "") -> None:
        """The chart of report part ``key``: the PNG a notebook of this build drew from the same data
        (``drawn/<artifact id>.png``), else drawn here with the same chart function."""
        if not self.charts:
            return
        art = self.art(key)
        drawn = self.drawn / f"{art.id}.png" if self.drawn is not None and art is not None else None
        if drawn is not None and drawn.is_file():
            png = drawn.read_bytes()
        else:
            import matplotlib.pyplot as plt

            fig, _ = made()
            png = tight_png(fig)
            plt.close(fig)
        w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        self.blocks.append(Figure(self.label("Gambar"), clean(title), png, w / PNG_DPI, h / PNG_DPI, clean(notes)))

    def art(self, key: str, item: str | None = None):
        return sections.plan(self.ds).get(key, item)

    def profil(self, part: str, lead: str = "") -> bool:
        """The agency's own text for ``part`` (paragraphs or a list); a place to fill when it has none."""
        rows = self.ds.profil[self.ds.profil["bagian"] == part].sort_values("urutan") if self.ds.has("profil") else None
        what, as_list = PROFIL_PARTS[part]
        if rows is None or rows.empty:
            self.fill(what, lead)
            return False
        for i, t in enumerate(rows["text"], start=1):
            if as_list:
                self.blocks.append(Paragraph([Run(f"{i}. "), Run(clean(t))], "list"))
            else:
                self.blocks.append(_p(t))
        return True

    def numbering(self, chapter: str) -> None:
        """Number the tables, figures and sections that follow as ``chapter``.n ('' in the front matter)."""
        self._chapter = chapter

    def chapter(self, key: str, number: str) -> None:
        title = dict(CHAPTERS)[key]
        self.blocks.append(PageBreak())
        self.numbering(number)
        self.heading(title, 1)

    # --- the document --------------------------------------------------------------------

    def compose(self) -> Document:
        ds = self.ds
        d = ds.meta["dataset"]
        self.cover()
        self.kata_pengantar()
        self.numbering("")
        self.ringkasan()
        for kind in ("isi", "tabel", "gambar"):
            self.blocks += [PageBreak(), Contents(kind)]
        self.blocks += [PageBreak(), BodyStart()]
        self.numbering("1")
        self.heading(dict(CHAPTERS)["bab-1"], 1)
        self.bab1()
        self.chapter("bab-2", "2")
        self.bab2()
        self.chapter("bab-3", "3")
        self.bab3()
        self.chapter("bab-4", "4")
        self.bab4()
        self.chapter("lampiran", "L")
        self.lampiran()
        marks = (["DRAF"] if ds.draft else []) + (["DATA SINTETIS"] if ds.synthetic else [])
        template = ds.path / TEMPLATE_DOCX
        agency = d.get("agency", "")
        return Document(
            self.blocks,
            title=f"Laporan Kinerja {agency} Tahun {ds.year}".strip(),
            footer=f"LKIP {d.get('agency_short') or agency} {ds.year}",
            author=agency,
            draft=ds.draft,
            marks=marks,
            template=template if template.is_file() else None,
        )

    def cover(self) -> None:
        ds, d = self.ds, self.ds.meta["dataset"]
        self.blocks += [
            _p("LAPORAN KINERJA INSTANSI PEMERINTAH", "cover", True, "center"),
            _p(f"TAHUN {ds.year}", "cover", True, "center"),
            _p(str(d.get("agency", "")).upper(), "cover-sub", True, "center"),
            _p(ds.region.upper(), "cover-sub", True, "center"),
        ]
        if ds.draft:
            self.blocks.append(_p("DRAF — belum untuk ditandatangani", bold=True, align="center"))
        if ds.synthetic:
            self.blocks.append(
                _p("DATA REKAAN — tidak menggambarkan instansi yang sebenarnya", bold=True, align="center")
            )

    def signature(self) -> None:
        """Place, date, title, name, rank and NIP of the signatory, as the metadata give them."""
        ds, d = self.ds, self.ds.meta["dataset"]
        sign = ds.meta.get("penandatangan") or {}
        when = ", ".join(str(x) for x in (d.get("tempat"), d.get("tanggal")) if x)
        self.blocks.append(_p(when, align="right") if when else self._fill_line("tempat dan tanggal penandatanganan"))
        jabatan = sign.get("jabatan") or f"Kepala {d.get('agency_short') or d.get('agency', '')}"
        self.blocks.append(_p(str(jabatan), bold=True, align="right"))
        self.blocks += [Paragraph([Run("")]), Paragraph([Run("")])]
        for key, what in (("nama", "nama penandatangan"), ("pangkat", "pangkat/golongan"), ("nip", "NIP")):
            value = sign.get(key)
            if value:
                self.blocks.append(
                    _p(f"NIP {value}" if key == "nip" else str(value), bold=key == "nama", align="right")
                )
            else:
                self.blocks.append(self._fill_line(what))

    def _fill_line(self, what: str) -> Paragraph:
        self.gaps.append(what)
        self.places += 1
        return Paragraph([Run(f"[diisi: {what}]", italic=True)], "placeholder", "right")

    def kata_pengantar(self) -> None:
        if not (self._has_profil("kata_pengantar") or self.ds.draft):
            self.gaps.append(PROFIL_PARTS["kata_pengantar"][0])
            return
        self.blocks.append(PageBreak())
        self.heading("KATA PENGANTAR", 1)
        self.profil("kata_pengantar")
        self.signature()

    def ringkasan(self) -> None:
        ds, w = self.ds, wording(self.ds)
        h = angka_ringkasan(ds)
        self.blocks.append(PageBreak())
        self.heading(dict(CHAPTERS)["ringkasan"], 1)
        self.blocks.append(
            _p(
                f"Laporan Kinerja {ds.agency} Tahun {ds.year} menyajikan capaian kinerja atas Perjanjian Kinerja "
                f"tahun {ds.year} sebagai wujud akuntabilitas {w['instansi']} kepada {w['pemerintah']} dan "
                "masyarakat."
            )
        )
        self.text(narrative.ringkasan(ds))
        if self.art("ringkasan") is not None and h.n_indikator:
            self.table(tables.ringkasan(ds))
        self.missed_in_brief()

    def missed_in_brief(self) -> None:
        """The IKU below target, each with the cause the agency states (a few sentences)."""
        ds = self.ds
        m = kinerja.measured(ds)
        low = m[~m["tercapai"].fillna(False).astype(bool) & m["capaian_pct"].notna()].sort_values("capaian_pct")
        if m["capaian_pct"].notna().any() and low.empty:
            self.blocks.append(_p("Seluruh indikator kinerja utama mencapai target."))
            return
        for _, r in low.iterrows():
            causes = self.causes(r["indikator_id"], NARASI_CAUSE)
            text = (
                f"{r['name']}: realisasi {format_number(r['realisasi'])} dari target {format_number(r['target'])} "
                f"{r['unit'] if isinstance(r['unit'], str) else ''}".rstrip()
                + f" ({format_pct(r['capaian_pct'])})."
            )
            if causes:
                text += f" Penyebab: {causes[0]}"
            self.blocks.append(_p(text, "bullet"))

    def causes(self, indikator: str, kinds: tuple[str, ...]) -> list[str]:
        return [clean(t) for t in stated(self.ds, indikator, kinds)]

    # --- Bab I ---------------------------------------------------------------------------

    def bab1(self) -> None:
        ds = self.ds
        self.part("Latar Belakang", "latar_belakang")
        self.part("Dasar Hukum", "dasar_hukum")
        self.part("Tugas dan Fungsi", "tugas_fungsi")
        org = self.art("struktur_organisasi") is not None
        if self.part("Struktur Organisasi", "struktur_organisasi", also=org) and org:
            self.figure(
                "struktur_organisasi", lambda: charts.struktur_organisasi(ds.unit_organisasi), "Struktur Organisasi"
            )
        pegawai = self.art("komposisi_jabatan") is not None
        if self.part("Sumber Daya Manusia", "sdm", also=pegawai) and pegawai:
            self.text(narrative.pegawai(ds))
            self.figure(
                "komposisi_jabatan",
                lambda: charts.komposisi_jabatan(ds.pegawai_total, ds.pegawai),
                "Komposisi Pegawai",
            )
        self.part("Isu Strategis", "isu_strategis")
        self.sub("Sistematika Penyajian")
        self.blocks.append(_p("Laporan kinerja ini disusun dengan sistematika sebagai berikut:"))
        self.blocks += [_p(t, "bullet") for t in SISTEMATIKA]

    def sub(self, title: str) -> None:
        """A numbered section of the current chapter (1.1, 1.2, …): numbers follow what is printed."""
        n = self._count[("sub", self._chapter)] = self._count.get(("sub", self._chapter), 0) + 1
        self.heading(f"{self._chapter}.{n} {title}", 2)

    def part(self, title: str, profil: str, also: bool = False) -> bool:
        """A section holding the agency's text for ``profil`` (and, with ``also``, what else the data give).

        Present when it has something or the dataset is a draft (then a place to fill); True when present.
        """
        has = self._has_profil(profil)
        if not (has or also or self.ds.draft):
            self.gaps.append(PROFIL_PARTS[profil][0])
            return False
        self.sub(title)
        if has or not also:
            self.profil(profil)
        return True

    def lead(self, lead: str, profil: str) -> None:
        """A bold lead ("Visi.") and the agency's text under it; in a final dataset without it, nothing."""
        if self._has_profil(profil) or self.ds.draft:
            self.blocks.append(_labelled(lead, ""))
        self.profil(profil)

    def _has_profil(self, part: str) -> bool:
        p = self.ds.profil if self.ds.has("profil") else None
        return p is not None and (p["bagian"] == part).any()

    # --- Bab II --------------------------------------------------------------------------

    def bab2(self) -> None:
        ds, w = self.ds, wording(self.ds)
        period = ds.meta["dataset"].get("renstra_period")
        self.sub("Rencana Strategis" + (f" {period}" if period else ""))
        self.lead("Visi.", "visi")
        self.lead("Misi.", "misi")
        self.lead("Tujuan.", "tujuan")
        self.blocks.append(_labelled("Sasaran strategis.", ""))
        s = ds.sasaran[ds.sasaran["level"] == "strategis"].sort_values("nomor", kind="stable")
        for _, r in s.iterrows():
            self.blocks.append(Paragraph([Run(f"{clean(r['nomor'])}. "), Run(clean(r["name"]))], "list"))
        self.sub("Indikator Kinerja Utama")
        self.blocks.append(
            _p(
                "Keberhasilan setiap sasaran strategis diukur dengan indikator kinerja utama (IKU) berikut, "
                f"dengan target jangka menengah menurut {w['jangka_menengah']}."
            )
        )
        if kinerja.measured(ds).empty:
            self.fill(f"indikator kinerja utama dan target tahun {ds.year}")
            return
        self.table(iku_definisi(ds, w["jangka_menengah"]), "Indikator Kinerja Utama")
        if not iku_defined(ds):
            self.fill("definisi operasional, formula dan sumber data setiap indikator kinerja utama")
        for key in ("renstra_outcome", "renstra_output"):
            if self.art(key) is not None:
                self.table(getattr(tables, key)(ds))
        self.sub(f"Perjanjian Kinerja Tahun {ds.year}")
        self.blocks.append(
            _p(
                f"Perjanjian Kinerja tahun {ds.year} memuat target yang dijanjikan pimpinan {w['instansi']} "
                "dan menjadi dasar pengukuran kinerja dalam Bab III."
            )
        )
        self.table(tables.pk(ds))  # from the PK rows, or from the year's PK targets when none are printed
        if self.art("pk_perubahan") is not None:
            if self.art("perubahan_pk") is not None:
                self.text(narrative.planning_changes(ds))
                self.table(tables.perubahan_pk(ds))
            self.blocks.append(_p("Perjanjian Kinerja Perubahan selengkapnya disajikan dalam Lampiran."))

    # --- Bab III -------------------------------------------------------------------------

    def bab3(self) -> None:
        ds = self.ds
        self.sub("Capaian Kinerja Organisasi")
        self.blocks.append(
            _p(
                "Capaian setiap indikator dihitung dari realisasi dibanding target Perjanjian Kinerja; "
                + kinerja.formula_note(ds)
            )
        )
        if self.art("capaian") is not None and kinerja.measured(ds)["capaian_pct"].notna().any():
            self.table(tables.capaian(ds))
            self.text(narrative.scale_sentence(ds))
            self.figure(
                "grafik_capaian",
                lambda: charts.grafik_capaian(kinerja.measured(ds), kinerja.policy(ds).scale),
                f"Capaian Indikator Kinerja Utama Tahun {ds.year}",
            )
        m = kinerja.measured(ds)
        s = ds.sasaran.set_index("sasaran_id")
        for sid, rows in m.groupby("sasaran_id", sort=False):
            nomor = s.loc[sid, "nomor"] if sid in s.index else ""
            self.sasaran(sid, str(nomor), rows)
        self.sub("Realisasi Anggaran")
        self.anggaran()

    def sasaran(self, sid: str, nomor: str, rows: pd.DataFrame) -> None:
        ds = self.ds
        name = ds.sasaran.set_index("sasaran_id").loc[sid, "name"]
        self.heading(f"Sasaran Strategis {nomor}: {name}", 3)
        n = ds.narasi if ds.has("narasi") else None
        general = n[(n["sasaran_id"] == sid) & n["indikator_id"].isna()] if n is not None else pd.DataFrame()
        for kind, lead in (
            (NARASI_CAUSE, "Faktor yang memengaruhi capaian sasaran ini menurut instansi:"),
            (NARASI_EFFORT, "Upaya dan solusi untuk sasaran ini:"),
        ):
            said = general[general["kind"].isin(kind)] if len(general) else general
            if len(said):
                self.blocks.append(_p(lead))
                self.blocks += [_p(clean(t), "bullet") for t in said["text"]]
        shared = self.shared_kegiatan(rows)
        if shared is not None:
            self.kegiatan_table(shared, f"Kegiatan Pendukung Sasaran Strategis {nomor}")
        for _, r in rows.iterrows():
            self.iku(r, shared is not None, len(rows))

    def shared_kegiatan(self, rows: pd.DataFrame) -> pd.DataFrame | None:
        """The kegiatan every IKU of a sasaran shares (linked through the sasaran), shown once for the sasaran."""
        ties = iku_kegiatan(self.ds)
        mine = ties[ties["indikator_id"].isin(rows["indikator_id"])]
        if len(rows) < 2 or mine.empty or (mine["dasar"] == TIE_KODE).any():
            return None
        sets = {frozenset(g["kode_rekening"]) for _, g in mine.groupby("indikator_id")}
        if len(sets) != 1 or mine["indikator_id"].nunique() != len(rows):
            return None
        return drilldown.supporting(self.ds, rows["indikator_id"].iloc[0])

    def kegiatan_table(self, sup: pd.DataFrame, title: str) -> None:
        frame = sup.copy()
        frame["kegiatan"] = frame["uraian"].map(label)
        frame.loc[frame.duplicated("kode_rekening"), ["pagu_rp", "realisasi_rp", "serapan_pct"]] = math.nan
        columns = [
            Column("kegiatan", "Kegiatan", merge=True),
            Column("pagu_rp", "Pagu (Rp)", "rp"),
            Column("realisasi_rp", "Realisasi (Rp)", "rp"),
            Column("serapan_pct", "Serapan (%)", "pct"),
            Column("output", "Output (indikator kegiatan)"),
            Column("capaian_pct", "Capaian output (%)", "pct"),
        ]
        rt = ReportTable("kegiatan", title, frame, columns, missing=self.ds.missing_text)
        self.table(rt)

    def iku(self, r: pd.Series, shared: bool, n_shared: int) -> None:
        """One IKU with the elements an evaluator scores, each from data or a place to fill."""
        ds, w = self.ds, wording(self.ds)
        miss = ds.missing_text
        iid = r["indikator_id"]
        unit = r["unit"] if isinstance(r["unit"], str) else ""
        self.heading(f"Indikator {clean(r['nomor'] or '')} {clean(r['name'])}".replace("  ", " "), 3)
        ind = ds.indikator.set_index("indikator_id").loc[iid]
        defined = [ind.get(c) for c in ("definisi", "formula", "sumber_data")]
        if isinstance(defined[0], str) and defined[0]:
            self.blocks.append(_labelled("Definisi operasional.", defined[0]))
        # 1. this year
        if pd.isna(r["capaian_pct"]):
            self.blocks.append(
                _labelled(
                    f"Target dan realisasi {ds.year}.",
                    f"Target {_lines(r['target'], miss)} {unit}; realisasi {miss}, sehingga capaian belum dapat "
                    "dihitung.",
                )
            )
            self.fill(f"realisasi {ds.year} indikator {r['short_name']}")
        else:
            reached = "mencapai target" if r["tercapai"] else "belum mencapai target"
            lower = " (makin rendah makin baik)" if r["polarity"] == "lower" else ""
            self.blocks.append(
                _labelled(
                    f"Target dan realisasi {ds.year}.",
                    f"Target {format_number(r['target'])} {unit}{lower}, realisasi {format_number(r['realisasi'])} "
                    f"{unit}: capaian {format_pct(r['capaian_pct'])} (kategori {r['kelas']}), {reached}.".replace(
                        " ,", ","
                    ).replace("  ", " "),
                )
            )
        # 2. over the years
        years = yearly_values(ds, iid)
        if len(years) > 1:
            self.blocks.append(_labelled("Perkembangan dari tahun ke tahun.", tren_sentence(years, unit)))
            self.table(
                years_table(ds, iid, years, r["short_name"]), f"Target dan Realisasi {r['short_name']} per Tahun"
            )
        else:
            self.blocks.append(
                _labelled("Perkembangan dari tahun ke tahun.", "Data tahun-tahun sebelumnya belum tersedia.")
            )
            self.fill(f"target dan realisasi tahun-tahun sebelumnya untuk {r['short_name']}")
        # 3. medium-term target
        mt = medium_term(ds, iid)
        if mt is None:
            self.blocks.append(
                _labelled("Dibandingkan target jangka menengah.", f"Target {w['jangka_menengah']} belum tersedia.")
            )
            self.fill(f"target {w['jangka_menengah']} untuk {r['short_name']}")
        else:
            year, target = mt
            text = f"Target akhir {w['jangka_menengah']} ({year}) {format_number(target)} {unit}".rstrip()
            if pd.notna(r["realisasi"]) and target:
                pct = kinerja.policy(ds).capaian_pct(float(r["realisasi"]), float(target), r["polarity"])
                text += f"; realisasi {ds.year} setara {format_pct(pct)} dari target itu."
            else:
                text += "."
            self.blocks.append(_labelled("Dibandingkan target jangka menengah.", text))
        # 4. benchmark
        bench = benchmarks(ds, iid)
        if len(bench):
            parts = [
                f"{clean(b['pembanding'])} {int(b['year'])}: {format_number(b['nilai'])} {unit}".rstrip()
                + (f" (sumber: {clean(b['sumber'])})" if isinstance(b.get("sumber"), str) and b["sumber"] else "")
                for _, b in bench.iterrows()
            ]
            self.blocks.append(_labelled("Dibandingkan pembanding.", "; ".join(parts) + "."))
        else:
            self.blocks.append(
                _labelled("Dibandingkan pembanding.", "Data pembanding nasional atau instansi lain belum tersedia.")
            )
            self.fill(f"nilai pembanding nasional atau instansi lain untuk {r['short_name']}")
        # 5. causes and efforts, as the agency states them
        causes, efforts = self.causes(iid, NARASI_CAUSE), self.causes(iid, NARASI_EFFORT)
        if causes or efforts:
            self.blocks.append(
                _labelled("Penyebab dan upaya.", "Faktor penyebab menurut instansi:" if causes else "Upaya instansi:")
            )
            self.blocks += [_p(t, "bullet") for t in causes]
            if causes and efforts:
                self.blocks.append(_p("Upaya dan solusi yang dilakukan:"))
            self.blocks += [_p(t, "bullet") for t in efforts]
        else:
            self.blocks.append(_labelled("Penyebab dan upaya.", "Belum diuraikan untuk indikator ini."))
            word = "tercapainya" if r["tercapai"] is True else "tidak tercapainya"
            self.fill(f"penyebab {word} target {r['short_name']} dan upaya yang dilakukan")
        # 6. programs and kegiatan, 7. efficiency
        sup = drilldown.supporting(ds, iid)
        if sup.empty and ds.unavailable("anggaran"):  # stated once in Realisasi Anggaran; nothing to fill here
            self.blocks.append(
                _labelled("Efisiensi penggunaan sumber daya.", "Tidak dapat dinilai: data anggaran tidak tersedia.")
            )
            return
        if sup.empty:
            self.blocks.append(
                _labelled("Program dan kegiatan pendukung.", "Belum ada kegiatan yang dikaitkan dengan indikator ini.")
            )
            self.fill(f"kegiatan dan anggaran yang mendukung {r['short_name']}")
            self.blocks.append(
                _labelled("Efisiensi penggunaan sumber daya.", "Tidak dapat dinilai tanpa anggaran yang dikaitkan.")
            )
            return
        if shared:
            self.blocks.append(
                _labelled(
                    "Program dan kegiatan pendukung.",
                    f"Kegiatan pendukung sasaran ini (tabel pada awal sasaran) dipakai bersama {n_shared} indikator.",
                )
            )
            self.blocks.append(
                _labelled(
                    "Efisiensi penggunaan sumber daya.",
                    f"Tidak dinilai per indikator: anggaran kegiatannya dipakai bersama {n_shared} indikator dan tidak "
                    "dirinci per indikator.",
                )
            )
            return
        names = "; ".join(dict.fromkeys(label(u) for u in sup["uraian"]))
        self.blocks.append(_labelled("Program dan kegiatan pendukung.", f"{names}."))
        self.kegiatan_table(sup, f"Kegiatan Pendukung {r['short_name']}")
        e = drilldown.efisiensi(ds, iid)  # the same verdict the pages and the efficiency table give
        if e is None or pd.isna(e["pagu_rp"]) or pd.isna(e["realisasi_rp"]) or not e["pagu_rp"]:
            word = "belum diisi" if ds.draft else "tidak tersedia"
            self.blocks.append(
                _labelled(
                    "Efisiensi penggunaan sumber daya.",
                    f"Pagu atau realisasi anggaran kegiatan pendukung {word}; efisiensi belum dapat dinilai.",
                )
            )
            return
        judged = (
            f"Tidak dinilai: {e['alasan']}."
            if e["alasan"]
            else narrative.efisiensi(ds, e["capaian_pct"], e["serapan_pct"])
        )
        self.blocks.append(
            _labelled(
                "Efisiensi penggunaan sumber daya.",
                f"Anggaran kegiatan pendukung {format_rp(e['pagu_rp'])}, terealisasi {format_rp(e['realisasi_rp'])} "
                f"({format_pct(e['serapan_pct'])}). " + judged,
            )
        )

    def anggaran(self) -> None:
        ds = self.ds
        stated = sections.unavailable_statement(ds, "anggaran")
        if stated:  # the agency's own reason, in one sentence, instead of a place to fill
            self.blocks.append(_p(stated))
            return
        if not angka_ringkasan(ds).has_anggaran:
            self.fill("pagu dan realisasi anggaran per program dan kegiatan")
            return
        self.text(narrative.anggaran_summary(ds))
        if self.art("belanja_jenis") is not None:
            self.table(tables.belanja_jenis(ds))
        elif ds.unavailable("belanja_jenis"):
            self.blocks.append(_p(sections.unavailable_statement(ds, "belanja_jenis")))
        if self.art("anggaran") is not None:
            self.table(tables.anggaran(ds))
        art = self.art("grafik_serapan_program")
        if art is not None:
            self.figure(
                "grafik_serapan_program",
                lambda: charts.grafik_serapan_program(
                    anggaran_tree(ds).query("level == 'program'"), "uraian", "pagu_rp", art.title
                ),
                art.title,
            )

    # --- Bab IV, Lampiran ----------------------------------------------------------------

    def bab4(self) -> None:
        ds = self.ds
        self.sub("Kesimpulan")
        self.text(narrative.kesimpulan(ds))
        plans = (
            ds.narasi[ds.narasi["kind"].isin(["rencana_perbaikan", "solusi", "saran"])]
            if ds.has("narasi")
            else pd.DataFrame()
        )
        if self.part("Langkah ke Depan", "rencana_tindak_lanjut", also=len(plans) > 0) and len(plans):
            self.blocks.append(_p("Langkah perbaikan yang direncanakan instansi:"))
            self.blocks += [_p(clean(t), "bullet") for t in dict.fromkeys(plans["text"])]
            if self._has_profil("rencana_tindak_lanjut"):
                self.profil("rencana_tindak_lanjut")
        self.signature()

    def lampiran(self) -> None:
        ds = self.ds
        if kinerja.measured(ds).empty and self.art("pk") is None:
            self.fill(f"Perjanjian Kinerja tahun {ds.year}")
            return
        self.heading(f"Lampiran 1. Perjanjian Kinerja Tahun {ds.year}", 2)
        if self.art("pk_perubahan") is not None:
            self.table(tables.pk_perubahan(ds))
        else:
            self.table(tables.pk(ds))
        if ds.draft:
            self.fill("salinan Perjanjian Kinerja yang telah ditandatangani")


# --- tables only the document shows -----------------------------------------------------------


def iku_defined(ds: Dataset) -> bool:
    i = ds.indikator
    return "definisi" in i.columns and i.loc[i["kind"] == "iku", "definisi"].notna().any()


def iku_definisi(ds: Dataset, plan_word: str) -> ReportTable:
    """The IKU with unit, medium-term target and, where given, definition, formula and data source."""
    m = kinerja.measured(ds)
    frame = m[["sasaran_nomor", "nomor", "name", "unit", "indikator_id"]].copy()
    ind = ds.indikator.set_index("indikator_id")
    columns = [Column("nomor", "No"), Column("name", "Indikator Kinerja Utama"), Column("unit", "Satuan")]
    for col, head in (("definisi", "Definisi operasional"), ("formula", "Formula"), ("sumber_data", "Sumber data")):
        if col in ind.columns and ind.loc[frame["indikator_id"], col].notna().any():
            frame[col] = ind.loc[frame["indikator_id"], col].to_numpy()
            columns.append(Column(col, head))
    final = kinerja.final_rpjmd_year(ds)
    if final is not None:
        t = ds.target[(ds.target["basis"] == "rpjmd") & (ds.target["year"] == final)].set_index("indikator_id")
        frame["target_akhir"] = frame["indikator_id"].map(t["target"])
        columns.append(Column("target_akhir", f"Target {plan_word} {final}", "number"))
    frame["nomor"] = frame["nomor"].fillna("")
    return ReportTable("iku", "Indikator Kinerja Utama", frame, columns, missing=ds.missing_text)


def years_table(ds: Dataset, indikator: str, years: pd.DataFrame, name: str) -> ReportTable:
    frame = years.assign(tahun=years["tahun"].astype(str))
    columns = [
        Column("tahun", "Tahun"),
        Column("target", "Target", "number"),
        Column("realisasi", "Realisasi", "number"),
        Column("capaian_pct", "Capaian (%)", "pct"),
    ]
    return ReportTable("tahunan", name, frame, columns, missing="–")


def tren_sentence(years: pd.DataFrame, unit: str) -> str:
    """Realisasi (or capaian where only it is known) from the first year to the last, chosen by the numbers."""
    real = years.dropna(subset=["realisasi"])
    if len(real) >= 2:
        a, b = real.iloc[-2], real.iloc[-1]
        text = choose(
            "realisasi_tahunan",
            realisasi_awal=float(a["realisasi"]),
            realisasi_akhir=float(b["realisasi"]),
            tahun_awal=int(a["tahun"]),
            tahun_akhir=int(b["tahun"]),
            satuan=unit,
        )
        return " ".join(text.split())
    cap = years.dropna(subset=["capaian_pct"])
    first, last = cap.iloc[0], cap.iloc[-1]
    return (
        f"Capaian {format_pct(first['capaian_pct'])} pada {int(first['tahun'])} dan {format_pct(last['capaian_pct'])} "
        f"pada {int(last['tahun'])}; untuk tahun-tahun yang hanya memuat capaian, target dan realisasinya tidak tersedia."
    )


def compose(ds: Dataset, charts: bool = True, drawn: Path | None = None) -> Document:
    """The LKIP document of ``ds`` (``drawn``: a folder of figures already drawn from the same data)."""
    return Composer(ds, charts, drawn).compose()


def gaps(ds: Dataset) -> list[str]:
    """What the LKIP of ``ds`` lacks, in the agency's words (no charts drawn)."""
    c = Composer(ds, charts=False)
    c.compose()
    return list(dict.fromkeys(c.gaps))
