"""Load a dataset folder into typed, validated DataFrames.

Load inputs -> check each file (encoding, header, types, values, key) -> check links
between tables and the rules that span rows. Any problem raises
:class:`~lkip_helpers.errors.DataError` naming file, row (line in the file) and
column, and saying what was expected.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from . import paths
from . import safe_yaml
from .paths import check_dataset_id  # noqa: F401 — re-exported for notebooks and callers
from .errors import DataError
from .numbers import is_ambiguous_thousands, is_canonical_number, looks_indonesian
from .completeness import STATUSES, is_draft, missing_text
from .completeness import check as check_complete
from .schema import DTYPES, TABLES, Table, pandera_schema

_INT = re.compile(r"^-?[0-9]+$")
_INT64_MAX = 2**63 - 1
# invisible control characters (what Excel cannot store either); tab and line breaks are allowed
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOOL = {"true": True, "false": False}


@dataclass
class Dataset:
    """A loaded dataset: its id, folder, metadata and one DataFrame per table."""

    id: str
    path: Path
    meta: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived results (e.g. the audit)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def year(self) -> int:
        return int(self.meta["dataset"]["year"])

    @property
    def title(self) -> str:
        d = self.meta["dataset"]
        return f"{d['agency']} Provinsi {d['province']} — LKIP {d['year']}"

    @property
    def synthetic(self) -> bool:
        return bool(self.meta["dataset"].get("synthetic", False))

    @property
    def draft(self) -> bool:
        """True while the metadata say ``status: draft``: values may still be blank."""
        return is_draft(self.meta)

    @property
    def missing_text(self) -> str:
        """How a missing value is shown for this dataset (``belum diisi`` in a draft)."""
        return missing_text(self.draft)


_LOADED: dict[str, tuple[tuple, Dataset]] = {}


def load_dataset(dataset: str = paths.DEFAULT_DATASET, root: Path | None = None) -> Dataset:
    """Load and validate every table of a dataset.

    A dataset whose files are unchanged (same names, sizes and modification times) is
    returned from memory: a build runs many notebooks in one kernel, each loading it.
    Callers must not modify the returned tables.

    Args:
        dataset: dataset id, the name of its folder under ``data/``.
        root: the folder itself, when it is not under the data directory.
    """
    folder = Path(root) if root is not None else paths.dataset_dir(check_dataset_id(dataset))
    if not folder.is_dir():
        known = ", ".join(paths.list_datasets()) or "(tidak ada)"
        raise DataError(folder, f"folder dataset tidak ditemukan; dataset yang ada: {known}")
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()))
    key = str(folder.resolve())
    if key in _LOADED and _LOADED[key][0] == stamp:
        return _LOADED[key][1]
    ds = _load(folder)
    _LOADED[key] = (stamp, ds)
    return ds


def _load(folder: Path) -> Dataset:
    meta = load_metadata(folder)
    draft = is_draft(meta)
    tables = {name: load_table(folder / t.filename, t, draft) for name, t in TABLES.items()}
    check_links(folder, tables)
    check_rules(folder, tables)
    check_complete(folder, tables, draft)
    return Dataset(folder.name, folder, meta, tables)


def load_metadata(folder: Path) -> dict:
    """Read ``metadata.yml``; a differing dataset id is only a warning (copied folders are normal)."""
    path = folder / "metadata.yml"
    if not path.is_file():
        raise DataError(path, "file metadata tidak ditemukan; setiap dataset perlu metadata.yml")
    try:
        meta = safe_yaml.load(_read_text(path)) or {}  # no aliases, bounded size: see safe_yaml
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise DataError(path, f"YAML tidak sah: {getattr(exc, 'problem', exc)}",
                        row=None if line is None else line + 1) from None
    ds = meta.get("dataset") if isinstance(meta, dict) else None
    if not isinstance(ds, dict):
        raise DataError(path, "bagian 'dataset:' tidak ada")
    for key in ("agency", "province", "year", "source_document"):
        if key not in ds:
            raise DataError(path, f"bagian 'dataset:' tidak memuat '{key}'", column=key)
    if not isinstance(ds["year"], int):
        raise DataError(path, f"'year' harus bilangan bulat, tertulis {ds['year']!r}", column="year")
    if ds.get("status", "final") not in STATUSES:
        raise DataError(path, f"'status' tertulis {ds['status']!r}; diharapkan salah satu dari: "
                        + ", ".join(STATUSES), column="status")
    if ds.get("id") not in (None, folder.name):
        warnings.warn(f"{path}: id '{ds.get('id')}' berbeda dengan nama folder '{folder.name}'; "
                      "nama folder yang dipakai", stacklevel=2)
    ds["id"] = folder.name
    return meta


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    # a BOM written by Excel is harmless and is dropped.
    raw = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = _column_at(raw[: exc.start].decode("utf-8", errors="replace")) if path.suffix == ".csv" else None
        raise DataError(path, f"bukan UTF-8 (byte 0x{raw[exc.start]:02x}); simpan ulang file sebagai "
                        "'CSV UTF-8'", row=line, column=column) from None


def _column_at(before: str) -> str | None:
    """Name of the CSV column in which the text ``before`` ends (None within the header)."""
    try:
        rows = list(csv.reader(io.StringIO(before + "x", newline="")))  # "x" stands for the bad byte
    except csv.Error:
        return None
    if len(rows) < 2:
        return None
    header, last = [h.strip() for h in rows[0]], rows[-1]
    return header[len(last) - 1] if 0 < len(last) <= len(header) else None


def _read_rows(path: Path, text: str) -> list[list[str]]:
    """Parse CSV text; a row the csv module cannot read is a DataError naming the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start = [], 1
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        detail = (f"sel terlalu panjang (lebih dari {csv.field_size_limit()} karakter)"
                  if "field larger" in str(exc) else f"CSV tidak dapat dibaca ({exc})")
        raise DataError(path, detail + "; periksa tanda kutip yang tidak ditutup", row=start) from None
    return rows


