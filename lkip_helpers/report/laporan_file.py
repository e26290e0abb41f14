"""``laporan.yml``: the numbers and titles an agency gives the sections of its report, read and checked.

Beside the CSVs, ``laporan.yml`` names, per section key, the artifact ``id``, its
``judul`` and ``sumber`` (and, for tables per sasaran program, the ``indikator`` to
show). The keys are the parts' keys (:mod:`lkip_helpers.report.bagian`); parts it does not
name are numbered automatically, per chapter, after the numbers it uses
(:mod:`lkip_helpers.report.sections`)::

    bagian:
      capaian: {id: tabel-3.1, judul: "Capaian Kinerja Tahun {tahun}", sumber: "Bab 3.1"}
      iku_sasaran_program:
        <sasaran_id>: {id: tabel-3.7, judul: "...", indikator: [<indikator_id>]}

Placeholders in ``id``, ``judul`` and ``sumber``: ``{tahun}``, ``{tahun_lalu}``, ``{tahun_pertama}``.
The file is checked before anything is built (``lkip validate``, and the build's plan): what
``lkip validate`` accepts, ``lkip build`` completes.
"""

from __future__ import annotations

import re

from lkip_helpers import placeholders
from lkip_helpers.data import safe_yaml
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import DataError
from lkip_helpers.report.bagian import BAGIAN

LAPORAN_FILE = "laporan.yml"
PLACEHOLDERS = ("tahun", "tahun_lalu", "tahun_pertama")
ENTRY_KEYS = ("id", "judul", "sumber", "indikator")
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
NUMBERED = re.compile(r"^(tabel|gambar)-(\d+)\.(\d+)$")


def load(ds: Dataset) -> dict:
    """Read and check ``laporan.yml`` (empty dict when absent; cached on the dataset).

    Raises DataError naming file and key.
    """
    if "laporan_file" not in ds.cache:
        ds.cache["laporan_file"] = _load(ds)
    return ds.cache["laporan_file"]


def _load(ds: Dataset) -> dict:
    path = ds.path / LAPORAN_FILE
    if not path.is_file():
        return {}
    raw = safe_yaml.load_file(path) or {}  # no aliases, bounded size, no control characters; one-line errors
    if not isinstance(raw, dict) or set(raw) - {"bagian"}:
        raise DataError(path, "kunci teratas yang dikenal hanya 'bagian'")
    sections = raw.get("bagian") or {}
    if not isinstance(sections, dict):
        raise DataError(path, "'bagian' harus berupa pemetaan kunci bagian → {id, judul, sumber}")
    out = {}
    for key, entry in sections.items():
        part = BAGIAN.get(key)
        if part is None:
            raise DataError(path, f"bagian '{key}' tidak dikenal; pilihan: {', '.join(BAGIAN)}")
        if part.per_item:
            if not isinstance(entry, dict):
                raise DataError(path, f"bagian '{key}': harus berupa pemetaan sasaran_id → {{id, judul}}")
            level = part.per_item
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
