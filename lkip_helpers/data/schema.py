"""Every table and column of a dataset, defined once.

A :class:`Field` carries type, unit and description; a :class:`Table` lists its
fields, key and links to other tables. :func:`pandera_schema` turns a table into the
pandera schema that :mod:`lkip_helpers.data.loading` enforces, so the definition that
documents a column is the one that checks it (:func:`meets_schema` makes the same checks in plain
pandas first: a valid table never waits for pandera).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lkip_helpers.numbers import format_number

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

# dtype names used below -> pandas nullable dtypes
DTYPES = {"str": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}
POLARITIES = ("higher", "lower")
# Largest amount a cell may hold (Rp 1.000 triliun; any target or realisasi): far above any agency's
# budget, far below where sums and ratios lose precision or a chart cannot be drawn.
MAX_AMOUNT = 1e15

# An id (indikator_id, sasaran_id, unit_id, ...) becomes part of file names and artifact ids
# (``indikator-<id>.html``), so it is one safe file-name component: lower-case letters, digits,
# '-', '.', '_', starting and ending with a letter or digit, short enough for any file system.
ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?")
ID_RULE = (
    "huruf kecil, angka, '-', '.' atau '_', diawali dan diakhiri huruf kecil/angka, paling panjang 64 "
    "karakter (contoh: angka-stunting)"
)
# A kode rekening is whatever code the agency prints (1.02.01.2.01, P1.01, 1): any text without
# '/', '\\' or control characters (line breaks, tabs): it may become part of a link or a file name.
KODE_PATTERN = re.compile(r"[^/\\\s\x00-\x1f\x7f](?:[^/\\\x00-\x1f\x7f]{0,62}[^/\\\s\x00-\x1f\x7f])?")
KODE_RULE = "tanpa '/' atau '\\', tidak diawali/diakhiri spasi, paling panjang 64 karakter (contoh: 1.02.01 atau P1.01)"


def is_id(value: object) -> bool:
    """True when ``value`` is a well-formed id (see :data:`ID_PATTERN`).

    >>> is_id("angka-stunting"), is_id("ikk_gizi.2"), is_id("Angka_Stunting"), is_id("../../x"), is_id("a-")
    (True, True, False, False, False)
    """
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def suggest_id(value: str) -> str:
    """A well-formed id close to ``value`` (for error messages).

    >>> suggest_id("Angka_Stunting"), suggest_id("../../x"), suggest_id("Posyandu Aktif 2")
    ('angka_stunting', 'x', 'posyandu-aktif-2')
    """
    out = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower())
    out = re.sub(r"^[._-]+|[._-]+$", "", out)[:64].rstrip("._-")
    return out or "id-1"


PERCENT_UNITS = ("%", "persen", "persentase")  # an indicator unit (indikator.unit) that means percent


def is_percent_unit(unit: object) -> bool:
    """True when an indicator unit means percent.

    >>> is_percent_unit("%"), is_percent_unit(" Persen "), is_percent_unit("orang"), is_percent_unit(None)
    (True, True, False, False)
    """
    return isinstance(unit, str) and unit.strip().lower() in PERCENT_UNITS


def is_kode(value: object) -> bool:
    """True when ``value`` is a usable kode rekening (see :data:`KODE_PATTERN`).

    >>> is_kode("1.02.01.2.01"), is_kode("P1.01"), is_kode("1"), is_kode("1.02/01"), is_kode("")
    (True, True, True, False, False)
    """
    return isinstance(value, str) and KODE_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class Field:
    """One column definition.

    Args:
        name: column name; carries its unit where it has one (``pagu_rp``, ``capaian_pct``).
        dtype: one of ``str``, ``int``, ``float``, ``bool``.
        description: what the column holds (shown in ``lkip describe`` and the Excel template).
        unit: unit of measure, if any.
        ge: smallest allowed value for numbers.
        le: largest allowed value for numbers.
        isin: allowed values.
        form: ``id`` (see :func:`is_id`) or ``kode`` (see :func:`is_kode`) for text that names a row.
    """

    name: str
    dtype: str
    description: str
    unit: str = ""
    ge: float | None = None
    le: float | None = None
    isin: tuple[str, ...] | None = None
    form: str | None = None


_F = [
    Field(
        "sasaran_id",
        "str",
        "Id sasaran (sasaran strategis ss-*, sasaran program sp-*, sasaran kegiatan sk-*).",
        form="id",
    ),
    Field(
        "level",
        "str",
        "Tingkat dalam hierarki perencanaan.",
        isin=("strategis", "program", "kegiatan", "urusan", "organisasi", "sub_kegiatan"),
    ),
    Field("parent_id", "str", "Id baris induk dalam tabel yang sama; kosong pada baris teratas.", form="id"),
    Field("nomor", "str", "Nomor atau label seperti tercetak di laporan (mis. 1, 1.a, 2.2.1, II)."),
    Field("name", "str", "Nama seperti tertulis di laporan."),
    Field("short_name", "str", "Nama singkat untuk grafik."),
    Field("indikator_id", "str", "Id indikator kinerja (IKU untuk outcome, IKK untuk output: ikk-*).", form="id"),
    Field(
        "kind",
        "str",
        "iku = indikator kinerja utama (outcome); ikk = indikator kinerja kegiatan (output).",
        isin=("iku", "ikk"),
    ),
    Field("unit", "str", "Satuan pengukuran target dan realisasi (Bab III)."),
    Field(
        "polarity",
        "str",
        "higher = makin tinggi realisasi makin baik; lower = makin rendah realisasi makin baik.",
        isin=POLARITIES,
    ),
    Field(
        "kode_rekening",
        "str",
        "Kode rekening urusan/program/kegiatan/sub-kegiatan seperti tercetak di tabel anggaran, "
        "atau kode lain yang dipakai instansi (mis. P1, P1.01).",
        form="kode",
    ),
    Field("parent_kode", "str", "Kode rekening baris anggaran induk; kosong pada baris teratas.", form="kode"),
    Field("uraian", "str", "Uraian baris anggaran."),
    Field("year", "int", "Tahun anggaran/kinerja.", ge=2000, le=2100),
    Field(
        "basis",
        "str",
        "Dasar target: pk = target Perjanjian Kinerja yang diukur di Bab III; rpjmd = target RPJMD.",
        isin=("pk", "rpjmd"),
    ),
    Field("target", "float", "Nilai target, dalam satuan indikator.", ge=0, le=MAX_AMOUNT),
    Field("realisasi", "float", "Nilai realisasi, dalam satuan indikator.", ge=0, le=MAX_AMOUNT),
    Field("capaian_pct", "float", "Capaian seperti tercetak di laporan.", unit="%", ge=0, le=10000),
    Field("source_table", "str", "Tabel laporan asal nilai, dengan nomor seperti di laporan."),
    Field("source_section", "str", "Bagian laporan asal nilai (bab atau subbab seperti tercetak)."),
    Field(
        "document",
        "str",
        "Dokumen perencanaan: renstra, pk_awal (Perjanjian Kinerja), pk_perubahan (Perjanjian Kinerja Perubahan).",
        isin=("renstra", "pk_awal", "pk_perubahan"),
    ),
    Field(
        "part",
        "str",
        "Bagian tabel: outcome = indikator kinerja program/utama; output = indikator kinerja kegiatan.",
        isin=("outcome", "output"),
    ),
    Field("target_unit", "str", "Satuan target seperti tercetak di dokumen perencanaan."),
    Field("pagu_rp", "float", "Pagu anggaran setelah perubahan.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field(
        "realisasi_rp",
        "float",
        "Realisasi anggaran (yang dibelanjakan) sampai 31 Desember.",
        unit="Rp",
        ge=0,
        le=MAX_AMOUNT,
    ),
    Field("anggaran_rp", "float", "Anggaran yang dialokasikan.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("jenis_id", "str", "Id jenis belanja (klasifikasi ekonomi).", form="id"),
    Field("nomor_urut", "int", "Nomor urut seperti tercetak.", ge=1),
    Field("kabupaten", "str", "Nama kabupaten/kota seperti tercetak di laporan."),
    Field("jumlah_kecamatan", "int", "Jumlah kecamatan.", unit="kecamatan", ge=0),
    Field("jumlah_desa", "int", "Jumlah desa.", unit="desa", ge=0),
    Field("jumlah_kelurahan", "int", "Jumlah kelurahan.", unit="kelurahan", ge=0),
    Field("unit_id", "str", "Id unit organisasi atau lokasi penempatan.", form="id"),
    Field(
        "unit_type",
        "str",
        "Jenis unit.",
        isin=("kepala", "sekretariat", "sub_bagian", "bidang", "sub_koordinator", "penempatan"),
    ),
    Field("in_struktur", "bool", "Bernilai true bila unit tercantum di bagan struktur organisasi."),
    Field(
        "status",
        "str",
        "Status pegawai: pns = Pegawai Negeri Sipil, tenaga_kontrak = tenaga kontrak/honorer daerah.",
        isin=("pns", "tenaga_kontrak"),
    ),
    Field("jabatan", "str", "Nama jabatan."),
    Field("jumlah", "int", "Jumlah orang.", unit="orang", ge=0),
    Field("peringkat", "int", "Peringkat (1 = pertama).", ge=1),
    Field("kategori", "str", "Kategori lomba seperti tercetak."),
    Field("desa", "str", "Nama desa."),
    Field("kecamatan", "str", "Nama kecamatan."),
    Field("hadiah_rp", "float", "Hadiah uang.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("narasi_id", "str", "Id pernyataan naratif.", form="id"),
    Field("section", "str", "Bagian laporan tempat pernyataan itu."),
    Field(
        "narasi_kind",
        "str",
        "Jenis pernyataan.",
        isin=("faktor_pendukung", "penyebab_kendala", "rencana_perbaikan", "solusi", "saran"),
    ),
    Field("text", "str", "Pernyataan, dengan kata-kata laporan."),
    Field("report_table", "str", "Tempat nilai tercetak: Ringkasan Eksekutif, Tabel x.y atau Bab x.y."),
    Field(
        "subject",
        "str",
        "Pokok nilai tercetak: tabel yang dirujuk kolom id-nya; tanpa id, seluruh isi tabel itu "
        "(semua IKU, anggaran instansi, semua kabupaten, semua sub-kegiatan yang tertaut).",
        isin=("indikator", "sasaran", "anggaran", "belanja_jenis", "wilayah", "kegiatan"),
    ),
    Field(
        "group",
        "str",
        "Anggota pokok yang dicakup sebuah hitungan, minimum atau maksimum: nol (nilai 0), "
        "di_bawah_ambang (di atas 0, di bawah ambang_pct), mencapai_ambang (sama dengan atau di atas ambang_pct); "
        "kosong = semua.",
        isin=("nol", "di_bawah_ambang", "mencapai_ambang"),
    ),
    Field(
        "ambang_pct",
        "float",
        "Ambang yang dipakai hitungan atau kelompok tercetak (kosong = 100: target tercapai).",
        unit="%",
        ge=0,
        le=10000,
    ),
    Field(
        "about_table",
        "str",
        "Untuk nilai yang tercetak dalam paragraf tentang sebuah tabel: tabel itu, dengan nomor seperti di laporan.",
    ),
    Field(
        "label",
        "str",
        "Kata-kata laporan untuk baris atau kalimat itu, bila kolom pokok saja tidak dapat membedakan dua "
        "nilai tercetak atau tidak menyebut pokoknya.",
    ),
    Field(
        "metric",
        "str",
        "Besaran yang tercetak (capaian_pct, rata_rata_capaian_pct, peningkatan_pct, jumlah_tercapai, "
        "pagu_rp, serapan_pct, jumlah_desa, ...); audit punya satu aturan untuk tiap pasangan pokok dan besaran.",
    ),
    Field("printed_text", "str", "Teks persis seperti tercetak."),
    Field("value", "float", "Teks tercetak yang dibaca sebagai angka kanonik; kosong bila tercetak '-'."),
    Field("note", "str", "Catatan transkripsi."),
    Field(
        "bagian",
        "str",
        "Bagian teks profil instansi dalam LKIP: kata_pengantar; latar_belakang, dasar_hukum, tugas_fungsi, "
        "struktur_organisasi, sdm, isu_strategis (Bab I); visi, misi, tujuan (Bab II); rencana_tindak_lanjut "
        "(Bab IV). Bagian berupa daftar (dasar_hukum, misi, tujuan, isu_strategis, rencana_tindak_lanjut) "
        "diisi satu baris per butir.",
        isin=(
            "kata_pengantar",
            "latar_belakang",
            "dasar_hukum",
            "tugas_fungsi",
            "struktur_organisasi",
            "sdm",
            "isu_strategis",
            "visi",
            "misi",
            "tujuan",
            "rencana_tindak_lanjut",
        ),
    ),
    Field("urutan", "int", "Urutan paragraf atau butir dalam bagiannya (1, 2, 3, ...).", ge=1),
    Field("definisi", "str", "Definisi operasional indikator: apa yang diukur."),
    Field("formula", "str", "Cara menghitung realisasi indikator (rumus)."),
    Field("sumber_data", "str", "Sumber data realisasi indikator."),
    Field("pembanding", "str", "Nama pembanding (mis. Rata-rata nasional, Provinsi lain, Standar Pelayanan Minimal)."),
    Field("nilai", "float", "Nilai pembanding, dalam satuan indikator.", ge=0, le=MAX_AMOUNT),
    Field("sumber", "str", "Sumber nilai pembanding (dokumen, lembaga, tahun terbit)."),
]
FIELDS: dict[str, Field] = {f.name: f for f in _F}


@dataclass(frozen=True)
class Col:
    """A field's use in one table: optional or required, and an optional renaming."""

    field: str
    required: bool = True
    name: str | None = None  # column name in the file when it differs from the field name
    fill: bool = False  # filled anew each year (realisasi, amounts): may stay blank while the dataset is a draft

    @property
    def column(self) -> str:
        return self.name or self.field

    def blank_allowed(self, draft: bool = False) -> bool:
        """True when a blank cell passes: optional columns, and columns still to fill in a draft."""
        return not self.required or (draft and self.fill)


