"""Load a dataset folder into typed, validated DataFrames.

Load inputs -> check each file (encoding, header, types, values, key) -> check links
between tables and the rules that span rows. Any problem raises
:class:`~lkip_helpers.errors.DataError` naming file, row (line in the file) and
column, and saying what was expected.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import pickle
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload
from xml.etree import ElementTree

import pandas as pd
import yaml

from lkip_helpers import paths
from lkip_helpers.capaian import CapaianPolicy, EfisiensiPolicy, PolicyError
from lkip_helpers.data import safe_yaml
from lkip_helpers.data.completeness import check as check_complete
from lkip_helpers.data.completeness import is_draft, missing_text, unavailable
from lkip_helpers.data.limits import DEFAULTS, Limits, shown, size_mb
from lkip_helpers.data.schema import (
    DTYPES,
    FIELDS,
    ID_RULE,
    KODE_RULE,
    MAY_BE_UNAVAILABLE,
    METADATA,
    TABLES,
    UNAVAILABLE_KEY,
    MetaKey,
    Table,
    is_id,
    is_kode,
    may_leave_out,
    meets_schema,
    pandera_schema,
    suggest_id,
)
from lkip_helpers.errors import DataError, LkipError, line_of
from lkip_helpers.numbers import is_ambiguous_thousands, is_canonical_number, looks_indonesian
from lkip_helpers.paths import check_dataset_id  # noqa: F401 — re-exported for notebooks and callers

if TYPE_CHECKING:  # imported where a table is checked (load_table): a kernel handed a checked dataset never needs it
    import pandera.pandas as pa

_INT = re.compile(r"^-?[0-9]+$")
_INT64_MAX = 2**63 - 1
_BOOL = {"true": True, "false": False}


class TableAttribute:
    """One table of a :class:`Dataset` as a typed attribute: ``ds.sasaran`` is ``ds.tables["sasaran"]``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, ds: None, owner: type) -> TableAttribute: ...
    @overload
    def __get__(self, ds: Dataset, owner: type) -> pd.DataFrame: ...
    def __get__(self, ds: Dataset | None, owner=None):
        return self if ds is None else ds.tables[self.name]


@dataclass
class Dataset:
    """A loaded dataset: its id, folder, metadata and one DataFrame per table."""

    id: str
    path: Path
    meta: dict
    tables: dict[str, pd.DataFrame] = field(repr=False)
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived results (e.g. the audit)

    # one attribute per table of schema.TABLES, in its order (tests/test_dataset.py checks the two agree)
    sasaran = TableAttribute()
    indikator = TableAttribute()
    target = TableAttribute()
    realisasi = TableAttribute()
    capaian_historis = TableAttribute()
    dokumen_perencanaan = TableAttribute()
    sasaran_kegiatan = TableAttribute()
    anggaran = TableAttribute()
    belanja_jenis = TableAttribute()
    wilayah = TableAttribute()
    unit_organisasi = TableAttribute()
    pegawai_total = TableAttribute()
    pegawai = TableAttribute()
    lomba_desa = TableAttribute()
    hadiah_lomba_pkk = TableAttribute()
    narasi = TableAttribute()
    profil = TableAttribute()
    pembanding = TableAttribute()
    nilai_tercetak = TableAttribute()

    def has(self, table: str) -> bool:
        """True when ``table`` holds at least one row (an optional table may be absent or empty)."""
        return table in self.tables and not self.tables[table].empty

    def unavailable(self, table: str) -> str:
        """The agency's reason why ``table`` is not available (``tidak_tersedia`` in metadata.yml), else ''."""
        return unavailable(self.meta).get(table, "")

    @property
    def year(self) -> int:
        return int(self.meta["dataset"]["year"])

    @property
    def region(self) -> str:
        """The government the agency belongs to, e.g. ``Provinsi Jawa Tengah`` or ``Kabupaten X``."""
        d = self.meta["dataset"]
        return str(d.get("region") or f"Provinsi {d['province']}")

    @property
    def agency(self) -> str:
        return str(self.meta["dataset"]["agency"])

    @property
    def title(self) -> str:
        return f"{self.agency} {self.region} — LKIP {self.year}"

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


def memo(ds: Dataset, key: tuple, compute):
    """``compute()`` once per loaded dataset (a kernel keeps it between notebooks); callers get a copy."""
    cache = getattr(ds, "cache", None)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key].copy()


def per_dataset(fn):
    """Decorator: ``fn(ds)`` computed once per loaded dataset (see :func:`memo`); the notebooks of a
    dataset run in one kernel and each asks for the same budget tree and ties again."""

    @functools.wraps(fn)
    def once(ds: Dataset):
        return memo(ds, (fn.__module__, fn.__qualname__), lambda: fn(ds))

    return once


