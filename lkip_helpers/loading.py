"""Load a dataset folder into typed, validated DataFrames.

Load inputs -> check each file (encoding, header, types, values, key) -> check links
between tables and the rules that span rows. Any problem raises
:class:`~lkip_helpers.errors.DataError` naming file, row (line in the file) and
column, and saying what was expected.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from . import paths
from .errors import DataError
from .numbers import is_ambiguous_thousands, is_canonical_number, looks_indonesian
from .schema import DTYPES, TABLES, Table, pandera_schema

_INT = re.compile(r"^-?\d+$")
_BOOL = {"true": True, "false": False}
_DATASET_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass
class Dataset:
    """A loaded dataset: its id, folder, metadata and one DataFrame per table."""

    id: str
    path: Path
    meta: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)

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


def check_dataset_id(dataset: str) -> str:
    """Return ``dataset`` if it is a safe folder name, else raise.

    >>> check_dataset_id("pmd-ntt-2023")
    'pmd-ntt-2023'
    """
    if not isinstance(dataset, str) or not _DATASET_ID.match(dataset):
        raise DataError(paths.data_dir(), f"dataset id tidak sah: {dataset!r}; "
                        "gunakan huruf kecil, angka, '-', '_' atau '.' (contoh: pmd-ntt-2023)")
    return dataset


def load_dataset(dataset: str = paths.DEFAULT_DATASET, root: Path | None = None) -> Dataset:
    """Load and validate every table of a dataset.

    Args:
        dataset: dataset id, the name of its folder under ``data/``.
        root: the folder itself, when it is not under the data directory.
    """
    folder = Path(root) if root is not None else paths.dataset_dir(check_dataset_id(dataset))
    if not folder.is_dir():
        known = ", ".join(paths.list_datasets()) or "(tidak ada)"
        raise DataError(folder, f"folder dataset tidak ditemukan; dataset yang ada: {known}")
    meta = load_metadata(folder)
    tables = {name: load_table(folder / t.filename, t) for name, t in TABLES.items()}
    check_links(folder, tables)
    check_rules(folder, tables)
    return Dataset(folder.name, folder, meta, tables)


def load_metadata(folder: Path) -> dict:
    """Read ``metadata.yml``; a differing dataset id is only a warning (copied folders are normal)."""
    path = folder / "metadata.yml"
    if not path.is_file():
        raise DataError(path, "file metadata tidak ditemukan; setiap dataset perlu metadata.yml")
    try:
        meta = yaml.safe_load(_read_text(path)) or {}
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
    if ds.get("id") not in (None, folder.name):
        warnings.warn(f"{path}: id '{ds.get('id')}' berbeda dengan nama folder '{folder.name}'; "
                      "nama folder yang dipakai", stacklevel=2)
    ds["id"] = folder.name
    return meta


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        # utf-8-sig: a BOM written by Excel is harmless and is dropped.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"bukan UTF-8 (byte 0x{raw[exc.start]:02x}); simpan ulang file sebagai "
                        "'CSV UTF-8'", row=line) from None


def load_table(path: Path, table: Table) -> pd.DataFrame:
    """Read one CSV file and enforce its schema.

    Returns a DataFrame with pandas nullable dtypes; blank cells are missing values.
    """
    if not path.is_file():
        raise DataError(path, f"file tidak ditemukan; tabel '{table.name}' wajib ada ({table.description})")
    text = _read_text(path)
    if not text.strip():
        raise DataError(path, "file kosong; baris pertama harus header: " + ",".join(table.columns))
    rows = list(csv.reader(io.StringIO(text, newline="")))
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
    if not body:
        raise DataError(path, "tidak ada baris data (hanya header)", row=2)
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise DataError(path, f"jumlah sel {len(r)}, diharapkan {len(header)} (periksa koma dan tanda kutip)",
                            row=_line_of(text, i))
    line_numbers = _line_numbers(text, len(body))
    df = pd.DataFrame(body, columns=header)[table.columns]
    df.index = line_numbers
    df = pd.DataFrame({c: _coerce(path, table, c, df[c]) for c in table.columns}, index=df.index)
    try:
        pandera_schema(table).validate(df, lazy=True)
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


def _coerce(path: Path, table: Table, column: str, values: pd.Series) -> pd.Series:
    """Turn the text of one column into its dtype, or raise at the first bad cell."""
    f = table.field_of(column)
    required = next(c.required for c in table.cols if c.column == column)
    out = []
    for line, raw in values.items():
        cell = raw.strip()
        if cell == "":
            if required:
                raise DataError(path, "sel kosong; kolom ini wajib diisi (" + f.description + ")",
                                row=line, column=column)
            out.append(None)
        elif f.dtype == "str":
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
            out.append(int(cell) if f.dtype == "int" else float(cell))
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
    return DataError(path, f"nilai {first['failure_case']!r} tidak sah: {first['check']}{more}",
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
    """Rules that span rows: amounts only on leaves, hierarchies without cycles, breakdowns within totals."""
    for name, parent_col, key, amounts in (("anggaran", "parent_kode", "kode_rekening", ("pagu_rp", "realisasi_rp")),
                                           ("belanja_jenis", "parent_id", "jenis_id", ("anggaran_rp", "realisasi_rp"))):
        df = tables[name]
        path = folder / TABLES[name].filename
        parents = set(df[parent_col].dropna())
        for i, row in df.iterrows():
            is_leaf = row[key] not in parents
            for col in amounts:
                if is_leaf and pd.isna(row[col]):
                    raise DataError(path, f"baris paling rinci ({row[key]}) harus berisi {col}", row=line_of(df, i), column=col)
                if not is_leaf and pd.notna(row[col]):
                    raise DataError(path, f"{row[key]} punya rincian di bawahnya: {col} dihitung dari rinciannya, "
                                    "kosongkan sel ini", row=line_of(df, i), column=col)
        _check_acyclic(path, df, key, parent_col)
    for name, key in (("sasaran", "sasaran_id"), ("indikator", "indikator_id"), ("unit_organisasi", "unit_id")):
        _check_acyclic(folder / TABLES[name].filename, tables[name], key, "parent_id")
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
