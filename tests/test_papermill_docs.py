"""README's "Papermill dan skrip" runs as written (issue #24, item 2 and 3).

Its ``bash`` and ``python`` code blocks run in order, in a fresh folder where ``notebooks/`` is the
project's (so ``hasil/`` lands there), with the outputs folder in a temporary place. Then what the
section promises is checked: the parameters listed, the loop's and the API's tables, one indicator's
HTML page, the exploration written to the scratch folder, and nothing published.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lkip_helpers import paths

README = paths.PROJECT_ROOT / "README.md"
TITLE = "Papermill dan skrip"


def section(text: str, title: str) -> str | None:
    """The Markdown section under heading ``title`` (its subsections included), or None when absent.

    >>> section("# A\\n## Papermill dan skrip\\nx\\n### Lagi\\ny\\n## B\\nz", "Papermill dan skrip")
    'x\\n### Lagi\\ny'
    """
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(#+)\s+(.*?)\s*$", line)
        if m and m.group(2) == title:
            level, body = len(m.group(1)), []
            for after in lines[i + 1 :]:
                h = re.match(r"^(#+)\s", after)
                if h and len(h.group(1)) <= level:
                    break
                body.append(after)
            return "\n".join(body).strip("\n")
    return None


def code_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, code)`` of each fenced block marked ``bash`` or ``python``, in order (output samples skipped).

    >>> code_blocks("```bash\\nls\\n```\\n```\\nkeluaran\\n```\\n```python\\nx = 1\\n```")
    [('bash', 'ls\\n'), ('python', 'x = 1\\n')]
    """
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(bash|python)\n(.*?)^```", text, re.M | re.S)]


def run_blocks(blocks: list[tuple[str, str]], work: Path, outputs: Path) -> list[str]:
    """Run each block in ``work``; return each one's standard output (fails on the first that fails)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),  # papermill, jupyter: this environment's
        "LKIP_OUTPUTS_DIR": str(outputs),
        "MPLBACKEND": "Agg",
    }
    said = []
    for language, code in blocks:
        argv = ["bash", "-euo", "pipefail", "-c", code] if language == "bash" else [sys.executable, "-c", code]
        proc = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=1200)
        assert proc.returncode == 0, f"{language} block failed:\n{code}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        said.append(proc.stdout)
    return said


def check_section(text: str, tmp_path: Path) -> None:
    blocks = code_blocks(text)
    assert blocks, "the section has no bash or python block"
    code = "\n".join(c for _, c in blocks)
    for promised in ("papermill --help-notebook", "for nb in", "pm.execute_notebook", "-p indikator", "render("):
        assert promised in code, promised  # the plain loop, the Python API, one indicator's page, an exploration
    work, outputs = tmp_path / "kerja", tmp_path / "outputs"
    work.mkdir()
    (work / "notebooks").symlink_to(paths.NOTEBOOKS_DIR, target_is_directory=True)
    said = run_blocks(blocks, work, outputs)

    listing = said[next(i for i, (_, c) in enumerate(blocks) if "--help-notebook" in c)]
    for name in ("dataset: str", "output_dir: Optional[str]", "indikator: Optional[str]"):
        assert name in listing, listing
    assert "Unknown type" not in listing
    hasil = work / "hasil"
    assert (hasil / "03_bab3_capaian.ipynb").is_file()
    assert (hasil / "pmd-ntt-2023" / "tables" / "tabel-3.1.csv").is_file()  # output_dir as given
    page = hasil / "indikator-kerjasama-desa.html"
    assert page.is_file() and "Kerja sama desa" in page.read_text(encoding="utf-8")
    scratch = outputs / "_jelajah" / "pmd-ntt-2023"
    assert (scratch / "tables" / "indikator-kerjasama-desa-kegiatan.csv").is_file()  # no output_dir: scratch
    assert not (outputs / "pmd-ntt-2023").exists()  # nothing published


@pytest.mark.slow
def test_readme_section_runs(tmp_path):
    text = section(README.read_text(encoding="utf-8"), TITLE)
    assert text is not None, f"README.md has no section titled {TITLE!r}"
    check_section(text, tmp_path)
