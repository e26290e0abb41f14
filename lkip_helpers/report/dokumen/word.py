"""The Word draft (python-docx): named styles, real tables, caption and TOC fields, A4, page numbers.

Everything is formatted through styles, so an agency restyles the whole draft at once by
editing them, or supplies ``data/<dataset>/template.docx`` with its letterhead and styles
(styles the template lacks are added). The styles: Word's own Title, Subtitle, Heading 1–3,
List Bullet, Caption and TOC Heading, plus "Tabel LKIP" (every table), "Teks Tabel LKIP"
(table text), "Catatan LKIP" (source and notes) and "Isian LKIP" (places to fill).

Captions are Word captions (``SEQ Tabel``/``SEQ Gambar`` fields), so Word builds the Daftar
Tabel and Daftar Gambar; the only fields are the ones written here (SEQ, TOC, PAGE), and
text from data goes into runs as plain text.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Inches, Mm, Pt, RGBColor

from lkip_helpers.errors import DataError
from lkip_helpers.palette import DOCUMENT, PALETTE, rgb
from lkip_helpers.report.artifacts import _fixed_zip
from lkip_helpers.report.dokumen._docx_compat import (
    move_section_properties,
    run_element,
    section_properties,
    set_paragraph_style_id,
)
from lkip_helpers.report.dokumen.model import (
    BodyStart,
    Contents,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    landscape_flags,
    note_lines,
)

A4 = (Mm(210), Mm(297))
MARGIN = Cm(2.5)
TABLE_PT = 8.5
TABLE_STYLE = "Tabel LKIP"  # every table: borders, cell margins, header row
TABLE_TEXT_STYLE = "Teks Tabel LKIP"  # the text in table cells
NOTE_STYLE = "Catatan LKIP"  # source and notes under tables and figures
FILL_STYLE = "Isian LKIP"  # places the agency fills in
TOC_STYLE = "TOC Heading"  # titles of the Daftar Isi/Tabel/Gambar: not an outline level, so not listed
TOC_FIELDS = {
    "isi": 'TOC \\o "1-3" \\h \\z \\u',
    "tabel": 'TOC \\h \\z \\c "Tabel"',
    "gambar": 'TOC \\h \\z \\c "Gambar"',
}
TOC_SHOWN = "Perbarui bidang (F9) untuk menyusun daftar."
_LABEL = re.compile(r"^(?P<word>[A-Za-z]+)\s+(?P<prefix>(?:[\dA-Z]+\.)*)(?P<number>\d+)$")
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
    Path(path).write_bytes(_docx_bytes(doc))


def check_template(path: Path) -> None:
    """Refuse a ``template.docx`` python-docx cannot build the draft on (one line naming the file).

    A trial draft is written on it in memory: a zip without ``word/styles.xml``, a broken part or a file that is no
    zip at all then fails here, in ``lkip validate``, not at the end of a build.
    """
    import zipfile

    what = "bukan dokumen Word yang dapat dipakai sebagai templat"
    todo = "buka di Word lalu simpan ulang sebagai .docx, atau hapus file ini"
    try:
        with zipfile.ZipFile(path) as z:
            if any(i.file_size > TEMPLATE_MAX_BYTES for i in z.infolist()):  # not unpacked: a zip bomb stays packed
                raise DataError(path, f"{what} (bagian di dalamnya lebih dari {TEMPLATE_MAX_BYTES >> 20} MB); {todo}")
        trial = Document(blocks=[Heading("Uji", 1), Paragraph([Run("Uji")])], title="Uji", footer="Uji", template=path)
        _docx_bytes(trial)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 — python-docx fails in many ways (KeyError, lxml, zip): each means the same
        missing = re.search(r"no item named '([^']+)'", str(exc))  # the one cause worth naming: a part left out
        reason = f" (bagian {missing.group(1)} tidak ada)" if missing else ""
        raise DataError(path, f"{what}{reason}; {todo}") from None


TEMPLATE_MAX_BYTES = 64 * 1024 * 1024  # a letterhead's parts are kilobytes; more is not a template


def _docx_bytes(doc: Document) -> bytes:
    """The .docx file of ``doc``."""
    d = new_docx(str(doc.template)) if doc.template else new_docx()
    if doc.template:
        body = d.element.body
        for child in list(body):  # keep the template's styles, headers and page setup, not its sample text
            if child.tag != qn("w:sectPr"):
                body.remove(child)
    _properties(d, doc)
    _styles(d, own=not doc.template)
    front = any(isinstance(b, BodyStart) for b in doc.blocks)  # without a body start, all pages are 1, 2, 3
    _first_section(d, doc, front)
    _settings(d)
    w = _Writer(d, front)
    for block, wide in zip(doc.blocks, landscape_flags(doc.blocks)):
        w.add(block, wide)
    buffer = io.BytesIO()
    d.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _properties(d, doc: Document) -> None:
    """Core properties: the agency's, never the tool's (python-docx's defaults name itself)."""
    props = d.core_properties
    props.title, props.author, props.last_modified_by = doc.title, doc.author, doc.author
    props.language, props.comments = "id-ID", ""
    props.subject = props.keywords = props.category = ""


# --- styles ----------------------------------------------------------------------------


def _styles(d, own: bool) -> None:
    """Add the styles the draft uses and the template lacks; ``own``: no template, so shape Word's defaults too."""
    styles = d.styles
    names = {s.name for s in styles}
    normal = styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "id-ID")  # Indonesian spell-checking

    def add(name, base=normal):
        s = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = base
        names.add(name)
        return s

    for level, size in ((1, 16), (2, 13), (3, 11.5)):
        name = f"Heading {level}"
        if name not in names:  # a template made in Word keeps only the styles it uses
            s = add(name)
            s.font.bold, s.font.size = True, Pt(size)
            s.font.color.rgb = RGBColor.from_string(rgb(PALETTE["utama"]))
            s.paragraph_format.space_before, s.paragraph_format.space_after = Pt(12), Pt(6)
            _outline(s, level - 1)  # what the Daftar Isi lists
        styles[name].paragraph_format.keep_with_next = True  # never a heading alone at the foot of a page
    for name, size in (("Title", 24), ("Subtitle", 14)):
        if name not in names:
            s = add(name)
            s.font.size, s.font.bold = Pt(size), name == "Title"
    if "Caption" not in names or own:
        s = styles["Caption"] if "Caption" in names else add("Caption")
        s.font.bold, s.font.size = True, Pt(9)
        s.font.color.rgb = RGBColor.from_string(rgb(PALETTE["utama"]))
        s.paragraph_format.space_before, s.paragraph_format.space_after = Pt(6), Pt(3)
    if TOC_STYLE not in names:
        s = add(TOC_STYLE)
        s.font.bold, s.font.size = True, Pt(16)
        s.paragraph_format.space_after = Pt(12)
    _outline(styles[TOC_STYLE], 9)  # body text level: the Daftar Isi's own title is not one of its entries
    if NOTE_STYLE not in names:
        s = add(NOTE_STYLE)
        s.font.size = Pt(8)
        s.font.color.rgb = RGBColor.from_string(rgb(DOCUMENT["catatan_word"]))
        s.paragraph_format.space_after = Pt(2)
    if FILL_STYLE not in names:
        s = add(FILL_STYLE)
        s.font.italic = True
        s.font.color.rgb = RGBColor.from_string(rgb(DOCUMENT["isian"]))
    if TABLE_TEXT_STYLE not in names:
        s = add(TABLE_TEXT_STYLE)
        s.font.size = Pt(TABLE_PT)
        pf = s.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing = 1.0
    if TABLE_STYLE not in names:
        styles.element.append(parse_xml(_table_style_xml(styles)))