KEEP_LOADED = 1  # datasets kept in memory: a kernel that builds a hundred in turn holds only the one it works on
# (a big one with its derived frames is ~20 MB; an analyst comparing two in one session reloads them in turn)


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
    stamp = _stamp(folder)
    key = str(folder.resolve())
    if key in _LOADED and _LOADED[key][0] == stamp:
        _LOADED[key] = _LOADED.pop(key)  # most recently used last
        return _LOADED[key][1]
    ds = _load(folder)
    _remember(key, stamp, ds)
    return ds


def _stamp(folder: Path) -> tuple:
    """Names, sizes and modification times of a dataset's files: equal stamps, unchanged files."""
    return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir() if p.is_file()))


def _keep(store: dict, key: str, value: tuple) -> None:
    """Put ``value`` in ``store`` as the most recently used; keep at most KEEP_LOADED entries."""
    store.pop(key, None)
    store[key] = value
    while len(store) > KEEP_LOADED:
        del store[next(iter(store))]


def _remember(key: str, stamp: tuple, ds: Dataset) -> None:
    _keep(_LOADED, key, (stamp, ds))


_HANDOVER: dict[str, tuple[tuple, bytes]] = {}  # folder -> (stamp, what load_for_handover gave)


def load_for_handover(dataset: str) -> tuple[Dataset, bytes]:
    """:func:`load_dataset`, and the loaded dataset as bytes for the kernels of the same build.

    A build checks a dataset before it runs any notebook; each kernel running them would
    then read and check it again; it takes these bytes with :func:`adopt` instead (the same
    tables, unchanged files). No bytes when loading raised any warning: the kernel then
    loads the dataset itself, and the notebook shows the warning as it always did.
    """
    folder = paths.dataset_dir(check_dataset_id(dataset))
    if not folder.is_dir():
        return load_dataset(dataset), b""  # the message of a missing folder
    key, stamp = str(folder.resolve()), _stamp(folder)
    if key in _LOADED and _LOADED[key][0] == stamp and _HANDOVER.get(key, ((),))[0] == stamp:
        return load_dataset(dataset), _HANDOVER[key][1]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = _load(folder)
    except Exception:  # noqa: BLE001 — loaded again below: the same error, after the same warnings
        caught = [None]
    if caught:
        ds, data = _load(folder), b""  # again, so that its warnings show as they always did
    else:
        plain = Dataset(ds.id, ds.path, ds.meta, ds.tables)  # without the results derived so far
        data = pickle.dumps((key, stamp, pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)))
    _remember(key, stamp, ds)
    _keep(_HANDOVER, key, (stamp, data))
    return ds, data


def adopt(data: bytes) -> None:
    """Take a dataset the build loaded and checked (:func:`load_for_handover`) as loaded here,
    unless it is here already or its files changed since (then it loads as usual)."""
    try:
        key, stamp, plain = pickle.loads(data)  # sent by the build that started this kernel
        if not (key in _LOADED and _LOADED[key][0] == stamp) and _stamp(Path(key)) == stamp:
            _remember(key, stamp, pickle.loads(plain))
    except Exception:  # noqa: BLE001 — whatever is odd about it, the notebook loads the dataset itself
        pass


def _check_file_names(folder: Path) -> None:
    """A data file named like a table but for its case (``Narasi.csv``) would be ignored unseen: refuse it.

    Only where the file system tells the names apart: on Windows ``Narasi.csv`` is read as ``narasi.csv``.
    """
    known = {t.filename.lower(): t.filename for t in TABLES.values()}
    for f in sorted(folder.iterdir()):
        wanted = known.get(f.name.lower())
        if wanted is not None and f.name != wanted and not (folder / wanted).exists():
            raise DataError(
                f,
                f"nama file berbeda huruf besar/kecilnya dari tabel {wanted}; ganti namanya menjadi {wanted} "
                "(nama file data selalu huruf kecil), supaya barisnya tidak terlewat",
            )


def _load(folder: Path) -> Dataset:
    _check_file_names(folder)
    meta = load_metadata(folder)
    draft = is_draft(meta)
    declared = unavailable(meta)
    limits = Limits.from_meta(meta)
    tables = {name: load_table(folder / t.filename, t, draft, name in declared, limits) for name, t in TABLES.items()}
    for name in declared:  # said to be unavailable, yet given: which one holds is not for the tool to guess
        if not tables[name].empty:
            meta_path = folder / "metadata.yml"
            key = f"{UNAVAILABLE_KEY}.{name}"
            raise DataError(
                meta_path,
                f"{TABLES[name].filename} berisi {len(tables[name])} baris, padahal di sini tabel itu dinyatakan "
                f"tidak tersedia; hapus kunci ini bila datanya ada, atau kosongkan {TABLES[name].filename}",
                row=yaml_line(meta_path, key),
                key=key,
            )
    check_links(folder, tables)
    check_rules(folder, tables)
    check_years(folder, tables, int(meta["dataset"]["year"]), draft)
    check_complete(folder, tables, draft)
    ds = Dataset(folder.name, folder, meta, tables)
    check_template(folder)
    return ds


