"""Batch builds: synthetic datasets, incremental skipping, identical outputs from every scheduler."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import FIXTURE, FIXTURES

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.synth import write_synthetic
from lkip_helpers.pipeline.build import STATE_FILE, build_many


@pytest.fixture()
def workspace(tmp_path, monkeypatch):
    """Empty data and outputs folders; returns (data, outputs)."""
    data, outputs = tmp_path / "data", tmp_path / "outputs"
    data.mkdir()
    shutil.copytree(paths.dataset_dir(paths.DEFAULT_DATASET), data / paths.DEFAULT_DATASET)
    monkeypatch.setenv("LKIP_DATA_DIR", str(data))
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(outputs))
    return data, outputs


def _hashes(folder) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != STATE_FILE
    }


@pytest.mark.slow
def test_synth_writes_valid_marked_datasets(workspace):
    data, _ = workspace
    ids = write_synthetic(3, seed=7)
    assert ids == ["synth-001-2023", "synth-002-2023", "synth-003-2023"]
    names = set()
    for ds_id in ids:
        ds = load_dataset(ds_id)
        assert ds.synthetic and "sintetis" in ds.meta["dataset"]["agency"]
        names.add(ds.meta["dataset"]["agency"])
        assert ds.realisasi["realisasi"].notna().all()
    assert len(names) == 3  # not three copies of one agency
    first = _hashes(data / "synth-001-2023")
    # `lkip synth` again with the same seed: the same bytes, file for file; another seed: another dataset
    assert main(["synth", "1", "--seed", "7"]) == 0
    assert _hashes(data / "synth-001-2023") == first
    assert main(["synth", "1", "--seed", "8"]) == 0
    other = _hashes(data / "synth-001-2023")
    assert other != first and other.get("realisasi.csv") != first["realisasi.csv"]


@pytest.mark.slow
def test_incremental_rebuilds_only_what_changed(workspace, capsys, fixture_build):
    """On the small fixture agency: 11 runs (8 notebooks, 06_indikator for 4 indicators below target)."""
    data, outputs = workspace
    final = outputs / FIXTURE
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    shutil.copytree(fixture_build, final)  # the session's build of the same data: nothing to run
    first = _hashes(final)
    mtimes = {p: p.stat().st_mtime_ns for p in final.rglob("*") if p.is_file()}
    capsys.readouterr()  # what the session's build printed, when this test process made it

    assert build_many([FIXTURE]) == 0  # nothing changed
    assert "tidak berubah" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in final.rglob("*") if p.is_file()} == mtimes

    # a changed notebook re-runs alone
    nb = paths.NOTEBOOKS_DIR / "02_bab2_perencanaan.ipynb"
    books = workspace[0].parent / "notebooks"
    shutil.copytree(paths.NOTEBOOKS_DIR, books)
    edited = json.loads(nb.read_text(encoding="utf-8"))
    edited["cells"][0]["source"] = ["# Bab II — Perencanaan Kinerja (diubah)\n"]
    (books / nb.name).write_text(json.dumps(edited), encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setattr(paths, "NOTEBOOKS_DIR", books)
    try:
        assert build_many([FIXTURE]) == 0
    finally:
        mp.undo()
    out = capsys.readouterr().out
    assert "1 notebook dijalankan, 10 tidak berubah" in out and "02_bab2_perencanaan selesai" in out
    second = _hashes(final)
    changed = {k for k in first if first[k] != second.get(k)}
    # the LKIP document holds every notebook's content, so it is rewritten too
    assert changed and all(
        "02_bab2" in k or k in ("manifest.json", "html/index.html") or k.startswith("dokumen/") for k in changed
    ), changed

    # changed data re-run everything; --force too
    indikator = data / FIXTURE / "indikator.csv"
    text = indikator.read_text(encoding="utf-8")
    assert text.count(",Prevalensi stunting,") == 1
    indikator.write_text(text.replace(",Prevalensi stunting,", ",Prevalensi stunting (balita),"), encoding="utf-8")
    assert build_many([FIXTURE]) == 0
    assert capsys.readouterr().out.count("selesai (") == 11
    assert build_many([FIXTURE], force=True) == 0
    assert capsys.readouterr().out.count("selesai (") == 11


@pytest.mark.slow
def test_build_all_and_outputs_index(workspace, tmp_path):
    """``lkip build --all`` in a process of its own, as a user starts it. The workers write the Word and PDF
    documents: the build process stays small and quick (a province batch would otherwise write 900 documents
    one after the other in it). Nor do the build's kernels write their cells into the user's IPython history."""
    data, outputs = workspace
    shutil.rmtree(data / paths.DEFAULT_DATASET)  # the small fixture agency and one synthetic dataset
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    write_synthetic(1, seed=3)
    code = (
        "import sys\n"
        "from lkip_helpers.cli import main\n"
        "if __name__ == '__main__':\n"
        "    code = main(['build', '--all', '--threshold', '0', '--jobs', '2'])\n"
        "    print('EXIT', code, sorted(m for m in ('docx', 'reportlab') if m in sys.modules))\n"
    )
    ipython = tmp_path / "ipython"
    env = {**os.environ, "IPYTHONDIR": str(ipython)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env).stdout
    assert "dokumen LKIP ditulis" in out and out.strip().endswith("EXIT 0 []"), out[-500:]
    assert ipython.is_dir() and not list(ipython.rglob("history.sqlite"))  # the kernels ran there, kept no history
    index = (outputs / "index.html").read_text(encoding="utf-8")
    for ds_id in (FIXTURE, "synth-001-2023"):
        assert f'href="{ds_id}/html/index.html"' in index
    # the fixture's row, worked by hand from its CSVs (lower is better: target/realisasi). IKU rows: 80; 102,42;
    # 84,11; 129,03; 94; 72,73, two of them at target. Their plain mean 93,72; the agency's capaian (capped at
    # 120 %, the mean of its three sasaran): ((80 + 102,42)/2 + (84,11 + 120)/2 + (94 + 72,73)/2) / 3 = 92,21
    assert all(n in index for n in ("93,72", "2/6", "92,21"))
    assert index.count("· sintetis") == 2  # both datasets are marked synthetic in their metadata
    page = (outputs / "synth-001-2023" / "html" / "03_bab3_capaian.html").read_text(encoding="utf-8")
    assert "DATA SINTETIS" in page
    report = json.loads((outputs / "build-report.json").read_text(encoding="utf-8"))
    assert report["runs"] == 14 and len(report["workers"]) == 2  # 7 notebooks (none per indicator at 0) × 2
    # memory and CPU figures are recorded for each worker; their size depends on the machine (make bench measures it)
    for w in report["workers"].values():
        assert {"peak_kernel_mb", "peak_runs_mb", "peak_runs_pss_mb"} <= set(w)
    # the Word draft and the PDF of each dataset, written by the workers (not by the build process)
    assert sum(w["documents"] for w in report["workers"].values()) == 2  # one task per dataset: both documents
    for ds_id in (FIXTURE, "synth-001-2023"):
        assert {p.name for p in (outputs / ds_id / "dokumen").iterdir()} == {
            f"lkip-{ds_id}.docx",
            f"lkip-{ds_id}.pdf",
            f"catatan-verifikasi-{ds_id}.docx",
            f"catatan-verifikasi-{ds_id}.pdf",
        }
    assert "build_process_cpu_s" in report and "seconds" in report


@pytest.mark.slow
def test_serial_parallel_and_dask_outputs_are_identical(workspace, monkeypatch, fixture_build):
    """On the small fixture agency: its session build (one local worker) against two local workers and Dask."""
    data, outputs = workspace
    shutil.copytree(FIXTURES / FIXTURE, data / FIXTURE)
    results = {"serial": _hashes(fixture_build)}
    for name, jobs, scheduler in (("parallel", 2, "local"), ("dask", 2, "dask")):
        monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(outputs / name))
        assert build_many([FIXTURE], jobs=jobs, scheduler=scheduler, force=True) == 0
        results[name] = _hashes(outputs / name / FIXTURE)
    assert len(results["serial"]) > 60
    assert any(k.startswith("notebooks/06_indikator--") for k in results["serial"])  # drill-downs included
    for name in ("parallel", "dask"):
        diff = {k for k in results["serial"] if results["serial"][k] != results[name].get(k)}
        assert results[name].keys() == results["serial"].keys() and not diff, (name, sorted(diff)[:5])


def test_unknown_scheduler_is_refused(workspace, capsys):
    assert main(["build", "--scheduler", "yarn"]) == 2
    assert "--scheduler 'yarn': penjadwal tidak dikenal" in capsys.readouterr().err


@pytest.mark.slow
def test_a_template_that_is_not_a_word_file_is_refused_before_anything_runs(workspace, capsys):
    data, outputs = workspace
    write_synthetic(1, seed=5)
    template = data / paths.DEFAULT_DATASET / paths.TEMPLATE_DOCX
    template.write_bytes(b"bukan berkas Word")  # e.g. a letterhead saved as .doc and renamed
    assert main(["validate", paths.DEFAULT_DATASET]) == 2  # what validate accepts, build completes
    assert "template.docx: bukan dokumen Word (.docx)" in capsys.readouterr().err
    assert main(["build", "--all", "--threshold", "0", "--jobs", "2"]) == 2
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "template.docx: bukan dokumen Word (.docx)" in lines[0], lines
    assert "Traceback" not in out + err and f"[{paths.DEFAULT_DATASET}] 1/" not in out  # nothing of it ran
    assert not (outputs / paths.DEFAULT_DATASET).exists()
    assert (outputs / "synth-001-2023" / "dokumen" / "lkip-synth-001-2023.pdf").is_file()  # the other goes on
    assert not [p for p in outputs.iterdir() if p.name.startswith(".tmp-")]
