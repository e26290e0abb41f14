"""The PDF writer on a small hand-made document: lists of contents, tables and figures, page numbers, metadata."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

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
from lkip_helpers.report.dokumen.pdf import roman, write_pdf

AGENCY = "Dinas Contoh Provinsi Uji"
CAPTIONS = [
    "Tabel 1.1 Capaian Indikator Kinerja Utama",
    "Tabel 1.2 Realisasi Anggaran per Program",
    "Tabel 3.1 Rincian Kegiatan per Kabupaten",
    "Gambar 3.1 Tren Capaian 2019-2023",
]


def _png() -> bytes:
    """A tiny picture with transparency (the figures' usual kind)."""
    buf = io.BytesIO()
    picture = PILImage.new("RGBA", (60, 40), (30, 90, 160, 255))
    picture.paste((255, 255, 255, 0), (0, 0, 30, 20))
    picture.save(buf, format="PNG")
    return buf.getvalue()


def _table(label: str, title: str, *, wide: bool = False) -> Table:
    if wide:
        labels = ["Kabupaten"] + [f"Kolom {i}" for i in range(1, 9)]
        kinds = ["text"] + ["number"] * 8
        rows = [[f"Kabupaten {r}"] + [f"{r * i},5" for i in range(1, 9)] for r in range(1, 5)]
        widths = [0.2] + [0.1] * 8
    else:
        labels, kinds = ["Uraian", "Nilai"], ["text", "number"]
        rows = [["Baris satu", "1,0"], ["Baris dua", "2,0"], ["Baris tiga", "3,0"]]
        widths = [0.7, 0.3]
    return Table(label, title, labels, kinds, rows, source="Data uji", widths=widths, landscape=wide)


def _document() -> Document:
    body = [Paragraph([Run("Paragraf pembuka bab.")])]
    return Document(
        blocks=[
            Paragraph([Run("LAPORAN KINERJA UJI")], "cover", "center"),
            PageBreak(),
            Contents("isi"),
            Contents("tabel"),
            Contents("gambar"),
            PageBreak(),
            Heading("IKHTISAR EKSEKUTIF", 1),
            Paragraph([Run("Ringkasan.")]),
            PageBreak(),
            BodyStart(),
            Heading("BAB I PENDAHULUAN", 1),
            *body,
            _table("Tabel 1.1", "Capaian Indikator Kinerja Utama"),
            _table("Tabel 1.2", "Realisasi Anggaran per Program"),
            Heading("BAB III AKUNTABILITAS KINERJA", 1),
            _table("Tabel 3.1", "Rincian Kegiatan per Kabupaten", wide=True),
            Figure("Gambar 3.1", "Tren Capaian 2019-2023", _png(), 4.0, 3.0, notes="Angka sementara."),
        ],
        title="Laporan Kinerja Uji 2024",
        footer="LKIP Uji 2024",
        author=AGENCY,
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "lkip.pdf"
    write_pdf(_document(), path)
    reader = PdfReader(path)
    return path, reader, [page.extract_text() for page in reader.pages]


def _page_with(texts: list[str], needle: str) -> int:
    found = [i for i, t in enumerate(texts) if needle in t]
    assert len(found) == 1, (needle, found)
    return found[0]


def _listed_page(text: str, caption: str) -> str:
    """The page number printed after ``caption`` on a Daftar Isi/Tabel/Gambar page."""
    m = re.search(re.escape(caption) + r"\s+([ivxlc]+|\d+)\b", text)
    assert m, (caption, text)
    return m.group(1)


def test_roman():
    assert [roman(n) for n in (1, 2, 3, 4, 9, 14, 40)] == ["i", "ii", "iii", "iv", "ix", "xiv", "xl"]


def test_footers_roman_then_arabic(written):
    _, _, texts = written
    assert "LKIP Uji 2024 — Halaman i" in texts[0]
    ringkasan = _page_with(texts, "Ringkasan.")
    assert "Halaman iii" in texts[ringkasan]
    bab1 = _page_with(texts, "Paragraf pembuka bab.")
    assert bab1 == ringkasan + 1  # BodyStart after a PageBreak: one new page, not two
    assert "Halaman 1" in texts[bab1] and "Halaman 1" not in "".join(texts[:bab1])
    assert "Halaman 2" in texts[bab1 + 1] and "Halaman 3" in texts[bab1 + 2]


def test_page_labels_for_the_viewer(written):
    _, reader, _ = written
    assert list(reader.page_labels) == ["i", "ii", "iii", "1", "2", "3"]


def test_lists_show_the_pages(written):
    _, _, texts = written
    toc = _page_with(texts, "Daftar Isi")
    assert _listed_page(texts[toc], "IKHTISAR EKSEKUTIF") == "iii"
    assert _listed_page(texts[toc], "BAB I PENDAHULUAN") == "1"
    assert _listed_page(texts[toc], "BAB III AKUNTABILITAS KINERJA") == "2"
    tables = _page_with(texts, "Daftar Tabel")
    assert [_listed_page(texts[tables], c) for c in CAPTIONS[:3]] == ["1", "1", "2"]
    figures = _page_with(texts, "Daftar Gambar")
    assert _listed_page(texts[figures], CAPTIONS[3]) == "3"
    # each list holds its own kind only
    gambar_part = texts[figures].split("Daftar Gambar", 1)[1]
    assert "Tabel" not in gambar_part


def test_list_lines_link_to_their_targets(written):
    _, reader, texts = written
    page_of = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    lists = reader.pages[_page_with(texts, "Daftar Tabel")]
    targets = [
        page_of[a.get_object()["/Dest"][0].idnum]
        for a in lists.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    # Ikhtisar, Bab I, Bab III; Tabel 1.1, 1.2, 3.1; Gambar 3.1 (physical pages, from 0)
    assert targets == [2, 3, 4, 3, 3, 4, 5]


def test_captions_printed_once_in_the_body(written):
    _, _, texts = written
    body = texts[_page_with(texts, "Paragraf pembuka bab.") :]
    for caption in CAPTIONS:
        assert sum(t.count(caption) for t in body) == 1, caption
    figure_page = _page_with(texts, "Angka sementara.")
    text = texts[figure_page]
    assert text.index(CAPTIONS[3]) < text.index("Catatan: Angka sementara.")  # notes follow the caption
    assert "Sumber: Data uji" in body[1]  # under Tabel 3.1


def test_figure_caption_under_the_image(written):
    _, reader, texts = written
    page = reader.pages[_page_with(texts, "Angka sementara.")]
    image_bottom, caption_y = [], []

    def operand(op, args, cm, tm):
        if op == b"Do":
            image_bottom.append(cm[5])  # the image fills the unit square placed by the current matrix

    def text(t, cm, tm, font, size):
        if CAPTIONS[3] in t:
            caption_y.append(cm[5] + tm[5] * cm[3])

    page.extract_text(visitor_operand_before=operand, visitor_text=text)
    assert len(image_bottom) == 1 and len(caption_y) == 1
    assert caption_y[0] < image_bottom[0]


def test_table_caption_above_and_landscape_page(written):
    _, reader, texts = written
    page = next(i for i, t in enumerate(texts) if CAPTIONS[2] in t and "Daftar" not in t)
    assert texts[page].index(CAPTIONS[2]) < texts[page].index("Kabupaten 1")
    box = reader.pages[page].mediabox
    assert box.width > box.height
    box = reader.pages[page + 1].mediabox  # the figure after it goes back to a portrait page
    assert box.width < box.height


def test_metadata_is_the_agency_and_no_tool_text(written):
    path, reader, texts = written
    meta = reader.metadata
    assert meta.author == AGENCY and meta.creator == AGENCY
    assert meta.title == "Laporan Kinerja Uji 2024"
    assert b"lkip_helpers" not in path.read_bytes()
    for text in texts:
        assert "lkip_helpers" not in text and "id:" not in text


def test_same_document_same_bytes(written, tmp_path):
    path, _, _ = written
    again = tmp_path / "again.pdf"
    write_pdf(_document(), again)
    assert again.read_bytes() == path.read_bytes()
