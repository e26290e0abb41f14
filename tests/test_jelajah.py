"""Exploring never touches what a build published (issue #24, item 1).

A notebook run outside ``lkip build`` writes to ``outputs/_jelajah/<dataset>/``; ``lkip build``
removes from a published folder what it did not write, and says so; ``make lab`` saves notebooks
without outputs and with their default parameters.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.pipeline.plan import STATE_FILE, DatasetBuild
from lkip_helpers.pipeline.publish import remove_strays

CONFIG = paths.PROJECT_ROOT / "tools" / "jupyter_server_config.py"
OTHER = "pkk-aktif"  # at target (100 %): the build gives it no page, an analyst explores it


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) -> its sha256."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --- where a run outside the build writes ---------------------------------------------------------


def test_scratch_folder_is_under_outputs_and_ignored_by_git(tmp_path, monkeypatch):
    from lkip_helpers.notebook import scratch_dir

    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    assert scratch_dir("pmd-ntt-2023") == tmp_path.resolve() / "_jelajah" / "pmd-ntt-2023"
    with pytest.raises(Exception, match="id dataset tidak sah"):
        scratch_dir("../pmd-ntt-2023")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "outputs/_jelajah/pmd-ntt-2023/tables/tabel-3.1.csv"],
        cwd=paths.PROJECT_ROOT,
        check=False,
    )
    assert ignored.returncode == 0  # git-ignored: exploring leaves `git status` clean


def test_setup_without_output_dir_writes_to_the_scratch_folder(tmp_path, monkeypatch, capsys):
    from lkip_helpers.notebook import setup
    from lkip_helpers.report import laporan

    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    ds, out = setup(paths.DEFAULT_DATASET, None, "03_bab3_capaian")
    laporan.render(ds, out, "bab3.capaian")
    assert not (tmp_path / paths.DEFAULT_DATASET).exists()  # the published folder is not even created
    scratch = tmp_path / "_jelajah" / paths.DEFAULT_DATASET
    assert (scratch / "tables" / "tabel-3.1.csv").is_file()
    assert (scratch / ".artifacts" / "03_bab3_capaian.json").is_file()
    capsys.readouterr()

    explicit = tmp_path / "pilihan"
    ds, out = setup(paths.DEFAULT_DATASET, str(explicit), "03_bab3_capaian")
    laporan.render(ds, out, "bab3.penyebab")
    assert (explicit / "tables" / "penyebab-dan-rencana.csv").is_file()  # an explicit output_dir is used as given
    assert not (tmp_path / paths.DEFAULT_DATASET).exists()


def test_setup_says_where_an_exploration_writes(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from traitlets.config import Config

    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shown = {}
    for name, output_dir in (("jelajah", None), ("build", str(tmp_path / "x"))):
        with capture_output(display=True) as captured:
            shell.run_cell(
                f"from lkip_helpers.notebook import setup\nds, out = setup({paths.DEFAULT_DATASET!r}, {output_dir!r}, 'a')",
                store_history=False,
            )
        shown[name] = "\n".join(o.data.get("text/markdown", "") for o in captured.outputs)
    scratch = (tmp_path / "_jelajah" / paths.DEFAULT_DATASET).resolve().as_posix()
    assert f"`{scratch}/`" in shown["jelajah"] and "lkip build" in shown["jelajah"]
    assert shown["build"] == ""  # a build's pages carry no such line


# --- what the build did not write ----------------------------------------------------------------


def test_remove_strays_removes_only_what_the_last_build_did_not_write(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    b = DatasetBuild("contoh-2023", 100.0, False)
    written = ["html/index.html", "tables/tabel-1.csv", "figures/gambar-1.png", STATE_FILE]
    extra = ["tables/indikator-x-fakta.csv", ".artifacts/06_indikator--x.json", "catatan/saya.txt"]
    for name in written + extra:
        (b.final / name).parent.mkdir(parents=True, exist_ok=True)
        (b.final / name).write_text("x", encoding="utf-8")
    (b.final / "kosong").mkdir()  # an empty folder no stray was in stays
    b.old = {"files": written}
    assert remove_strays(b) == sorted(extra)
    assert sorted(p.relative_to(b.final).as_posix() for p in b.final.rglob("*") if p.is_file()) == sorted(written)
    assert not (b.final / ".artifacts").exists() and not (b.final / "catatan").exists()
    assert (b.final / "tables").is_dir() and (b.final / "kosong").is_dir()
    assert remove_strays(b) == []


@pytest.fixture(scope="module")
def published(built, tmp_path_factory):
    """A copy of the session's real build of the default dataset in an outputs root of its own; returns the root."""
    root = tmp_path_factory.mktemp("outputs")
    shutil.copytree(built, root / paths.DEFAULT_DATASET)
    return root


