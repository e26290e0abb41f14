"""The report's structure: which sections an agency's LKIP has, with which numbers and titles.

Chapters follow PermenPAN-RB 53/2014 (Ikhtisar Eksekutif; Bab I organisation, staff, region;
Bab II Renstra and Perjanjian Kinerja; Bab III capaian, causes, efficiency, anggaran;
Bab IV penutup). A section is shown only when the data it needs are present; otherwise
one line says which table would fill it, and no artifact is registered.

Numbers and titles come from the dataset: ``laporan.yml`` beside the CSVs names, per
section key, the artifact ``id``, its ``judul`` and ``sumber`` (and, for tables per
sasaran program, the ``indikator`` to show). Sections it does not name are numbered
automatically, per chapter, after the numbers it uses::

    bagian:
      capaian: {id: tabel-3.1, judul: "Capaian Kinerja Tahun {tahun}", sumber: "Bab 3.1"}
      iku_sasaran_program:
        <sasaran_id>: {id: tabel-3.7, judul: "...", indikator: [<indikator_id>]}

Placeholders in ``id``, ``judul`` and ``sumber``: ``{tahun}``, ``{tahun_lalu}``, ``{tahun_pertama}``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import pandas as pd
import yaml

from lkip_helpers.data import safe_yaml
from lkip_helpers.errors import DataError

LAPORAN_FILE = "laporan.yml"
PLACEHOLDERS = ("tahun", "tahun_lalu", "tahun_pertama")
ENTRY_KEYS = ("id", "judul", "sumber", "indikator")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_NUMBERED = re.compile(r"^(tabel|gambar)-(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Spec:
    """One kind of section: a numbered table/figure of a chapter, or an unnumbered artifact (``fixed`` id)."""

    key: str
    kind: str  # "tabel" | "gambar"
    chapter: int | None  # chapter for the default numbering; None = unnumbered
    title: str  # default title (placeholders allowed)
    fixed: str | None = None  # id of an unnumbered artifact
    per_item: bool = False  # one artifact per sasaran (keys of laporan.yml are sasaran ids)


_SPECS = [
    Spec("ringkasan", "tabel", None, "Capaian Kinerja per Sasaran Strategis Tahun {tahun}", "ringkasan-eksekutif"),
    Spec("grafik_capaian", "gambar", None, "Capaian per indikator {tahun}", "grafik-capaian-indikator"),
    Spec("struktur_organisasi", "gambar", 1, "Struktur Organisasi"),
    Spec("komposisi_jabatan", "gambar", 1, "Komposisi Pegawai Berdasarkan Jabatan"),
    Spec("komposisi_pendidikan", "gambar", 1, "Komposisi Pegawai Berdasarkan Strata Pendidikan"),
    Spec("penempatan_kontrak", "gambar", None, "Penempatan tenaga kontrak", "grafik-penempatan-kontrak"),
    Spec("wilayah", "tabel", 1, "Rekapitulasi Wilayah Kerja Tahun {tahun}"),
    Spec("grafik_wilayah", "gambar", None, "Desa dan kelurahan per kabupaten/kota", "grafik-desa-kelurahan"),
    Spec("renstra_outcome", "tabel", 2, "Indikator Kinerja Utama (Outcome) dalam Renstra"),
    Spec("renstra_output", "tabel", 2, "Indikator Kinerja Kegiatan (Output) dalam Renstra"),
    Spec("pk", "tabel", 2, "Perjanjian Kinerja Tahun {tahun}"),
    Spec("pk_perubahan", "tabel", 2, "Perjanjian Kinerja Tahun {tahun} Perubahan"),
    Spec(
        "perubahan_pk", "tabel", None, "Perubahan Perjanjian Kinerja {tahun}: PK Awal dan PK Perubahan", "perubahan-pk"
    ),
    Spec("capaian", "tabel", 3, "Capaian Kinerja terhadap Target Perjanjian Kinerja Tahun {tahun}"),
    Spec("banding_tahun_lalu", "tabel", 3, "Persentase Capaian Kinerja Tahun {tahun} Dibandingkan Tahun {tahun_lalu}"),
    Spec(
        "banding_rpjmd_tahun_lalu",
        "tabel",
        3,
        "Persentase Capaian Kinerja Tahun {tahun_lalu} dan {tahun} Dibandingkan Target RPJMD",
    ),
    Spec("banding_rpjmd", "tabel", 3, "Capaian Kinerja Tahun {tahun} Dibandingkan Target Jangka Menengah (RPJMD)"),
    Spec("tren", "tabel", 3, "Perbandingan Capaian Kinerja Tahun {tahun_pertama}–{tahun} dengan Target RPJMD"),
    Spec("grafik_tren", "gambar", None, "Tren capaian per indikator terhadap target RPJMD", "grafik-tren-indikator"),
    Spec("grafik_tren_rata_rata", "gambar", None, "Rata-rata capaian per tahun", "grafik-tren-rata-rata"),
    Spec("kegiatan_pendukung", "tabel", 3, "Kegiatan yang Mendukung Keberhasilan/Kegagalan Sasaran"),
    Spec("iku_sasaran_program", "tabel", 3, "Target, Realisasi dan Capaian IKU Sasaran Program {nomor}", per_item=True),
    Spec("ikk_sasaran_kegiatan", "tabel", 3, "Capaian Sasaran Kegiatan {nomor}", per_item=True),
    Spec("ikk_lain", "tabel", 3, "Capaian Indikator Kinerja Kegiatan"),
    Spec(
        "penyebab",
        "tabel",
        None,
        "Penyebab Keberhasilan/Kegagalan, Solusi dan Rencana Perbaikan",
        "penyebab-dan-rencana",
    ),
    Spec("belanja_jenis", "tabel", 3, "Rincian Anggaran dan Realisasi menurut Jenis Belanja Tahun {tahun}"),
    Spec("anggaran", "tabel", 3, "Rincian Anggaran dan Realisasi per Program dan Kegiatan Tahun {tahun}"),
    Spec("grafik_serapan_program", "gambar", None, "Pagu dan realisasi per program", "grafik-serapan-program"),
    Spec(
        "efisiensi",
        "tabel",
        None,
        "Serapan Anggaran dan Capaian Kinerja per Program dan Kegiatan",
        "anggaran-vs-capaian",
    ),
    Spec(
        "grafik_efisiensi", "gambar", None, "Anggaran vs capaian per program dan kegiatan", "grafik-anggaran-vs-capaian"
    ),
    Spec("efisiensi_iku", "tabel", None, "Efisiensi per Indikator Kinerja Utama", "efisiensi-iku"),
    Spec(
        "audit",
        "tabel",
        None,
        "Audit Konsistensi: Angka Tercetak yang Berbeda dari Hasil Hitung Ulang",
        "audit-konsistensi",
    ),
    Spec(
        "sensitivitas",
        "tabel",
        None,
        "Rata-rata Capaian per Tahun menurut Metode Perata-rataan",
        "sensitivitas-rata-rata",
    ),
    Spec("grafik_sensitivitas", "gambar", None, "Rata-rata capaian menurut metode", "grafik-sensitivitas-rata-rata"),
    Spec(
        "kontribusi",
        "tabel",
        None,
        "Sumbangan Tiap Indikator terhadap Rata-rata {tahun_lalu}",
        "kontribusi-rata-rata-{tahun_lalu}",
    ),
    Spec(
        "grafik_kontribusi",
        "gambar",
        None,
        "Sumbangan indikator terhadap rata-rata {tahun_lalu}",
        "grafik-kontribusi-{tahun_lalu}",
    ),
]
SPECS = {s.key: s for s in _SPECS}


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
        m = _NUMBERED.match(self.id)
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


def render(ds, out, part: str, **params) -> None:
    """Put one part of the report on the page: see :func:`lkip_helpers.report.pages.render`."""
    from lkip_helpers.report.pages import render as _render

    _render(ds, out, part, **params)


# --- laporan.yml ------------------------------------------------------------------------


def load(ds) -> dict:
    """Read and check ``laporan.yml`` (empty dict when absent). Raises DataError naming file and key."""
    path = ds.path / LAPORAN_FILE
    if not path.is_file():
        return {}
    try:
        raw = safe_yaml.load(path.read_text(encoding="utf-8")) or {}  # no aliases, bounded size
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise DataError(
            path, f"YAML tidak sah: {getattr(exc, 'problem', None) or exc}", row=None if line is None else line + 1
        ) from None
    except UnicodeDecodeError:
        raise DataError(path, "bukan UTF-8; simpan ulang file sebagai UTF-8") from None
    if not isinstance(raw, dict) or set(raw) - {"bagian"}:
        raise DataError(path, "kunci teratas yang dikenal hanya 'bagian'")
    sections = raw.get("bagian") or {}
    if not isinstance(sections, dict):
        raise DataError(path, "'bagian' harus berupa pemetaan kunci bagian → {id, judul, sumber}")
    out = {}
    for key, entry in sections.items():
        spec = SPECS.get(key)
        if spec is None:
            raise DataError(path, f"bagian '{key}' tidak dikenal; pilihan: {', '.join(SPECS)}")
        if spec.per_item:
            if not isinstance(entry, dict):
                raise DataError(path, f"bagian '{key}': harus berupa pemetaan sasaran_id → {{id, judul}}")
            level = "program" if key == "iku_sasaran_program" else "kegiatan"
            s = ds.sasaran
            known = set(s.loc[s["level"] == level, "sasaran_id"])
            for item, sub in entry.items():
                if str(item) not in known:
                    raise DataError(path, f"bagian '{key}': {item!r} bukan sasaran_id tingkat {level} di sasaran.csv")
                out[(key, str(item))] = _entry(path, ds, f"{key}.{item}", sub)
        else:
            out[(key, None)] = _entry(path, ds, key, entry)
    ids = [e["id"] for e in out.values() if "id" in e]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DataError(path, f"id dipakai lebih dari satu bagian: {', '.join(dup)}")
    return out


def _entry(path, ds, where: str, entry) -> dict:
    if not isinstance(entry, dict):
        raise DataError(path, f"bagian '{where}': harus berupa pemetaan dengan kunci {', '.join(ENTRY_KEYS)}")
    unknown = set(entry) - set(ENTRY_KEYS)
    if unknown:
        raise DataError(
            path, f"bagian '{where}': kunci tidak dikenal {sorted(unknown)}; pilihan: {', '.join(ENTRY_KEYS)}"
        )
    for k in ("id", "judul", "sumber"):
        if k in entry:
            if not isinstance(entry[k], str) or not entry[k].strip():
                raise DataError(path, f"bagian '{where}': '{k}' harus berupa teks")
            names = {f[1] for f in string.Formatter().parse(entry[k]) if f[1] is not None}
            bad = names - set(PLACEHOLDERS)
            if bad:
                raise DataError(
                    path,
                    f"bagian '{where}': '{k}' memuat {{{sorted(bad)[0]}}}; yang dikenal: "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                )
    if "id" in entry and not _ID.match(_fill(entry["id"], ds.year, ds.year)):
        raise DataError(path, f"bagian '{where}': id {entry['id']!r} tidak sah (huruf kecil, angka, '.', '-')")
    if "indikator" in entry:
        if not where.startswith("iku_sasaran_program."):
            raise DataError(path, f"bagian '{where}': 'indikator' hanya untuk iku_sasaran_program")
        ids = entry["indikator"]
        known = set(ds.indikator["indikator_id"])
        if not isinstance(ids, list) or not all(isinstance(i, str) and i in known for i in ids):
            raise DataError(path, f"bagian '{where}': 'indikator' harus berupa daftar id dari indikator.csv")
    return dict(entry)


def _fill(text: str, year: int, first: int) -> str:
    return text.format(tahun=year, tahun_lalu=year - 1, tahun_pertama=first)


# --- which sections the data hold ----------------------------------------------------------


def plan(ds) -> Plan:
    """The dataset's report plan (cached on the dataset)."""
    if "laporan_plan" not in ds.cache:
        ds.cache["laporan_plan"] = _plan(ds)
    return ds.cache["laporan_plan"]


