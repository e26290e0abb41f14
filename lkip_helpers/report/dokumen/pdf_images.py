"""A figure's PNG as the PDF's image objects, made strip by strip.

ReportLab's own path for a PNG with transparency decodes the whole picture, splits off its alpha,
converts and copies it, joins colour and alpha once more to name the image, and keeps the decoded
picture on the flowable until the document is done: some 13 bytes per pixel, ~90 MB for a large
trend chart. Here only the decoded picture and its alpha channel are held while the image is drawn
(~5 bytes per pixel), and nothing after. The objects written — names, streams, soft mask — are the
ones ReportLab writes, byte for byte (same digests, and zlib gives the same stream whether the data
come at once or in strips).
"""

from __future__ import annotations

import io
import zlib
from hashlib import md5

from PIL import Image
from reportlab import rl_config
from reportlab.lib.boxstuff import aspectRatioFix
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObjectReference
from reportlab.pdfgen.canvas import Canvas

_STRIP_ROWS = 128


def lean_source(image, mask) -> bytes | None:
    """The PNG bytes when ``image`` is one this module can draw, else None (ReportLab's own path)."""
    if mask != "auto" or rl_config.useA85 or not isinstance(image, ImageReader):
        return None
    picture, fp = getattr(image, "_image", None), getattr(image, "fp", None)
    if picture is None or picture.format != "PNG" or picture.mode != "RGBA" or not isinstance(fp, io.BytesIO):
        return None
    return fp.getvalue()


def _xobject(name: str, size: tuple[int, int], colour_space: str, stream: bytes) -> PDFImageXObject:
    obj = PDFImageXObject(name)
    obj.width, obj.height = size
    obj.colorSpace, obj.bitsPerComponent = colour_space, 8
    obj._filters = ("FlateDecode",)
    obj.streamContent = stream
    return obj


def _objects(png: bytes) -> tuple[PDFImageXObject, PDFImageXObject]:
    """The colour image and its soft mask (alpha), as ReportLab would make them from ``png``."""
    with Image.open(io.BytesIO(png)) as picture:
        picture.load()
        width, height = size = picture.size
        colour, name = zlib.compressobj(), md5(usedforsecurity=False)
        alpha = bytearray()
        parts = []
        for top in range(0, height, _STRIP_ROWS):
            strip = picture.crop((0, top, width, min(height, top + _STRIP_ROWS)))
            rgb = strip.convert("RGB").tobytes()  # RGBA -> RGB drops alpha, as in ReportLab
            name.update(rgb)
            parts.append(colour.compress(rgb))
            alpha += strip.getchannel("A").tobytes()
    parts.append(colour.flush())
    name.update(alpha)
    image = _xobject(name.hexdigest(), size, "DeviceRGB", b"".join(parts))
    image.mask = None
    soft = _xobject(md5(alpha, usedforsecurity=False).hexdigest(), size, "DeviceGray", zlib.compress(alpha))
    soft._decode = [0, 1]
    return image, soft


def draw(canvas: Canvas, png: bytes, x: float, y: float, width: float, height: float) -> tuple[int, int]:
    """Place ``png`` at (x, y) scaled to width × height: what ``Canvas.drawImage(..., mask='auto')`` does."""
    canvas._currentPageHasImages = 1
    image, soft = _objects(png)
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
    return image.width, image.height
