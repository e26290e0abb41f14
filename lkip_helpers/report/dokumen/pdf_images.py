"""A figure's PNG as the PDF's image objects, made strip by strip.

ReportLab's own path for a PNG with transparency decodes the whole picture, splits off its alpha,
converts and copies it, joins colour and alpha once more to name the image, and keeps the decoded
picture on the flowable until the document is done: some 13 bytes per pixel, ~75 MB for a large
trend chart. Here only the decoded picture and its alpha channel are held while the image is drawn
(~5 bytes per pixel), and nothing after. The objects written — names, streams, soft mask — are the
ones ReportLab writes, byte for byte (same digests, and zlib gives the same stream whether the data
come at once or in strips). ReportLab's private parts this needs are in ``_reportlab_compat``.
"""

from __future__ import annotations

import io
import zlib
from hashlib import md5

from PIL import Image
from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.pdfgen.canvas import Canvas

from lkip_helpers.report.dokumen._reportlab_compat import image_xobject, place, png_bytes, soft_mask

_STRIP_ROWS = 128


def lean_source(image, mask) -> bytes | None:
    """The PNG bytes when ``image`` is one this module can draw, else None (ReportLab's own path)."""
    return png_bytes(image, mask)


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
    image = image_xobject(name.hexdigest(), size, "DeviceRGB", b"".join(parts))
    image.mask = None
    soft = image_xobject(md5(alpha, usedforsecurity=False).hexdigest(), size, "DeviceGray", zlib.compress(alpha))
    return image, soft_mask(soft)


def draw(canvas: Canvas, png: bytes, x: float, y: float, width: float, height: float) -> tuple[int, int]:
    """Place ``png`` at (x, y) scaled to width × height: what ``Canvas.drawImage(..., mask='auto')`` does."""
    image = place(canvas, *_objects(png), x, y, width, height)
    return image.width, image.height
