"""Figures saved and placed with less memory give the bytes matplotlib and ReportLab give on their own."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from reportlab import rl_config  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from lkip_helpers.report.artifacts import PNG_DPI, tight_png  # noqa: E402
from lkip_helpers.report.dokumen import pdf, pdf_images  # noqa: E402


def _figure(transparent_bits: bool = False):
    """Small multiples with titles, rotated ticks, a suptitle and a note below the axes (the tight box grows)."""
    fig, axes = plt.subplots(2, 2, figsize=(7, 5), sharex=True)
    for i, ax in enumerate(axes.ravel()):
        ax.plot([2019, 2020, 2021, 2022, 2023], [90 + i, 95, 101 - i, 99, 104], lw=2)
        ax.set_title(f"Indikator dengan judul yang cukup panjang {i}", fontsize=10)
        ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle("Capaian (%) dibandingkan target", weight="bold")
    fig.text(0.01, -0.04, "Catatan di bawah grafik, di luar kotak gambar.", fontsize=9)
    if transparent_bits:
        fig.patch.set_alpha(0.4)  # alpha that varies: the soft mask carries real data
    fig.tight_layout()
    return fig


def _matplotlib_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=PNG_DPI, bbox_inches="tight")
    return buf.getvalue()


def test_tight_png_is_matplotlibs_own_picture():
    ours, theirs = _figure(), _figure()
    try:
        png = tight_png(ours)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert png == _matplotlib_png(theirs)
        assert tight_png(ours) == png  # a second save of the same figure draws on a full-size canvas again
    finally:
        plt.close(ours)
        plt.close(theirs)


def _pdf_bytes(canvas_class, pngs: list[bytes]) -> bytes:
    buf = io.BytesIO()
    c = canvas_class(buf, invariant=1)
    for i, png in enumerate(pngs):
        c.drawImage(ImageReader(io.BytesIO(png)), 40, 40 + 120 * i, width=200, height=100, mask="auto")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def pngs():
    figs = [_figure(transparent_bits=True), _figure()]
    try:
        rgba = [_matplotlib_png(f) for f in figs]
    finally:
        for f in figs:
            plt.close(f)
    rgb = io.BytesIO()
    from PIL import Image

    Image.open(io.BytesIO(rgba[1])).convert("RGB").save(rgb, format="PNG")  # no alpha: ReportLab's own path
    return rgba + [rgb.getvalue()]


def test_pdf_images_are_reportlabs_objects(pngs, monkeypatch):
    monkeypatch.setattr(rl_config, "useA85", 0)  # as write_pdf sets it
    drawn = []
    monkeypatch.setattr(pdf_images, "draw", lambda *a, _draw=pdf_images.draw: drawn.append(1) or _draw(*a))
    assert pngs[0] != pngs[1]
    # two pictures with alpha, one drawn twice (stored once), and one without alpha
    sequence = [pngs[0], pngs[1], pngs[0], pngs[2]]
    ours = _pdf_bytes(pdf._Canvas, sequence)
    assert len(drawn) == 3  # the pictures with alpha took the strip-by-strip path
    assert ours == _pdf_bytes(Canvas, sequence)
    assert ours.count(b"/SMask") == 2 and ours.count(b"/Subtype /Image") == 5