def _run_as_opened(path: Path) -> nbformat.NotebookNode:
    """Execute a notebook exactly as JupyterLab would: its own kernel and default parameters, from its folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb,
        kernel_name=nb.metadata["kernelspec"]["name"],
        timeout=600,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return nb


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts.extend(str(v) for v in out.get("data", {}).values())
    return "\n".join(parts)


# Run as opened here: the first notebook and the one with a parameter of its own. Every notebook runs in a
# fresh kernel of its own in tests/test_papermill_docs.py (README's loop, the folder given as output_dir);
# opened, a notebook differs from that only by output_dir None, which goes to setup(), the same for all
# (checked below on every notebook: that default, and the kernel the notebook asks for).
AS_OPENED = ("00_ringkasan_eksekutif.ipynb", "06_indikator.ipynb")


def test_every_notebook_opens_with_the_scratch_folder_and_the_projects_kernel():
    books = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert set(AS_OPENED) <= {nb.name for nb in books} and len(books) >= 8
    for path in books:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3", path.name
        params = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        assert "output_dir: Optional[str] = None" in params, path.name
        calls = [c.source for c in nb.cells if c.cell_type == "code" and "setup(" in c.source]
        assert len(calls) == 1 and "setup(dataset, output_dir," in calls[0], path.name  # the scratch folder's place


@pytest.mark.slow
def test_interactive_runs_leave_the_published_folder_byte_identical(published, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(published))  # the kernels inherit it
    final = published / paths.DEFAULT_DATASET
    before = snapshot(final)
    assert "manifest.json" in before and f"tables/indikator-{OTHER}-fakta.csv" not in before
    for name in AS_OPENED:
        ran = _run_as_opened(paths.NOTEBOOKS_DIR / name)
        errors = [o for c in ran.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, (name, errors)
        if name.startswith("06"):  # the analyst sees which indicators to pick, and the default one is analysed
            shown = _text(ran)
            assert "parameter `indikator`" in shown and "`kerjasama-desa`" in shown
    assert snapshot(final) == before
    scratch = published / "_jelajah" / paths.DEFAULT_DATASET
    # default: the indicator furthest below target — in the report, kerja sama desa at 37,74 % (Tabel 3.1)
    made = sorted(p.name for p in (scratch / "tables").glob("indikator-*-fakta.csv"))
    assert made == ["indikator-kerjasama-desa-fakta.csv"], made
    assert (scratch / ".artifacts" / "00_ringkasan_eksekutif.json").is_file()
    assert not (published / "_jelajah" / "manifest.json").exists()


@pytest.mark.slow
def test_build_removes_what_it_did_not_write_and_says_so(published, monkeypatch, capsys):
    from lkip_helpers.notebook import setup
    from lkip_helpers.report import laporan

    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(published))
    final = published / paths.DEFAULT_DATASET
    before = snapshot(final)
    # exploring with output_dir pointed at the published folder: what issue #24 saw, 9 files no manifest lists
    ds, out = setup(paths.DEFAULT_DATASET, str(final), "06_indikator", variant=OTHER)
    laporan.render(ds, out, "indikator", indikator=OTHER)
    added = sorted(set(snapshot(final)) - set(before))
    assert f"tables/indikator-{OTHER}-fakta.csv" in added and f".artifacts/06_indikator--{OTHER}.json" in added
    capsys.readouterr()

    assert main(["build", paths.DEFAULT_DATASET]) == 0  # nothing changed: no notebook re-runs
    said = capsys.readouterr().out.splitlines()
    line = next(x for x in said if "tidak ditulis lkip build" in x)
    assert line.startswith(f"[{paths.DEFAULT_DATASET}] {len(added)} file yang tidak ditulis lkip build dihapus dari ")
    assert f"tables/indikator-{OTHER}-fakta.csv" in line
    assert any("tidak berubah — dilewati" in x for x in said)
    assert snapshot(final) == before

    # a state from before the list of written files: the dataset is published again (every run reused),
    # and the swap drops the stray, said in the same words
    state = json.loads((final / STATE_FILE).read_text(encoding="utf-8"))
    del state["files"]
    (final / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    (final / "tables" / "catatan-saya.csv").write_text("a\n1\n", encoding="utf-8")
    assert main(["build", paths.DEFAULT_DATASET, "--jobs", "1"]) == 0
    said = capsys.readouterr().out
    assert "0 notebook dijalankan" in said
    assert f"[{paths.DEFAULT_DATASET}] 1 file yang tidak ditulis lkip build dihapus dari " in said
    assert "tables/catatan-saya.csv" in said
    assert snapshot(final) == before


# --- make lab: saving keeps the notebook as committed ---------------------------------------------


def _contents_manager(root: Path):
    """The contents manager Jupyter Server uses by default, configured by the project's config file."""
    from jupyter_server.serverapp import ServerApp
    from traitlets.config.loader import PyFileConfigLoader
    from traitlets.utils.importstring import import_item

    config = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()
    cls = ServerApp.contents_manager_class.default_value
    cls = import_item(cls) if isinstance(cls, str) else cls
    return cls(root_dir=str(root), config=config)


