"""Write a dataset folder: canonical CSV text, validated before it is put in place.

The inverse of :mod:`lkip_helpers.data.loading`. Everything is written to a temporary
folder beside the target, loaded back with the same checks as ``lkip validate``, and
only then renamed into ``data/<dataset>/``: a failure never leaves half a dataset.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from lkip_helpers import paths
from lkip_helpers.data import safe_yaml
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import TABLES, Table
from lkip_helpers.errors import LkipError
from lkip_helpers.files import replace_folder
from lkip_helpers.numbers import is_ambiguous_thousands


def canonical(value, dtype: str) -> str:
    """A cell as a data file holds it: plain numbers, ``true``/``false``, blank for missing.

    Floats are written in their shortest exact form, so 84.09 stays ``84.09`` (never
    ``84.09000000000001``) and 1476.0 becomes ``1476``.

    >>> canonical(1476.0, "float"), canonical(84.09, "float"), canonical(1e-05, "float"), canonical(None, "int")
    ('1476', '84.09', '0.00001', '')
    >>> canonical(1.476, "float"), canonical(True, "bool"), canonical(" Kota Contoh ", "str")
    ('1.4760', 'true', 'Kota Contoh')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if dtype == "bool":
        return "true" if bool(value) else "false"
    if dtype == "int":
        return str(int(value))
    if dtype == "float":
        text = np.format_float_positional(float(value), trim="-")
        # "1.476" would be refused as ambiguous (thousands or decimal?); a trailing zero says decimal.
        return text + "0" if is_ambiguous_thousands(text) else text
    return str(value).strip()


def table_text(df: pd.DataFrame, table: Table) -> str:
    """CSV text of one table: its columns in schema order, canonical cells, CRLF line ends like the data files."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table.columns)
    dtypes = [table.field_of(c).dtype for c in table.columns]
    for row in df[table.columns].itertuples(index=False):
        writer.writerow([canonical(v, t) for v, t in zip(row, dtypes)])
    return buf.getvalue()


def metadata_text(meta: dict, header: str = "") -> str:
    """``metadata.yml`` text: an optional comment header, then the YAML in the given key order."""
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + safe_yaml.dump(meta, allow_unicode=True, sort_keys=False, width=110)


def yaml_scalar(value) -> str:
    """One YAML scalar as written on one line, quoted when it needs to be (a name with ':' or '#').

    >>> yaml_scalar("final"), yaml_scalar("a: b"), yaml_scalar(2024), yaml_scalar("2024"), yaml_scalar(None)
    ('final', "'a: b'", '2024', "'2024'", 'null')
    """
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).removesuffix("...\n").strip()


def patched_yaml(text: str, data) -> str | None:
    r"""``text`` with every scalar whose value differs from ``data`` rewritten in place, the rest as it was.

    Comments, blank lines, key order and the quoting of unchanged values stay. None when ``data``
    differs in shape (a key added or removed, a list of another length, a scalar become a list):
    a line-by-line edit cannot say where that goes.

    >>> patched_yaml("# kepala\ndataset:\n  year: 2023   # tahun\n  status: draft\n", {"dataset": {"year": 2024, "status": "draft"}})
    '# kepala\ndataset:\n  year: 2024   # tahun\n  status: draft\n'
    >>> patched_yaml("a: 1\n", {"a": 1, "b": 2}) is None
    True
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        old = safe_yaml.load(text)
    except yaml.YAMLError:
        return None
    edits: list[tuple[int, int, str]] = []
    if node is None or not _scalar_edits(node, old, data, edits):
        return None
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    try:
        return out if _same(safe_yaml.load(out), data) else None
    except yaml.YAMLError:
        return None


def _same(a, b) -> bool:
    """Equal data, with types (``True`` is not ``1``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(map(str, a)) == list(map(str, b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _scalar_edits(node, old, new, edits: list) -> bool:
    """Collect (start, end, text) for each changed scalar under ``node``; False when the shape differs."""
    if isinstance(node, yaml.MappingNode):
        if not (isinstance(old, dict) and isinstance(new, dict)) or set(map(str, old)) != set(map(str, new)):
            return False
        by_name = {str(k): k for k in old}
        new_by_name = {str(k): k for k in new}
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name not in by_name or not _scalar_edits(value_node, old[by_name[name]], new[new_by_name[name]], edits):
                return False
        return True
    if isinstance(node, yaml.SequenceNode):
        if not (isinstance(old, list) and isinstance(new, list)) or len(old) != len(new):
            return False
        return all(_scalar_edits(n, a, b, edits) for n, a, b in zip(node.value, old, new))
    if isinstance(new, (dict, list)):
        return False
    if not _same(old, new):
        edits.append((node.start_mark.index, node.end_mark.index, yaml_scalar(new)))
    return True


def staging(dataset: str) -> Path:
    """A fresh temporary folder named like the dataset, beside the data folders (same file system)."""
    root = paths.data_dir() / f".tmp-{dataset}-{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    folder = root / dataset
    folder.mkdir(parents=True)
    return folder


def write_folder(folder: Path, tables: dict[str, pd.DataFrame], meta_text: str) -> None:
    """Write the core tables, every optional table that has rows, and ``metadata.yml`` into ``folder``.

    An optional table without rows is written as a header only when ``tables`` holds it
    with its file present (``attrs['absent']`` unset): "still to fill", not "not used".
    """
    for name, table in TABLES.items():
        df = tables.get(name)
        if df is None or (not table.core and df.empty and df.attrs.get("absent", False)):
            continue
        (folder / table.filename).write_text(table_text(df, table), encoding="utf-8", newline="")
    (folder / "metadata.yml").write_text(meta_text, encoding="utf-8")


def check_target(dataset: str, force: bool = False) -> Path:
    """The folder ``data/<dataset>``; refuse to replace an existing one unless ``force``."""
    dest = paths.dataset_dir(paths.check_dataset_id(dataset))
    if dest.exists() and not force:
        raise LkipError(
            f"dataset {dataset} sudah ada di {dest}; pilih id lain, atau tambahkan --force untuk menimpanya"
        )
    return dest


def put_in_place(staged: Path, dest: Path) -> None:
    """Move a validated staging folder to ``dest`` (see ``files.replace_folder``), then remove its temporary parent."""
    replace_folder(staged, dest)
    shutil.rmtree(staged.parent, ignore_errors=True)


def discard(staged: Path) -> None:
    """Remove a staging folder and its temporary parent."""
    shutil.rmtree(staged.parent, ignore_errors=True)


def write_dataset(
    dataset: str, dest: Path, tables: dict[str, pd.DataFrame], meta_text: str, extra: dict[str, bytes] | None = None
) -> Path:
    """Write a whole dataset to ``dest`` (from :func:`check_target`): staged, checked, then put in place.

    The staged folder passes the same checks as ``lkip validate`` before anything is in
    place; on any error ``dest`` is as it was. ``extra``: other files to copy in (name -> bytes).
    """
    staged = staging(dataset)
    try:
        write_folder(staged, tables, meta_text)
        for name, data in (extra or {}).items():
            (staged / name).write_bytes(data)
        load_dataset(dataset, root=staged)
        put_in_place(staged, dest)
    finally:
        discard(staged)
    return dest
