"""The report's plan: which sections an agency's LKIP has, with which numbers and titles.

Chapters follow PermenPAN-RB 53/2014 (Ikhtisar Eksekutif; Bab I organisation, staff, region;
Bab II Renstra and Perjanjian Kinerja; Bab III capaian, causes, efficiency, anggaran;
Bab IV penutup). A section is shown only when the data it needs are present; otherwise
one line says which table would fill it, and no artifact is registered.

The sections (:data:`lkip_helpers.data.laporan_file.SPECS`) take their numbers and titles
from the dataset's ``laporan.yml`` where it names them, else they are numbered per chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lkip_helpers.analysis import kinerja
from lkip_helpers.analysis.kegiatan import efficiency_frame, efficiency_per_iku, ikk_frame, sasaran_links
from lkip_helpers.data import laporan_file
from lkip_helpers.data.laporan_file import LAPORAN_FILE, NUMBERED, SPECS
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import DataError


@dataclass(frozen=True)
class Artifact:
    """Where a section stands in this dataset's report: its artifact id, printed label, title and source."""

    id: str
    title: str
    source: str = ""
    indikator: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Tabel 3.1`` / ``Gambar 1.1`` for a numbered artifact, else ``''``."""
        m = NUMBERED.match(self.id)
        return f"{m.group(1).title()} {m.group(2)}.{m.group(3)}" if m else ""

    @property
    def heading(self) -> str:
        return f"{self.label} — {self.title}" if self.label else self.title


@dataclass
class Plan:
    """Every section of one dataset's report: its artifact, or why it is left out."""

    artifacts: dict = field(default_factory=dict)  # (key, item) -> Artifact
    reasons: dict = field(default_factory=dict)  # (key, item) -> one line

    def get(self, key: str, item: str | None = None) -> Artifact | None:
        return self.artifacts.get((key, item))

    def reason(self, key: str, item: str | None = None) -> str:
        return self.reasons.get((key, item), "")

    def label(self, key: str, item: str | None = None, fallback: str = "") -> str:
        """Printed label of a present section (to cite it in another table's notes), else ``fallback``."""
        a = self.get(key, item)
        return (a.label or a.title) if a else fallback


# --- which sections the data hold ----------------------------------------------------------


def plan(ds: Dataset) -> Plan:
    """The dataset's report plan (cached on the dataset)."""
    if "laporan_plan" not in ds.cache:
        ds.cache["laporan_plan"] = _plan(ds)
    return ds.cache["laporan_plan"]


def _plan(ds: Dataset) -> Plan:
    given = laporan_file.load(ds)
    years = sorted(kinerja.trend(ds).dropna(subset=["capaian_pct"])["year"].unique())
    first = int(years[0]) if years else ds.year
    used: dict[tuple[str, int], int] = {}
    for e in given.values():
        m = NUMBERED.match(laporan_file.fill(e.get("id", ""), ds.year, first))
        if m:
            k = (m.group(1), int(m.group(2)))
            used[k] = max(used.get(k, 0), int(m.group(3)))
    result = Plan()
    for key, item, name in _ordered(ds):
        spec = SPECS[key]
        e = given.get((key, item), {})
        k = (spec.kind, spec.chapter)
        numbered = "id" not in e and not spec.fixed
        art_id = e.get("id") or spec.fixed or f"{spec.kind}-{spec.chapter}.{used.get(k, 0) + 1}"
        why = missing(ds, key, item, given_id=laporan_file.fill(art_id, ds.year, first))
        if why:
            result.reasons[(key, item)] = why
            continue
        if numbered:
            used[k] = used.get(k, 0) + 1
        title = e.get("judul") or spec.title.replace("{nomor}", str(name or "")).strip()
        result.artifacts[(key, item)] = Artifact(
            laporan_file.fill(art_id, ds.year, first),
            laporan_file.fill(title, ds.year, first),
            laporan_file.fill(e.get("sumber", ""), ds.year, first),
            tuple(e.get("indikator", ())),
        )
    ids = [a.id for a in result.artifacts.values()]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DataError(ds.path / LAPORAN_FILE, f"id bertabrakan dengan penomoran otomatis: {', '.join(dup)}")
    for (key, item), a in result.artifacts.items():  # the source defaults to the printed label
        if not a.source:
            result.artifacts[(key, item)] = Artifact(a.id, a.title, a.label or "dihitung dari data", a.indikator)
    return result