def _explored(nb: dict) -> dict:
    """What a session in JupyterLab leaves in a notebook: outputs, counts, another parameter, kernel metadata."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hasil\n"}]
            cell["execution_count"] = 7
            cell["metadata"]["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
            cell["metadata"]["scrolled"] = True
        if "parameters" in cell["metadata"].get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = source.replace("indikator: Optional[str] = None", f'indikator: Optional[str] = "{OTHER}"')
            assert cell["source"] != source
    nb["metadata"]["kernelspec"]["display_name"] = "Python 3 (lkip)"
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "pygments_lexer": "ipython3"}
    nb["metadata"]["widgets"] = {"state": {}}
    return nb


def _save(cm, nb: dict, path: str) -> None:
    saved = cm.save({"type": "notebook", "format": "json", "content": nb}, path)
    if asyncio.iscoroutine(saved):
        asyncio.run(saved)


def test_saving_in_lab_keeps_the_committed_notebook(tmp_path):
    name = "06_indikator.ipynb"
    shutil.copy(paths.NOTEBOOKS_DIR / name, tmp_path / name)
    committed = (tmp_path / name).read_bytes()
    cm = _contents_manager(tmp_path)
    nb = json.loads(committed)
    _save(cm, _explored(nb), name)
    assert (tmp_path / name).read_bytes() == committed  # byte for byte: no diff, no rebuild

    # a cell the analyst adds is kept, without its outputs
    explored = _explored(nb)
    explored["cells"].append(nbformat.v4.new_code_cell("hasil.frames()", id="c0ffee00", execution_count=9))
    explored["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x\n"}]
    _save(cm, explored, name)
    kept = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    assert kept["cells"][:-1] == nb["cells"] and kept["metadata"] == nb["metadata"]
    assert "".join(kept["cells"][-1]["source"]) == "hasil.frames()" and kept["cells"][-1]["outputs"] == []
    assert kept["cells"][-1]["execution_count"] is None

    # a new notebook: outputs stripped; its parameters are its own (there is no default to go back to)
    _save(cm, _explored(nb), "baru.ipynb")
    new = json.loads((tmp_path / "baru.ipynb").read_text(encoding="utf-8"))
    assert all(c.get("outputs", []) == [] for c in new["cells"]) and "widgets" not in new["metadata"]
    assert any(f'"{OTHER}"' in "".join(c["source"]) for c in new["cells"])


def test_without_the_hook_saving_would_change_the_file(tmp_path):
    """The check above can fail: the same save through a contents manager without the config."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    name = "06_indikator.ipynb"
    shutil.copy(paths.NOTEBOOKS_DIR / name, tmp_path / name)
    committed = (tmp_path / name).read_bytes()
    FileContentsManager(root_dir=str(tmp_path)).save(
        {"type": "notebook", "format": "json", "content": _explored(json.loads(committed))}, name
    )
    assert (tmp_path / name).read_bytes() != committed


def test_make_lab_uses_the_config():
    recipe = (paths.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8").split("\nlab:", 1)[1].split("\n\n", 1)[0]
    assert "jupyter lab" in recipe and "--config=tools/jupyter_server_config.py" in recipe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyter_lab_with_the_config_saves_notebooks_as_committed(tmp_path):
    """JupyterLab itself, started with the flag ``make lab`` passes, saving through its REST API."""
    name = "02_bab2_perencanaan.ipynb"
    shutil.copy(paths.NOTEBOOKS_DIR / name, tmp_path / name)
    committed = (tmp_path / name).read_bytes()
    port, token = _free_port(), "uji-lab"
    lab = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("jupyter")),
            "lab",
            str(tmp_path),
            "--no-browser",
            f"--port={port}",
            "--allow-root",
            f"--IdentityProvider.token={token}",
            f"--config={CONFIG.relative_to(paths.PROJECT_ROOT)}",
        ],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents/{name}"
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}
        deadline = time.monotonic() + 60
        while True:
            try:
                model = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5))
                break
            except OSError:
                assert lab.poll() is None and time.monotonic() < deadline, lab.stderr.read().decode()[-2000:]
                time.sleep(0.5)
        nb = model["content"]
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hasil\n"}]
                cell["execution_count"] = 3
            if "parameters" in cell["metadata"].get("tags", []):
                cell["source"] = cell["source"].replace("pmd-ntt-2023", "dinkes-contoh-2024")
        body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers, method="PUT"), timeout=30)
        assert (tmp_path / name).read_bytes() == committed
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
