"""The private parts of other libraries that the adapters rely on are still there and still behave.

One test per promise an adapter makes (lkip_helpers/pipeline/_jupyter_compat.py, report/_mpl_compat.py,
report/dokumen/_reportlab_compat.py, report/dokumen/_docx_compat.py), and per behaviour of a pinned library the build relies on. A failure names the library, the installed version, the range
pyproject.toml pins, and what to check: run this file after installing a new version, before widening a pin.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import contextmanager
from importlib.metadata import version

import matplotlib
import tomllib

matplotlib.use("Agg")

import pytest  # noqa: E402
from packaging.requirements import Requirement  # noqa: E402

from lkip_helpers import paths  # noqa: E402

JUPYTER = "lkip_helpers/pipeline/_jupyter_compat.py"
MPL = "lkip_helpers/report/_mpl_compat.py"
REPORTLAB = "lkip_helpers/report/dokumen/_reportlab_compat.py"
PINNED = ("matplotlib", "reportlab", "ipykernel", "nbclient", "jupyter-client", "python-docx", "openpyxl")


def _pins() -> dict[str, Requirement]:
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = (Requirement(s) for s in pyproject["project"]["dependencies"])
    return {r.name.lower().replace("_", "-"): r for r in reqs}


def _message(library: str, what: str, adapter: str) -> str:
    pin = _pins().get(library)
    return (
        f"{library} {version(library)} (pyproject.toml pins {pin.specifier if pin else 'nothing'}) no longer "
        f"{what}. Check {adapter} against this version's source, adapt it and this test, and only then widen "
        "the pin in pyproject.toml and environment.yml; or install a version inside the pinned range."
    )


@contextmanager
def contract(library: str, what: str, adapter: str):
    """Turn any failure inside into one message saying which library moved and where to look."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 — an AttributeError as much as a failed assert
        pytest.fail(f"{_message(library, what, adapter)}\n  ({type(exc).__name__}: {exc})", pytrace=False)


def test_installed_versions_are_inside_the_pins():
    pins = _pins()
    for name in PINNED:
        assert name in pins, f"{name} is not pinned in pyproject.toml [project.dependencies]"
        spec = pins[name].specifier
        assert spec.contains(version(name)), (
            f"{name} {version(name)} is installed, outside the pin {spec}: these contracts test another version"
        )
        assert "<" in str(spec), f"{name}: pinned {spec}, with no upper bound"


def test_the_message_names_library_version_and_pin():
    with pytest.raises(pytest.fail.Exception) as failed, contract("reportlab", "does X", REPORTLAB):
        raise AttributeError("_pagesize")
    text = str(failed.value)
    assert f"reportlab {version('reportlab')}" in text
    assert "<5.2" in text and REPORTLAB in text and "_pagesize" in text


# --- jupyter_client ------------------------------------------------------------------------------


def test_jupyter_client_launches_through_a_replaceable_step(tmp_path):
    """launch_through: start_kernel goes through the instance's ``_async_launch_kernel``; the provisioner
    takes a Popen-like handle in ``process``/``pid``/``pgid``/``cwd``; ``_reconcile_connection_info``
    writes the connection file."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from lkip_helpers.pipeline._jupyter_compat import launch_through

    seen = {}

    def fork(cmd, env, cwd):
        seen.update(cmd=cmd, parent=env.get("JPY_PARENT_PID"))
        # the kernel stand-in: a process in a session of its own, as a forked kernel is
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)

    conn = tmp_path / "kernel.json"
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "k"), connection_file=str(conn))
    with contract("jupyter-client", "starts a kernel through AsyncKernelManager._async_launch_kernel", JUPYTER):
        launch_through(km, fork)
        run_sync(km.start_kernel)()
        try:
            assert seen["parent"] == str(os.getpid())
            assert str(conn) in seen["cmd"], "the command given to the launch step names the connection file"
            prov = km.provisioner
            assert prov.has_process and prov.pid == prov.pgid == prov.process.pid, "provisioner's process/pid/pgid"
            assert prov.cwd, "provisioner's cwd"
            assert run_sync(km.is_alive)(), "is_alive through the provisioner's process"
            assert conn.is_file(), "_reconcile_connection_info writes the connection file"
        finally:
            pid = km.provisioner.pid if km.provisioner else None
            run_sync(km.shutdown_kernel)(now=True)
            if pid:
                assert not _alive(pid), "shutdown_kernel kills the process the provisioner holds"


def _alive(pid: int) -> bool:
    from lkip_helpers.locks import process_alive

    for _ in range(100):
        if not process_alive(pid):
            return False
        import time

        time.sleep(0.05)
    return True


# --- ipykernel -----------------------------------------------------------------------------------


def test_ipykernel_watches_no_parent_when_told_pid_1():
    """template._become_kernel passes ``--IPKernelApp.parent_handle=1``: no parent poller on Unix."""
    from ipykernel.kernelapp import IPKernelApp

    with contract("ipykernel", "skips the parent poller for parent_handle=1", JUPYTER):
        app = IPKernelApp()
        app.poller = None
        app.parent_handle = 1
        app.init_poller()
        if sys.platform != "win32":
            assert app.poller is None
        app.parent_handle = os.getpid()
        app.init_poller()
        assert app.poller is not None, "a real parent pid is polled"


# --- nbclient ------------------------------------------------------------------------------------


def test_nbclient_runs_on_a_client_it_is_given():
    """runner._run_once: ``client.kc = kc`` and ``execute(cleanup_kc=False)`` keep the worker's kernel."""
    import inspect

    import nbformat
    from nbclient import NotebookClient

    with contract("nbclient", "takes a kernel client it did not start and leaves it running", JUPYTER):
        client = NotebookClient(nbformat.v4.new_notebook(), km=None)
        assert client.kc is None, "a NotebookClient starts with no client of its own (kc)"
        source = inspect.getsource(NotebookClient.async_setup_kernel)
        assert "if self.kc is None" in source, "a client set on kc is used, not replaced"
        assert 'kwargs.pop("cleanup_kc"' in source, "execute(cleanup_kc=False) leaves the client running"


