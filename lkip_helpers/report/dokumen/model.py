"""The document model: one list of blocks that both writers (Word and PDF) render.

Blocks carry display text only (numbers already formatted the Indonesian way by the
report tables), so the Word draft and the PDF cannot disagree with each other or with
the HTML pages. Text from data stays text: writers never turn it into fields or links.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

NUMERIC_KINDS = {"int", "number", "pct", "pct_sign", "rp", "rp_sign", "index"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in Word's XML


def clean(text) -> str:
    """Text safe for both writers: control characters dropped, never markup."""
    return _CONTROL.sub("", str(text))


@dataclass
class Run:
    """A piece of a paragraph with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    """A paragraph. ``style``: body, bullet, placeholder (a place to fill), note, cover, cover-sub.

    ``align``: left (default), center or right.
    """

    runs: list[Run]
    style: str = "body"
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Heading:
    text: str
    level: int  # 1 = chapter (Bab), 2-3 = sections


@dataclass
class Table:
    """A report table: its printed label and title, header labels, display cells, and how to lay it out.

    ``label`` is the printed number ("Tabel 3.1"); the writers print label and title once, as the
    caption above the table (a ``SEQ Tabel`` field in Word, listed in the Daftar Tabel).
    """

    label: str
    title: str
    labels: list[str]
    kinds: list[str]
    rows: list[list[str]]
    emphasis: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    source: str = ""
    widths: list[float] = field(default_factory=list)  # fractions of the text width
    landscape: bool = False

    @property
    def caption(self) -> str:
        return f"{self.label} {self.title}".strip()

    def numeric(self, col: int) -> bool:
        return self.kinds[col] in NUMERIC_KINDS


@dataclass
class Figure:
    """A chart as PNG bytes, its printed label ("Gambar 3.1") and title (caption under it)."""

    label: str
    title: str
    png: bytes
    width_in: float  # natural size of the image
    height_in: float
    notes: str = ""

    @property
    def caption(self) -> str:
        return f"{self.label} {self.title}".strip()


@dataclass
class PageBreak:
    pass


@dataclass
class Contents:
    """A list made by the writers: ``isi`` (headings), ``tabel`` (table captions) or ``gambar`` (figure captions).

    Word gets a TOC field (``TOC \\o`` for the Daftar Isi, ``TOC \\c "Tabel"``/``"Gambar"`` for the
    lists of captions, filled when Word updates fields); the PDF computes the pages.
    """

    kind: str = "isi"

    @property
    def title(self) -> str:
        return {"isi": "Daftar Isi", "tabel": "Daftar Tabel", "gambar": "Daftar Gambar"}[self.kind]


@dataclass
class BodyStart:
    """Where the body begins: pages before it are numbered i, ii, iii; from it on 1, 2, 3 (a new page)."""


@dataclass
class Document:
    """Everything a writer needs: the blocks plus page furniture."""

    blocks: list
    title: str  # document title (properties, footer)
    footer: str  # short name shown in the footer
    author: str = ""  # the agency (document properties)
    draft: bool = False
    marks: list[str] = field(default_factory=list)  # shown in every page header (DRAF, DATA SINTETIS)
    template: Path | None = None  # an agency's template.docx (letterhead, styles)

    @property
    def mark_line(self) -> str:
        """The line every page header carries (empty for a final, real dataset)."""
        return " · ".join(self.marks) + (" — data belum lengkap, bukan dokumen final" if self.draft else "")


INTRO_PARAGRAPHS = 3


def landscape_flags(blocks: list) -> list[bool]:
    """Which blocks stand on landscape pages: wide tables, the section text that introduces them and the text after them.

    A short section opening before a wide table (its heading and at most ``INTRO_PARAGRAPHS``
    paragraphs) goes with it: a portrait page holding only those lines would stand nearly empty.
    Text that follows a wide table stays on its page rather than opening a portrait page of its own.
    """
    flags = [isinstance(b, Table) and b.landscape for b in blocks]
    for t in [i for i, wide in enumerate(flags) if wide]:
        i = t - 1
        while i >= 0 and isinstance(blocks[i], Paragraph) and t - i <= INTRO_PARAGRAPHS:
            i -= 1
        if i >= 0 and isinstance(blocks[i], Heading) and blocks[i].level > 1:  # a short section opening
            flags[i:t] = [True] * (t - i)
            if i > 0 and isinstance(blocks[i - 1], Heading) and blocks[i - 1].level == 1:  # … opening a chapter
                flags[i - 1] = True
        elif t > 0 and isinstance(blocks[t - 1], Heading):
            flags[t - 1] = True
    for i in range(1, len(blocks)):
        if isinstance(blocks[i], Paragraph) and flags[i - 1]:
            flags[i] = True
    return flags


# --- captions ----------------------------------------------------------------------------


def note_lines(source: str, notes: list[str]) -> list[str]:
    """Lines under a table or figure: its source, then its notes."""
    return ([f"Sumber: {source}"] if source else []) + [f"Catatan: {n}" for n in notes if n]


# --- table layout -------------------------------------------------------------------------

