"""Every table and column of a dataset, defined once.

A :class:`Field` carries type, unit and description; a :class:`Table` lists its
fields, key and links to other tables. :func:`pandera_schema` turns a table into the
pandera schema that :mod:`lkip_helpers.data.loading` enforces, so the definition that
documents a column is the one that checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a table is checked: a kernel handed a checked dataset never needs it
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
ID_RULE = ("huruf kecil, angka, '-', '.' atau '_', diawali dan diakhiri huruf kecil/angka, paling panjang 64 "
           "karakter (contoh: angka-stunting)")
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
    Field("sasaran_id", "str", "Id of a sasaran (strategis ss-*, program sp-*, kegiatan sk-*).", form="id"),
    Field("level", "str", "Level in the planning hierarchy.", isin=(
        "strategis", "program", "kegiatan", "urusan", "organisasi", "sub_kegiatan")),
    Field("parent_id", "str", "Id of the parent row in the same table; blank at the top.", form="id"),
    Field("nomor", "str", "Number or label as printed in the report (e.g. 1, 1.a, 2.2.1, II)."),
    Field("name", "str", "Name as stated in the report."),
    Field("short_name", "str", "Short label for charts."),
    Field("indikator_id", "str", "Id of a performance indicator (IKU outcome or IKK output, ikk-*).", form="id"),
    Field("kind", "str", "iku = indikator kinerja utama (outcome); ikk = indikator kinerja kegiatan (output).",
          isin=("iku", "ikk")),
    Field("unit", "str", "Unit in which target and realisasi are measured (Bab III)."),
    Field("polarity", "str", "higher = higher realisasi is better; lower = lower is better.", isin=POLARITIES),
    Field("kode_rekening", "str", "Budget code of urusan/program/kegiatan/sub-kegiatan as printed in the budget table, "
          "or any code the agency uses (e.g. P1, P1.01).", form="kode"),
    Field("parent_kode", "str", "Kode rekening of the parent budget row; blank at the top.", form="kode"),
    Field("uraian", "str", "Description of the budget row."),
    Field("year", "int", "Budget/performance year.", ge=2000, le=2100),
    Field("basis", "str", "Which target: pk = Perjanjian Kinerja target measured in Bab III; rpjmd = RPJMD target.",
          isin=("pk", "rpjmd")),
    Field("target", "float", "Target value, in the indicator's unit.", ge=0, le=MAX_AMOUNT),
    Field("realisasi", "float", "Realised value, in the indicator's unit.", ge=0, le=MAX_AMOUNT),
    Field("capaian_pct", "float", "Capaian (achievement) as published, in percent.", unit="%", ge=0, le=10000),
    Field("source_table", "str", "Report table the value comes from (as the report numbers it)."),
    Field("source_section", "str", "Report section the value comes from (e.g. Bab 1.6)."),
    Field("document", "str", "Planning document: renstra, pk_awal (Perjanjian Kinerja), pk_perubahan (Perjanjian Kinerja Perubahan).",
          isin=("renstra", "pk_awal", "pk_perubahan")),
    Field("part", "str", "outcome = indikator kinerja program/utama; output = indikator kinerja kegiatan.",
          isin=("outcome", "output")),
    Field("target_unit", "str", "Unit of the target as the planning document prints it."),
    Field("pagu_rp", "float", "Budget ceiling (pagu) after amendment.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("realisasi_rp", "float", "Budget realised (spent) by 31 December.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("anggaran_rp", "float", "Budget allocated.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("jenis_id", "str", "Id of an economic class of spending (jenis belanja).", form="id"),
    Field("nomor_urut", "int", "Row number as printed.", ge=1),
    Field("kabupaten", "str", "Kabupaten/kota name as printed in the report."),
    Field("jumlah_kecamatan", "int", "Number of kecamatan.", unit="kecamatan", ge=0),
    Field("jumlah_desa", "int", "Number of desa.", unit="desa", ge=0),
    Field("jumlah_kelurahan", "int", "Number of kelurahan.", unit="kelurahan", ge=0),
    Field("unit_id", "str", "Id of an organisational unit or place of assignment.", form="id"),
    Field("unit_type", "str", "Kind of unit.", isin=(
        "kepala", "sekretariat", "sub_bagian", "bidang", "sub_koordinator", "penempatan")),
    Field("in_struktur", "bool", "True when the unit is part of the organisation chart."),
    Field("status", "str", "Staff status: pns = Pegawai Negeri Sipil, tenaga_kontrak = tenaga kontrak/honorer daerah.",
          isin=("pns", "tenaga_kontrak")),
    Field("jabatan", "str", "Position."),
    Field("jumlah", "int", "Number of people.", unit="orang", ge=0),
    Field("peringkat", "int", "Rank (1 = first).", ge=1),
    Field("kategori", "str", "Prize category as printed."),
    Field("desa", "str", "Desa name."),
    Field("kecamatan", "str", "Kecamatan name."),
    Field("hadiah_rp", "float", "Prize money.", unit="Rp", ge=0, le=MAX_AMOUNT),
    Field("narasi_id", "str", "Id of a narrative statement.", form="id"),
    Field("section", "str", "Report section of the statement."),
    Field("narasi_kind", "str", "Kind of statement.", isin=(
        "faktor_pendukung", "penyebab_kendala", "rencana_perbaikan", "solusi", "saran")),
    Field("text", "str", "The statement, as the report words it."),
    Field("report_table", "str", "Where the value is printed: Ringkasan Eksekutif, Tabel x.y or Bab x.y."),
    Field("subject", "str", "What a printed value is about: the table its id columns point into; with no id, the "
          "whole of it (every IKU, the agency's budget, every kabupaten, every linked sub-kegiatan).",
          isin=("indikator", "sasaran", "anggaran", "belanja_jenis", "wilayah", "kegiatan")),
    Field("group", "str", "Which members of the subject a count, minimum or maximum covers: nol (value 0), "
          "di_bawah_ambang (above 0, below ambang_pct), mencapai_ambang (at or above ambang_pct); blank = all.",
          isin=("nol", "di_bawah_ambang", "mencapai_ambang")),
    Field("ambang_pct", "float", "Threshold the printed count or group uses (blank = 100: target reached).",
          unit="%", ge=0, le=10000),
    Field("about_table", "str", "For a value printed in a paragraph about a table: that table, as the report numbers it."),
    Field("label", "str", "The report's wording for the row or sentence, where the subject columns alone do not "
          "tell two printed values apart or name no subject."),
    Field("metric", "str", "Quantity printed (capaian_pct, rata_rata_capaian_pct, peningkatan_pct, jumlah_tercapai, "
          "pagu_rp, serapan_pct, jumlah_desa, ...); the audit has one rule per subject and metric."),
    Field("printed_text", "str", "The characters exactly as printed."),
    Field("value", "float", "The printed text parsed to a canonical number; blank when printed '-'."),
    Field("note", "str", "Transcription note."),
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
    return Table(name, description, parsed, tuple(key), tuple(Link(*lk) for lk in links), parent, empty_in_draft,
                 core)


TABLES: dict[str, Table] = {t.name: t for t in [
    _t("sasaran", "Sasaran strategis, sasaran program and sasaran kegiatan.",
       ["sasaran_id", "level", "parent_id?", "nomor", "name"], ["sasaran_id"],
       [(("parent_id",), "sasaran", ("sasaran_id",))], parent="parent_id", core=True),
    _t("indikator", "Performance indicators: IKU (outcome) and IKK (output).",
       ["indikator_id", "kind", "sasaran_id", "parent_id?", "nomor?", "name", "short_name", "unit?", "polarity",
        "kode_rekening?"], ["indikator_id"],
       [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("parent_id",), "indikator", ("indikator_id",)),
        (("kode_rekening",), "anggaran", ("kode_rekening",))], parent="parent_id", core=True),
    _t("target", "Targets per indicator, year and basis.",
       ["indikator_id", "year", "basis", Col("target", fill=True), "source_table?"], ["indikator_id", "year", "basis"],
       [(("indikator_id",), "indikator", ("indikator_id",))], core=True),
    _t("realisasi", "Realisasi per indicator and year.",
       ["indikator_id", "year", Col("realisasi", required=False, fill=True), "source_table?"], ["indikator_id", "year"],
       [(("indikator_id",), "indikator", ("indikator_id",))], core=True),
    _t("capaian_historis", "Capaian % published for years whose target and realisasi the report does not give.",
       ["indikator_id", "year", "capaian_pct?", "source_table"], ["indikator_id", "year"],
       [(("indikator_id",), "indikator", ("indikator_id",))]),
    _t("dokumen_perencanaan", "Rows of the Renstra and Perjanjian Kinerja tables as printed.",
       ["document", "source_table", "part", "nomor", "sasaran_id", "indikator_id?", "kode_rekening?", "name",
        "target?", "target_unit?"], ["document", "source_table", "part", "nomor"],
       [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("indikator_id",), "indikator", ("indikator_id",)),
        (("kode_rekening",), "anggaran", ("kode_rekening",))]),
    _t("sasaran_kegiatan", "Which programs and sub-kegiatan serve which sasaran.",
       ["sasaran_id", "kode_rekening", "source_table"], ["sasaran_id", "kode_rekening", "source_table"],
       [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("kode_rekening",), "anggaran", ("kode_rekening",))]),
    _t("anggaran", "Budget by kode rekening (program, kegiatan, sub-kegiatan); amounts on the leaves only.",
       ["kode_rekening", "parent_kode?", "level", "uraian", Col("pagu_rp", required=False, fill=True),
        Col("realisasi_rp", required=False, fill=True)], ["kode_rekening"],
       [(("parent_kode",), "anggaran", ("kode_rekening",))], parent="parent_kode", core=True),
    _t("belanja_jenis", "Budget by economic class (jenis belanja); amounts on the leaves only.",
       ["jenis_id", "parent_id?", "nomor?", "uraian", Col("anggaran_rp", required=False, fill=True),
        Col("realisasi_rp", required=False, fill=True)], ["jenis_id"],
       [(("parent_id",), "belanja_jenis", ("jenis_id",))], parent="parent_id"),
    _t("wilayah", "Kecamatan, desa and kelurahan per kabupaten/kota.",
       [Col("nomor_urut", name="nomor"), "kabupaten", "jumlah_kecamatan", "jumlah_desa", "jumlah_kelurahan"],
       ["kabupaten"]),
    _t("unit_organisasi", "Organisational units (Bab 1.6).",
       ["unit_id", "parent_id?", "unit_type", "name", "in_struktur"], ["unit_id"],
       [(("parent_id",), "unit_organisasi", ("unit_id",))], parent="parent_id"),
    _t("pegawai_total", "Staff totals by status (Bab 1.6).", ["status", "jumlah", "source_section"], ["status"]),
    _t("pegawai", "Staff the text names, by status, unit and position (Bab 1.6).",
       ["status", "unit_id", "jabatan", "jumlah", "source_section"], ["status", "unit_id", "jabatan"],
       [(("unit_id",), "unit_organisasi", ("unit_id",)), (("status",), "pegawai_total", ("status",))]),
    _t("lomba_desa", "Winners of the provincial Lomba Desa (Bab 3.6).",
       ["peringkat", "kategori", "desa", "kecamatan", "kabupaten", "source_section"], ["peringkat"],
       empty_in_draft=True),
    _t("hadiah_lomba_pkk", "Prize money of the Lomba 10 Program Pokok PKK (Bab 3.6).",
       ["peringkat", "kategori", "hadiah_rp", "source_section"], ["peringkat"], empty_in_draft=True),
    _t("narasi", "Causes, plans and suggestions the report states (Bab 3.2, 3.5, 3.6, IV).",
       ["narasi_id", "section", Col("narasi_kind", name="kind"), "sasaran_id?", "indikator_id?", "text"],
       ["narasi_id"],
       [(("sasaran_id",), "sasaran", ("sasaran_id",)), (("indikator_id",), "indikator", ("indikator_id",))],
       empty_in_draft=True),
    _t("nilai_tercetak", "Derived values exactly as printed, for the consistency audit.",
       ["report_table", "subject", "indikator_id?", "sasaran_id?", "kode_rekening?", "jenis_id?", "kabupaten?",
        "group?", "ambang_pct?", "about_table?", "label?", "metric", "year?", "basis?", "printed_text", "value?",
        "note?"],
       ["report_table", "subject", "indikator_id", "sasaran_id", "kode_rekening", "jenis_id", "kabupaten", "group",
        "ambang_pct", "about_table", "label", "metric", "year", "basis"], empty_in_draft=True),
]}


CORE_TABLES = tuple(name for name, t in TABLES.items() if t.core)
# The core contract that checks outside the project rely on: these files and columns keep their names.
# Other columns of a core table (source_table) may be left out of the file.
CORE_COLUMNS: dict[str, tuple[str, ...]] = {
    "sasaran": ("sasaran_id", "level", "parent_id", "nomor", "name"),
    "indikator": ("indikator_id", "kind", "sasaran_id", "parent_id", "nomor", "name", "short_name", "unit", "polarity",
                  "kode_rekening"),
    "target": ("indikator_id", "year", "basis", "target"),
    "realisasi": ("indikator_id", "year", "realisasi"),
    "anggaran": ("kode_rekening", "parent_kode", "level", "uraian", "pagu_rp", "realisasi_rp"),
}
assert set(CORE_COLUMNS) == set(CORE_TABLES) and all(
    set(cols) <= set(TABLES[t].columns) for t, cols in CORE_COLUMNS.items())


def may_leave_out(table: Table, column: str) -> bool:
    """True when ``column`` may be missing from the file: a column that may stay blank, not of the core contract."""
    return not table.col(column).required and column not in CORE_COLUMNS.get(table.name, ())
OPTIONAL_TABLES = tuple(name for name, t in TABLES.items() if not t.core)


def bound_text(x: float) -> str:
    """A bound as a message shows it: Indonesian thousands separators, no exponent.

    >>> bound_text(0), bound_text(10000), bound_text(1e15), bound_text(0.5)
    ('0', '10.000', '1.000.000.000.000.000', '0,5')
    """
    from lkip_helpers.numbers import format_number

    text = format_number(x, 0 if float(x).is_integer() else 6)
    return text.rstrip("0").rstrip(",") if "," in text else text


def pandera_schema(table: Table, draft: bool = False) -> pa.DataFrameSchema:
    """The pandera schema enforcing ``table`` (types, required, ranges, allowed values, key).

    Args:
        draft: the dataset is a draft, so columns still to fill (``Col.fill``) may be blank.
    """
    import pandera.pandas as pa

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
            DTYPES[f.dtype], checks=checks, nullable=col.blank_allowed(draft), required=True,
            description=f.description, title=f.unit or None)
    return pa.DataFrameSchema(columns, strict=True, unique=list(table.key), name=table.name)


def describe(table: Table) -> list[dict]:
    """Rows of the data dictionary for one table (column, type, unit, required, description)."""
    out = []
    for col in table.cols:
        f = FIELDS[col.field]
        allowed = f" Allowed: {', '.join(f.isin)}." if f.isin else ""
        out.append({"table": table.name, "column": col.column, "type": f.dtype, "unit": f.unit,
                    "required": col.required, "key": col.column in table.key, "fill": col.fill,
                    "description": f.description + allowed})
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
METADATA: dict[str, MetaKey] = {m.key: m for m in [
    MetaKey("dataset", "mapping", "siapa, apa dan tahun berapa", required=True),
    MetaKey("dataset.id", "text", "id dataset; bila berbeda, nama folder yang dipakai"),
    MetaKey("dataset.agency", "text", "nama instansi, mis. Dinas Kesehatan", required=True),
    MetaKey("dataset.agency_short", "text", "nama singkat instansi, mis. Dinkes"),
    MetaKey("dataset.region", "text", "pemerintah daerah instansi, mis. Kabupaten Contoh; wajib bila province "
            "tidak ada"),
    MetaKey("dataset.province", "text", "provinsi (dataset lama; region lebih disukai)"),
    MetaKey("dataset.year", "year", "tahun LKIP (tahun yang target dan realisasinya dilaporkan)", required=True),
    MetaKey("dataset.status", "choice", "draft selama isian belum lengkap; final (bawaan) bila lengkap",
            isin=("draft", "final")),
    MetaKey("dataset.renstra_period", "text", "periode Renstra, mis. 2021-2026"),
    MetaKey("dataset.source_document", "text", "asal data (laporan terbit, atau isian instansi sendiri)",
            required=True),
    MetaKey("dataset.source_file", "text", "file asal transkripsi"),
    MetaKey("dataset.transcribed_by", "text", "siapa yang mentranskripsi, dan kapan"),
    MetaKey("dataset.synthetic", "bool", "true untuk data uji rekaan yang tidak menggambarkan instansi nyata"),
    MetaKey("dataset.carried_from", "text", "dataset asal draf ini (lkip new --from)"),
    MetaKey("capaian", "mapping", "cara capaian dihitung, dirata-ratakan dan dikategorikan "
            "(diperiksa oleh lkip_helpers.capaian.CapaianPolicy)"),
    MetaKey("tables", "mapping", "per tabel: source (letaknya di laporan) dan notes"),
    MetaKey("not_available", "list", "gambar/tabel laporan yang tidak dapat dibuat dari data: id, title, reason"),
    MetaKey("draft", "mapping", "untuk draf: dataset asal dan tabel yang perlu diperiksa"),
    MetaKey("audit", "mapping", "kebiasaan laporan yang menjelaskan angka tercetak (audit.alternatives; "
            "diperiksa oleh lkip_helpers.analysis.audit)"),
]}
