"""The PDF (ReportLab): the same document as the Word draft, A4, selectable text.

ReportLab is pure pip (wheels for Linux, Windows and macOS, and on conda-forge): no
browser, no Pango, no LibreOffice. Text is set in DejaVu Sans, the TrueType font that
matplotlib ships, so every character of Bahasa Indonesia and the report's symbols
(≥, →, –) are embedded and selectable on any machine. Tables repeat their header row
on every page and never split a row; wide tables get landscape pages; headings become
PDF bookmarks, which a phone's reader shows as a table of contents. Pages before the
body (cover, kata pengantar, daftar isi) are numbered i, ii, iii; the body 1, 2, 3, in the
footers, in the Daftar Isi/Tabel/Gambar and in the viewer's page labels.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from lkip_helpers.data import safe_yaml
from lkip_helpers.data.schema import TABLES
from lkip_helpers.errors import line_of
from lkip_helpers.palette import DOCUMENT, PALETTE, fractions
from lkip_helpers.report.dokumen import pdf_images
from lkip_helpers.report.dokumen._reportlab_compat import page_size
from lkip_helpers.report.dokumen.model import (
    BodyStart,
    Contents,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    landscape_flags,
    note_lines,
)

FONT = "LKIPSans"
MARGIN = 2.2 * cm
BLUE = colors.HexColor(PALETTE["utama"])
GREY = colors.HexColor(DOCUMENT["catatan_pdf"])
CELL_PT = 8


def _fonts() -> None:
    """DejaVu Sans from matplotlib's own files (always installed with the project)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    import matplotlib
    from reportlab.lib.fonts import addMapping

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        FONT: "DejaVuSans.ttf",
        f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
        f"{FONT}-Italic": "DejaVuSans-Oblique.ttf",
        f"{FONT}-BoldItalic": "DejaVuSans-BoldOblique.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
    for bold, italic, name in (
        (0, 0, FONT),
        (1, 0, f"{FONT}-Bold"),
        (0, 1, f"{FONT}-Italic"),
        (1, 1, f"{FONT}-BoldItalic"),
    ):
        addMapping(FONT, bold, italic, name)


def glyph_gaps(ds) -> list[str]:
    """Texts of the dataset holding letters the PDF's font has no shape for (CJK, Devanagari, Thai, emoji, …):
    one line per file and column or key, naming the first place, for ``lkip validate`` to warn of.

    Only characters beyond Latin-1 are looked up (DejaVu Sans holds all of Latin-1): Indonesian text costs nothing.
    """
    _fonts()
    known = pdfmetrics.getFont(FONT).face.charToGlyph
    missing_memo: dict[str, bool] = {}

    def missing(text: str) -> str:
        if text.isascii():
            return ""
        out = []
        for ch in text:
            if ord(ch) > 0xFF and ch not in out:
                if ch not in missing_memo:  # a format character (e.g. a zero-width joiner) has no shape to draw
                    rtl = 0x0590 <= ord(ch) <= 0x08FF or 0xFB1D <= ord(ch) <= 0xFEFF  # ReportLab cannot join or
                    # order Arabic and Hebrew letters, even where the font has their shapes
                    missing_memo[ch] = (ord(ch) not in known or rtl) and not ch.isspace() and ch.isprintable()
                if missing_memo[ch]:
                    out.append(ch)
        return "".join(out)

    found: list[str] = []

    def say(where: str, chars: str, others: int) -> None:
        shown = " ".join(f"{c} (U+{ord(c):04X})" for c in chars[:5]) + (" …" if len(chars) > 5 else "")
        more = f"; juga di {others} sel lain" if others else ""
        found.append(
            f"{where}: huruf {shown} tidak dapat digambar font PDF (DejaVu Sans): di PDF tampil sebagai kotak kosong atau tak tersusun{more}"
        )

    for name, df in ds.tables.items():
        for column in df.columns:
            if df[column].dtype.kind in "biufM":
                continue
            hits = [(i, m) for i, v in enumerate(df[column]) if isinstance(v, str) and (m := missing(v))]
            if hits:
                i, chars = hits[0]
                say(
                    f"{ds.path / TABLES[name].filename}, baris {line_of(df, i)}, kolom '{column}'", chars, len(hits) - 1
                )

    def walk(value, key: str, file) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}.{k}" if key else str(k), file)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{key}[{i}]", file)
        elif isinstance(value, str) and (chars := missing(value)):
            say(f"{file}, kunci '{key}'", chars, 0)

    walk(ds.meta, "", ds.path / "metadata.yml")
    laporan = ds.path / "laporan.yml"
    if laporan.is_file():
        walk(safe_yaml.load_file(laporan), "", laporan)
    return found


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    bold = f"{FONT}-Bold"
    below_body = {  # each style's differences from the body text
        "bullet": dict(leftIndent=14, bulletIndent=4, spaceAfter=3, bulletFontName=FONT),
        "placeholder": dict(textColor=colors.HexColor(DOCUMENT["isian"])),
        "note": dict(fontSize=7.5, leading=9.5, textColor=GREY, spaceAfter=1),
        "cover": dict(fontName=bold, fontSize=20, leading=26, alignment=TA_CENTER, textColor=BLUE, spaceAfter=10),
        "cover-sub": dict(fontName=bold, fontSize=14, leading=19, alignment=TA_CENTER, spaceAfter=6),
        "caption": dict(fontName=bold, fontSize=9, leading=12, textColor=BLUE, spaceBefore=6, spaceAfter=4),
        "cell": dict(fontSize=CELL_PT, leading=CELL_PT + 2, spaceAfter=0),
        "toc1": dict(fontName=bold, spaceBefore=4, spaceAfter=0),
        "toc2": dict(fontSize=9.5, leading=12.5, leftIndent=14, spaceAfter=0),
        "toc-caption": dict(fontSize=9.5, leading=12.5, spaceAfter=2),
        "toc-page": dict(alignment=TA_RIGHT, spaceAfter=0),
        "toc-title": dict(fontName=bold, fontSize=16, leading=20, textColor=BLUE, spaceAfter=12),
    }
    s = {"body": base} | {name: ParagraphStyle(name, parent=base, **kw) for name, kw in below_body.items()}
    s["cell-bold"] = ParagraphStyle("cell-bold", parent=s["cell"], fontName=bold)
    for level, size in ((1, 16), (2, 13), (3, 11)):
        s[f"h{level}"] = ParagraphStyle(
            f"h{level}",
            parent=base,
            fontName=bold,
            fontSize=size,
            leading=size * 1.3,
            textColor=BLUE,
            spaceBefore=10 if level > 1 else 0,
            spaceAfter=6,
            keepWithNext=1,
        )
    return s


