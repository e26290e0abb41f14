"""Every colour the outputs use, defined once: charts, pages (CSS), the overview, Excel, Word and PDF.

Colours are hex strings as CSS writes them (``#1f4e79``); :func:`rgb` gives the
``1F4E79`` form Excel and Word take, :func:`fractions` the 0–1 channels ReportLab takes.
"""

from __future__ import annotations

# The colours charts cycle through, in this order: deep blue and teal of the provincial
# documents, warm accents for attention.
PALETTE = {"utama": "#1f4e79", "kedua": "#2a9d8f", "aksen": "#e9a23b", "netral": "#8d99ae", "bahaya": "#c0392b"}

# Capaian bands, lowest band first: red -> green anchors that capaian.Scale.colors() spreads over any number of bands.
RAMP = (PALETTE["bahaya"], "#e67e22", "#f0b429", "#6ab04c", "#1a7f4b")

# Around the charts: text, rules and tints of the pages and of the overview's chart.
TINTS = {
    "teks": "#1d2433",  # body text
    "abu": "#5c677d",  # secondary text: sources, notes, the 100% line
    "garis": "#e3e8ef",  # rules, chart grid
    "bingkai": "#d5dbe3",  # table borders
    "panel": "#eef2f7",  # table headers, cards
    "latar": "#f5f7fa",  # page background
    "banner": "#eef6f5",  # the dataset banner
    "draf": "#fff4e0",  # the draft notice
}

# The LKIP document (Word, PDF) and the Excel template.
DOCUMENT = {
    "catatan_pdf": "#55606d",  # notes, page numbers (PDF)
    "catatan_word": "#555f6d",  # notes (Word)
    "isian": "#9c4a00",  # [diisi: …] places to fill
    "sorot": "#fff3b0",  # highlight behind a place to fill (PDF)
    "garis_tabel": "#9aa5b1",  # table grid (PDF)
    "kepala_tabel": "#dce6f0",  # table header row
    "bantuan": "#666666",  # help text (Excel template)
}


def rgb(colour: str) -> str:
    """``#1f4e79`` -> ``1F4E79`` (Excel, Word).

    >>> rgb(PALETTE["utama"])
    '1F4E79'
    """
    return colour.lstrip("#").upper()


def fractions(colour: str, digits: int = 2) -> tuple[float, float, float]:
    """Red, green and blue of ``colour`` from 0 to 1, rounded (ReportLab).

    >>> fractions(PALETTE["bahaya"])
    (0.75, 0.22, 0.17)
    """
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return round(r, digits), round(g, digits), round(b, digits)
