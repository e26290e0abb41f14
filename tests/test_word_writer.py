"""The Word writer on a small hand-made document: styles, caption fields, lists, sections, page numbers."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx import Document as open_docx
from PIL import Image

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
)
from lkip_helpers.report.dokumen.word import split_label, write_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AUTHOR = "Dinas Contoh Provinsi Contoh"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 78, 121)).save(buf, format="PNG")
    return buf.getvalue()


def _table(label: str, title: str, landscape: bool = False) -> Table:
    return Table(
        label,
        title,
        ["Uraian", "Pagu (Rp)"],
        ["text", "rp"],
        [["Belanja =1+1 <b>", "9.051.591.780"], ["Jumlah", "9.051.591.780"]],
        emphasis={1},
        notes=["angka sementara"],
        source="DPA 2024",
        widths=[0.6, 0.4],
        landscape=landscape,
    )


def _model(template=None) -> Document:
    return Document(
        [
            Paragraph([Run("LAPORAN KINERJA INSTANSI PEMERINTAH")], "cover", "center"),
            PageBreak(),
            Contents("isi"),
            PageBreak(),
            Contents("tabel"),
            PageBreak(),
            Contents("gambar"),
            BodyStart(),
            PageBreak(),
            Heading("BAB I PENDAHULUAN", 1),
            Paragraph([Run("Teks pembuka.")]),
            _table("Tabel 1.1", "Pagu Anggaran"),
            _table("Tabel 1.2", "Realisasi Anggaran"),
            PageBreak(),
            _table("Tabel 3.1", "Capaian Indikator", landscape=True),
            Figure("Gambar 3.1", "Tren Capaian", _png(), 4.0, 2.0, notes="data 2024"),
            Heading("BAB IV PENUTUP", 1),
            Paragraph([Run("Kesimpulan.")]),
        ],
        title="LKIP Dinas Contoh 2024",
        footer="LKIP Dinas Contoh 2024",
        author=AUTHOR,
        marks=["DRAF"],
        template=template,
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("word") / "out.docx"
    write_docx(_model(), path)
    with zipfile.ZipFile(path) as z:
        return path, z.read("word/document.xml").decode(), z.read("word/styles.xml").decode()


def _instructions(xml: str) -> list[str]:
    return [m.strip() for m in re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)]


def test_split_label():
    assert split_label("Tabel 3.1") == ("Tabel", "3.", 1)
    assert split_label("Tabel 4") == ("Tabel", "", 4)
    assert split_label("Gambar 2.10") == ("Gambar", "2.", 10)
    assert split_label("Lampiran A") is None


def test_caption_fields_restart_per_chapter(written):
    _, xml, _ = written
    seq_tabel = [i for i in _instructions(xml) if i.startswith("SEQ Tabel")]
    seq_gambar = [i for i in _instructions(xml) if i.startswith("SEQ Gambar")]
    assert len(seq_tabel) == 3 and len(seq_gambar) == 1
    first, second, third = seq_tabel  # Tabel 1.1, 1.2, 3.1
    assert "\\r 1" in first and "\\r" not in second and "\\r 1" in third
    assert all("\\* ARABIC" in i for i in seq_tabel + seq_gambar)
    assert "\\r 1" in seq_gambar[0]


def test_captions_read_as_printed(written):
    path, _, _ = written
    paragraphs = open_docx(str(path)).paragraphs
    texts = [p.text for p in paragraphs]
    captions = [p.text for p in paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Tabel 1.1 Pagu Anggaran",
        "Tabel 1.2 Realisasi Anggaran",
        "Tabel 3.1 Capaian Indikator",
        "Gambar 3.1 Tren Capaian",
    ]
    # the figure's caption is under the picture: the paragraph before it holds the drawing
    k = next(i for i, p in enumerate(paragraphs) if p.text == "Gambar 3.1 Tren Capaian")
    assert paragraphs[k - 1]._p.xpath(".//w:drawing")
    assert "Sumber: DPA 2024" in texts and "Catatan: angka sementara" in texts


def test_every_table_in_the_named_style(written):
    path, xml, styles = written
    d = open_docx(str(path))
    style = next(s for s in d.styles if s.name == "Tabel LKIP")
    assert style.type == 3  # WD_STYLE_TYPE.TABLE
    assert style.element.find(f"{W}tblStylePr[@{W}type='firstRow']") is not None
    assert len(d.tables) == 3
    for t in d.tables:
        assert t._tbl.tblPr.find(f"{W}tblStyle").get(f"{W}val") == style.style_id
    assert 'w:fill="DCE6F0"' in styles and "w:shd" not in xml  # header shading only from the style
    assert "Belanja =1+1 &lt;b&gt;" in xml  # data text stays text


def test_contents_fields(written):
    path, xml, _ = written
    instructions = _instructions(xml)
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions
    assert 'TOC \\h \\z \\c "Tabel"' in instructions
    assert 'TOC \\h \\z \\c "Gambar"' in instructions
    d = open_docx(str(path))
    titles = [p for p in d.paragraphs if p.text in ("Daftar Isi", "Daftar Tabel", "Daftar Gambar")]
    assert len(titles) == 3 and all(p.style.name == "TOC Heading" for p in titles)
    outline = d.styles["TOC Heading"].element.find(f"{W}pPr/{W}outlineLvl")
    assert outline.get(f"{W}val") == "9"  # not an entry of the Daftar Isi


def test_sections_and_page_numbers(written):
    path, xml, _ = written
    d = open_docx(str(path))
    assert len(d.sections) == 4  # front matter, body portrait, landscape table, back to portrait
    orient = [s.page_width > s.page_height for s in d.sections]
    assert orient == [False, False, True, False]
    numbers = [s._sectPr.find(f"{W}pgNumType") for s in d.sections]
    assert numbers[0].get(f"{W}fmt") == "lowerRoman" and numbers[0].get(f"{W}start") is None
    assert numbers[1].get(f"{W}fmt") == "decimal" and numbers[1].get(f"{W}start") == "1"
    for n in numbers[2:]:
        assert n.get(f"{W}fmt") == "decimal" and n.get(f"{W}start") is None
    assert 'w:type="page"' not in xml  # page breaks are pageBreakBefore, never empty paragraphs
    # a PageBreak right before a section break adds nothing: the section break is the new page
    breaks = [p.text for p in d.paragraphs if p.paragraph_format.page_break_before]
    assert breaks == ["Daftar Isi", "Daftar Tabel", "Daftar Gambar"]
    # the ended sections' setup sits in their last paragraph, except after a TOC field (Word rewrites it)
    holders = [p.text for p in d.paragraphs if p._p.xpath("./w:pPr/w:sectPr")]
    assert holders == ["", "Catatan: angka sementara", "Catatan: angka sementara"]
    footer = d.sections[0].footer.paragraphs[-1]
    assert footer.text.startswith("LKIP Dinas Contoh 2024 — Halaman")
    assert " PAGE " in footer._p.xml
    assert "DRAF" in d.sections[0].header.paragraphs[0].text


def test_no_tool_text(written):
    path, _, _ = written
    d = open_docx(str(path))
    for p in d.paragraphs:
        assert "lkip_helpers" not in p.text and "id:" not in p.text
    assert d.core_properties.author == AUTHOR
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                body = z.read(name).decode()
                assert "lkip_helpers" not in body and "python-docx" not in body, name


def test_same_bytes(tmp_path, written):
    path, _, _ = written
    write_docx(_model(), tmp_path / "again.docx")
    assert (tmp_path / "again.docx").read_bytes() == path.read_bytes()


def test_template_gets_the_styles(tmp_path):
    template = open_docx()
    toc = template.styles["TOC Heading"].element  # based on Heading 1: without its own level it would be listed
    toc.remove(toc.find(f"{W}pPr"))
    template.save(tmp_path / "template.docx")
    write_docx(_model(tmp_path / "template.docx"), tmp_path / "out.docx")
    d = open_docx(str(tmp_path / "out.docx"))
    style = next(s for s in d.styles if s.name == "Tabel LKIP")
    assert len(d.tables) == 3
    assert all(t._tbl.tblPr.find(f"{W}tblStyle").get(f"{W}val") == style.style_id for t in d.tables)
    assert len(d.sections) == 4
    assert d.styles["TOC Heading"].element.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == "9"
    assert d.styles["Heading 1"].paragraph_format.keep_with_next


def test_template_without_word_styles(tmp_path):
    """A template made in Word holds only the styles it uses: the missing ones are added."""
    template = open_docx()
    for s in list(template.styles):
        if s.name in ("Heading 1", "Caption", "TOC Heading"):
            s.element.getparent().remove(s.element)
    template.save(tmp_path / "template.docx")
    write_docx(_model(tmp_path / "template.docx"), tmp_path / "out.docx")
    d = open_docx(str(tmp_path / "out.docx"))
    assert [p.style.name for p in d.paragraphs if p.text == "BAB I PENDAHULUAN"] == ["Heading 1"]
    outline = d.styles["Heading 1"].element.find(f"{W}pPr/{W}outlineLvl")
    assert outline.get(f"{W}val") == "0"  # listed in the Daftar Isi
    assert d.styles["Heading 1"].paragraph_format.keep_with_next  # never alone at the foot of a page
    assert d.styles["Caption"].font.bold and d.styles["TOC Heading"].font.size.pt == 16


def test_no_empty_first_page(tmp_path):
    """A PageBreak before anything is written would only make a blank first page."""
    model = _model()
    model.blocks.insert(0, PageBreak())
    write_docx(model, tmp_path / "out.docx")
    first = open_docx(str(tmp_path / "out.docx")).paragraphs[0]
    assert first.text == "LAPORAN KINERJA INSTANSI PEMERINTAH" and not first.paragraph_format.page_break_before


def test_without_body_start_numbers_are_arabic(tmp_path):
    """A document without front matter is numbered 1, 2, 3 throughout."""
    model = _model()
    model.blocks = [b for b in model.blocks if not isinstance(b, BodyStart)]
    write_docx(model, tmp_path / "out.docx")
    d = open_docx(str(tmp_path / "out.docx"))
    assert len(d.sections) == 3  # portrait, landscape table, portrait
    numbers = [s._sectPr.find(f"{W}pgNumType") for s in d.sections]
    assert [(n.get(f"{W}fmt"), n.get(f"{W}start")) for n in numbers] == [("decimal", None)] * 3