def _markup(runs) -> str:
    """ReportLab paragraph markup from runs: text escaped, emphasis from the model only."""
    out = []
    for r in runs:
        t = escape(r.text)
        if r.bold:
            t = f"<b>{t}</b>"
        if r.italic:
            t = f"<i>{t}</i>"
        out.append(t)
    return "".join(out)


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"))
_ROMAN += ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def roman(n: int) -> str:
    """Lower-case roman numeral, as front-matter pages are numbered.

    >>> roman(1), roman(4), roman(14), roman(49)
    ('i', 'iv', 'xiv', 'xlix')
    """
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


class _BodyMark(Flowable):
    """Where BodyStart falls: the first flowable of the body's first page (no size, no ink)."""

    def wrap(self, aW, aH):
        return 0, 0

    def draw(self):
        pass


class _Doc(BaseDocTemplate):
    def __init__(self, path, doc: Document, pages: dict[str, int]):
        target = path if isinstance(path, io.BytesIO) else str(path)  # the layout pass writes to memory
        super().__init__(
            target,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=doc.title,
            author=doc.author,  # the agency, never the tool
            subject="Laporan Kinerja",
            creator=doc.author,
            producer=doc.author,
            invariant=1,
            lang="id-ID",
        )
        self.doc = doc
        self.pages = pages  # heading/caption key -> printed page number, filled by the layout pass
        # the physical page where the body (page 1) begins; a document without BodyStart is all body
        self.body_first: int | None = None if any(isinstance(b, BodyStart) for b in doc.blocks) else 1
        shown = [b for b in doc.blocks if not isinstance(b, PageBreak)]
        # front matter: pages before the body (a document opening with BodyStart has none)
        self.front = self.body_first is None and not isinstance(shown[0] if shown else None, BodyStart)
        self._last_level = 0
        templates = []
        for name, size in (("portrait", A4), ("landscape", landscape(A4))):
            frame = Frame(
                MARGIN,
                MARGIN,
                size[0] - 2 * MARGIN,
                size[1] - 2 * MARGIN,
                id=name,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            templates.append(
                PageTemplate(id=name, frames=[frame], onPage=self._marks, onPageEnd=self._footer, pagesize=size)
            )
        self.addPageTemplates(templates)

    def page_label(self, page: int) -> str:
        """The printed number of physical page ``page``: roman before the body, arabic from it."""
        if self.body_first is None or page < self.body_first:
            return roman(page)
        return str(page - self.body_first + 1)

    def _footer(self, canvas, doc) -> None:
        """Footer with the page number, drawn at the page's end: only then is it known whether the body began on it."""
        width, _ = page_size(canvas)
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawCentredString(width / 2, MARGIN / 2, f"{self.doc.footer} — Halaman {self.page_label(doc.page)}")
        canvas.restoreState()

    def _marks(self, canvas, doc) -> None:
        """The DRAF / DATA SINTETIS marks on every page, drawn first so the text lies over the watermark."""
        if doc.page == 1:  # the viewer's page labels: roman from the first page, until the body says otherwise
            # by name: ReportLab misreads the one-letter codes
            if self.front or self.body_first is not None:  # else the body's own label starts at page 1
                canvas.addPageLabel(0, "ROMAN_LOWER" if self.front else "ARABIC")
        width, height = page_size(canvas)
        canvas.saveState()
        if self.doc.marks:
            canvas.setFont(f"{FONT}-Bold", 9)
            canvas.setFillColor(colors.HexColor(PALETTE["bahaya"]))
            canvas.drawRightString(width - MARGIN, height - MARGIN / 2, self.doc.mark_line)
            canvas.setFillColor(colors.Color(*fractions(PALETTE["bahaya"]), alpha=0.08))
            canvas.setFont(f"{FONT}-Bold", 110)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -40, self.doc.marks[0])
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, _BodyMark):
            self.body_first = self.page
            self.canv.addPageLabel(self.page - 1, "ARABIC", 1)
            return
        key = getattr(flowable, "_lkip_caption", None)
        if key is not None:  # a table or figure caption: the target of its Daftar Tabel/Gambar line
            self.canv.bookmarkPage(key)
            self.pages[key] = self.page_label(self.page)
            return
        info = getattr(flowable, "_lkip_heading", None)
        if info is None:
            return
        level, text, key = info
        level = min(level, self._last_level + 1)  # PDF outlines may not skip a level
        self._last_level = level
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level - 1, closed=level > 1)
        self.pages[key] = self.page_label(self.page)