TEMPLATE_PART_MAX_BYTES = 64 * 1024 * 1024  # a letterhead's document.xml is kilobytes; more is not a template


def check_template(folder: Path) -> None:
    """An agency's ``template.docx``, when there is one, must be a Word document: checked here, so a
    dataset that validates never fails later, at the end of its build, when the Word draft is written."""
    path = folder / paths.TEMPLATE_DOCX
    if not path.is_file():
        return
    what = "bukan dokumen Word (.docx); simpan ulang dari Word sebagai .docx, atau hapus file ini"
    try:
        with zipfile.ZipFile(path) as z:
            for part in ("[Content_Types].xml", "word/document.xml"):
                if z.getinfo(part).file_size > TEMPLATE_PART_MAX_BYTES:  # not read: a zip bomb stays packed
                    raise ValueError(part)
                ElementTree.fromstring(z.read(part))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
        raise DataError(path, what) from None


def load_metadata(folder: Path) -> dict:
    """Read ``metadata.yml``; a differing dataset id is only a warning (copied folders are normal)."""
    path = folder / "metadata.yml"
    if not path.is_file():
        raise DataError(path, "file metadata tidak ditemukan; setiap dataset perlu metadata.yml")
    meta = safe_yaml.load_file(path) or {}  # no aliases, bounded size, no control characters: see safe_yaml
    check_metadata(path, meta)
    ds = meta["dataset"]
    if ds.get("id") not in (None, folder.name):
        warnings.warn(
            f"{path}: id '{ds.get('id')}' berbeda dengan nama folder '{folder.name}'; nama folder yang dipakai",
            stacklevel=2,
        )
    ds["id"] = folder.name
    return meta