PORTRAIT_CHARS = 90  # characters of 8 pt table text across an A4 portrait text width
LANDSCAPE_CHARS = 135  # ... and across a landscape one
PAD_CHARS = 2  # cell padding, in characters
_TEXT_MIN, _TEXT_MAX = 10, 60
SQUEEZED = 16  # a column of long text narrower than this (characters) reads as a word per line: go landscape
SQUEEZED_LONG, LONG_ROWS = 22, 15  # … and narrower than this in a table of more rows than LONG_ROWS


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def layout(labels: list[str], kinds: list[str], rows: list[list[str]]) -> tuple[list[float], bool]:
    """Column widths (fractions of the text width) and whether the table needs a landscape page.

    Numbers never wrap, so a numeric column is as wide as its widest cell; a text column
    is at least as wide as its longest word and shares the rest by how much text it
    holds. A table whose unbreakable part does not fit a portrait page goes landscape.

    >>> widths, wide = layout(["Uraian", "Pagu (Rp)"], ["text", "rp"], [["Belanja Operasi", "9.051.591.780"]])
    >>> [round(w, 2) for w in widths], wide
    ([0.53, 0.47], False)
    """
    want, floor, mean = [], [], []
    for i, kind in enumerate(kinds):
        cells = [r[i] for r in rows]
        label_word = _longest_word(labels[i])
        mean.append(sum(len(c) for c in cells) / max(len(cells), 1) + 1)
        if kind in NUMERIC_KINDS:
            w = max([len(c) for c in cells] + [label_word, 4]) + PAD_CHARS
            want.append(w)
            floor.append(w)
        else:
            longest = max([len(c) for c in cells] + [len(labels[i])])
            word = max([_longest_word(c) for c in cells] + [label_word])
            want.append(min(max(longest, _TEXT_MIN), _TEXT_MAX) + PAD_CHARS)
            floor.append(min(max(word, 4), 15) + PAD_CHARS)  # a longer word (an id) may break

    def allocate(capacity: float) -> list[float]:
        if sum(want) <= capacity:
            return list(want)
        widths = list(floor)
        for _ in range(len(kinds)):  # the room left goes to the columns holding the most text, up to what they want
            room = capacity - sum(widths)
            open_ = [i for i in range(len(kinds)) if widths[i] < want[i] - 1e-9]
            if room <= 1e-9 or not open_:
                break
            weight = sum(mean[i] for i in open_)
            for i in open_:
                widths[i] = min(want[i], widths[i] + room * mean[i] / weight)
        return widths

    portrait = allocate(PORTRAIT_CHARS)
    # landscape when the unbreakable part does not fit, or a column of long text would be squeezed
    # a long table wraps every row over many lines: it goes landscape sooner than a short one
    least = SQUEEZED_LONG if len(rows) > LONG_ROWS else SQUEEZED
    squeezed = any(k not in NUMERIC_KINDS and want[i] >= 30 and portrait[i] < least for i, k in enumerate(kinds))
    landscape = sum(floor) > PORTRAIT_CHARS or squeezed
    widths = allocate(LANDSCAPE_CHARS) if landscape else portrait
    total = sum(widths)
    return [w / total for w in widths], landscape


# --- Markdown (as lkip_helpers.report.narrative writes it) -----------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")


def inline(text: str) -> list[Run]:
    """Runs of a Markdown line: **bold**, *italic*/_italic_, `code` as plain text, ``\\x`` literal.

    >>> [(r.text, r.bold, r.italic) for r in inline(r"a **b** *c* \\*d &lt;e&gt;")]
    [('a ', False, False), ('b', True, False), (' ', False, False), ('c', False, True), (' *d <e>', False, False)]
    """
    runs: list[Run] = []
    buf: list[str] = []
    bold = italic = code = False

    def flush():
        if buf:
            piece = html.unescape("".join(buf))
            if runs and (runs[-1].bold, runs[-1].italic) == (bold, italic):
                runs[-1].text += piece
            else:
                runs.append(Run(piece, bold, italic))
            buf.clear()

    i = 0
    while i < len(text):
        ch = text[i]
        if code:
            if ch == "`":
                code = False
            else:
                buf.append(ch)
        elif ch == "\\" and i + 1 < len(text):
            buf.append(text[i + 1])
            i += 1
        elif ch == "`":
            code = True
        elif text.startswith("**", i):
            flush()
            bold = not bold
            i += 1
        elif ch in "*_" and (ch == "*" or _word_edge(text, i)):
            flush()
            italic = not italic
        else:
            buf.append(ch)
        i += 1
    flush()
    return [Run(clean(r.text), r.bold, r.italic) for r in runs if r.text]


def _word_edge(text: str, i: int) -> bool:
    """An underscore marks emphasis only at a word edge (snake_case stays text)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


def markdown(text: str, base_level: int = 2) -> list:
    """Blocks of a Markdown text: headings, bullet items and paragraphs."""
    blocks: list = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append(Paragraph(inline(" ".join(para))))
            para.clear()

    for line in str(text).splitlines():
        h = _HEADING.match(line)
        b = _BULLET.match(line)
        if not line.strip():
            flush()
        elif h:
            flush()
            runs = inline(h.group(2))
            blocks.append(Heading("".join(r.text for r in runs), min(3, max(base_level, len(h.group(1))))))
        elif b:
            flush()
            blocks.append(Paragraph(inline(b.group(1)), "bullet"))
        elif (
            blocks
            and isinstance(blocks[-1], Paragraph)
            and blocks[-1].style == "bullet"
            and not para
            and line.startswith(("  ", "\t"))
        ):
            blocks[-1].runs += inline(" " + line.strip())  # continuation of a bullet item
        else:
            para.append(line.strip())
    flush()
    return blocks
