"""Notebooks: committed clean, thin, parameterised; runnable under plain papermill from anywhere."""

import ast
import json
import re
import subprocess
import sys

import nbformat
import papermill
import pytest
from test_bahasa import english_words

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
    defaults = {name: p["default"] for name, p in papermill.inspect_notebook(str(path)).items()}
    assert defaults["dataset"] == '"pmd-ntt-2023"' and defaults["output_dir"] == "None"
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
    parameters = papermill.inspect_notebook(str(paths.NOTEBOOKS_DIR / "06_indikator.ipynb"))
    assert parameters["indikator"]["default"] == "None"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_import_the_report_module_directly(path):
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert "from lkip_helpers.report import laporan" in code
    assert "from lkip_helpers import laporan" not in code  # the old name still imports, for users' own notebooks


# --- parameters as papermill sees them --------------------------------------------------------


def assigned_parameters(path) -> list[str]:
    """The names the parameters cell assigns (read with ast, independently of papermill)."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    names = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign):
            names.append(node.target.id)
        elif isinstance(node, ast.Assign):
            names.extend(t.id for t in node.targets)
    return names


def check_described(name: str, type_name: str, description: str) -> None:
    assert type_name and type_name not in ("None", "Unknown type"), (name, type_name)
    assert len(description.split()) >= 3, (name, description)  # a sentence, not a word
    assert not english_words(description), (name, description, english_words(description))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_parameter_typed_and_described(path):
    """papermill's own inference (the code behind --help-notebook), in this process: fast, for make check."""
    inferred = papermill.inspect_notebook(str(path))
    names = assigned_parameters(path)
    assert {"dataset", "output_dir"} <= set(names)
    assert list(inferred) == names  # every assignment is seen: a comment holding '=' hides its line
    for name, p in inferred.items():
        check_described(name, p["inferred_type_name"], p["help"])


def test_the_checks_catch_a_parameter_papermill_cannot_read(tmp_path):
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "06_indikator.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("; None: indikator", "; None = indikator")  # the old comment held '='
    broken = tmp_path / "06_indikator.ipynb"
    nbformat.write(nb, broken)
    assert "indikator" in assigned_parameters(broken) and "indikator" not in papermill.inspect_notebook(str(broken))
    with pytest.raises(AssertionError):
        check_described("output_dir", "Unknown type", "folder hasil")
    with pytest.raises(AssertionError):
        check_described("dataset", "str", "the dataset to build")


def _help_listing(text: str) -> dict[str, tuple[str, str]]:
    """``papermill --help-notebook`` output -> name: (type, description)."""
    listed, last = {}, None
    for line in text.splitlines():
        m = re.match(r"^  (\w+): (.+?) \(default .*\)\s*(.*)$", line)
        if m:
            last = m.group(1)
            listed[last] = (m.group(2), m.group(3).strip())
        elif last and line.startswith(" " * 34) and not listed[last][1]:
            listed[last] = (listed[last][0], line.strip())
    return listed


def test_papermill_help_lists_every_parameter():
    """Papermill's own command (its click entry point, in this process), once per notebook; the
    executable itself runs in README's section (tests/test_papermill_docs.py)."""
    from click.testing import CliRunner
    from papermill.cli import papermill as command

    for path in NOTEBOOKS:
        result = CliRunner().invoke(command, ["--help-notebook", str(path)])
        assert result.exit_code == 0, result.output[-2000:]
        out = result.output
        listed = _help_listing(out)
        assert list(listed) == assigned_parameters(path), (path.name, out)
        for name, (type_name, description) in listed.items():
            check_described(name, type_name, description)