def load_table(path: Path, table: Table, draft: bool = False) -> pd.DataFrame:
    """Read one CSV file and enforce its schema.

    Returns a DataFrame with pandas nullable dtypes; blank cells are missing values.

    Args:
        draft: the dataset is a draft: columns still to fill may be blank, and tables
            marked ``empty_in_draft`` may have a header only.
    """
    if not path.is_file():
        raise DataError(path, f"file tidak ditemukan; tabel '{table.name}' wajib ada ({table.description})")
    text = _read_text(path)
    if not text.strip():
        raise DataError(path, "file kosong; baris pertama harus header: " + ",".join(table.columns))
    rows = _read_rows(path, text)
    header, body = [h.strip() for h in rows[0]], rows[1:]
    missing = [c for c in table.columns if c not in header]
    if missing:
        raise DataError(path, "kolom wajib tidak ada: " + ", ".join(missing), row=1, column=missing[0])
    unknown = [c for c in header if c not in table.columns]
    if unknown:
        raise DataError(path, "kolom tidak dikenal: " + ", ".join(unknown) + "; kolom yang diharapkan: "
                        + ", ".join(table.columns), row=1, column=unknown[0])
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(path, "kolom ganda", row=1, column=dupes[0])
    body = [r for r in body if any(cell.strip() for cell in r)]
    if not body and not (draft and table.empty_in_draft):
        raise DataError(path, "tidak ada baris data (hanya header)", row=2)
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise DataError(path, f"jumlah sel {len(r)}, diharapkan {len(header)} (periksa koma dan tanda kutip)",
                            row=_line_of(text, i))
    line_numbers = _line_numbers(text, len(body))
    df = pd.DataFrame(body, columns=header)[table.columns]
    df.index = line_numbers
    df = pd.DataFrame({c: _coerce(path, table, c, df[c], draft) for c in table.columns}, index=df.index)
    try:
        pandera_schema(table, draft).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _schema_error(path, table, df, exc) from None
    df = df.reset_index(drop=True)
    df.attrs["lines"] = line_numbers
    return df


def line_of(df: pd.DataFrame, position: int) -> int:
    """Line in the source file of the row at ``position`` (header = line 1)."""
    lines = df.attrs.get("lines")
    return lines[position] if lines else position + 2


