"""The package's import graph: no cycles, arrows only downwards, own imports at the top (but on the start-up path).

Layers, lowest first: base (errors, paths, numbers, capaian, palette) → data → analysis →
report → notebook → pipeline → cli (tools/import_graph.py, LAYERS).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "import_graph.py"
spec = importlib.util.spec_from_file_location("import_graph", TOOL)
ig = importlib.util.module_from_spec(spec)
sys.modules["import_graph"] = ig  # dataclasses look their module up while the class is made
spec.loader.exec_module(ig)


@pytest.fixture(scope="module")
def found():
    nodes, edges = ig.graph()
    return nodes, edges, ig.problems(nodes, edges)


def test_no_cycles(found):
    _, _, problems = found
    assert problems["cycles"] == []


def test_imports_point_down_the_layers(found):
    _, _, problems = found
    assert problems["layer violations"] == []
    assert problems["unplaced modules"] == []
    assert problems["old names"] == []


def test_no_function_local_imports_of_own_modules(found):
    _, _, problems = found
    assert problems["function-local imports"] == []


@pytest.mark.parametrize("module", ["lkip_helpers.cli", "lkip_helpers.pipeline.build"])
def test_the_start_up_path_does_not_load_pandas(module):
    """Why cli and pipeline may import inside functions (ig.FAST_PATH): they start without pandas."""
    code = f"import sys, {module}; print(sorted(m for m in ('pandas', 'matplotlib', 'pandera') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_graph_sees_the_package(found):
    """The checker reads real imports: the modules every layer is built on are there, with their arrows."""
    nodes, edges, _ = found
    assert {"lkip_helpers.data.loading", "lkip_helpers.report.pages", "lkip_helpers.cli"} <= set(nodes)
    pairs = {(e.source, e.target) for e in edges}
    assert ("lkip_helpers.report.pages", "lkip_helpers.report.tables") in pairs
    assert ("lkip_helpers.data.loading", "lkip_helpers.data.schema") in pairs


# --- the checker itself, on a small package written here ------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / ig.PACKAGE
    for name, text in {"__init__.py": "MOVED = {'old': 'data.new'}\n", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _problems(root: Path) -> dict[str, list[str]]:
    mods = ig.modules(root)
    known, old = set(mods), ig.moved(root)
    edges = [e for m, p in mods.items() for e in ig.imports(m, p, known, old)]
    return ig.problems(list(mods), edges)


def test_checker_finds_a_cycle_an_upward_import_a_local_import_and_an_old_name(tmp_path):
    root = _package(
        tmp_path,
        {
            "errors.py": "",
            "data/__init__.py": "",
            "data/a.py": "from lkip_helpers.data import b\n",
            "data/b.py": "from lkip_helpers.data.a import x\nfrom lkip_helpers.report import r\n",
            "data/new.py": "",
            "report/__init__.py": "",
            "report/r.py": "def f():\n    from lkip_helpers import errors\n    return errors\n",
            "cli.py": "import lkip_helpers.old\n",
            "stray.py": "",
        },
    )
    p = _problems(root)
    assert p["cycles"] == ["data.a ↔ data.b"]
    assert p["layer violations"] == ["data.b:2 (data) imports report.r (report), a higher layer"]
    assert p["function-local imports"] == ["report.r:2 imports errors inside a function"]
    assert p["old names"] == ["cli:1 imports data.new by its old name"]
    assert p["unplaced modules"] == ["stray: in no layer (add it to LAYERS in tools/import_graph.py)"]


def test_checker_passes_a_clean_package_and_ignores_annotation_only_imports(tmp_path):
    root = _package(
        tmp_path,
        {
            "errors.py": "",
            "data/__init__.py": "",
            "data/a.py": "from lkip_helpers import errors\n",
            "data/b.py": (
                "from typing import TYPE_CHECKING\nfrom lkip_helpers.data import a\n"
                "if TYPE_CHECKING:\n    from lkip_helpers.report.r import R\n"
            ),
            "report/__init__.py": "",
            "report/r.py": "import os\nfrom lkip_helpers.data.b import a\n\ndef f():\n    import json\n",
        },
    )
    assert not any(_problems(root).values())


def test_old_module_names_are_the_modules_at_their_new_place():
    """Users' scripts and old notebooks import the flat names (lkip_helpers.MOVED): the same module objects."""
    import importlib
    import warnings

    import lkip_helpers

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the warning itself: tests/test_naming.py
        for old, new in lkip_helpers.MOVED.items():
            assert importlib.import_module(f"lkip_helpers.{old}") is importlib.import_module(f"lkip_helpers.{new}"), old
        assert importlib.import_module("lkip_helpers.dokumen.model") is importlib.import_module(
            "lkip_helpers.report.dokumen.model"
        )