def _plan(ds) -> Plan:
    from lkip_helpers.analysis import kinerja

    given = load(ds)
    years = sorted(kinerja.trend(ds).dropna(subset=["capaian_pct"])["year"].unique())
    first = int(years[0]) if years else ds.year
    used: dict[tuple[str, int], int] = {}
    for e in given.values():
        m = _NUMBERED.match(_fill(e.get("id", ""), ds.year, first))
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
        why = missing(ds, key, item, given_id=_fill(art_id, ds.year, first))
        if why:
            result.reasons[(key, item)] = why
            continue
        if numbered:
            used[k] = used.get(k, 0) + 1
        title = e.get("judul") or spec.title.replace("{nomor}", str(name or "")).strip()
        result.artifacts[(key, item)] = Artifact(
            _fill(art_id, ds.year, first),
            _fill(title, ds.year, first),
            _fill(e.get("sumber", ""), ds.year, first),
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


def _ordered(ds):
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
    for spec in _SPECS:
        if spec.key == "iku_sasaran_program":
            yield from per_program
        elif spec.key == "ikk_sasaran_kegiatan":
            continue
        else:
            yield spec.key, None, None


NOT_APPLICABLE = "tidak berlaku"  # a section that does not apply to this agency: left out without a line


def missing(ds, key: str, item: str | None = None, given_id: str | None = None) -> str:
    """Why a section cannot be shown from this dataset ('' when it can): which table would fill it."""
    from lkip_helpers.analysis import kinerja

    y = ds.year
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
        from lkip_helpers.report.narrative import not_available_reason

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
        from lkip_helpers.report.tables import pk_changes

        if pk_changes(ds).empty:
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
        if kinerja.measured(ds, y, basis="rpjmd").empty and not _final_rpjmd(ds):
            return fill("target", f"target RPJMD (basis rpjmd) tahun {y} atau tahun akhir RPJMD")
    elif key in ("tren", "grafik_tren", "grafik_tren_rata_rata"):
        if len(_years_with_values(ds)) < 2:
            return (
                "hanya ada capaian satu tahun; isi target dan realisasi tahun-tahun sebelumnya (atau "
                "capaian_historis.csv) untuk tren capaian"
            )
    elif key == "kegiatan_pendukung":
        if _supporting_links(ds).empty:
            return fill("sasaran_kegiatan", "kegiatan yang mendukung tiap sasaran")
    elif key == "iku_sasaran_program":
        from lkip_helpers.report.tables import program_iku

        if program_iku(ds, item, ()).empty:
            return f"tidak ada IKU terukur untuk sasaran program {item}"
    elif key == "ikk_sasaran_kegiatan":
        from lkip_helpers.report.tables import ikk_frame

        if ikk_frame(ds, item).empty:
            return f"isi indikator.csv (kind = ikk) untuk indikator kinerja sasaran kegiatan {item}"
    elif key == "ikk_lain":
        from lkip_helpers.report.tables import ikk_frame

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
        from lkip_helpers.report.tables import efficiency_frame

        if efficiency_frame(ds).empty:
            return (
                "tidak ada kegiatan yang dikaitkan dengan sasaran atau indikator; isi sasaran_kegiatan.csv "
                "atau kolom kode_rekening di indikator.csv untuk menilai efisiensi"
            )
    elif key == "efisiensi_iku":
        from lkip_helpers.report.tables import efficiency_per_iku

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


def _year_values(ds, year: int) -> bool:
    from lkip_helpers.analysis import kinerja

    t = kinerja.trend(ds)
    return bool(t[(t["year"] == year)]["capaian_pct"].notna().any())


def _years_with_values(ds) -> list[int]:
    from lkip_helpers.analysis import kinerja

    t = kinerja.trend(ds).dropna(subset=["capaian_pct"])
    return sorted(t["year"].unique())


def _final_rpjmd(ds) -> int | None:
    """The last year with an RPJMD target (the end of the medium-term plan), or None."""
    t = ds.target[ds.target["basis"] == "rpjmd"]
    return int(t["year"].max()) if len(t) else None


def _supporting_links(ds) -> pd.DataFrame:
    """Links of sasaran to kegiatan/sub-kegiatan (not to whole programs), told apart by anggaran.level."""
    if not ds.has("sasaran_kegiatan"):
        return pd.DataFrame(columns=["sasaran_id", "kode_rekening"])
    levels = ds.anggaran.set_index("kode_rekening")["level"]
    links = ds.sasaran_kegiatan
    return links[links["kode_rekening"].map(levels) != "program"]
