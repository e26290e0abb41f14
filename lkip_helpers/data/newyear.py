"""Start next year's dataset from this year's (``lkip new``).

What carries forward: the planning frame (sasaran, indicators and their units,
Renstra and PK rows, sasaran-kegiatan links), the budget structure (kode rekening
without amounts), the organisation, staff and regions (to be checked), and the
whole history (every target, realisasi and published capaian: last year's realisasi
joins the trend). What starts empty: this year's realisasi, targets not known from
the RPJMD, budget amounts, narrative, prizes and printed values. The result is a
draft (``status: draft``) that validates, builds, and lists what remains to fill.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd

from lkip_helpers.data import saving
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import TABLES
from lkip_helpers.errors import LkipError

# Tables copied as they are but likely to change from one year to the next: listed for checking.
TO_CHECK = ("dokumen_perencanaan", "unit_organisasi", "pegawai_total", "pegawai", "wilayah")
NO_SOURCE = "(belum ada — draf)"


def new_dataset(new_id: str, old_id: str, year: int | None = None, force: bool = False) -> Path:
    """Write ``data/<new_id>/``: a draft for ``year`` (default: the old year + 1) carried from ``old_id``.

    Returns:
        the new dataset folder.
    """
    dest = saving.check_target(new_id, force)
    old = load_dataset(old_id)
    year = old.year + 1 if year is None else int(year)
    if year <= old.year:
        raise LkipError(f"tahun baru {year} harus sesudah tahun dataset {old_id} ({old.year})")
    tables = carry_tables(old, year)
    meta_text = saving.metadata_text(
        carry_metadata(old, new_id, year),
        f"Draf LKIP {year}, dibuat dengan `lkip new {new_id} --from {old_id} --year {year}`.\n"
        "Isi realisasi, target dan anggaran tahun ini (lkip template / lkip import), lalu\n"
        "ubah status menjadi final bila sudah lengkap. `lkip validate` menampilkan yang masih kosong.",
    )
    laporan = old.path / "laporan.yml"  # the report keeps its numbering and titles next year
    extra = {"laporan.yml": laporan.read_bytes()} if laporan.is_file() else {}
    return saving.write_dataset(new_id, dest, tables, meta_text, extra)


def carry_tables(old, year: int) -> dict[str, pd.DataFrame]:
    """The new year's tables from the old dataset's."""
    out = {name: old.tables[name].copy() for name in TABLES}
    for name, table in TABLES.items():
        if table.empty_in_draft:  # facts of a year that has not happened yet
            out[name] = out[name].iloc[0:0]
        elif table.parent:  # budget structure stays; amounts are this year's to fill
            for col in (c.column for c in table.cols if c.fill):
                out[name][col] = pd.NA
    out["target"] = pd.concat([old.target, _new_targets(old, year)], ignore_index=True)
    out["realisasi"] = pd.concat([old.realisasi, _new_realisasi(old, out["target"], year)], ignore_index=True)
    return out


def _new_targets(old, year: int) -> pd.DataFrame:
    """A PK target row per indicator measured last year; the value comes from the RPJMD when it has one."""
    t = old.target
    last_pk = t[(t["year"] == old.year) & (t["basis"] == "pk")]
    rpjmd = t[(t["year"] == year) & (t["basis"] == "rpjmd")].set_index("indikator_id")["target"]
    have = set(t[(t["year"] == year) & (t["basis"] == "pk")]["indikator_id"])
    rows = last_pk[~last_pk["indikator_id"].isin(have)].assign(year=year)
    rows["target"] = rows["indikator_id"].map(rpjmd).astype("Float64")
    return rows.astype(t.dtypes.to_dict())


def _new_realisasi(old, targets: pd.DataFrame, year: int) -> pd.DataFrame:
    """A blank realisasi row per indicator with a PK target this year, citing last year's source table."""
    r = old.realisasi
    ids = targets[(targets["year"] == year) & (targets["basis"] == "pk")]
    have = set(r[r["year"] == year]["indikator_id"])
    source = r[r["year"] == old.year].set_index("indikator_id")["source_table"]
    rows = pd.DataFrame(
        {
            "indikator_id": ids["indikator_id"],
            "year": year,
            "realisasi": pd.NA,
            "source_table": ids["indikator_id"].map(source).fillna(ids["source_table"]),
        }
    )
    rows = rows[~rows["indikator_id"].isin(have)]
    return rows.astype(r.dtypes.to_dict())


def carry_metadata(old, new_id: str, year: int) -> dict:
    """The old metadata with the new id and year, ``status: draft``, and a note per carried table."""
    meta = copy.deepcopy(old.meta)
    d = meta["dataset"]
    for key in ("source_file", "transcribed_by"):
        d.pop(key, None)
    d.update({"id": new_id, "year": year, "status": "draft", "source_document": NO_SOURCE, "carried_from": old.id})
    notes = {
        "target": f"Baris tahun {old.year} dan sebelumnya disalin dari {old.id}. Target PK {year} diambil dari "
        f"target RPJMD {year} bila ada; selebihnya kosong untuk diisi.",
        "realisasi": f"Realisasi tahun {old.year} dan sebelumnya disalin dari {old.id} (masuk ke tren); "
        f"realisasi {year} kosong untuk diisi.",
        "dokumen_perencanaan": f"Baris Renstra disalin; baris PK adalah PK {old.year} sebagai titik awal — "
        f"perbarui dengan PK {year}.",
        "anggaran": f"Struktur kode rekening disalin dari {old.id}; pagu dan realisasi {year} kosong untuk diisi.",
        "belanja_jenis": f"Struktur jenis belanja disalin; anggaran dan realisasi {year} kosong untuk diisi.",
    }
    tables = meta.setdefault("tables", {})
    for name, table in TABLES.items():
        entry = tables.setdefault(name, {})
        if table.empty_in_draft:
            note = f"Kosong: diisi untuk tahun {year}."
        elif name in notes:
            note = notes[name]
        else:
            note = f"Disalin dari {old.id}" + (" — periksa dan perbarui." if name in TO_CHECK else ".")
        entry["notes"] = note
    meta["draft"] = {"from": old.id, "check": list(TO_CHECK)}
    return meta