def _line_numbers(text: str, n: int) -> list[int]:
    """Line in the file where each non-blank data row starts (header is line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    out = []
    line = reader.line_num
    for r in reader:
        if any(cell.strip() for cell in r):
            out.append(line + 1)
        line = reader.line_num
    return out[:n]


def _line_of(text: str, i: int) -> int:
    return _line_numbers(text, i + 1)[i]


def _coerce(path: Path, table: Table, column: str, values: pd.Series, draft: bool = False) -> pd.Series:
    """Turn the text of one column into its dtype, or raise at the first bad cell."""
    f = table.field_of(column)
    required = not table.col(column).blank_allowed(draft)
    out = []
    for line, raw in values.items():
        cell = raw.strip()
        if cell == "":
            if required:
                raise DataError(path, "sel kosong; kolom ini wajib diisi (" + f.description + ")",
                                row=line, column=column)
            out.append(None)
        elif f.dtype == "str":
            bad = _CONTROL.search(cell)
            if bad:
                raise DataError(path, f"karakter kontrol tak terlihat (kode 0x{ord(bad.group()):02x}) pada posisi "
                                f"{bad.start() + 1}; hapus karakter itu", row=line, column=column)
            out.append(cell)
        elif f.dtype == "bool":
            if cell.lower() not in _BOOL:
                raise DataError(path, f"tertulis {cell!r}; diharapkan true atau false", row=line, column=column)
            out.append(_BOOL[cell.lower()])
        else:
            ok = _INT.match(cell) if f.dtype == "int" else is_canonical_number(cell)
            if ok and f.dtype == "float" and is_ambiguous_thousands(cell):
                raise DataError(path, f"tertulis {cell!r}: titik sebagai pemisah ribuan? Tulis "
                                f"{cell.replace('.', '')} untuk bilangan ribuan, atau {cell}0 bila "
                                "memang desimal (angka kanonik: titik hanya untuk desimal)", row=line, column=column)
            if not ok:
                expected = "bilangan bulat" if f.dtype == "int" else "angka"
                hint = ""
                if looks_indonesian(cell):
                    hint = ("; angka ditulis dengan format tampilan (pemisah ribuan/koma desimal). "
                            "Tulis angka kanonik: tanpa pemisah ribuan, titik sebagai desimal "
                            "(1.476 -> 1476; 98,40 -> 98.4)")
                raise DataError(path, f"tertulis {cell!r}; diharapkan {expected}"
                                + (f" dalam {f.unit}" if f.unit else "") + hint, row=line, column=column)
            value = int(cell) if f.dtype == "int" else float(cell)
            if (abs(value) > _INT64_MAX) if f.dtype == "int" else not math.isfinite(value):
                shown = cell if len(cell) <= 30 else f"{cell[:12]}…{cell[-6:]} ({len(cell)} digit)"
                raise DataError(path, f"tertulis {shown!r}: angka terlalu besar", row=line, column=column)
            out.append(value)
    return pd.Series(out, index=values.index, dtype=DTYPES[f.dtype])


def _schema_error(path: Path, table: Table, df: pd.DataFrame, exc: pa.errors.SchemaErrors) -> DataError:
    cases = exc.failure_cases
    first = cases.iloc[0]
    n = len(cases)
    more = f" (dan {n - 1} masalah lain di file ini)" if n > 1 else ""
    if first["check"] in ("multiple_fields_uniqueness", "field_uniqueness") or "unique" in str(first["check"]):
        dup = df.duplicated(list(table.key), keep="first")
        line = int(dup[dup].index[0])
        keyval = ", ".join(f"{k}={df.loc[line, k]}" for k in table.key)
        return DataError(path, f"kunci ganda ({keyval}); setiap baris harus unik menurut "
                         + ", ".join(table.key) + more, row=line, column=table.key[0])
    column = first["column"] if isinstance(first["column"], str) else None
    index = first["index"]
    line = int(index) if pd.notna(index) else None
    value = first["failure_case"]
    value = value.item() if hasattr(value, "item") else value  # np.float64(-5.0) -> -5.0
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    return DataError(path, f"nilai {value!r} tidak sah: {first['check']}{more}",
                     row=line, column=column)


def check_links(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Every id a table refers to exists in the table it refers to."""
    for name, table in TABLES.items():
        df = tables[name]
        for link in table.links:
            ref = tables[link.table]
            known = set(zip(*(ref[c] for c in link.ref_columns)))
            for i, row in df.iterrows():
                value = tuple(row[c] for c in link.columns)
                if any(pd.isna(v) for v in value):
                    continue
                if value not in known:
                    shown = ", ".join(str(v) for v in value)
                    raise DataError(folder / table.filename,
                                    f"'{shown}' tidak ada di {link.table}.csv (kolom "
                                    f"{', '.join(link.ref_columns)})", row=line_of(df, i), column=link.columns[0])


def check_rules(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Rules that span rows: amounts only on leaves, hierarchies without cycles, breakdowns within totals.

    Leaves left blank are judged by :func:`lkip_helpers.completeness.check` (a draft may have them).
    """
    for name, table in TABLES.items():
        if not table.parent:
            continue
        df, key, parent_col = tables[name], table.key[0], table.parent
        path = folder / table.filename
        parents = set(df[parent_col].dropna())
        amounts = [c.column for c in table.cols if c.fill]
        for i, row in df.iterrows():
            for col in amounts:
                if row[key] in parents and pd.notna(row[col]):
                    raise DataError(path, f"{row[key]} punya rincian di bawahnya: {col} dihitung dari rinciannya, "
                                    "kosongkan sel ini", row=line_of(df, i), column=col)
        _check_acyclic(path, df, key, parent_col)
    totals = tables["pegawai_total"].set_index("status")["jumlah"]
    listed = tables["pegawai"].groupby("status")["jumlah"].sum()
    for status, n in listed.items():
        if n > totals[status]:
            raise DataError(folder / "pegawai.csv", f"rincian {status} berjumlah {n}, melebihi total "
                            f"{totals[status]} di pegawai_total.csv", column="jumlah")


def _check_acyclic(path: Path, df: pd.DataFrame, key: str, parent_col: str) -> None:
    parent = dict(zip(df[key], df[parent_col]))
    for i, start in enumerate(df[key]):
        seen, node = set(), start
        while pd.notna(parent.get(node)):
            if node in seen:
                raise DataError(path, f"hierarki berputar (siklus) melalui {start}", row=line_of(df, i), column=parent_col)
            seen.add(node)
            node = parent[node]