class _Canvas(Canvas):
    """The final pass: figures drawn strip by strip (see pdf_images), everything else as ReportLab does."""

    def drawImage(self, image, x, y, width=None, height=None, mask=None, **kwargs):  # noqa: N802 — ReportLab's name
        png = None if kwargs or width is None or height is None else pdf_images.lean_source(image, mask)
        if png is None:
            return super().drawImage(image, x, y, width, height, mask=mask, **kwargs)
        return pdf_images.draw(self, png, x, y, width, height)


class _DryCanvas(_Canvas):
    """The layout pass: everything placed as in the final pass, images not encoded, nothing kept."""

    def drawImage(self, *args, **kwargs):  # noqa: N802 — ReportLab's name
        return None


def write_pdf(doc: Document, path: Path) -> None:
    """Write ``doc`` as an A4 PDF in two passes: the first finds the pages of headings and captions.

    The Daftar Isi, Daftar Tabel and Daftar Gambar have all their lines in both passes (the
    headings and captions are known from the model), so the layout of the second pass is the
    first one's and its page numbers hold.
    """
    from reportlab import rl_config

    rl_config.useA85 = 0  # binary image streams: ASCII85 would only make the file bigger and slower to write
    _fonts()
    st = _styles()
    from reportlab.platypus.doctemplate import LayoutError

    try:
        _build(doc, st, path, split_rows=False)
    except LayoutError:  # a single row taller than a page (very long text in data): only then may rows split
        _build(doc, st, path, split_rows=True)


def _build(doc: Document, st: dict, path: Path, split_rows: bool) -> None:
    pages: dict[str, int] = {}
    for dry in (True, False):
        pdf = _Doc(io.BytesIO() if dry else path, doc, pages)
        pdf.build(_story(doc, st, pages if not dry else None, split_rows), canvasmaker=_DryCanvas if dry else _Canvas)


