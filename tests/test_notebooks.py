"""Notebooks: committed clean, thin, parameterised; runnable under plain papermill from anywhere."""

import json
import subprocess
import sys

import nbformat
import pytest

from lkip_helpers import paths
from lkip_helpers.pipeline.build import notebooks

NOTEBOOKS = notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_thin_and_parameterised(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    assert 'dataset = "pmd-ntt-2023"' in params[0].source and "output_dir = None" in params[0].source
    assert f'setup(dataset, output_dir, "{path.stem}"' in code[1].source  # records artifacts under its own name
    for cell in code:
        assert "def " not in cell.source and "class " not in cell.source, "logic belongs in lkip_helpers"
        assert len(cell.source.splitlines()) <= 4, "keep notebook cells short"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.slow
def test_plain_papermill_from_another_directory(tmp_path):
    out = tmp_path / "hasil"
    nb = paths.NOTEBOOKS_DIR / "02_bab2_perencanaan.ipynb"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(nb),
            str(tmp_path / "run.ipynb"),
            "-p",
            "dataset",
            "pmd-ntt-2023",
            "-p",
            "output_dir",
            str(out),
            "-k",
            "python3",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "tables" / "tabel-2.4.csv").is_file()
    assert (out / "tables" / "perubahan-pk.xlsx").is_file()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_text_true_for_any_agency(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if "parameters" not in c.metadata.get("tags", [])).lower()
    for phrase in (
        "empat bidang",
        "ntt",
        "sasaran program 1",
        "sasaran program 2",
        "tabel 3.",
        "tabel 2.",
        "gambar 1.",
    ):
        assert phrase not in text, phrase  # numbers and titles come from the dataset's laporan.yml


def test_drilldown_default_is_no_dataset_id():
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "06_indikator.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "indikator = None" in params.source
