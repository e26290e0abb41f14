"""The Word draft (python-docx): built-in styles, real tables, a TOC field, A4, page numbers.

Styles are Word's own (Title, Subtitle, Heading 1–3, Caption, List Bullet, TOC Heading,
Table Grid), so an agency restyles the draft by editing styles, or supplies
``data/<dataset>/template.docx`` with its letterhead and styles. The only fields are the
ones written here (TOC, PAGE); text from data goes into runs as plain text.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor

from lkip_helpers.palette import DOCUMENT, PALETTE, rgb
from lkip_helpers.report.artifacts import _fixed_zip
from lkip_helpers.report.dokumen.model import (
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

A4 = (Mm(210), Mm(297))
MARGIN = Cm(2.5)
TABLE_PT = 8.5
NOTE_STYLE = "Catatan LKIP"  # source and notes under tables and figures
FILL_STYLE = "Isian LKIP"  # places the agency fills in
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def write_docx(doc: Document, path: Path) -> None:
    """Write ``doc`` as a .docx file (same bytes for the same document)."""
    d = new_docx(str(doc.template)) if doc.template else new_docx()
    if doc.template:
        body = d.element.body
        for child in list(body):  # keep the template's styles, headers and page setup, not its sample text
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    _setup(d, doc)
    w = _Writer(d)
    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        w.add(block, wide)
    buffer = io.BytesIO()
    d.save(buffer)
    Path(path).write_bytes(_fixed_zip(buffer.getvalue()))


def _setup(d, doc: Document) -> None:
    props = d.core_properties
    props.title, props.author, props.language = doc.title, "lkip_helpers", "id-ID"
    props.comments = "Draf disusun dari data; lengkapi bagian bertanda [diisi …]."
    styles = d.styles
    normal = styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "id-ID")  # Indonesian spell-checking
    if NOTE_STYLE not in [s.name for s in styles]:
        s = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.size = Pt(8)
        s.font.color.rgb = RGBColor.from_string(rgb(DOCUMENT["catatan_word"]))
        s.paragraph_format.space_after = Pt(2)
    if FILL_STYLE not in [s.name for s in styles]:
        s = styles.add_style(FILL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.italic = True
        s.font.color.rgb = RGBColor.from_string(rgb(DOCUMENT["isian"]))
    sec = d.sections[0]
    sec.page_width, sec.page_height = A4
    sec.orientation = WD_ORIENT.PORTRAIT
    if not doc.template:
        sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = MARGIN
    if doc.marks:
        p = sec.header.paragraphs[0] if sec.header.paragraphs else sec.header.add_paragraph()
        r = p.add_run(doc.mark_line)
        r.bold = True
        r.font.color.rgb = RGBColor.from_string(rgb(PALETTE["bahaya"]))
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = sec.footer.paragraphs[0] if sec.footer.paragraphs else sec.footer.add_paragraph()
    p.add_run(f"{doc.footer} — Halaman ")
    _field(p, "PAGE", "1")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    settings = d.settings.element
    update = OxmlElement("w:updateFields")  # Word offers to fill the TOC and page numbers on opening
    update.set(qn("w:val"), "true")
    later = [el for el in settings if el.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}]
    if later:  # the schema fixes the order of settings; Word may refuse a file that breaks it
        later[0].addprevious(update)
    else:
        settings.append(update)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, TOC) written by this module: never with text from data."""

    def fld(kind):
        r = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        r._r.append(el)

    fld("begin")
    r = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    r._r.append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