# --- matplotlib ----------------------------------------------------------------------------------


def test_matplotlib_agg_caches_its_renderer_by_last_key():
    """tiny_measuring_renderer: ``FigureCanvasAgg.get_renderer`` reuses its renderer while ``_lastKey``
    matches, and makes a new one when it is cleared."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=50)
    try:
        with contract("matplotlib", "caches FigureCanvasAgg's renderer under _lastKey", MPL):
            canvas = fig.canvas
            first = canvas.get_renderer()
            assert canvas.get_renderer() is first
            assert canvas._lastKey == (100, 50, 50)
            canvas._lastKey = None
            assert canvas.get_renderer() is not first
    finally:
        plt.close(fig)


def test_matplotlib_measures_a_tight_box_with_the_canvas_renderer(monkeypatch):
    """The measuring pass of ``savefig(bbox_inches="tight")`` asks the canvas for its renderer first, and
    the picture drawn after it is full size and the same as without the adapter."""
    import matplotlib.pyplot as plt

    from lkip_helpers.report._mpl_compat import tiny_measuring_renderer

    monkeypatch.delenv("LKIP_BENCH_OFF", raising=False)

    def figure():
        fig, ax = plt.subplots(figsize=(3, 2), dpi=72)
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title("Capaian")
        return fig

    ours, theirs = figure(), figure()
    try:
        with contract("matplotlib", "measures bbox_inches='tight' with FigureCanvasAgg.get_renderer", MPL):
            png = io.BytesIO()
            with tiny_measuring_renderer(ours):
                ours.savefig(png, format="png", dpi=100, bbox_inches="tight")
                assert "get_renderer" not in ours.canvas.__dict__, "the measuring renderer was never asked for"
            assert ours.canvas.renderer.width > 1, "the picture was drawn on the 1×1 renderer"
            plain = io.BytesIO()
            theirs.savefig(plain, format="png", dpi=100, bbox_inches="tight")
            assert png.getvalue() == plain.getvalue(), "the picture differs from matplotlib's own"
    finally:
        plt.close(ours)
        plt.close(theirs)


# --- ReportLab -----------------------------------------------------------------------------------


def _png(alpha: bool) -> bytes:
    from PIL import Image

    picture = Image.new("RGBA", (40, 300), (200, 30, 30, 255))
    for y in range(300):
        for x in range(0, 40, 3):
            picture.putpixel((x, y), (x * 6, y % 256, 90, (x * 7 + y) % 256 if alpha else 255))
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def test_reportlab_image_objects_are_the_ones_pdf_images_writes(monkeypatch):
    """_reportlab_compat: an RGBA PNG drawn through ``place`` and the image objects it makes gives the very
    bytes ``Canvas.drawImage(mask="auto")`` gives (names, streams, soft mask, page resources)."""
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from lkip_helpers.report.dokumen import pdf_images

    monkeypatch.setattr(rl_config, "useA85", 0)  # as write_pdf sets it
    monkeypatch.delenv("LKIP_BENCH_OFF", raising=False)
    pngs = [_png(alpha=True), _png(alpha=True), _png(alpha=False)]  # twice the same: drawn once, used twice

    def pdf(ours: bool) -> bytes:
        buf = io.BytesIO()
        c = Canvas(buf, invariant=1)
        for i, png in enumerate(pngs):
            image = ImageReader(io.BytesIO(png))
            if ours:
                source = pdf_images.lean_source(image, "auto")
                assert source == png, "ImageReader no longer keeps the PIL image in _image (or not as PNG/RGBA)"
                pdf_images.draw(c, source, 40 + 60 * i, 40, 50, 300)
            else:
                c.drawImage(image, 40 + 60 * i, 40, width=50, height=300, mask="auto")
        c.showPage()
        c.save()
        return buf.getvalue()

    with contract("reportlab", "writes an RGBA image as the objects _reportlab_compat makes", REPORTLAB):
        assert pdf(ours=True) == pdf(ours=False), "the PDF differs from ReportLab's own drawImage"


def test_reportlab_canvas_keeps_the_page_size():
    """page_size: the size of the page being drawn, a landscape one after ``setPageSize`` too."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from lkip_helpers.report.dokumen._reportlab_compat import page_size

    with contract("reportlab", "keeps the current page's size in Canvas._pagesize", REPORTLAB):
        c = Canvas(io.BytesIO(), pagesize=A4)
        assert page_size(c) == A4
        c.setPageSize(landscape(A4))
        assert page_size(c) == (A4[1], A4[0])