def _ordered(ds: Dataset):
    """(key, item, item number) of every section in report order: tables per sasaran program
    are followed by the tables of their sasaran kegiatan."""
    per_program = []
    s = ds.sasaran.sort_values("nomor", kind="stable")
    programs = s[s["level"] == "program"]
    kegiatan = s[s["level"] == "kegiatan"]
    for _, p in programs.iterrows():
        per_program.append(("iku_sasaran_program", p["sasaran_id"], p["nomor"]))
        for _, k in kegiatan[kegiatan["parent_id"] == p["sasaran_id"]].iterrows():
            per_program.append(("ikk_sasaran_kegiatan", k["sasaran_id"], k["nomor"]))
    for _, k in kegiatan[~kegiatan["parent_id"].isin(programs["sasaran_id"])].iterrows():
        per_program.append(("ikk_sasaran_kegiatan", k["sasaran_id"], k["nomor"]))
    for spec in SPECS.values():
        if spec.key == "iku_sasaran_program":
            yield from per_program
        elif spec.key == "ikk_sasaran_kegiatan":
            continue
        else:
            yield spec.key, None, None


NOT_APPLICABLE = "tidak berlaku"  # a section that does not apply to this agency: left out without a line

# Sections that show the year's IKU against their PK targets: a new agency's draft has none yet.
MEASURING = ("ringkasan", "grafik_capaian", "capaian")  # the chart is left out silently: the table above says why
# Sections drawn from anggaran.csv. While it is empty (a draft) or declared not available (metadata.yml
# ``tidak_tersedia``), the ``anggaran`` section alone says so, in one line; the others are left out silently.
BUDGET = (
    "anggaran",
    "grafik_serapan_program",
    "kegiatan_pendukung",
    "efisiensi",
    "grafik_efisiensi",
    "efisiensi_iku",
)


def unavailable_sentence(ds: Dataset, table: str) -> str:
    """The agency's statement that ``table`` is not available, as one clause ('' when it makes none).

    Names no file or id: the LKIP document prints it too.
    """
    reason = ds.unavailable(table).rstrip(" .")
    if not reason:
        return ""
    what = {"anggaran": "data anggaran", "belanja_jenis": "data anggaran menurut jenis belanja"}.get(table, table)
    return f"{what} tidak tersedia bagi instansi ini — {reason}"


def unavailable_statement(ds: Dataset, table: str) -> str:
    """:func:`unavailable_sentence` as a sentence of its own (for the Ikhtisar and the LKIP document)."""
    clause = unavailable_sentence(ds, table)
    return clause[:1].upper() + clause[1:] + "." if clause else ""


def supporting_missing(ds: Dataset) -> str:
    """Why an indicator's page shows no supporting kegiatan: the budget stated unavailable, not filled yet,
    or not tied to the indicator."""
    return (
        unavailable_sentence(ds, "anggaran")
        or _core_empty(ds, ("anggaran",), "kegiatan yang mendukung indikator ini")
        or "isi kode_rekening di indikator.csv atau sasaran_kegiatan.csv untuk kegiatan yang mendukung indikator ini"
    )


def _core_empty(ds: Dataset, names: tuple[str, ...], what: str) -> str:
    """'tabel inti X belum diisi …' when some of the core tables ``names`` hold no row yet, else ''."""
    empty = [n for n in names if not ds.has(n)]
    if not empty:
        return ""
    return f"tabel inti {_and(empty)} belum diisi; isi {_and([n + '.csv' for n in empty])} untuk {what}"


def _and(words: list[str]) -> str:
    """``a``, ``a dan b``, ``a, b dan c``."""
    return ", ".join(words[:-1]) + " dan " + words[-1] if len(words) > 1 else words[0]