def _story(doc: Document, st: dict, pages: dict | None, split_rows: bool = False) -> list:
    """The flowables of ``doc`` (made anew for each pass: ReportLab's flowables keep layout state)."""
    frame_w = {False: A4[0] - 2 * MARGIN, True: A4[1] - 2 * MARGIN}
    frame_h = {False: A4[1] - 2 * MARGIN, True: A4[0] - 2 * MARGIN}
    lists = _contents_entries(doc.blocks)
    story: list = []
    # headings_at: where the run of headings just placed begins (a table after them keeps them with it)
    state = {"landscape": False, "pending": False, "fresh": True, "body": False, "headings_at": None}
    counts = {"h": 0, "t": 0, "g": 0}

    def place(needs_landscape: bool) -> None:
        if needs_landscape != state["landscape"]:
            story.append(NextPageTemplate("landscape" if needs_landscape else "portrait"))
            if not state["fresh"] or state["pending"]:
                story.append(RLPageBreak())
            state["landscape"] = needs_landscape
        elif state["pending"] and not state["fresh"]:
            story.append(RLPageBreak())
        state["pending"] = False
        state["fresh"] = False
        if state["body"]:  # the body's first page is the one the next block opens
            story.append(_BodyMark())
            state["body"] = False

    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        if isinstance(block, (PageBreak, BodyStart)):
            state["pending"], state["headings_at"] = True, None
            # BodyStart: a new page, marked when the next block opens it (in that block's orientation)
            state["body"] = state["body"] or isinstance(block, BodyStart)
            continue
        place(wide)
        if not isinstance(block, Heading):
            headings_at, state["headings_at"] = state["headings_at"], None
        if isinstance(block, Heading):
            counts["h"] += 1
            if state["headings_at"] is None:
                state["headings_at"] = len(story)
            p = RLParagraph(escape(block.text), st[f"h{block.level}"])
            p._lkip_heading = (block.level, block.text, f"h{counts['h']}")
            story.append(p)
        elif isinstance(block, Paragraph):
            style = st.get(block.style, st["body"])
            if block.align != "left":
                style = ParagraphStyle(
                    f"{style.name}-{block.align}",
                    parent=style,
                    spaceAfter=3,
                    alignment=TA_CENTER if block.align == "center" else TA_RIGHT,
                )
            if block.style == "cover" and not any(isinstance(x, RLParagraph) for x in story):
                story.append(Spacer(1, 5 * cm))
            text = _markup(block.runs) or "&nbsp;"
            if block.style == "placeholder":  # highlighted like Word's yellow marker, only behind the words
                text = f'<span backColor="{DOCUMENT["sorot"]}">{text}</span>'
            story.append(RLParagraph(text, style, bulletText="•" if block.style == "bullet" else None))
        elif isinstance(block, Table):
            counts["t"] += 1
            # room for the caption and a few rows, asked before the headings that introduce the table
            # (a heading kept with a page-break flowable would stay behind at the foot of the page)
            story.insert(len(story) if headings_at is None else headings_at, CondPageBreak(4 * cm))
            story += _table(block, st, frame_w[block.landscape], f"t{counts['t']}", split_rows)
        elif isinstance(block, Figure):
            counts["g"] += 1
            w, h = frame_w[state["landscape"]], frame_h[state["landscape"]]
            story.append(_figure(block, st, w, h, f"g{counts['g']}"))
        elif isinstance(block, Contents):
            story += [RLParagraph(escape(block.title), st["toc-title"])]
            story += _contents(lists[block.kind], block.kind, st, frame_w[False], pages)
    if state["body"]:  # BodyStart as the last block: an empty body still starts on a page of its own
        story += [RLPageBreak(), _BodyMark()]
    return story


def _contents_entries(blocks: list) -> dict[str, list[tuple[str, str, str]]]:
    """The lines of each list, as (style, text, bookmark key): keys numbered in the order _story numbers them."""
    out: dict[str, list] = {"isi": [], "tabel": [], "gambar": []}
    counts = {"h": 0, "t": 0, "g": 0}
    for b in blocks:
        if isinstance(b, Heading):
            counts["h"] += 1
            if b.level <= 2:
                out["isi"].append((f"toc{b.level}", b.text, f"h{counts['h']}"))
        elif isinstance(b, Table):
            counts["t"] += 1
            out["tabel"].append(("toc-caption", b.caption, f"t{counts['t']}"))
        elif isinstance(b, Figure):
            counts["g"] += 1
            out["gambar"].append(("toc-caption", b.caption, f"g{counts['g']}"))
    return out


_EMPTY_LIST = {
    "isi": "Dokumen ini belum memiliki judul bab.",
    "tabel": "Dokumen ini tidak memuat tabel.",
    "gambar": "Dokumen ini tidak memuat gambar.",
}


