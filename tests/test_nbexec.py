"""The in-process notebook harness reports what a kernel run would: injected parameters, the failing cell."""

from __future__ import annotations

import nbexec
import nbformat


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('dataset = "contoh"\nnilai = 1')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Uji"), params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def test_parameters_are_injected_and_every_cell_runs(tmp_path):
    out = tmp_path / "hasil.txt"
    nb = _notebook(
        tmp_path / "uji.ipynb",
        "import pandas as pd\ndf = pd.DataFrame({'a': [nilai]})\ndf",
        f"open({str(out)!r}, 'w').write(dataset + str(nilai))",
    )
    assert nbexec.run_notebook(nb, {"dataset": "lain", "nilai": 7}) is None
    assert out.read_text() == "lain7"


def test_the_first_failing_cell_is_named(tmp_path):
    nb = _notebook(tmp_path / "gagal.ipynb", "x = 1", "y = [][nilai]", "raise SystemExit('tidak sampai sini')")
    failure = nbexec.run_notebook(nb, {"nilai": 3})
    # code cells: parameters (1), injected parameters (2), then ours: the list index is cell 4
    assert (failure.run, failure.cell, failure.source) == ("gagal", 4, "y = [][nilai]")
    assert failure.error.startswith("IndexError")


def test_each_notebook_starts_with_a_fresh_namespace(tmp_path):
    first = _notebook(tmp_path / "a.ipynb", "sisa = 1")
    second = _notebook(tmp_path / "b.ipynb", "sisa")
    assert nbexec.run_notebook(first, {}) is None
    assert nbexec.run_notebook(second, {}).error.startswith("NameError")
