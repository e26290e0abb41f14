"""`make lab`: the notebooks' kernel is this environment, and notebooks run as opened (default parameters)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

from lkip_helpers import paths

pytestmark = pytest.mark.slow  # real builds or Excel round trips: make check skips them


def test_python3_kernel_is_the_projects():
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir
    # a bare "python" is replaced by the Jupyter server's own interpreter, i.e. this environment's
    exe = spec.argv[0]
    assert exe in ("python", "python3") or Path(exe).resolve() == Path(sys.executable).resolve(), exe


def _run_as_opened(name: str) -> nbformat.NotebookNode:
    """Execute a notebook exactly as JupyterLab would: its own parameters, from the notebooks folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(paths.NOTEBOOKS_DIR / name, as_version=4)
    NotebookClient(
        nb,
        kernel_name=nb.metadata["kernelspec"]["name"],
        timeout=600,
        resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}},
    ).execute()
    return nb


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(v) for v in out.get("data", {}).values())
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["06_indikator.ipynb", "02_bab2_perencanaan.ipynb"])
def test_notebook_runs_with_its_default_parameters(name, tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))  # the kernel inherits it: outputs stay out of the project
    nb = _run_as_opened(name)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    # a run outside lkip build writes to the scratch folder, never to the published one
    scratch = tmp_path / "_jelajah" / paths.DEFAULT_DATASET
    assert (scratch / "tables").is_dir() and not (tmp_path / paths.DEFAULT_DATASET).exists()
    if name.startswith("06"):
        text = _text(nb)
        # the analyst sees which indicators to pick, and the default one is analysed
        assert "parameter `indikator`" in text and "`kerjasama-desa`" in text
        # default: the indicator furthest below target — in the report, kerja sama desa at 37,74 % (Tabel 3.1)
        made = sorted(p.name for p in (scratch / "tables").glob("indikator-*-fakta.csv"))
        assert made == ["indikator-kerjasama-desa-fakta.csv"], made