class _Writer:
    def __init__(self, d):
        self.d = d
        self.landscape = False
        self.pending_break = False
        self.fresh = True  # at the top of a page
        self.ids = {s.name: s.style_id for s in d.styles}
        self.names = set(self.ids)

    def style(self, name: str, fallback: str = "Normal") -> str:
        return name if name in self.names else fallback

    def para(self, text: str = "", style: str = "Normal"):
        """A paragraph in a style given by name (looked up once: python-docx's lookup scans every style)."""
        p = self.d.add_paragraph(text)
        if style in self.ids and style != "Normal":
            p._p.style = self.ids[style]
        return p

    def text_width(self):
        s = self.d.sections[-1]
        return s.page_width - s.left_margin - s.right_margin

    def text_height(self):
        s = self.d.sections[-1]
        return s.page_height - s.top_margin - s.bottom_margin

    def _orient(self, landscape: bool) -> None:
        """Start a new section when the orientation changes (a section break is also a page break)."""
        if landscape == self.landscape:
            if self.pending_break and not self.fresh:
                self.d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                self.fresh = True
            self.pending_break = False
            return
        prev = self.d.sections[-1]
        sec = self.d.add_section(WD_SECTION.NEW_PAGE)
        sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short, long_ = min(prev.page_width, prev.page_height), max(prev.page_width, prev.page_height)
        sec.page_width, sec.page_height = (long_, short) if landscape else (short, long_)
        sec.left_margin, sec.right_margin = prev.top_margin, prev.bottom_margin
        sec.top_margin, sec.bottom_margin = prev.left_margin, prev.right_margin
        self.landscape, self.pending_break, self.fresh = landscape, False, True

    def add(self, block, wide: bool = False) -> None:
        if isinstance(block, PageBreak):
            self.pending_break = True
            return
        self._orient(wide)
        self.fresh = False
        if isinstance(block, Heading):
            self.para(block.text, self.style(f"Heading {block.level}"))
        elif isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Figure):
            self.figure(block)
        elif isinstance(block, Contents):
            self.para(block.title, self.style("TOC Heading", "Heading 1"))
            p = self.para()
            _field(
                p,
                'TOC \\o "1-3" \\h \\z \\u',
                "Klik kanan di sini lalu pilih “Perbarui Bidang” (Update Field) untuk menyusun daftar isi.",
            )

    def paragraph(self, block: Paragraph) -> None:
        style = {
            "bullet": self.style("List Bullet"),
            "placeholder": self.style(FILL_STYLE),
            "note": self.style(NOTE_STYLE),
            "cover": self.style("Title"),
            "cover-sub": self.style("Subtitle"),
        }.get(block.style, "Normal")
        p = self.para("", style)
        for run in block.runs:
            r = p.add_run(run.text)
            r.bold = run.bold or None
            r.italic = run.italic or None
            if block.style == "placeholder":
                r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if block.align in ("center", "right"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if block.align == "center" else WD_ALIGN_PARAGRAPH.RIGHT

    def caption(self, text: str, keep_with_next: bool):
        p = self.para(text, self.style("Caption"))
        p.paragraph_format.keep_with_next = keep_with_next
        return p

    def notes(self, source: str, notes: list[str], artifact_id: str) -> None:
        """Source and artifact id under a table or figure, then its notes."""
        for line in note_lines(source, notes, artifact_id):
            self.para(line, self.style(NOTE_STYLE))

    def table(self, t: Table) -> None:
        self.caption(t.caption, True)
        style = self.d.styles["Table Grid"].style_id if "Table Grid" in self.names else None
        widths = [int(self.text_width() * f / 635) for f in t.widths]  # EMU -> twentieths of a point
        body = self.d.element.body
        tbl = parse_xml(table_xml(t, widths, style))
        if len(body) and body[-1].tag == qn("w:sectPr"):  # the body's last child is its page setup
            body[-1].addprevious(tbl)
        else:
            body.append(tbl)
        self.notes(t.source, t.notes, t.id)

    def figure(self, f: Figure) -> None:
        from docx.shared import Inches

        width = min(Inches(f.width_in), self.text_width())
        height = width * f.height_in / f.width_in
        limit = int(self.text_height() * 0.8)
        if height > limit:
            width, height = int(width * limit / height), limit
        self.d.add_picture(str(f.image), width=int(width))
        pic = self.d.paragraphs[-1]
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic.paragraph_format.keep_with_next = True
        self.caption(f.caption, False).alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.notes("", [f.notes] if f.notes else [], f.id)


def table_xml(t: Table, widths: list[int], style: str | None) -> str:
    """A Word table as WordprocessingML: header row repeated on every page, no row split across pages.

    Written as XML in one piece because python-docx's cell-by-cell API costs seconds on
    a report's tables; every cell text is escaped, so data stays text.
    """
    size = int(TABLE_PT * 2)  # half-points
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        + (f'<w:tblStyle w:val="{style}"/>' if style else "")
        + f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    for i, values in enumerate([t.labels] + t.rows):
        header = i == 0
        bold = header or (i - 1) in t.emphasis
        parts.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        for j, value in enumerate(values):
            shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{rgb(DOCUMENT["kepala_tabel"])}"/>' if header else ""
            keep = "<w:keepNext/>" if header else ""  # pPr children in schema order: keepNext, spacing, jc
            align = '<w:jc w:val="right"/>' if t.numeric(j) and not header else ""
            rpr = ("<w:b/>" if bold else "") + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/>{shade}</w:tcPr>'
                f'<w:p><w:pPr>{keep}<w:spacing w:before="0" w:after="0"/>{align}</w:pPr>'
                f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(value)}</w:t></w:r></w:p></w:tc>'
            )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
