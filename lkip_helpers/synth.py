"""Synthetic agency-year datasets with the real schema, for tests and benchmarks.

Load the default dataset as a template -> vary names, targets, realisasi and budget
with a seeded random generator -> recompute the printed values so the dataset is
internally consistent -> save, marked ``synthetic: true`` (every page says so).
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

from . import paths, safe_yaml
from .saving import canonical

AGENCIES = ["Dinas Pendidikan dan Kebudayaan", "Dinas Kesehatan", "Dinas Pertanian", "Dinas Sosial",
            "Dinas Perhubungan", "Dinas Pariwisata", "Dinas Koperasi dan UKM", "Dinas Kelautan dan Perikanan",
            "Dinas Lingkungan Hidup", "Dinas Pekerjaan Umum", "Badan Perencanaan Pembangunan Daerah",
            "Inspektorat Daerah"]


def _fmt(x: float) -> str:
    """Canonical text of a number as data files hold it (see saving.canonical)."""
    return canonical(float(x), "float")


def _rewrite(path: Path, fn) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0]) if rows else next(csv.reader(path.open(encoding="utf-8")))
    rows = [fn(r) for r in rows]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def write_synthetic(n: int, seed: int = 1, year: int = 2023, template: str = paths.DEFAULT_DATASET) -> list[str]:
    """Write ``n`` datasets ``synth-NNN-YEAR`` under the data folder; return their ids."""
    from .audit import Recomputer
    from .loading import load_dataset

    src = paths.dataset_dir(template)
    ids = []
    for i in range(1, n + 1):
        rng = random.Random(seed * 100003 + i)
        ds_id = f"synth-{i:03d}-{year}"
        dest = paths.dataset_dir(ds_id)
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(src, dest)
        agency = f"{rng.choice(AGENCIES)} (sintetis {i:03d})"

        def realisasi(r):
            if r["realisasi"]:
                v = float(r["realisasi"])
                v = v * rng.uniform(0.5, 1.25)
                r["realisasi"] = _fmt(round(v)) if v > 10 and float(r["realisasi"]).is_integer() else _fmt(round(v, 2))
            return r

        def anggaran(r):
            if r["pagu_rp"]:
                pagu = round(float(r["pagu_rp"]) * rng.uniform(0.6, 1.6))
                r["pagu_rp"] = str(pagu)
                r["realisasi_rp"] = str(round(pagu * rng.uniform(0.2, 1.0))) if pagu else "0"
            return r

        def belanja(r):
            if r["anggaran_rp"]:
                a = round(float(r["anggaran_rp"]) * rng.uniform(0.6, 1.6))
                r["anggaran_rp"], r["realisasi_rp"] = str(a), str(round(a * rng.uniform(0.5, 1.0)))
            return r

        _rewrite(dest / "realisasi.csv", realisasi)
        _rewrite(dest / "anggaran.csv", anggaran)
        _rewrite(dest / "belanja_jenis.csv", belanja)
        meta = safe_yaml.load((dest / "metadata.yml").read_text(encoding="utf-8"))
        meta["dataset"].update({"id": ds_id, "agency": agency, "agency_short": agency, "synthetic": True,
                                "source_document": f"Data sintetis (seed {seed}, nomor {i}) — bukan laporan sebenarnya",
                                "source_file": None})
        (dest / "metadata.yml").write_text(safe_yaml.dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        # printed values as a careful report would print them: the recomputed ones
        ds = load_dataset(ds_id)
        rc = Recomputer(ds)

        def printed(r):
            exp = rc.expected(r) if r["value"] else None
            if exp is not None and exp.value == exp.value:
                r["value"] = _fmt(round(exp.value, 2))
                r["printed_text"] = r["value"]
                r["note"] = "sintetis"
            return r

        _rewrite(dest / "nilai_tercetak.csv", printed)
        load_dataset(ds_id)  # the result must validate
        ids.append(ds_id)
    return ids