def check_metadata(path: Path, meta) -> None:
    """Every key of ``metadata.yml`` against :data:`lkip_helpers.data.schema.METADATA` and the capaian policy.

    An error names the key (and its line in the file); an unknown key is only a warning
    (a newer version of the tool may know it).
    """

    def fail(key: str, message: str):
        raise DataError(path, message, row=yaml_line(path, key), key=key)

    def shown(value) -> str:
        text = repr(value)
        return text if len(text) <= 60 else text[:50] + "…"

    if not isinstance(meta, dict) or not isinstance(meta.get("dataset"), dict):
        found = "" if not isinstance(meta, dict) or "dataset" not in meta else f" (tertulis {meta['dataset']!r})"
        raise DataError(
            path,
            "bagian 'dataset:' tidak ada" + found + "; metadata.yml harus memuat 'dataset:' "
            "dengan agency, region, year",
            key="dataset",
        )
    for name in meta:
        if str(name) not in METADATA:
            warnings.warn(
                f"{path}: kunci '{name}' tidak dikenal dan diabaikan; kunci yang dikenal: "
                + ", ".join(k for k in METADATA if "." not in k),
                stacklevel=3,
            )
    ds = meta["dataset"]
    known = [k.split(".", 1)[1] for k in METADATA if k.startswith("dataset.")]
    for name in ds:
        if str(name) not in known:
            warnings.warn(
                f"{path}: kunci 'dataset.{name}' tidak dikenal dan diabaikan; kunci yang dikenal: " + ", ".join(known),
                stacklevel=3,
            )
    for spec in METADATA.values():
        section, _, name = spec.key.partition(".")
        holder = ds if name else meta
        value = holder.get(name or section)
        if value is None:
            if spec.required:
                fail(spec.key, f"kunci wajib tidak ada atau kosong ({spec.description})")
            continue
        problem = _meta_problem(spec, value)
        if problem:
            fail(spec.key, f"tertulis {shown(value)}; diharapkan {problem}")
    if ds.get("region") is None and ds.get("province") is None:
        fail(
            "dataset.region",
            "kunci wajib tidak ada (mis. 'region: Kabupaten Contoh' atau 'region: Provinsi Jawa Tengah')",
        )
    for name, entry in (meta.get("tables") or {}).items():
        if str(name) not in TABLES:
            warnings.warn(
                f"{path}: kunci 'tables.{name}' bukan nama tabel; tabel yang dikenal: " + ", ".join(TABLES),
                stacklevel=3,
            )
        if entry is not None and not (
            isinstance(entry, dict) and all(isinstance(v, (str, int, float)) or v is None for v in entry.values())
        ):
            fail(f"tables.{name}", f"tertulis {shown(entry)}; diharapkan {{source: TEKS, notes: TEKS}}")
    for name, reason in (meta.get(UNAVAILABLE_KEY) or {}).items():
        if str(name) not in MAY_BE_UNAVAILABLE:
            fail(
                f"{UNAVAILABLE_KEY}.{name}",
                f"tabel '{name}' tidak dapat dinyatakan tidak tersedia; yang dapat: " + ", ".join(MAY_BE_UNAVAILABLE),
            )
        if not isinstance(reason, str) or not reason.strip():
            fail(
                f"{UNAVAILABLE_KEY}.{name}",
                f"tertulis {shown(reason)}; diharapkan alasannya sebagai teks, mis. "
                f"'{name}: Pagu dan realisasi dikelola BPKAD dan belum diserahkan'",
            )
    for i, entry in enumerate(meta.get("not_available") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            fail(f"not_available[{i}]", f"tertulis {shown(entry)}; diharapkan {{id: TEKS, title: TEKS, reason: TEKS}}")
    check = (meta.get("draft") or {}).get("check")
    if check is not None and not (isinstance(check, list) and all(str(t) in TABLES for t in check)):
        fail("draft.check", f"tertulis {shown(check)}; diharapkan daftar nama tabel, mis. [wilayah, pegawai]")
    try:
        CapaianPolicy.from_meta(meta)
        EfisiensiPolicy.from_meta(meta)
        Limits.from_meta(meta)
    except PolicyError as exc:
        fail(exc.key, exc.message)


def _meta_problem(spec: MetaKey, value) -> str | None:
    """What ``value`` should have been for ``spec``, or None when it is fine."""
    if spec.kind == "text":
        ok = isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip() != ""
        return None if ok else "teks tidak kosong"
    if spec.kind == "year":
        lo, hi = int(FIELDS["year"].ge), int(FIELDS["year"].le)
        ok = isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
        return None if ok else f"tahun sebagai bilangan bulat {lo}-{hi} (mis. 2023, tanpa tanda kutip)"
    if spec.kind == "bool":
        return None if isinstance(value, bool) else "true atau false"
    if spec.kind == "choice":
        return None if value in spec.isin else "salah satu dari: " + ", ".join(spec.isin)
    if spec.kind == "mapping":
        return None if isinstance(value, dict) else "bagian berisi kunci: nilai"
    if spec.kind == "list":
        return None if isinstance(value, list) else "daftar (baris diawali '- ')"
    raise ValueError(spec.kind)


def yaml_line(path: Path, key: str) -> int | None:
    """Line of ``key`` (dotted, with ``[i]`` for list items) in the YAML file, or of its nearest parent.

    Only used to point an error message at a line; None when the file cannot be walked.
    """
    try:
        node = yaml.compose(_read_text(path), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, LkipError, OSError):
        return None
    line = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if part.startswith("[") and isinstance(node, yaml.SequenceNode) and int(part[1:-1]) < len(node.value):
            node = node.value[int(part[1:-1])]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        else:
            break
    return line


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix != ".csv":  # metadata.yml: saved again as text, not as 'CSV UTF-8'
        return safe_yaml.decode(path, raw)
    return safe_yaml.decode(path, raw, "'CSV UTF-8'", column_of=_column_at)


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


def _read_rows(path: Path, text: str, limits: Limits = DEFAULTS) -> list[list[str]]:
    """Parse CSV text; a row the csv module cannot read is a DataError naming the line it starts on.

    Stops at the first row past ``limits.baris_per_tabel`` and at the first cell longer than
    ``limits.karakter_per_sel`` (the csv module's own field limit, set to it while reading).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, start, filled = [], 1, -1  # the header is not a data row
    before = csv.field_size_limit(limits.karakter_per_sel)
    try:
        for row in reader:
            rows.append(row)
            filled += any(row)  # blank lines are left out of the table: not counted
            if filled > limits.baris_per_tabel:
                raise DataError(
                    path,
                    f"lebih dari {shown(limits.baris_per_tabel)} baris data, batas baris per tabel; "
                    + limits.raise_hint("baris_per_tabel"),
                    row=start,
                )
            start = reader.line_num + 1
    except csv.Error as exc:
        if "field larger" in str(exc):
            raise _long_cell(path, text, start, rows[0] if rows else [], limits) from None
        raise DataError(
            path, f"CSV tidak dapat dibaca ({exc}); periksa tanda kutip yang tidak ditutup", row=start
        ) from None
    finally:
        csv.field_size_limit(before)
    return rows


def _long_cell(path: Path, text: str, line: int, header: list[str], limits: Limits) -> DataError:
    """The error for a cell past ``karakter_per_sel`` in the record starting on ``line``, naming its column."""
    rest = text.split("\n", line - 1)[-1] if line > 1 else text
    before = csv.field_size_limit(len(rest) + 1)
    try:
        record = next(csv.reader(io.StringIO(rest, newline="")), [])
    except csv.Error:
        record = []
    finally:
        csv.field_size_limit(before)
    j = next((j for j, cell in enumerate(record) if len(cell) > limits.karakter_per_sel), None)
    column = header[j].strip() if j is not None and j < len(header) and line > 1 else None
    length = f": {shown(len(record[j]))} karakter" if j is not None else ""
    return DataError(
        path,
        f"sel terlalu panjang{length}, lebih dari batas {shown(limits.karakter_per_sel)} karakter per sel "
        "(periksa tanda kutip yang tidak ditutup); " + limits.raise_hint("karakter_per_sel"),
        row=line,
        column=column,
    )


def load_table(
    path: Path, table: Table, draft: bool = False, unavailable: bool = False, limits: Limits = DEFAULTS
) -> pd.DataFrame:
    """Read one CSV file and enforce its schema.

    Returns a DataFrame with pandas nullable dtypes; blank cells are missing values.
    An optional table (not ``core``) may be absent or hold a header only: it loads
    empty. A column that may stay blank may also be left out of the file.

    Args:
        draft: the dataset is a draft: columns still to fill may be blank, and core
            tables may have a header only.
        unavailable: the metadata declare the table not available (``tidak_tersedia``): like
            an optional table, it may be absent or hold a header only.
        limits: bytes, rows and text length allowed (``batas:`` in metadata.yml).
    """
    if not path.is_file():
        if not table.core or unavailable:
            df = empty_table(table)
            df.attrs["absent"] = True  # not used by this agency (a header-only file means: still to fill)
            return df
        raise DataError(path, f"file tidak ditemukan; tabel inti '{table.name}' wajib ada ({table.description})")
    size = path.stat().st_size
    if size > limits.csv_bytes:  # before reading: a file of gigabytes would end in a MemoryError
        raise DataError(
            path,
            f"file berukuran {size_mb(size)} MB, lebih dari batas {size_mb(limits.csv_bytes)} MB per file CSV; "
            + limits.raise_hint("csv_mb"),
        )
    text = _read_text(path)
    if not text.strip():
        raise DataError(path, "file kosong; baris pertama harus header: " + ",".join(table.columns))
    rows = _read_rows(path, text, limits)
    header, body = [h.strip() for h in rows[0]], rows[1:]
    _check_separators(path, table, header, body, text)
    omittable = {c for c in table.columns if may_leave_out(table, c)}
    missing = [c for c in table.columns if c not in header and c not in omittable]
    if missing:
        raise DataError(path, "kolom wajib tidak ada: " + ", ".join(missing), row=1, column=missing[0])
    unknown = [c for c in header if c not in table.columns]
    if unknown:
        raise DataError(
            path,
            "kolom tidak dikenal: " + ", ".join(unknown) + "; kolom yang diharapkan: " + ", ".join(table.columns),
            row=1,
            column=unknown[0],
        )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(path, "kolom ganda", row=1, column=dupes[0])
    body = [r for r in body if any(cell.strip() for cell in r)]
    if not body:
        if table.core and not draft and not unavailable:
            raise DataError(
                path,
                "tidak ada baris data (hanya header); tabel inti harus diisi, atau tulis "
                "'status: draft' di metadata.yml selama masih diisi"
                + (
                    f", atau nyatakan di metadata.yml bila datanya memang tidak ada: "
                    f"'{UNAVAILABLE_KEY}: {{{table.name}: ALASAN}}'"
                    if table.name in MAY_BE_UNAVAILABLE
                    else ""
                ),
                row=2,
            )
        return empty_table(table)
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise DataError(
                path,
                f"jumlah sel {len(r)}, diharapkan {len(header)} (periksa koma dan tanda kutip)",
                row=_line_of(text, i),
            )
    line_numbers = _line_numbers(text, len(body))
    df = pd.DataFrame(body, columns=header)
    for c in table.columns:
        if c not in header:  # an optional column left out of the file: blank throughout
            df[c] = ""
    df = df[table.columns]
    df.index = line_numbers
    df = pd.DataFrame({c: _coerce(path, table, c, df[c], draft) for c in table.columns}, index=df.index)
    if not meets_schema(table, df, draft):  # pandera names the problems (its checks are the same)
        import pandera.pandas as pa  # here: ~0.6 s to import, which a valid dataset never needs

        try:
            pandera_schema(table, draft).validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            raise _schema_error(path, table, df, exc) from None
    df = df.reset_index(drop=True)
    df.attrs["lines"] = Lines(line_numbers)
    return df


def _check_separators(path: Path, table: Table, header: list[str], body: list[list[str]], text: str) -> None:
    """A file saved with ';' between cells, or with a ',' closing every line: said as such, not as unknown columns."""
    for h in header:
        parts = [p.strip() for p in h.split(";")]
        if len(parts) > 1 and sum(p in table.columns for p in parts) >= 2:
            raise DataError(
                path,
                "sel dipisah titik koma ';' (pengaturan regional Excel); simpan ulang sebagai 'CSV UTF-8 (dipisah koma)' "
                "agar pemisahnya koma ','",
                row=1,
            )
    if len(header) > 1 and header[-1] == "" and header[-2] != "":
        raise DataError(
            path,
            "baris diakhiri pemisah ',' berlebih (kolom tanpa nama); hapus koma di akhir setiap baris",
            row=1,
        )
    for i, r in enumerate(body):
        if len(r) > len(header) and not any(cell.strip() for cell in r[len(header) :]) and any(c.strip() for c in r):
            raise DataError(
                path,
                f"baris diakhiri pemisah ',' berlebih ({len(r)} sel, diharapkan {len(header)}); hapus koma di akhir baris",
                row=_line_of_raw(text, i),
            )


def _line_of_raw(text: str, i: int) -> int:
    """Line where the ``i``-th row after the header starts, blank rows counted."""
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for n, _ in enumerate(reader):
        if n == i + 1:
            return line
        line = reader.line_num + 1
    return line


class Lines(tuple):
    """The source line of each row of a loaded table (``attrs["lines"]``, see ``errors.line_of``).

    pandas deep-copies a frame's ``attrs`` into every frame made from it (each filter, merge, column);
    line numbers never change, so the copies share them instead of copying the list each time.
    """

    __slots__ = ()

    def __deepcopy__(self, memo):
        return self


def empty_table(table: Table) -> pd.DataFrame:
    """A table with its columns and dtypes but no rows (an optional table not given)."""
    df = pd.DataFrame({c.column: pd.Series([], dtype=DTYPES[table.field_of(c.column).dtype]) for c in table.cols})
    df.attrs["lines"] = Lines()
    return df


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
                raise DataError(
                    path, "sel kosong; kolom ini wajib diisi (" + f.description + ")", row=line, column=column
                )
            out.append(None)
        elif f.dtype == "str":
            bad = safe_yaml.character_problem(cell)  # the same rule as for texts in the YAML files
            if bad:
                raise DataError(path, bad, row=line, column=column)
            if f.form == "id" and not is_id(cell):
                raise DataError(
                    path,
                    f"id tidak sah: {_shown(cell)}; id hanya memuat {ID_RULE} — mis. '{suggest_id(cell)}'",
                    row=line,
                    column=column,
                )
            if f.form == "kode" and not is_kode(cell):
                raise DataError(
                    path, f"kode tidak sah: {_shown(cell)}; kode rekening ditulis {KODE_RULE}", row=line, column=column
                )
            out.append(cell)
        elif f.dtype == "bool":
            if cell.lower() not in _BOOL:
                raise DataError(path, f"tertulis {cell!r}; diharapkan true atau false", row=line, column=column)
            out.append(_BOOL[cell.lower()])
        else:
            ok = _INT.match(cell) if f.dtype == "int" else is_canonical_number(cell)
            if ok and f.dtype == "float" and is_ambiguous_thousands(cell):
                raise DataError(
                    path,
                    f"tertulis {cell!r}: titik sebagai pemisah ribuan? Tulis "
                    f"{cell.replace('.', '')} untuk bilangan ribuan, atau {cell}0 bila "
                    "memang desimal (angka kanonik: titik hanya untuk desimal)",
                    row=line,
                    column=column,
                )
            if not ok:
                expected = "bilangan bulat" if f.dtype == "int" else "angka"
                hint = ""
                if looks_indonesian(cell):
                    hint = (
                        "; angka ditulis dengan format tampilan (pemisah ribuan/koma desimal). "
                        "Tulis angka kanonik: tanpa pemisah ribuan, titik sebagai desimal "
                        "(1.476 -> 1476; 98,40 -> 98.4)"
                    )
                raise DataError(
                    path,
                    f"tertulis {cell!r}; diharapkan {expected}" + (f" dalam {f.unit}" if f.unit else "") + hint,
                    row=line,
                    column=column,
                )
            value = int(cell) if f.dtype == "int" else float(cell)
            if (abs(value) > _INT64_MAX) if f.dtype == "int" else not math.isfinite(value):
                shown = cell if len(cell) <= 30 else f"{cell[:12]}…{cell[-6:]} ({len(cell)} digit)"
                raise DataError(path, f"tertulis {shown!r}: angka terlalu besar", row=line, column=column)
            out.append(value)
    return pd.Series(out, index=values.index, dtype=DTYPES[f.dtype])


def _shown(cell: str) -> str:
    """A cell for a message: quoted, cut short when long."""
    return repr(cell) if len(cell) <= 40 else repr(cell[:30] + "…") + f" ({len(cell)} karakter)"


def _schema_error(path: Path, table: Table, df: pd.DataFrame, exc: pa.errors.SchemaErrors) -> DataError:
    cases = exc.failure_cases
    first = cases.iloc[0]
    n = len(cases)
    more = f" (dan {n - 1} masalah lain di file ini)" if n > 1 else ""
    if first["check"] in ("multiple_fields_uniqueness", "field_uniqueness") or "unique" in str(first["check"]):
        dup = df.duplicated(list(table.key), keep="first")
        line = int(dup[dup].index[0])
        keyval = ", ".join(f"{k}={df.loc[line, k]}" for k in table.key)
        return DataError(
            path,
            f"kunci ganda ({keyval}); setiap baris harus unik menurut " + ", ".join(table.key) + more,
            row=line,
            column=table.key[0],
        )
    column = first["column"] if isinstance(first["column"], str) else None
    index = first["index"]
    line = int(index) if pd.notna(index) else None
    value = first["failure_case"]
    value = value.item() if hasattr(value, "item") else value  # np.float64(-5.0) -> -5.0
    value = int(value) if isinstance(value, float) and value.is_integer() else value
    return DataError(path, f"nilai {value!r} tidak sah: {first['check']}{more}", row=line, column=column)


def check_links(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Every id a table refers to exists in the table it refers to."""
    for name, table in TABLES.items():
        df = tables[name]
        for link in table.links:
            ref = tables[link.table]
            known = set(zip(*(ref[c] for c in link.ref_columns)))
            # zip over columns, not iterrows: a Series per row made 100.000 budget rows take half a minute
            for i, value in enumerate(zip(*(df[c].tolist() for c in link.columns))):
                if any(pd.isna(v) for v in value):
                    continue
                if value not in known:
                    shown = ", ".join(str(v) for v in value)
                    raise DataError(
                        folder / table.filename,
                        f"'{shown}' tidak ada di {link.table}.csv (kolom {', '.join(link.ref_columns)})",
                        row=line_of(df, i),
                        column=link.columns[0],
                    )


def check_rules(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Rules that span rows: amounts only on leaves, hierarchies without cycles, breakdowns within totals.

    Leaves left blank are judged by :func:`lkip_helpers.data.completeness.check` (a draft may have them).
    """
    for name, table in TABLES.items():
        if not table.parent:
            continue
        df, key, parent_col = tables[name], table.key[0], table.parent
        path = folder / table.filename
        parents = set(df[parent_col].dropna())
        amounts = [c.column for c in table.cols if c.fill]
        has_rows = df[key].isin(parents).to_numpy()  # vectorised: iterrows was the slow step of 100.000 rows
        for i in has_rows.nonzero()[0]:
            for col in amounts:
                if pd.notna(df[col].iat[i]):
                    raise DataError(
                        path,
                        f"{df[key].iat[i]} punya rincian di bawahnya: {col} dihitung dari rinciannya, kosongkan sel ini",
                        row=line_of(df, int(i)),
                        column=col,
                    )
        _check_acyclic(path, df, key, parent_col)
    _check_iku_sasaran(folder, tables)
    _check_labels(folder, tables["indikator"])
    totals = tables["pegawai_total"].set_index("status")["jumlah"]
    listed = tables["pegawai"].groupby("status")["jumlah"].sum()
    for status, n in listed.items():
        if n > totals[status]:
            raise DataError(
                folder / "pegawai.csv",
                f"rincian {status} berjumlah {n}, melebihi total {totals[status]} di pegawai_total.csv",
                column="jumlah",
            )


# Rows that describe what happened in a year: none may lie after the report year. RPJMD
# targets (basis rpjmd) may: they run to the end of the medium-term plan.
_DONE_BY_YEAR = {"realisasi": None, "capaian_historis": None, "target": ("basis", "pk")}


def check_years(folder: Path, tables: dict[str, pd.DataFrame], year: int, draft: bool) -> None:
    """The years of the rows against ``dataset.year``.

    No realisasi, published capaian or PK target after the report year; a final dataset
    has PK targets of its year for at least one IKU and a realisasi for at least one of
    them (otherwise the report would measure nothing: most often ``year`` in
    metadata.yml is wrong).
    """
    for name, only in _DONE_BY_YEAR.items():
        df = tables[name]
        late = df["year"] > year
        if only:
            late &= df[only[0]] == only[1]
        if late.any():
            i = int(late.to_numpy().nonzero()[0][0])
            what = "target PK" if only else ("realisasi" if name == "realisasi" else "capaian")
            raise DataError(
                folder / TABLES[name].filename,
                f"tahun {df['year'].iloc[i]} sesudah tahun laporan {year} (dataset.year di metadata.yml): "
                f"{what} tahun mendatang belum ada; perbaiki tahunnya, atau 'year' di metadata.yml",
                row=line_of(df, i),
                column="year",
            )
    if draft:
        return
    iku = set(tables["indikator"].loc[tables["indikator"]["kind"] == "iku", "indikator_id"])
    t = tables["target"]
    pk = t[(t["basis"] == "pk") & t["indikator_id"].isin(iku)]
    measured = set(pk.loc[pk["year"] == year, "indikator_id"])
    meta = folder / "metadata.yml"
    if not measured:
        years = sorted(int(y) for y in set(pk["year"]))
        found = f"target PK IKU ada untuk tahun: {', '.join(map(str, years))}" if years else "belum ada target PK IKU"
        raise DataError(
            meta,
            f"tahun laporan {year}, tetapi target.csv tidak memuat target PK (basis pk) tahun {year} "
            f"untuk satu pun IKU ({found}); periksa 'year' di metadata.yml atau isi target.csv",
            row=yaml_line(meta, "dataset.year"),
            key="dataset.year",
        )
    r = tables["realisasi"]
    done = r[(r["year"] == year) & r["indikator_id"].isin(measured) & r["realisasi"].notna()]
    if done.empty:
        years = sorted(int(y) for y in set(r.loc[r["realisasi"].notna(), "year"]))
        found = f"realisasi ada untuk tahun: {', '.join(map(str, years))}" if years else "belum ada realisasi"
        raise DataError(
            meta,
            f"tahun laporan {year}, tetapi realisasi.csv tidak memuat realisasi tahun {year} untuk IKU "
            f"yang bertarget ({found}); isi realisasi, periksa 'year' di metadata.yml, atau tulis "
            "'status: draft' selama masih diisi",
            row=yaml_line(meta, "dataset.year"),
            key="dataset.year",
        )


def _check_iku_sasaran(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    """An IKU measures a sasaran strategis (the pages average IKU per sasaran strategis)."""
    level = dict(zip(tables["sasaran"]["sasaran_id"], tables["sasaran"]["level"]))
    ind = tables["indikator"]
    for i, (ind_id, kind, sasaran) in enumerate(zip(ind["indikator_id"], ind["kind"], ind["sasaran_id"])):
        if kind == "iku" and level.get(sasaran, "strategis") != "strategis":
            raise DataError(
                folder / "indikator.csv",
                f"IKU {ind_id} terkait sasaran '{sasaran}' berlevel "
                f"{level[sasaran]}; IKU mengukur sasaran strategis (level strategis di sasaran.csv) — "
                "pilih sasaran strategisnya, atau jadikan indikator ini ikk",
                row=line_of(ind, i),
                column="sasaran_id",
            )


def _check_labels(folder: Path, ind: pd.DataFrame) -> None:
    """Each indicator has its own short_name: it labels the indicator in charts and tables."""
    seen: dict[str, int] = {}
    for i, label in enumerate(ind["short_name"]):
        key = str(label).strip().casefold()
        if key in seen:
            first = seen[key]
            raise DataError(
                folder / "indikator.csv",
                f"short_name '{label}' sudah dipakai {ind['indikator_id'].iloc[first]} "
                f"(baris {line_of(ind, first)}); setiap indikator perlu label singkat sendiri untuk grafik",
                row=line_of(ind, i),
                column="short_name",
            )
        seen[key] = i


def _check_acyclic(path: Path, df: pd.DataFrame, key: str, parent_col: str) -> None:
    parent = {k: p for k, p in zip(df[key].tolist(), df[parent_col].tolist()) if pd.notna(p)}
    rooted: set = set()  # nodes whose chain reaches a root: each chain is walked once, not once per row below it
    for i, start in enumerate(df[key]):
        seen, node = set(), start
        while node in parent and node not in rooted:
            if node in seen:
                raise DataError(
                    path, f"hierarki berputar (siklus) melalui {start}", row=line_of(df, i), column=parent_col
                )
            seen.add(node)
            node = parent[node]
        rooted |= seen