def missing(ds: Dataset, key: str, item: str | None = None, given_id: str | None = None) -> str:
    """Why a section cannot be shown from this dataset ('' when it can): which table would fill it.

    Empty core tables (a new agency's draft) and tables the agency declares not available
    leave their sections out with one line, never a failure: the draft builds as it is.
    """
    y = ds.year
    if key in MEASURING and kinerja.measured(ds).empty:
        if key == "grafik_capaian":
            return NOT_APPLICABLE
        return _core_empty(ds, ("sasaran", "indikator", "target"), f"capaian indikator kinerja {y}") or (
            f"belum ada target Perjanjian Kinerja {y} untuk IKU; isi target.csv (basis pk, tahun {y})"
        )
    if key in BUDGET and not ds.has("anggaran"):
        if key != "anggaran":
            return NOT_APPLICABLE
        return unavailable_sentence(ds, "anggaran") or _core_empty(
            ds, ("anggaran",), "pagu dan realisasi per program dan kegiatan"
        )
    if key == "belanja_jenis" and not ds.has("belanja_jenis"):
        if ds.unavailable("belanja_jenis"):
            return unavailable_sentence(ds, "belanja_jenis")
        if ds.unavailable("anggaran"):  # the budget as a whole is stated unavailable (the anggaran section says it)
            return NOT_APPLICABLE
    fill = lambda table, what: f"isi {table}.csv untuk {what}"  # noqa: E731
    docs = ds.dokumen_perencanaan if ds.has("dokumen_perencanaan") else None

    def doc(document, part=None):
        if docs is None:
            return False
        d = docs[docs["document"] == document]
        return not (d if part is None else d[d["part"] == part]).empty

    if key in ("struktur_organisasi",):
        if not ds.has("unit_organisasi") or not ds.unit_organisasi["in_struktur"].any():
            return fill("unit_organisasi", "struktur organisasi")
    elif key == "komposisi_jabatan":
        if not ds.has("pegawai_total"):
            return fill("pegawai_total", "jumlah pegawai") + " (dan pegawai.csv untuk rinciannya)"
    elif key == "komposisi_pendidikan":
        if not (not_available_reason(ds, given_id or "") or not_available_reason(ds, key)):
            return "belum ada data komposisi pegawai menurut pendidikan"
    elif key == "penempatan_kontrak":
        p = ds.pegawai if ds.has("pegawai") else None
        if p is None or p[p["status"] == "tenaga_kontrak"]["jumlah"].sum() <= 0:
            return (
                NOT_APPLICABLE  # no contract staff in the data: nothing to say (the staff section says what is given)
            )
        if not ds.has("unit_organisasi"):
            return fill("unit_organisasi", "penempatan tenaga kontrak per unit")
    elif key in ("wilayah", "grafik_wilayah"):
        if not ds.has("wilayah"):
            return fill("wilayah", "rekapitulasi wilayah kerja")
    elif key == "renstra_outcome":
        if not doc("renstra", "outcome") and kinerja.measured(ds).empty:
            return fill("dokumen_perencanaan", "indikator kinerja Renstra")
    elif key == "renstra_output":
        if not doc("renstra", "output"):
            return fill("dokumen_perencanaan", "indikator output Renstra (document = renstra, part = output)")
    elif key == "pk":
        if not doc("pk_awal") and kinerja.measured(ds).empty:
            return fill("target", f"target Perjanjian Kinerja {y} (basis pk)")
    elif key == "pk_perubahan":
        if not doc("pk_perubahan"):
            return fill("dokumen_perencanaan", "PK Perubahan (document = pk_perubahan), bila PK diubah")
    elif key == "perubahan_pk":
        if not (doc("pk_awal") and doc("pk_perubahan")):
            return fill("dokumen_perencanaan", "membandingkan PK awal dengan PK Perubahan")
        if kinerja.pk_changes(ds).empty:
            return "tidak ada perubahan antara PK awal dan PK Perubahan"
    elif key in ("banding_tahun_lalu", "banding_rpjmd_tahun_lalu", "kontribusi", "grafik_kontribusi"):
        known = (
            _year_values(ds, y - 1)
            if key in ("kontribusi", "grafik_kontribusi")
            else kinerja.measured(ds, y - 1, basis="rpjmd")["capaian_pct"].notna().any()
        )
        if not known:
            return (
                f"tidak ada capaian tahun {y - 1}; isi target (basis rpjmd) dan realisasi {y - 1} di target.csv "
                "dan realisasi.csv untuk membandingkan dengan tahun lalu"
            )
    elif key == "banding_rpjmd":
        if kinerja.measured(ds, y, basis="rpjmd").empty and kinerja.final_rpjmd_year(ds) is None:
            return fill("target", f"target RPJMD (basis rpjmd) tahun {y} atau tahun akhir RPJMD")
    elif key in ("tren", "grafik_tren", "grafik_tren_rata_rata"):
        if len(_years_with_values(ds)) < 2:
            return (
                "hanya ada capaian satu tahun; isi target dan realisasi tahun-tahun sebelumnya (atau "
                "capaian_historis.csv) untuk tren capaian"
            )
    elif key == "kegiatan_pendukung":
        if sasaran_links(ds, programs=False).empty:
            return fill("sasaran_kegiatan", "kegiatan yang mendukung tiap sasaran")
    elif key == "iku_sasaran_program":
        if kinerja.program_iku(ds, item, ()).empty:
            return f"tidak ada IKU terukur untuk sasaran program {item}"
    elif key == "ikk_sasaran_kegiatan":
        if ikk_frame(ds, item).empty:
            return f"isi indikator.csv (kind = ikk) untuk indikator kinerja sasaran kegiatan {item}"
    elif key == "ikk_lain":
        levels = ds.sasaran.set_index("sasaran_id")["level"]
        f = ikk_frame(ds)
        if f[f["sasaran_id"].map(levels) != "kegiatan"].empty:
            return fill("indikator", "indikator kinerja kegiatan (kind = ikk)")
    elif key == "penyebab":
        if not ds.has("narasi"):
            return fill("narasi", "penyebab keberhasilan/kegagalan dan rencana perbaikan")
    elif key == "belanja_jenis":
        if not ds.has("belanja_jenis"):
            return fill("belanja_jenis", "anggaran menurut jenis belanja")
    elif key in ("efisiensi", "grafik_efisiensi"):
        if kinerja.measured(ds).empty:  # a new agency's draft: no indicator to measure yet
            return fill("target", "target indikator kinerja tahun ini")
        if efficiency_frame(ds).empty:
            return (
                "tidak ada kegiatan yang dikaitkan dengan sasaran atau indikator; isi sasaran_kegiatan.csv "
                "atau kolom kode_rekening di indikator.csv untuk menilai efisiensi"
            )
    elif key == "efisiensi_iku":
        if efficiency_per_iku(ds).empty:
            return (
                "tidak ada kegiatan yang dikaitkan dengan IKU; isi kode_rekening di indikator.csv atau "
                "sasaran_kegiatan.csv untuk efisiensi per IKU"
            )
    elif key == "grafik_serapan_program":
        if not (ds.anggaran["level"] == "program").any():
            return "anggaran.csv tidak memuat baris tingkat program (level = program) untuk grafik serapan per program"
    elif key == "audit":
        if not ds.has("nilai_tercetak"):
            return fill("nilai_tercetak", "audit angka tercetak laporan")
    elif key in ("sensitivitas", "grafik_sensitivitas"):
        if not _year_values(ds, y) and not _years_with_values(ds):
            return f"belum ada capaian yang terukur (realisasi {y} {ds.missing_text})"
    return ""


def _year_values(ds: Dataset, year: int) -> bool:
    t = kinerja.trend(ds)
    return bool(t[(t["year"] == year)]["capaian_pct"].notna().any())


def _years_with_values(ds: Dataset) -> list[int]:
    t = kinerja.trend(ds).dropna(subset=["capaian_pct"])
    return sorted(t["year"].unique())


def not_available_reason(ds: Dataset, figure_id: str) -> str:
    """The dataset's statement of why a figure's data are missing ('' when it makes none)."""
    for gap in ds.meta.get("not_available") or []:
        if isinstance(gap, dict) and gap.get("id") == figure_id:
            return str(gap.get("reason", ""))
    return ""