def _outline(style, level: int) -> None:
    """Set a paragraph style's outline level (0 = Heading 1 … 9 = body text)."""
    ppr = style.element.get_or_add_pPr()
    el = ppr.find(qn("w:outlineLvl"))
    if el is None:
        el = OxmlElement("w:outlineLvl")
        ppr.insert_element_before(el, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    el.set(qn("w:val"), str(level))


def _table_style_xml(styles) -> str:
    """The "Tabel LKIP" table style: grid borders, cell margins, a bold shaded header row."""
    ids = {s.style_id for s in styles}
    based = '<w:basedOn w:val="TableNormal"/>' if "TableNormal" in ids else ""
    line = rgb(DOCUMENT["garis_tabel"])
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{line}"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    margins = '<w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'  # fmt: skip
    return (
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="{_free_id(ids, "TabelLKIP")}">'
        f'<w:name w:val="{TABLE_STYLE}"/>{based}<w:uiPriority w:val="59"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        f"<w:tblPr><w:tblBorders>{borders}</w:tblBorders><w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>"
        '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{rgb(DOCUMENT["kepala_tabel"])}"/></w:tcPr>'
        "</w:tblStylePr></w:style>"
    )


def _free_id(ids: set[str], want: str) -> str:
    """A style id not taken yet (a template may use the id for another style)."""
    n, sid = 1, want
    while sid in ids:
        n += 1
        sid = f"{want}{n}"
    return sid


# --- page furniture ----------------------------------------------------------------------------


def _first_section(d, doc: Document, front: bool) -> None:
    """A4 portrait, numbered i, ii, iii if it holds the ``front`` matter; header (marks) and footer for all sections."""
    sec = d.sections[0]
    sec.page_width, sec.page_height = A4
    sec.orientation = WD_ORIENT.PORTRAIT
    if not doc.template:
        sec.left_margin = sec.right_margin = sec.top_margin = sec.bottom_margin = MARGIN
    _page_numbers(sec, "lowerRoman" if front else "decimal")
    if doc.mark_line:
        p = _free_paragraph(sec.header)
        r = p.add_run(doc.mark_line)
        r.bold = True
        r.font.color.rgb = RGBColor.from_string(rgb(PALETTE["bahaya"]))
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = _free_paragraph(sec.footer)
    p.add_run(f"{doc.footer} — Halaman ")
    _field(p, "PAGE", "1")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _free_paragraph(part):
    """The header's or footer's empty first paragraph, or a new one (a template's letterhead stays as it is)."""
    paragraphs = part.paragraphs
    if len(paragraphs) == 1 and not paragraphs[0].text:
        return paragraphs[0]
    return part.add_paragraph()


def _page_numbers(section, fmt: str, start: int | None = None) -> None:
    """Set how a section numbers its pages (``start`` None: continue from the section before)."""
    sect_pr = section_properties(section)
    el = sect_pr.find(qn("w:pgNumType"))
    if el is None:
        el = OxmlElement("w:pgNumType")
        sect_pr.insert_element_before(
            el, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
            "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
        )  # fmt: skip
    el.attrib.clear()
    el.set(qn("w:fmt"), fmt)
    if start is not None:
        el.set(qn("w:start"), str(start))


def _settings(d) -> None:
    settings = d.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")  # Word offers to fill the lists and page numbers on opening
        later = [el for el in settings if el.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}]
        if later:  # the schema fixes the order of settings; Word may refuse a file that breaks it
            later[0].addprevious(update)
        else:
            settings.append(update)
    update.set(qn("w:val"), "true")


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SEQ, TOC) written by this module: never with text from data."""

    def fld(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run_element(paragraph.add_run()).append(el)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_element(paragraph.add_run()).append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def split_label(label: str) -> tuple[str, str, int] | None:
    """A printed label as caption parts: word (the SEQ name), chapter prefix, number; None if it has no number.

    >>> split_label("Tabel 3.1"), split_label("Gambar 4"), split_label("Tabel L.2"), split_label("Lampiran A")
    (('Tabel', '3.', 1), ('Gambar', '', 4), ('Tabel', 'L.', 2), None)
    """
    m = _LABEL.match(label.strip())
    return (m["word"], m["prefix"], int(m["number"])) if m else None


# --- the body ----------------------------------------------------------------------------


class _Writer:
    """Adds the blocks in order, keeping track of orientation, page breaks, sections and caption numbers."""

    def __init__(self, d, front: bool):
        self.d = d
        self.landscape = False
        self.body = not front  # past BodyStart and its section break (or no front matter at all)
        self.pending_body = False  # BodyStart seen: the next block opens the body's first section
        self.pending_break = False  # a PageBreak waits for the next block
        self.fresh = True  # at the top of a page: a page break there would leave an empty page
        self.seq: dict[str, tuple[str, int]] = {}  # SEQ name -> (prefix, number) of its last caption
        self.ids = {s.name: s.style_id for s in d.styles}
        self.table_style = self.ids[TABLE_STYLE]

    def style(self, name: str, fallback: str = "Normal") -> str:
        return name if name in self.ids else fallback

    def para(self, text: str = "", style: str = "Normal"):
        """A paragraph in a style given by name (looked up once: python-docx's lookup scans every style).

        The first paragraph after a PageBreak block starts the new page (``pageBreakBefore``,
        which leaves no empty paragraph behind as a break character would).
        """
        p = self.d.add_paragraph(text)
        if style in self.ids and style != "Normal":
            set_paragraph_style_id(p, self.ids[style])
        if self.pending_break:
            p.paragraph_format.page_break_before = True
            self.pending_break = False
        return p

    def text_width(self):
        s = self.d.sections[-1]
        return s.page_width - s.left_margin - s.right_margin

    def text_height(self):
        s = self.d.sections[-1]
        return s.page_height - s.top_margin - s.bottom_margin

    def _place(self, landscape: bool) -> None:
        """Open a new section when the body starts or the orientation changes: one break does both."""
        if landscape == self.landscape and not self.pending_body:
            if self.fresh:  # a page break at the top of a page would leave it empty
                self.pending_break = False
            return
        prev = self.d.sections[-1]
        sec = self.d.add_section(WD_SECTION.NEW_PAGE)  # a new page already: no page break on top of it
        self._close_section()
        if landscape != self.landscape:
            sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            sec.page_width, sec.page_height = prev.page_height, prev.page_width
            sec.left_margin, sec.right_margin = prev.top_margin, prev.bottom_margin
            sec.top_margin, sec.bottom_margin = prev.left_margin, prev.right_margin
        if self.pending_body:
            _page_numbers(sec, "decimal", 1)
            self.body, self.pending_body = True, False
        elif self.body:
            _page_numbers(sec, "decimal")  # an orientation change continues the numbers
        else:
            _page_numbers(sec, "lowerRoman")
        self.landscape, self.pending_break = landscape, False

    def _close_section(self) -> None:
        """Move the ended section's setup into its last paragraph rather than the empty one python-docx adds.

        An empty paragraph at the end of a full page would spill onto a blank page of its own.
        A section ending in a table keeps the empty paragraph (Word needs one after a table),
        and so does one ending in a field (a TOC replaces its paragraphs when Word fills it).
        """
        body = self.d.element.body
        holder = body[-2]  # the paragraph python-docx added to hold the ended section's setup
        last = holder.getprevious()
        if last is None or last.tag != qn("w:p") or last.xpath("./w:pPr/w:sectPr | .//w:fldChar"):
            return
        move_section_properties(last.get_or_add_pPr(), holder.pPr.sectPr)
        body.remove(holder)

    def add(self, block, wide: bool = False) -> None:
        if isinstance(block, PageBreak):
            self.pending_break = True
            return
        if isinstance(block, BodyStart):
            self.pending_body = True
            return
        self._place(wide)
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
            self.para(block.title, self.style(TOC_STYLE))
            _field(self.para(), TOC_FIELDS[block.kind], TOC_SHOWN)

    def paragraph(self, block: Paragraph) -> None:
        style = {
            "bullet": self.style("List Bullet"),
            "placeholder": self.style(FILL_STYLE),
            "note": self.style(NOTE_STYLE),
            "cover": self.style("Title"),
            "cover-sub": self.style("Subtitle"),
        }.get(block.style, "Normal")
        p = self.para("", style)
        runs = block.runs
        if block.style == "bullet" and style == "Normal":  # a template without List Bullet: keep the bullet
            p.add_run("• ")
        for run in runs:
            r = p.add_run(run.text)
            r.bold = run.bold or None
            r.italic = run.italic or None
            if block.style == "placeholder":
                r.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if block.align in ("center", "right"):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if block.align == "center" else WD_ALIGN_PARAGRAPH.RIGHT

    def caption(self, label: str, title: str, keep_with_next: bool):
        """A Word caption: "Tabel 3." + a SEQ field showing 1 + " title", listed by TOC \\c "Tabel".

        The chapter prefix is plain text; the first caption of each chapter restarts the
        sequence (``\\r``), so Word's own renumbering gives back the printed numbers.
        """
        p = self.para("", self.style("Caption"))
        p.paragraph_format.keep_with_next = keep_with_next
        parts = split_label(label)
        if parts is None:  # no number to count: the caption as plain text
            p.add_run(f"{label} {title}".strip())
            return p
        word, prefix, number = parts
        last = self.seq.get(word)
        restart = last is None or last[0] != prefix or last[1] + 1 != number
        self.seq[word] = (prefix, number)
        p.add_run(f"{word} {prefix}")
        _field(p, f"SEQ {word} \\* ARABIC" + (f" \\r {number}" if restart else ""), str(number))
        if title:
            p.add_run(f" {title}")
        return p

    def notes(self, source: str, notes: list[str]) -> None:
        """Source and notes under a table or figure."""
        for line in note_lines(source, notes):
            self.para(line, self.style(NOTE_STYLE))

    def table(self, t: Table) -> None:
        self.caption(t.label, t.title, True)
        fractions = t.widths or [1 / len(t.labels)] * len(t.labels)
        widths = [int(self.text_width() * f / 635) for f in fractions]  # EMU -> twentieths of a point
        body = self.d.element.body
        tbl = parse_xml(table_xml(t, widths, self.table_style, self.ids.get(TABLE_TEXT_STYLE)))
        if len(body) and body[-1].tag == qn("w:sectPr"):  # the body's last child is its page setup
            body[-1].addprevious(tbl)
        else:
            body.append(tbl)
        self.notes(t.source, t.notes)

    def figure(self, f: Figure) -> None:
        """The picture, centred and kept with its caption under it."""
        width = min(Inches(f.width_in), self.text_width())
        height = width * f.height_in / f.width_in
        limit = int(self.text_height() * 0.8)
        if height > limit:
            width = int(width * limit / height)
        pic = self.para()
        pic.add_run().add_picture(io.BytesIO(f.png), width=Emu(int(width)))
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic.paragraph_format.keep_with_next = True
        self.caption(f.label, f.title, bool(f.notes)).alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.notes("", [f.notes] if f.notes else [])


def table_xml(t: Table, widths: list[int], style: str, text_style: str | None = None) -> str:
    """A Word table as WordprocessingML in the table style ``style`` (an id): header row repeated, rows unsplit.

    Borders, the header's bold and shading come from the style; only emphasis rows (totals)
    are bold here and numeric columns right-aligned. Written as XML in one piece because
    python-docx's cell-by-cell API costs seconds on a report's tables; every cell text is
    escaped, so data stays text.
    """
    pstyle = f'<w:pStyle w:val="{text_style}"/>' if text_style else ""
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{style}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    for i, values in enumerate([t.labels] + t.rows):
        header = i == 0
        rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if (i - 1) in t.emphasis else ""
        parts.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>")
        for j, value in enumerate(values):
            keep = "<w:keepNext/>" if header else ""  # pPr children in schema order: pStyle, keepNext, jc
            align = '<w:jc w:val="right"/>' if t.numeric(j) and not header else ""
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[j]}" w:type="dxa"/></w:tcPr>'
                f"<w:p><w:pPr>{pstyle}{keep}{align}</w:pPr>"
                f'<w:r>{rpr}<w:t xml:space="preserve">{escape(value)}</w:t></w:r></w:p></w:tc>'
            )
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)
