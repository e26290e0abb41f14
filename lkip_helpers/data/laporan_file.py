"""``laporan.yml``: the numbers and titles an agency gives the sections of its report, read and checked.

Beside the CSVs, ``laporan.yml`` names, per section key, the artifact ``id``, its
``judul`` and ``sumber`` (and, for tables per sasaran program, the ``indikator`` to
show). Sections it does not name are numbered automatically, per chapter, after the
numbers it uses (:mod:`lkip_helpers.report.sections`)::

    bagian:
      capaian: {id: tabel-3.1, judul: "Capaian Kinerja Tahun {tahun}", sumber: "Bab 3.1"}
      iku_sasaran_program:
        <sasaran_id>: {id: tabel-3.7, judul: "...", indikator: [<indikator_id>]}

Placeholders in ``id``, ``judul`` and ``sumber``: ``{tahun}``, ``{tahun_lalu}``, ``{tahun_pertama}``.
The file is checked when the dataset loads: what ``lkip validate`` accepts, ``lkip build`` completes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

from lkip_helpers import placeholders
from lkip_helpers.data import safe_yaml
from lkip_helpers.errors import DataError

if TYPE_CHECKING:  # loading checks this file while it loads a dataset
    from lkip_helpers.data.loading import Dataset

LAPORAN_FILE = "laporan.yml"
PLACEHOLDERS = ("tahun", "tahun_lalu", "tahun_pertama")
ENTRY_KEYS = ("id", "judul", "sumber", "indikator")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
NUMBERED = re.compile(r"^(tabel|gambar)-(\d+)\.(\d+)$")


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
    Spec("lke", "tabel", None, "Kesiapan Laporan menurut Kriteria LKE Pelaporan Kinerja", "kesiapan-lke"),
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


def load(ds: Dataset) -> dict:
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


def _entry(path, ds: Dataset, where: str, entry) -> dict:
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
            bad = placeholders.problem(entry[k], PLACEHOLDERS)
            if bad is not None:
                raise DataError(
                    path,
                    f"bagian '{where}': '{k}' memuat {bad[:40]!r}; kurung kurawal hanya untuk "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS),
                )
    if "id" in entry and not _ID.match(fill(entry["id"], ds.year, ds.year)):
        raise DataError(path, f"bagian '{where}': id {entry['id']!r} tidak sah (huruf kecil, angka, '.', '-')")
    if "indikator" in entry:
        if not where.startswith("iku_sasaran_program."):
            raise DataError(path, f"bagian '{where}': 'indikator' hanya untuk iku_sasaran_program")
        ids = entry["indikator"]
        known = set(ds.indikator["indikator_id"])
        if not isinstance(ids, list) or not all(isinstance(i, str) and i in known for i in ids):
            raise DataError(path, f"bagian '{where}': 'indikator' harus berupa daftar id dari indikator.csv")
    return dict(entry)


def fill(text: str, year: int, first: int) -> str:
    """``text`` with its placeholders filled for the report year (``first``: the first year with capaian)."""
    return placeholders.fill(text, {"tahun": year, "tahun_lalu": year - 1, "tahun_pertama": first})
