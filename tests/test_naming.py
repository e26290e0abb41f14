"""One name per report part and one word per concept (issue #25, items 1 and 3).

The naming rule is written once, in ``lkip_helpers/report/bagian.py``; these tests hold the code to it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lkip_helpers import paths
from lkip_helpers.report import charts, lke, tables
from lkip_helpers.report.bagian import BAGIAN
from lkip_helpers.report.laporan_file import NUMBERED

PACKAGE = paths.PROJECT_ROOT / "lkip_helpers"

# Parts made by a function that is not ``tables.<key>``/``charts.<key>``, and why.
OWN_PLACE = {
    "lke": lke.table,  # the LKE readiness keeps its criteria, scoring and table in report/lke.py
    "komposisi_pendidikan": charts.not_available,  # a figure the agency states has no numbers: the notice
}

# English word -> the Indonesian domain word the code uses for it (ARCHITECTURE.md, "Names and language").
PAIRS = {
    "efficiency": "efisiensi",
    "trend": "tren",
    "sensitivity": "sensitivitas",
    "headline": "ringkasan",
    "staff": "pegawai",
    "villages": "wilayah",
    "ikhtisar": "ringkasan",  # one word for the summary: the seed says "Ringkasan Eksekutif"
}


def test_every_part_is_made_by_the_function_of_its_name():
    for key, part in BAGIAN.items():
        if key in OWN_PLACE:
            assert callable(OWN_PLACE[key])
            continue
        module = tables if part.kind == "tabel" else charts
        assert callable(getattr(module, key, None)), f"bagian '{key}': no function {module.__name__}.{key}"


def test_parts_are_declared_once_with_a_known_kind_and_an_id_pattern():
    keys = [p.key for p in BAGIAN.values()]
    assert len(keys) == len(set(keys))
    for part in BAGIAN.values():
        assert part.kind in ("tabel", "gambar")
        assert (part.chapter is None) == bool(part.fixed), part.key  # numbered per chapter, or a fixed id
        if part.fixed:
            assert not NUMBERED.match(part.fixed), part.key  # a fixed id is no chapter number
            assert re.fullmatch(r"[a-z0-9{}_\-]+", part.fixed), part.key
        assert part.per_item in (None, "program", "kegiatan")


def test_report_structure_lives_in_report_not_in_data():
    data = PACKAGE / "data"
    assert not (data / "laporan_file.py").exists()
    for path in data.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "lkip_helpers.report" not in text, path.name
        assert "TYPE_CHECKING" not in text or path.name != "completeness.py"  # no circle, not even for types


def _identifiers(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.alias):
            yield from (node.name.split(".")[-1], node.asname or "")


def test_one_word_per_concept_in_identifiers():
    english = re.compile(r"(?i)(?:^|_)(" + "|".join(PAIRS) + r")(?:_|$|s\b)")
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        names = {path.stem, *_identifiers(ast.parse(path.read_text(encoding="utf-8")))}
        for name in names:
            m = english.search(name)
            if m:
                found.setdefault(m.group(1).lower(), set()).add(f"{path.relative_to(PACKAGE)}:{name}")
    assert not found, {w: sorted(v)[:8] for w, v in found.items()}


def test_the_english_word_check_can_fail():
    english = re.compile(r"(?i)(?:^|_)(" + "|".join(PAIRS) + r")(?:_|$|s\b)")
    tree = ast.parse("def efficiency_per_iku(ds):\n    trend = 1\n    return trend\n")
    assert {english.search(n).group(1) for n in _identifiers(tree) if english.search(n)} == {"efficiency", "trend"}


@pytest.mark.parametrize("old", ["laporan", "loading"])
def test_an_old_module_name_warns_with_the_new_place(old):
    result = subprocess.run(
        [sys.executable, "-c", f"import lkip_helpers.{old}"], capture_output=True, text=True, cwd=Path.cwd()
    )
    assert result.returncode == 0, result.stderr
    assert "FutureWarning" in result.stderr and f"lkip_helpers.{old} sudah dipindah ke" in result.stderr
    strict = subprocess.run([sys.executable, "-W", "error::FutureWarning", "-c", f"import lkip_helpers.{old}"])
    assert strict.returncode != 0


def test_the_project_itself_never_imports_an_old_name():
    import lkip_helpers

    old = "|".join(re.escape(name) for name in lkip_helpers.MOVED)
    pattern = re.compile(
        rf"(?:from lkip_helpers import ({old})\b|import lkip_helpers\.({old})\b|lkip_helpers\.({old})\.)"
    )
    roots = [PACKAGE, paths.PROJECT_ROOT / "tests", paths.PROJECT_ROOT / "notebooks", paths.PROJECT_ROOT / "tools"]
    files = [p for r in roots for p in r.rglob("*") if p.suffix in (".py", ".ipynb")]
    files += [paths.PROJECT_ROOT / "README.md", paths.PROJECT_ROOT / "ARCHITECTURE.md"]
    hits = []
    for path in files:
        if path.name in ("__init__.py", "test_naming.py", "test_import_graph.py", "test_render_returns.py"):
            continue  # the shim itself, and the tests of the old names
        if path.name == "test_notebooks.py":
            continue  # asserts the notebooks do not use the old name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "MOVED" not in line:
                hits.append(f"{path.name}:{n}: {line.strip()}")
    assert not hits, hits