def _contents(entries: list, kind: str, st: dict, width: float, pages: dict | None) -> list:
    """One line per heading or caption with its printed page, linked to it.

    The layout pass prints a stand-in number in the same one-line page column, so both passes
    have the same lines and heights, and the pages found in the first hold in the second.
    """
    if not entries:
        return [RLParagraph(escape(_EMPTY_LIST[kind]), st["body"])]
    rows = []
    for style, text, key in entries:
        page = pages.get(key, "") if pages is not None else "000"
        link = f'<a href="#{key}">{escape(text)}</a>'
        rows.append([RLParagraph(link, st[style]), RLParagraph(page, st["toc-page"])])
    table = RLTable(rows, colWidths=[width - 1.5 * cm, 1.5 * cm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return [table, Spacer(1, 12)]


TABLE_PART_ROWS = 500  # rows of one ReportLab table; a longer LKIP table is drawn as several


class _Table(RLTable):
    """A table drawn only in the final pass (the layout pass needs its size, not its ink)."""

    def draw(self):
        if not isinstance(self.canv, _DryCanvas):
            super().draw()


def _table(t: Table, st: dict, width: float, key: str, split_rows: bool = False) -> list:
    """Caption (once, above), table and notes; ``key`` bookmarks the caption. Cells that fit their column are plain strings (fast to lay out); longer text wraps."""
    widths = [f * width for f in t.widths]
    data = [[RLParagraph(escape(x), st["cell-bold"]) for x in t.labels]]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(DOCUMENT["garis_tabel"])),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(DOCUMENT["kepala_tabel"])),
        ("FONT", (0, 1), (-1, -1), FONT, CELL_PT, CELL_PT + 2),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("ALIGN", (j, 1), (j, -1), "RIGHT") for j in range(len(t.labels)) if t.numeric(j)]
    for i, row in enumerate(t.rows):
        font = f"{FONT}-Bold" if i in t.emphasis else FONT
        cells = []
        for j, v in enumerate(row):
            if t.numeric(j) or pdfmetrics.stringWidth(v, font, CELL_PT) <= widths[j] - 6:
                cells.append(v)
            else:  # wraps; a leading indent (hierarchy depth, em spaces) becomes the paragraph's indent
                depth = len(v) - len(v.lstrip("\u2003"))
                style = st["cell-bold" if i in t.emphasis else "cell"]
                if depth:
                    style = ParagraphStyle(f"{style.name}-{depth}", parent=style, leftIndent=depth * CELL_PT)
                cells.append(RLParagraph(escape(v.lstrip("\u2003")), style))
        data.append(cells)
    # ReportLab lays out what is left of a table again at each page break (quadratic in its rows):
    # a long table goes as parts of TABLE_PART_ROWS rows, each with the header (100.000 budget rows)
    tables = []
    for start in range(0, len(t.rows), TABLE_PART_ROWS) or [0]:
        end = start + TABLE_PART_ROWS
        part = _Table(
            [data[0], *data[1 + start : 1 + end]],
            colWidths=widths,
            repeatRows=1,
            hAlign="CENTER",
            splitInRow=1 if split_rows else 0,
        )
        bold = [
            ("FONT", (0, r - start + 1), (-1, r - start + 1), f"{FONT}-Bold", CELL_PT, CELL_PT + 2)
            for r in t.emphasis
            if start <= r < min(end, len(t.rows))
        ]
        part.setStyle(TableStyle(commands + bold))
        tables.append(part)
    caption = RLParagraph(escape(t.caption), st["caption"])
    caption._lkip_caption = key
    return (
        [caption, *tables]
        + [RLParagraph(escape(x), st["note"]) for x in note_lines(t.source, t.notes)]
        + [Spacer(1, 8)]
    )


def _figure(f: Figure, st: dict, width: float, height: float, key: str):
    """Image, caption under it (bookmarked by ``key``) and notes, kept on one page."""
    w = min(f.width_in * 72, width)
    h = w * f.height_in / f.width_in
    if h > height * 0.75:
        w, h = w * height * 0.75 / h, height * 0.75
    # from bytes in a BytesIO: ReportLab names the image by its content, and pdf_images draws it strip by strip
    caption = RLParagraph(escape(f.caption), ParagraphStyle("fig-caption", parent=st["caption"], alignment=TA_CENTER))
    caption._lkip_caption = key
    parts = [Image(io.BytesIO(f.png), width=w, height=h), caption]
    parts += [RLParagraph(escape(x), st["note"]) for x in note_lines("", [f.notes])]
    return KeepTogether(parts + [Spacer(1, 8)])
