"""Start an agency from nothing (``lkip new DATASET --year YEAR --agency NAME --region NAME``).

Writes ``data/<dataset>/`` with a ``metadata.yml`` (a draft, with the default capaian
policy written out so the agency can change it) and the core tables with their header
only. Nothing of any other agency is carried: no notes, no ``not_available`` entries,
no province. ``lkip validate`` then lists what is left to fill; once the core tables
are filled and the status is ``final``, the dataset validates and builds.
"""

from __future__ import annotations

from pathlib import Path

from lkip_helpers.capaian import AVERAGES, BIAYA_PER_SATUAN, EFISIENSI_METODE, LOWER_FORMULAS, TWO_TARGET_MINUS, Scale
from lkip_helpers.data import saving
from lkip_helpers.data.loading import empty_table
from lkip_helpers.data.schema import CORE_TABLES, FIELDS, TABLES
from lkip_helpers.errors import LkipError

SOURCE_OWN = "Isian {agency} {region} untuk LKIP {year} (dimulai dengan lkip new)"


def check_text(value: str, what: str) -> str:
    """A name given on the command line: one line of visible text."""
    text = (value or "").strip()
    if not text or any(ord(ch) < 32 or ord(ch) == 127 for ch in text) or len(text) > 200:
        raise LkipError(
            f"{what} tidak sah: {value!r}; tulis satu baris teks (paling panjang 200 karakter), "
            f'mis. --{"agency" if what == "nama instansi" else "region"} "..."'
        )
    return text


def check_year(year) -> int:
    """The report year, within the range a year column accepts."""
    lo, hi = int(FIELDS["year"].ge), int(FIELDS["year"].le)
    if not isinstance(year, int) or isinstance(year, bool) or not lo <= year <= hi:
        raise LkipError(f"tahun tidak sah: {year!r}; tulis tahun LKIP {lo}-{hi}, mis. --year 2024")
    return year


def metadata_text(dataset: str, year: int, agency: str, region: str) -> str:
    """``metadata.yml`` of a new agency: who and which year, status draft, and the capaian policy spelled out."""
    scale = "\n".join(
        f"    - {{min_pct: {low:g}, label: {saving.yaml_scalar(label)}}}" for low, label in Scale.default().bands
    )
    formulas = "\n".join(f"#   {k}: {v}" for k, v in LOWER_FORMULAS.items())
    averages = "\n".join(f"#   {k}: {v}" for k, v in AVERAGES.items())
    methods = "\n".join(f"#   {k}: {v}" for k, v in EFISIENSI_METODE.items())
    return f"""# Metadata LKIP {agency} {region} tahun {year}.
# Dibuat dengan `lkip new {dataset} --year {year}`. Isi tabel inti (sasaran, indikator, target,
# realisasi, anggaran) — langsung di CSV atau lewat `lkip template` / `lkip import` — lalu ubah
# status menjadi final. `lkip validate {dataset}` menampilkan apa yang masih kosong.
dataset:
  id: {saving.yaml_scalar(dataset)}
  agency: {saving.yaml_scalar(agency)}
  region: {saving.yaml_scalar(region)}
  year: {year}
  status: draft
  source_document: {saving.yaml_scalar(SOURCE_OWN.format(agency=agency, region=region, year=year))}

# Cara capaian dihitung dan dinilai; ubah bila kebijakan instansi berbeda.
# lower_formula, untuk indikator "lebih rendah lebih baik" (polarity: lower):
{formulas}
# average, rata-rata capaian:
{averages}
# cap_pct: batas atas capaian per indikator sebelum dirata-ratakan (null = tanpa batas; minimal 100).
# scale: kategori capaian, batas bawah (inklusif) tiap pita, dari yang tertinggi; harus ada pita min_pct: 0.
capaian:
  cap_pct: null
  average: rows
  lower_formula: {TWO_TARGET_MINUS}
  scale:
{scale}

# Cara efisiensi dinyatakan. Penilaiannya selalu dari biaya per satuan output (realisasi ÷
# rencana): efisien hanya bila target tercapai dengan biaya per satuan lebih rendah dari rencana.
# metode, angka yang dicetak:
{methods}
# toleransi_pct: selisih biaya per satuan dari rencana (persen) yang masih dinilai "sesuai rencana".
efisiensi:
  metode: {BIAYA_PER_SATUAN}
  toleransi_pct: 0
"""


def new_blank(dataset: str, year: int, agency: str, region: str, force: bool = False) -> Path:
    """Write ``data/<dataset>/`` for a new agency: draft metadata and the core tables, header only.

    Returns:
        the new dataset folder.
    """
    year = check_year(year)
    agency = check_text(agency, "nama instansi")
    region = check_text(region, "nama daerah")
    dest = saving.check_target(dataset, force)
    tables = {name: empty_table(TABLES[name]) for name in CORE_TABLES}
    return saving.write_dataset(dataset, dest, tables, metadata_text(dataset, year, agency, region))