DOCX = "lkip_helpers/report/dokumen/_docx_compat.py"


def test_python_docx_elements_the_word_writer_reaches():
    import docx
    from docx.oxml.ns import qn

    from lkip_helpers.report.dokumen._docx_compat import (
        move_section_properties,
        run_element,
        section_properties,
        set_paragraph_style_id,
    )

    with contract("python-docx", "exposes the lxml elements of sections, runs and paragraphs", DOCX):
        d = docx.Document()
        assert section_properties(d.sections[0]).tag == qn("w:sectPr")
        p = d.add_paragraph("x")
        assert run_element(p.add_run("y")).tag == qn("w:r")
        set_paragraph_style_id(p, "Heading1")
        assert p._p.pPr.find(qn("w:pStyle")).get(qn("w:val")) == "Heading1"
        d.add_section()
        holder = d.element.body[-2]  # the paragraph python-docx adds to hold the ended section's setup
        move_section_properties(p._p.get_or_add_pPr(), holder.pPr.sectPr)
        assert p._p.pPr.find(qn("w:sectPr")) is not None


OPENPYXL = "lkip_helpers/data/_openpyxl_compat.py"


def test_openpyxl_streams_a_read_only_sheets_xml(tmp_path):
    import openpyxl

    from lkip_helpers.data._openpyxl_compat import sheet_xml

    wb = openpyxl.Workbook()
    wb.active.title = "target"
    for r in range(1, 4):
        wb.active.append([f"a{r}", r])
    wb.save(tmp_path / "t.xlsx")
    with contract("openpyxl", "gives a read-only worksheet's XML part as a stream", OPENPYXL):
        ws = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)["target"]
        with sheet_xml(ws) as src:
            xml = src.read()
        assert xml.count(b"<row") == 3 and xml.count(b"<c ") == 6


# Private attributes the package may use outside the adapters: the standard library's documented ones.
ALLOWED_PRIVATE = {"_exit", "_asdict", "_replace", "_fields", "_make"}


def test_no_private_attribute_of_another_library_outside_the_adapters():
    """``x._name`` only on our own objects (``self``/``cls``, our modules, the ``_lkip_*`` marks we put on
    ReportLab's flowables) or in an adapter module."""
    import ast

    found = []
    for path in sorted((paths.PROJECT_ROOT / "lkip_helpers").rglob("*.py")):
        if path.name.endswith("_compat.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ours = {"self", "cls"} | {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lkip_helpers")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or not node.attr.startswith("_") or node.attr.startswith("__"):
                continue
            if (isinstance(node.value, ast.Name) and node.value.id in ours) or node.attr.startswith("_lkip"):
                continue
            if node.attr not in ALLOWED_PRIVATE:
                found.append(f"{path.relative_to(paths.PROJECT_ROOT)}:{node.lineno} .{node.attr}")
    assert not found, found