@dataclass(frozen=True)
class Link:
    """Foreign key: ``columns`` of this table must exist in ``table``'s ``ref_columns``."""

    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One CSV file of a dataset.

    ``parent`` names the column pointing to the parent row (the table is a hierarchy
    keyed by ``key[0]``); in a hierarchy, ``fill`` columns hold amounts on the leaves
    only and parents are computed. ``core`` tables are what every agency supplies
    (sasaran, indikator, target, realisasi, anggaran); every other table is optional:
    its file may be absent or hold a header only, and the sections that need it are
    left out. ``empty_in_draft`` tables hold facts of the year that may not exist yet
    (prizes, narrative, printed values): a draft lists them as still to fill.
    """

    name: str
    description: str
    cols: tuple[Col, ...]
    key: tuple[str, ...]
    links: tuple[Link, ...] = field(default_factory=tuple)
    parent: str | None = None
    empty_in_draft: bool = False
    core: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [c.column for c in self.cols]

    def field_of(self, column: str) -> Field:
        return FIELDS[self.col(column).field]

    def col(self, column: str) -> Col:
        return next(c for c in self.cols if c.column == column)


def _t(name, description, cols, key, links=(), parent=None, empty_in_draft=False, core=False):
    parsed = tuple(c if isinstance(c, Col) else Col(c.rstrip("?"), required=not c.endswith("?")) for c in cols)
    return Table(name, description, parsed, tuple(key), tuple(Link(*lk) for lk in links), parent, empty_in_draft, core)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "sasaran",
            "Sasaran strategis, sasaran program dan sasaran kegiatan.",
            ["sasaran_id", "level", "parent_id?", "nomor", "name"],
            ["sasaran_id"],
            [(("parent_id",), "sasaran", ("sasaran_id",))],
            parent="parent_id",
            core=True,
        ),
        _t(
            "indikator",
            "Indikator kinerja: IKU (outcome) dan IKK (output).",
            [
                "indikator_id",
                "kind",
                "sasaran_id",
                "parent_id?",
                "nomor?",
                "name",
                "short_name",
                "unit?",
                "polarity",
                "kode_rekening?",
                "definisi?",
                "formula?",
                "sumber_data?",
            ],
            ["indikator_id"],
            [
                (("sasaran_id",), "sasaran", ("sasaran_id",)),
                (("parent_id",), "indikator", ("indikator_id",)),
                (("kode_rekening",), "anggaran", ("kode_rekening",)),
            ],
            parent="parent_id",
            core=True,
        ),
        _t(
            "target",
            "Target per indikator, tahun dan dasar target.",
            ["indikator_id", "year", "basis", Col("target", fill=True), "source_table?"],
            ["indikator_id", "year", "basis"],
            [(("indikator_id",), "indikator", ("indikator_id",))],
            core=True,
        ),
        _t(
            "realisasi",
            "Realisasi per indikator dan tahun.",
            ["indikator_id", "year", Col("realisasi", required=False, fill=True), "source_table?"],
            ["indikator_id", "year"],
            [(("indikator_id",), "indikator", ("indikator_id",))],
            core=True,
        ),
        _t(
            "capaian_historis",
            "Capaian (%) yang tercetak untuk tahun-tahun yang target dan realisasinya tidak dimuat laporan.",
            ["indikator_id", "year", "capaian_pct?", "source_table"],
            ["indikator_id", "year"],
            [(("indikator_id",), "indikator", ("indikator_id",))],
        ),
        _t(
            "dokumen_perencanaan",
            "Baris tabel Renstra dan Perjanjian Kinerja seperti tercetak.",
            [
                "document",
                "source_table",
                "part",
                "nomor",
                "sasaran_id",
                "indikator_id?",
                "kode_rekening?",
                "name",
                "target?",
                "target_unit?",
            ],
            ["document", "source_table", "part", "nomor"],
            [
                (("sasaran_id",), "sasaran", ("sasaran_id",)),
                (("indikator_id",), "indikator", ("indikator_id",)),
                (("kode_rekening",), "anggaran", ("kode_rekening",)),
            ],
        ),
        _t(
            "sasaran_kegiatan",
            "Program dan sub-kegiatan yang mendukung tiap sasaran.",
            ["sasaran_id", "kode_rekening", "source_table"],
            ["sasaran_id", "kode_rekening", "source_table"],
            [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("kode_rekening",), "anggaran", ("kode_rekening",))],
        ),
        _t(
            "anggaran",
            "Anggaran per kode rekening (program, kegiatan, sub-kegiatan); nilai rupiah hanya pada baris terinci (tanpa baris anak).",
            [
                "kode_rekening",
                "parent_kode?",
                "level",
                "uraian",
                Col("pagu_rp", required=False, fill=True),
                Col("realisasi_rp", required=False, fill=True),
            ],
            ["kode_rekening"],
            [(("parent_kode",), "anggaran", ("kode_rekening",))],
            parent="parent_kode",
            core=True,
        ),
        _t(
            "belanja_jenis",
            "Anggaran per jenis belanja (klasifikasi ekonomi); nilai rupiah hanya pada baris terinci (tanpa baris anak).",
            [
                "jenis_id",
                "parent_id?",
                "nomor?",
                "uraian",
                Col("anggaran_rp", required=False, fill=True),
                Col("realisasi_rp", required=False, fill=True),
            ],
            ["jenis_id"],
            [(("parent_id",), "belanja_jenis", ("jenis_id",))],
            parent="parent_id",
        ),
        _t(
            "wilayah",
            "Jumlah kecamatan, desa dan kelurahan per kabupaten/kota.",
            [Col("nomor_urut", name="nomor"), "kabupaten", "jumlah_kecamatan", "jumlah_desa", "jumlah_kelurahan"],
            ["kabupaten"],
        ),
        _t(
            "unit_organisasi",
            "Unit organisasi, untuk bagan struktur organisasi.",
            ["unit_id", "parent_id?", "unit_type", "name", "in_struktur"],
            ["unit_id"],
            [(("parent_id",), "unit_organisasi", ("unit_id",))],
            parent="parent_id",
        ),
        _t("pegawai_total", "Jumlah pegawai per status.", ["status", "jumlah", "source_section"], ["status"]),
        _t(
            "pegawai",
            "Pegawai per status, unit dan jabatan.",
            ["status", "unit_id", "jabatan", "jumlah", "source_section"],
            ["status", "unit_id", "jabatan"],
            [(("unit_id",), "unit_organisasi", ("unit_id",)), (("status",), "pegawai_total", ("status",))],
        ),
        _t(
            "lomba_desa",
            "Pemenang lomba desa per peringkat dan kategori.",
            ["peringkat", "kategori", "desa", "kecamatan", "kabupaten", "source_section"],
            ["peringkat"],
            empty_in_draft=True,
        ),
        _t(
            "hadiah_lomba_pkk",
            "Hadiah uang lomba per peringkat dan kategori.",
            ["peringkat", "kategori", "hadiah_rp", "source_section"],
            ["peringkat"],
            empty_in_draft=True,
        ),
        _t(
            "narasi",
            "Penyebab, rencana dan saran yang dinyatakan instansi, per indikator atau sasaran.",
            ["narasi_id", "section", Col("narasi_kind", name="kind"), "sasaran_id?", "indikator_id?", "text"],
            ["narasi_id"],
            [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("indikator_id",), "indikator", ("indikator_id",))],
            empty_in_draft=True,
        ),
        _t(
            "profil",
            "Teks profil instansi untuk Bab I, Bab II dan Bab IV LKIP (latar belakang, dasar hukum, tugas dan "
            "fungsi, isu strategis, visi, misi, tujuan, rencana tindak lanjut), dengan kata-kata instansi.",
            ["bagian", "urutan", "text", "source_section?"],
            ["bagian", "urutan"],
        ),
        _t(
            "pembanding",
            "Nilai pembanding (nasional, provinsi lain, standar) untuk indikator, per tahun.",
            ["indikator_id", "year", "pembanding", "nilai", "sumber?"],
            ["indikator_id", "year", "pembanding"],
            [(("indikator_id",), "indikator", ("indikator_id",))],
        ),
        _t(
            "nilai_tercetak",
            "Nilai turunan persis seperti tercetak, untuk audit konsistensi.",
            [
                "report_table",
                "subject",
                "indikator_id?",
                "sasaran_id?",
                "kode_rekening?",
                "jenis_id?",
                "kabupaten?",
                "group?",
                "ambang_pct?",
                "about_table?",
                "label?",
                "metric",
                "year?",
                "basis?",
                "printed_text",
                "value?",
                "note?",
            ],
            [
                "report_table",
                "subject",
                "indikator_id",
                "sasaran_id",
                "kode_rekening",
                "jenis_id",
                "kabupaten",
                "group",
                "ambang_pct",
                "about_table",
                "label",
                "metric",
                "year",
                "basis",
            ],
            empty_in_draft=True,
        ),
    ]
}


CORE_TABLES = tuple(name for name, t in TABLES.items() if t.core)
# The core contract that checks outside the project rely on: these files and columns keep their names.
# Other columns of a core table (source_table) may be left out of the file.
CORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sasaran": ("sasaran_id", "level", "parent_id", "nomor", "name"),
    "indikator": (
        "indikator_id",
        "kind",
        "sasaran_id",
        "parent_id",
        "nomor",
        "name",
        "short_name",
        "unit",
        "polarity",
        "kode_rekening",
    ),
    "target": ("indikator_id", "year", "basis", "target"),
    "realisasi": ("indikator_id", "year", "realisasi"),
    "anggaran": ("kode_rekening", "parent_kode", "level", "uraian", "pagu_rp", "realisasi_rp"),
}
assert set(CORE_COLUMNS) == set(CORE_TABLES) and all(
    set(cols) <= set(TABLES[t].columns) for t, cols in CORE_COLUMNS.items()
)


def may_leave_out(table: Table, column: str) -> bool:
    """True when ``column`` may be missing from the file: a column that may stay blank, not of the core contract."""
    return not table.col(column).required and column not in CORE_COLUMNS.get(table.name, ())


OPTIONAL_TABLES = tuple(name for name, t in TABLES.items() if not t.core)

# metadata.yml ``tidak_tersedia: {TABLE: REASON}``: a table the agency states it cannot supply, and why.
# Only budget tables may be declared so (an agency whose budget is kept elsewhere, e.g. by the regional
# finance office): every LKIP measures indicators against targets, so sasaran, indikator, target and
# realisasi are never optional. A declared table may be absent or hold a header only, even in a final
# dataset; the report states the reason in one sentence where its sections would be.
UNAVAILABLE_KEY = "tidak_tersedia"
MAY_BE_UNAVAILABLE = ("anggaran", "belanja_jenis")


def bound_text(x: float) -> str:
    """A bound as a message shows it: Indonesian thousands separators, no exponent.

    >>> bound_text(0), bound_text(10000), bound_text(1e15), bound_text(0.5)
    ('0', '10.000', '1.000.000.000.000.000', '0,5')
    """
    text = format_number(x, 0 if float(x).is_integer() else 6)
    return text.rstrip("0").rstrip(",") if "," in text else text


def pandera_schema(table: Table, draft: bool = False) -> pa.DataFrameSchema:
    """The pandera schema enforcing ``table`` (types, required, ranges, allowed values, key).

    Args:
        draft: the dataset is a draft, so columns still to fill (``Col.fill``) may be blank.
    """
    import pandera.pandas as pa  # here: ~0.6 s to import, which lkip's start-up (--help, a no-op build) never needs

    columns = {}
    for col in table.cols:
        f = FIELDS[col.field]
        checks = []
        if f.ge is not None:
            checks.append(pa.Check.ge(f.ge, error=f"nilai harus >= {bound_text(f.ge)}"))
        if f.le is not None:
            checks.append(pa.Check.le(f.le, error=f"nilai harus <= {bound_text(f.le)}"))
        if f.isin is not None:
            checks.append(pa.Check.isin(list(f.isin), error="salah satu dari: " + ", ".join(f.isin)))
        columns[col.column] = pa.Column(
            DTYPES[f.dtype],
            checks=checks,
            nullable=col.blank_allowed(draft),
            required=True,
            description=f.description,
            title=f.unit or None,
        )
    return pa.DataFrameSchema(columns, strict=True, unique=list(table.key), name=table.name)


def meets_schema(table: Table, df: pd.DataFrame, draft: bool = False) -> bool:
    """Whether ``df`` passes every check of :func:`pandera_schema` (``table``'s dtypes, blanks, ranges,
    allowed values and key), tested with plain pandas.

    Loading a valid table this way takes milliseconds where pandera takes a tenth of a second (and half a
    second to import): every notebook opened loads the whole dataset. Only a table that fails goes through
    pandera, which names its problems.
    """
    if list(df.columns) != table.columns:
        return False
    for col in table.cols:
        f, values = FIELDS[col.field], df[col.column]
        if str(values.dtype) != DTYPES[f.dtype] or (not col.blank_allowed(draft) and values.isna().any()):
            return False
        given = values.dropna()
        if f.ge is not None and (given < f.ge).any() or f.le is not None and (given > f.le).any():
            return False
        if f.isin is not None and not given.isin(list(f.isin)).all():
            return False
    return not df.duplicated(list(table.key)).any()


def describe(table: Table) -> list[dict]:
    """Rows of the data dictionary for one table (column, type, unit, required, description)."""
    out = []
    for col in table.cols:
        f = FIELDS[col.field]
        allowed = f" Pilihan: {', '.join(f.isin)}." if f.isin else ""
        out.append(
            {
                "table": table.name,
                "column": col.column,
                "type": f.dtype,
                "unit": f.unit,
                "required": col.required,
                "key": col.column in table.key,
                "fill": col.fill,
                "description": f.description + allowed,
            }
        )
    return out


# ---------------------------------------------------------------- metadata.yml


@dataclass(frozen=True)
class MetaKey:
    """One key of ``metadata.yml``.

    Args:
        key: dotted path, e.g. ``dataset.year``.
        kind: ``text`` (a non-empty scalar), ``year``, ``bool``, ``choice`` (one of ``isin``),
            ``mapping`` or ``list``.
        description: what the key holds.
        required: the key must be given.
        isin: allowed values of a ``choice``.
    """

    key: str
    kind: str
    description: str
    required: bool = False
    isin: tuple[str, ...] | None = None


# Descriptions are in Bahasa Indonesia: they are quoted in error messages.
METADATA: dict[str, MetaKey] = {
    m.key: m
    for m in [
        MetaKey("dataset", "mapping", "siapa, apa dan tahun berapa", required=True),
        MetaKey("dataset.id", "text", "id dataset; bila berbeda, nama folder yang dipakai"),
        MetaKey("dataset.agency", "text", "nama instansi, mis. Dinas Kesehatan", required=True),
        MetaKey("dataset.agency_short", "text", "nama singkat instansi, mis. Dinkes"),
        MetaKey(
            "dataset.region", "text", "pemerintah daerah instansi, mis. Kabupaten Contoh; wajib bila province tidak ada"
        ),
        MetaKey("dataset.province", "text", "provinsi (dataset lama; region lebih disukai)"),
        MetaKey("dataset.year", "year", "tahun LKIP (tahun yang target dan realisasinya dilaporkan)", required=True),
        MetaKey(
            "dataset.status",
            "choice",
            "draft selama isian belum lengkap; final (bawaan) bila lengkap",
            isin=("draft", "final"),
        ),
        MetaKey("dataset.renstra_period", "text", "periode Renstra, mis. 2021-2026"),
        MetaKey(
            "dataset.jenis_instansi",
            "choice",
            "jenis instansi, menentukan kata-kata LKIP: daerah (perangkat daerah, bawaan), kementerian atau lembaga",
            isin=("daerah", "kementerian", "lembaga"),
        ),
        MetaKey(
            "dataset.rencana_jangka_menengah",
            "choice",
            "dokumen jangka menengah yang menjadi dasar target basis rpjmd: RPJMD (bawaan untuk daerah), "
            "Renstra, atau RPJMN",
            isin=("RPJMD", "Renstra", "RPJMN"),
        ),
        MetaKey(
            "dataset.pk_perubahan",
            "choice",
            "terapkan (bawaan): bila ada PK Perubahan, kinerja tahun ini diukur terhadapnya dan indikator yang "
            "targetnya dihapus (0) tidak dihitung; abaikan: diukur terhadap PK awal",
            isin=("terapkan", "abaikan"),
        ),
        MetaKey("dataset.tempat", "text", "tempat penandatanganan LKIP, mis. Kota Contoh"),
        MetaKey("dataset.tanggal", "text", "tanggal penandatanganan LKIP, mis. Februari 2024"),
        MetaKey(
            "dataset.batas_penyampaian",
            "text",
            "batas waktu penyampaian LKIP yang berlaku bagi instansi, mis. 28 Februari 2024 atau 2024-02-28 "
            "(kriteria LKE 3.a.6: disampaikan tepat waktu)",
        ),
        MetaKey("penandatangan", "mapping", "penandatangan LKIP: jabatan, nama, pangkat, nip"),
        MetaKey("penandatangan.jabatan", "text", "jabatan penandatangan, mis. Kepala Badan Contoh"),
        MetaKey("penandatangan.nama", "text", "nama penandatangan"),
        MetaKey("penandatangan.pangkat", "text", "pangkat/golongan penandatangan"),
        MetaKey("penandatangan.nip", "text", "NIP penandatangan"),
        MetaKey(
            "dataset.source_document", "text", "asal data (laporan terbit, atau isian instansi sendiri)", required=True
        ),
        MetaKey("dataset.source_file", "text", "file asal transkripsi"),
        MetaKey("dataset.transcribed_by", "text", "siapa yang mentranskripsi, dan kapan"),
        MetaKey("dataset.synthetic", "bool", "true untuk data uji rekaan yang tidak menggambarkan instansi nyata"),
        MetaKey("dataset.carried_from", "text", "dataset asal draf ini (lkip new --from)"),
        MetaKey(
            "capaian",
            "mapping",
            "cara capaian dihitung, dirata-ratakan dan dikategorikan "
            "(diperiksa oleh lkip_helpers.capaian.CapaianPolicy)",
        ),
        MetaKey(
            "efisiensi",
            "mapping",
            "cara efisiensi dinyatakan: metode (biaya_per_satuan, bawaan; atau selisih_capaian_serapan) dan "
            "toleransi_pct (bawaan 0) (diperiksa oleh lkip_helpers.capaian.EfisiensiPolicy)",
        ),
        MetaKey("tables", "mapping", "per tabel: source (letaknya di laporan) dan notes"),
        MetaKey("not_available", "list", "gambar/tabel laporan yang tidak dapat dibuat dari data: id, title, reason"),
        MetaKey(
            UNAVAILABLE_KEY,
            "mapping",
            "tabel data yang tidak tersedia bagi instansi ini, dengan alasannya, mis. "
            '{anggaran: "Pagu dan realisasi dikelola BPKAD dan belum diserahkan"}; laporan menyatakan alasan itu '
            "sebagai ganti bagiannya. Tabel yang boleh dinyatakan: " + ", ".join(MAY_BE_UNAVAILABLE),
        ),
        MetaKey("draft", "mapping", "untuk draf: dataset asal dan tabel yang perlu diperiksa"),
        MetaKey(
            "batas",
            "mapping",
            "batas ukuran data, untuk instansi yang datanya melebihi bawaan: csv_mb (50), xlsx_mb (50), "
            "baris_per_tabel (200000), sel_per_sheet (2000000), karakter_per_sel (10000) "
            "(diperiksa oleh lkip_helpers.data.limits.Limits)",
        ),
        MetaKey(
            "audit",
            "mapping",
            "kebiasaan laporan yang menjelaskan angka tercetak (audit.alternatives; "
            "diperiksa oleh lkip_helpers.analysis.audit)",
        ),
    ]
}
