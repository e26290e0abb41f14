"""Every touch of ReportLab's private parts, in one place: what ``Canvas.drawImage`` does with an image
(for :mod:`lkip_helpers.report.dokumen.pdf_images`, which makes the image objects itself) and the size
of the page being drawn.

Tested against the version pinned in pyproject.toml; ``tests/test_compat_contracts.py`` fails, naming
ReportLab and what to check, when a new version moves one of them.
"""

from __future__ import annotations

import io
import os

from reportlab import rl_config
from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

BENCH_OFF = "LKIP_BENCH_OFF"  # bench-only switch (benchmarks/bench_build.py --mechanisms); never for users


def bench_off(mechanism: str) -> bool:
    """True when ``make bench`` measures the build without ``mechanism`` (``LKIP_BENCH_OFF=a,b``)."""
    return mechanism in os.environ.get(BENCH_OFF, "").split(",")


def page_size(canvas: Canvas) -> tuple[float, float]:
    """The size of the page being drawn (a landscape page's too): the canvas keeps it in ``_pagesize``."""
    width, height = canvas._pagesize
    return width, height


def png_bytes(image, mask) -> bytes | None:
    """The PNG bytes behind ``image`` (an ``ImageReader`` over a BytesIO) when ReportLab would draw it as an
    RGBA picture with an alpha soft mask; else None. ``ImageReader`` keeps the PIL image in ``_image``."""
    if bench_off("pdf_images") or mask != "auto" or rl_config.useA85 or not isinstance(image, ImageReader):
        return None
    picture, fp = getattr(image, "_image", None), getattr(image, "fp", None)
    if picture is None or picture.format != "PNG" or picture.mode != "RGBA" or not isinstance(fp, io.BytesIO):
        return None
    return fp.getvalue()


def image_xobject(name: str, size: tuple[int, int], colour_space: str, stream: bytes) -> PDFImageXObject:
    """An image XObject of 8-bit samples whose ``stream`` is Flate-compressed (its ``_filters``)."""
    obj = PDFImageXObject(name)
    obj.width, obj.height = size
    obj.colorSpace, obj.bitsPerComponent = colour_space, 8
    obj._filters = ("FlateDecode",)
    obj.streamContent = stream
    return obj


def soft_mask(obj: PDFImageXObject) -> PDFImageXObject:
    """``obj`` as a soft mask: the decode range ReportLab gives one (``_decode``)."""
    obj._decode = [0, 1]
    return obj


def place(canvas: Canvas, image: PDFImageXObject, soft: PDFImageXObject, x, y, width, height) -> PDFImageXObject:
    """Register ``image`` with its soft mask ``soft`` in the canvas's document (once per content name) and
    draw it at (x, y) scaled to width × height, as ``Canvas.drawImage`` does; the image registered."""
    canvas._currentPageHasImages = 1
    doc = canvas._doc
    reg_name = doc.getXObjectName(image.name)
    known = doc.idToObject.get(reg_name, None)
    if known:
        image = known
    else:
        canvas._setXObjects(image)
        doc.Reference(image, reg_name)
        doc.addForm(image.name, image)
        soft_reg = doc.getXObjectName(soft.name)
        if doc.idToObject.get(soft_reg, None):
            image.smask = PDFObjectReference(soft_reg)
        else:
            canvas._setXObjects(soft)
            image.smask = doc.Reference(soft, soft_reg)
    x, y, width, height, _ = aspectRatioFix(False, "c", x, y, width, height, image.width, image.height)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{reg_name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(image.name)
    return image
