"""``lkip synth``: varied, deterministic, valid synthetic agencies, checked against values computed here."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
import yaml

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data import synth
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import CORE_TABLES, OPTIONAL_TABLES
from lkip_helpers.errors import DataError

N = 14  # datasets written by the shared fixture: enough for every dimension to vary, ~5 s


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """``N`` synthetic datasets of seed 21 in a temporary data folder; returns (data folder, ids)."""
    root = tmp_path_factory.mktemp("synth") / "data"
    root.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_DATA_DIR", str(root))
        ids = synth.write_synthetic(N, seed=21)
    return root, ids


def _rows(folder: Path, table: str) -> list[dict]:
    path = folder / f"{table}.csv"
    return list(csv.DictReader(path.open(encoding="utf-8"))) if path.is_file() else []


def _meta(folder: Path) -> dict:
    return yaml.safe_load((folder / "metadata.yml").read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_other_data(tmp_path, monkeypatch):
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / name))
        assert synth.write_synthetic(3, seed=seed) == ["synth-001-2023", "synth-002-2023", "synth-003-2023"]
        runs[name] = _files(tmp_path / name)
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]  # no staging left behind


@pytest.mark.slow
def test_every_dataset_loads_marked_synthetic(batch):
    root, ids = batch
    for ds_id in ids:
        folder = root / ds_id
        meta = _meta(folder)["dataset"]
        assert meta["synthetic"] is True and "sintetis" in meta["agency"] and "sintetis" in meta["source_document"]
        for table in CORE_TABLES:
            assert (folder / f"{table}.csv").is_file()
        text = "\n".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
        for foreign in ("Nusa Tenggara Timur", "NTT", "BUMDes", "Kupang", "pmd-ntt"):
            assert foreign not in text, (ds_id, foreign)  # nothing of the sample agency
    agencies = {_meta(root / i)["dataset"]["agency"] for i in ids}
    assert len(agencies) == N


def test_shapes_vary_in_the_written_data(batch):
    """Each dimension of variety shows in the files themselves, read here with the csv module."""
    root, ids = batch
    seen: dict[str, set] = {
        k: set()
        for k in (
            "n_strategis",
            "levels",
            "lower",
            "history",
            "rpjmd_after",
            "anggaran",
            "roots",
            "region",
            "scale",
            "formula",
            "average",
            "cap",
            "status",
            "ikk",
        )
    }
    optional_seen = {t: set() for t in OPTIONAL_TABLES}
    for ds_id in ids:
        folder = root / ds_id
        meta = _meta(folder)
        year = meta["dataset"]["year"]
        sasaran = _rows(folder, "sasaran")
        ind = _rows(folder, "indikator")
        seen["n_strategis"].add(sum(r["level"] == "strategis" for r in sasaran))
        seen["levels"].add(tuple(sorted({r["level"] for r in sasaran})))
        seen["lower"].add(any(r["polarity"] == "lower" for r in ind))
        seen["ikk"].add(any(r["kind"] == "ikk" for r in ind))
        seen["history"].add(any(int(r["year"]) < year for r in _rows(folder, "realisasi")))
        rpjmd_years = {int(r["year"]) for r in _rows(folder, "target") if r["basis"] == "rpjmd"}
        seen["rpjmd_after"].add(max(rpjmd_years) - year)
        baris_anggaran = _rows(folder, "anggaran")
        seen["anggaran"].add("P" if baris_anggaran[0]["kode_rekening"].startswith("P") else "kode")
        seen["roots"].add(sum(not r["parent_kode"] for r in baris_anggaran) > 1)
        seen["region"].add(meta["dataset"]["region"].split()[0])
        seen["scale"].add(meta["capaian"]["scale"][0]["label"] + str(len(meta["capaian"]["scale"])))
        seen["formula"].add(meta["capaian"]["lower_formula"])
        seen["average"].add(meta["capaian"]["average"])
        seen["cap"].add(meta["capaian"]["cap_pct"] is None)
        seen["status"].add(meta["dataset"]["status"])
        for t in OPTIONAL_TABLES:
            optional_seen[t].add(bool(_rows(folder, t)))
        if _rows(folder, "wilayah"):  # kabupaten/kota per province: only a province's agency has it
            assert meta["dataset"]["region"].startswith("Provinsi")
    assert min(seen["n_strategis"]) <= 2 and max(seen["n_strategis"]) >= 4, seen["n_strategis"]
    assert len(seen["levels"]) >= 2
    for key in ("lower", "history", "roots", "cap", "ikk"):
        assert seen[key] == {True, False}, key
    assert 0 in seen["rpjmd_after"] and max(seen["rpjmd_after"]) > 0
    assert seen["anggaran"] == {"P", "kode"}
    assert seen["region"] >= {"Kabupaten", "Provinsi"}
    assert len(seen["scale"]) >= 2 and seen["formula"] == set(synth.LOWER_FORMULAS)
    assert seen["average"] == {"rows", "sasaran"} and seen["status"] == {"draft", "final"}
    assert all(v == {True, False} for t, v in optional_seen.items() if t != "wilayah"), optional_seen


def test_drawn_shapes_cover_every_dimension():
    shapes = [synth.draw_shape(random.Random(s)) for s in range(200)]
    assert {s.n_strategis for s in shapes} == set(range(1, 7))
    assert {n for s in shapes for n in s.iku_per_sasaran} == set(range(1, 6))
    assert {s.scale for s in shapes} == set(synth.SCALES) and {s.region_kind for s in shapes} == {
        "kabupaten",
        "kota",
        "provinsi",
    }
    assert {(s.program_level, s.kegiatan_level) for s in shapes} == {(False, False), (True, False), (True, True)}
    for t in OPTIONAL_TABLES:
        assert 0 < sum(t in s.optional for s in shapes) < 200, t
    assert {s.draft for s in shapes} == {True, False} and {s.anggaran for s in shapes} == {"kode", "program"}


def _capaian(real: float, target: float, polarity: str, formula: str) -> float:
    """The capaian rule, written out here (not the package's): higher r/t; lower by the policy; floored at 0."""
    if polarity == "higher":
        return max(0.0, real / target * 100)
    if formula == "target_over_realisasi":
        return max(0.0, target / real * 100)
    return max(0.0, (2 * target - real) / target * 100)


def test_printed_values_follow_the_inputs(batch):
    """Printed capaian and budget totals agree with target, realisasi and amounts (except the planted slip)."""
    root, ids = batch
    checked = 0
    for ds_id in ids:
        folder = root / ds_id
        printed = _rows(folder, "nilai_tercetak")
        if not printed:
            continue
        meta = _meta(folder)
        year, formula = meta["dataset"]["year"], meta["capaian"]["lower_formula"]
        polarity = {r["indikator_id"]: r["polarity"] for r in _rows(folder, "indikator")}
        target = {
            r["indikator_id"]: float(r["target"])
            for r in _rows(folder, "target")
            if r["basis"] == "pk" and int(r["year"]) == year
        }
        real = {
            r["indikator_id"]: float(r["realisasi"])
            for r in _rows(folder, "realisasi")
            if int(r["year"]) == year and r["realisasi"]
        }
        baris_anggaran = _rows(folder, "anggaran")
        parents = {r["parent_kode"] for r in baris_anggaran}
        leaves = [r for r in baris_anggaran if r["kode_rekening"] not in parents]
        slips = 0
        for p in printed:
            if p["metric"] == "capaian_pct":
                i = p["indikator_id"]
                expected = _capaian(real[i], target[i], polarity[i], formula)
            elif p["subject"] == "anggaran":
                pagu = sum(float(r["pagu_rp"]) for r in leaves)
                spent = sum(float(r["realisasi_rp"]) for r in leaves)
                expected = {"pagu_rp": pagu, "realisasi_rp": spent, "serapan_pct": spent / pagu * 100 if pagu else 0}[
                    p["metric"]
                ]
            else:
                expected = float(sum(r["level"] == "strategis" for r in _rows(folder, "sasaran")))
            agrees = abs(float(p["value"]) - expected) <= 0.005 + 1e-9 * abs(expected)
            planted = "salah ketik" in p["note"]
            slips += planted
            assert agrees != planted, (ds_id, p, expected)
            checked += 1
        assert slips <= 1
    assert checked > 20


@pytest.mark.slow
def test_audit_finds_exactly_the_planted_slips(batch, monkeypatch):
    """The audit (its own recomputation) flags the slip the synthesiser planted, and nothing else it prints."""
    from lkip_helpers.analysis.audit import audit

    root, ids = batch
    monkeypatch.setenv("LKIP_DATA_DIR", str(root))
    audited, wrong = 0, []
    for ds_id in ids:
        printed = _rows(root / ds_id, "nilai_tercetak")
        if not printed:
            continue
        findings, _ = audit(load_dataset(ds_id))
        found = {
            (f.subject, f.indikator_id if isinstance(f.indikator_id, str) else "", f.metric)
            for f in findings.itertuples()
            if f.jenis == "angka"
        }
        planted = {(p["subject"], p["indikator_id"], p["metric"]) for p in printed if "salah ketik" in p["note"]}
        if found != planted:
            wrong.append((ds_id, _meta(root / ds_id)["capaian"]["lower_formula"], sorted(found ^ planted)))
        audited += 1
    assert audited >= 2 and not wrong, wrong


def test_a_dataset_that_fails_validation_is_not_put_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path))
    real = synth.generate

    def broken(*args, **kwargs):
        tables, meta = real(*args, **kwargs)
        tables["target"].loc[0, "indikator_id"] = "tidak-ada"  # a target of an unknown indicator
        return tables, meta

    monkeypatch.setattr(synth, "generate", broken)
    with pytest.raises(DataError, match="target.csv"):
        synth.write_synthetic(1, seed=1)
    assert list(tmp_path.iterdir()) == []  # neither the dataset nor its staging folder


@pytest.mark.slow
def test_cli_synth(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path))
    assert main(["synth", "2", "--seed", "4", "--year", "2024"]) == 0
    assert "2 dataset sintetis" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synth-001-2024", "synth-002-2024"]
    assert load_dataset("synth-002-2024").year == 2024
    assert paths.list_datasets() == ["synth-001-2024", "synth-002-2024"]
