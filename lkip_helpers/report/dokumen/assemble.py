"""From the notebooks' document streams to the LKIP's structure (PermenPAN-RB 53/2014).

Sampul, Kata Pengantar, Daftar Isi, Ikhtisar Eksekutif, Bab I–IV, Lampiran. Each run's
stream goes to the chapter its level-1 heading names ("Bab III — …", "Ikhtisar
Eksekutif", "Lampiran …"); a level-1 heading that names no chapter continues the
chapter before it as a section. A run that recorded no heading gets its notebook's
title as level-1 heading and its Markdown ``##``/``###`` cells as sections. The audit
run and the per-indicator runs go to the Lampiran. What the data cannot say (the
foreword, the signature, the conclusions) is a clearly marked place to fill.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from lkip_helpers.data import completeness
from lkip_helpers.data.loading import Dataset
from lkip_helpers.paths import TEMPLATE_DOCX
from lkip_helpers.report.artifacts import PNG_DPI, cell_key
from lkip_helpers.report.dokumen.model import (
    Contents,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    caption,
    clean,
    layout,
    markdown,
)
from lkip_helpers.report.narrative import penutup

CHAPTERS = {  # key -> default heading
    "ikhtisar": "Ikhtisar Eksekutif",
    "bab-1": "Bab I Pendahuluan",
    "bab-2": "Bab II Perencanaan Kinerja",
    "bab-3": "Bab III Akuntabilitas Kinerja",
    "bab-4": "Bab IV Penutup",
    "lampiran": "Lampiran",
}
_EMPTY = {  # what a chapter says when no notebook filled it
    "ikhtisar": "[diisi: ikhtisar eksekutif — tujuan dan sasaran, capaian utama, kendala dan langkah perbaikan]",
    "bab-1": "[diisi: latar belakang, kedudukan, tugas pokok dan fungsi, struktur organisasi, isu strategis]",
    "bab-2": "[diisi: rencana strategis dan Perjanjian Kinerja tahun ini]",
    "bab-3": "[diisi: capaian kinerja organisasi dan realisasi anggaran]",
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
AUDIT_ID = "audit-konsistensi"
_PREFIX = re.compile(r"^(tabel|gambar)\s+[\d.]+(\s*(dan|–|-|,)\s*[\d.]+)*\s*[—–:-]\s*", re.IGNORECASE)


def chapter_of(text: str) -> str | None:
    """Which chapter a level-1 heading names, if any.

    >>> chapter_of("Bab III — Capaian Kinerja"), chapter_of("Ringkasan Eksekutif"), chapter_of("Anggaran")
    ('bab-3', 'ikhtisar', None)
    """
    t = text.strip().lower()
    m = re.match(r"^bab\s+(iv|i{1,3})\b", t)
    if m:
        return f"bab-{_ROMAN[m.group(1)]}"
    if "ikhtisar eksekutif" in t or "ringkasan eksekutif" in t:
        return "ikhtisar"
    if t.startswith("lampiran"):
        return "lampiran"
    return None


def section_title(text: str) -> str:
    """A notebook heading as a section title: "Tabel 3.2 dan 3.3 — Dibandingkan tahun lalu" -> "Dibandingkan …".

    The caption under it already names the table.
    """
    stripped = _PREFIX.sub("", text).strip()
    return (stripped[:1].upper() + stripped[1:]) if stripped else text.strip()


def _notebook_entries(executed: Path, stream: list[dict], title: str) -> list[dict]:
    """A run's stream with headings derived from the notebook: its title, then its ``##``/``###`` cells in place.

    Stream entries carry the fingerprint of the cell that made them; walking the
    executed notebook's cells in order puts each Markdown heading before the entries of
    the code cells that follow it.
    """
    entries = [{"type": "heading", "text": title, "level": 1}]
    try:
        cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return entries + stream
    pending = list(stream)
    for cell in cells:
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        if cell.get("cell_type") == "markdown":
            for line in src.splitlines():
                m = re.match(r"^(#{2,3})\s+(.*)$", line)
                if m:
                    entries.append({"type": "heading", "text": section_title(m.group(2)), "level": len(m.group(1))})
        elif cell.get("cell_type") == "code":
            key = cell_key(src)
            while pending and pending[0].get("cell") == key:
                entries.append(pending.pop(0))
    return entries + pending  # entries whose cell was not found (run outside a notebook) keep their order


def _blocks(entries: list[dict], shift: int, folder: Path) -> list:
    """Stream entries as blocks, heading levels moved down by ``shift`` (a run that continues a chapter)."""
    out: list = []
    for e in entries:
        kind = e.get("type")
        if kind == "heading":
            out.append(Heading(clean(e["text"]), min(3, int(e["level"]) + shift)))
        elif kind == "text":
            for b in markdown(e["text"], base_level=2 + shift):
                if isinstance(b, Heading):
                    b.level = min(3, max(b.level, 2 + shift))
                out.append(b)
        elif kind == "table":
            labels = [clean(c["label"]) for c in e["columns"]]
            kinds = [c["kind"] for c in e["columns"]]
            rows = [[clean(v) for v in r] for r in e["rows"]]
            widths, landscape = layout(labels, kinds, rows)
            out.append(
                Table(
                    e["id"],
                    caption("table", e["id"], e["title"]),
                    labels,
                    kinds,
                    rows,
                    set(e.get("emphasis", [])),
                    [clean(n) for n in e.get("notes", [])],
                    clean(e.get("source", "")),
                    widths,
                    landscape,
                )
            )
        elif kind == "figure":
            image = folder / e["image"]
            w, h = _png_size(image)
            dpi = float(e.get("dpi", PNG_DPI))
            out.append(
                Figure(
                    e["id"], caption("figure", e["id"], e["title"]), image, w / dpi, h / dpi, clean(e.get("notes", ""))
                )
            )
    return out


def _png_size(path: Path) -> tuple[int, int]:
    """Pixel size from the PNG header (no image library needed)."""
    head = path.read_bytes()[:24]
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _placeholder(text: str, align: str = "left") -> Paragraph:
    return Paragraph([Run(text, italic=True)], "placeholder", align)


def _p(text: str, style: str = "body", bold: bool = False, align: str = "left") -> Paragraph:
    return Paragraph([Run(clean(text), bold=bold)], style, align)


def _region(d: dict) -> str:
    if d.get("region"):
        return str(d["region"])
    return f"Provinsi {d['province']}" if d.get("province") else ""


def cover(ds: Dataset) -> list:
    d = ds.meta["dataset"]
    blocks = [
        _p("LAPORAN KINERJA INSTANSI PEMERINTAH", "cover", True, "center"),
        _p(f"(LKIP) TAHUN {ds.year}", "cover", True, "center"),
        _placeholder("[diisi: logo pemerintah daerah]", "center"),
        _p(d.get("agency", ""), "cover-sub", True, "center"),
        _p(_region(d), "cover-sub", True, "center"),
    ]
    if ds.draft:
        blocks.append(
            _p(
                f"DRAF — data belum lengkap: {completeness.summary(ds)}. Nilai yang kosong tertulis "
                f"“{ds.missing_text}”.",
                bold=True,
                align="center",
            )
        )
    if ds.synthetic:
        blocks.append(
            _p("DATA SINTETIS — bukan data instansi yang sebenarnya; hanya untuk uji.", bold=True, align="center")
        )
    blocks.append(
        _p(
            "Disusun dari data dengan lkip_helpers. Bagian bertanda [diisi …] dilengkapi oleh instansi "
            "sebelum ditandatangani.",
            align="center",
        )
    )
    return blocks + [PageBreak()]


def foreword(ds: Dataset) -> list:
    d = ds.meta["dataset"]
    head = d.get("agency_short") or d.get("agency", "")
    return [
        Heading("Kata Pengantar", 1),
        _placeholder("[diisi: kata pengantar — maksud penyusunan LKIP, ringkasan capaian, ucapan terima kasih]"),
        _placeholder("[diisi: tempat], [diisi: tanggal]", "right"),
        _p(f"Kepala {head}", bold=True, align="right"),
        _p(_region(d), align="right"),
        Paragraph([Run("")]),
        Paragraph([Run("")]),
        _placeholder("[diisi: nama kepala instansi]", "right"),
        _placeholder("[diisi: pangkat/golongan, NIP]", "right"),
        PageBreak(),
        Contents(),
        PageBreak(),
    ]


def closing(ds: Dataset) -> list:
    """Bab IV when no notebook wrote one: the conclusions the pages compute (one text serves both)."""
    return [Heading(CHAPTERS["bab-4"], 1), *markdown(penutup(ds), base_level=2)]


def to_fill_next_year() -> list:
    """What only the agency can write in Bab IV: a clearly marked place."""
    return [
        Heading("Langkah di masa mendatang", 2),
        _placeholder("[diisi: langkah perbaikan kinerja tahun berikutnya]"),
    ]


def _pk_given(ds: Dataset) -> bool:
    docs = ds.tables.get("dokumen_perencanaan")
    return docs is not None and len(docs) and docs["document"].astype(str).str.startswith("pk").any()


def notebook_chapter(notebook: Path) -> str | None:
    """The LKIP chapter a notebook declares in its metadata (``"lkip": {"bab": "bab-3"}``), if any."""
    try:
        meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("lkip") or {}
    except (OSError, ValueError):
        return None
    return meta.get("bab") if meta.get("bab") in CHAPTERS else None


def assemble(folder: Path, ds: Dataset, runs: list[tuple]) -> Document:
    """The whole document from ``runs``: (task, run record with its ``stream``) in notebook order."""
    chapters: dict[str, list] = {k: [] for k in CHAPTERS}
    headings: dict[str, str] = {}
    lampiran: list[tuple[str, list]] = []  # (title, blocks), in order
    indikator: list = []
    current = "ikhtisar"
    for task, run in runs:
        stream = run.get("stream") or []
        if not stream:
            continue
        executed = folder / "notebooks" / task.executed_name
        has_headings = any(e.get("type") == "heading" for e in stream)
        entries = stream if has_headings else _notebook_entries(executed, stream, task.title)
        if not any(e.get("type") == "heading" and int(e.get("level", 1)) == 1 for e in entries):
            # sections without a chapter heading: the notebook's title names the chapter
            entries = [{"type": "heading", "text": task.title, "level": 1}, *entries]
        if task.parameters:  # one run per item (indicator): the Lampiran's analysis per indicator
            first = entries[0] if entries and entries[0].get("type") == "heading" else None
            body = entries[1:] if first else entries
            indikator.append(Heading(clean(first["text"] if first else task.title), 2))
            indikator += _blocks(body, 1, folder)
            continue
        bab = notebook_chapter(Path(task.notebook))
        if bab == "lampiran" or any(e.get("type") == "table" and e.get("id") == AUDIT_ID for e in stream):
            body = entries[1:] if entries and entries[0].get("type") == "heading" else entries
            title = "Catatan Konsistensi Angka" if any(e.get("id") == AUDIT_ID for e in stream) else clean(task.title)
            lampiran.append((title, _blocks(body, 1, folder)))
            continue
        if bab in CHAPTERS:  # the chapter the notebook declares; its title becomes a section unless it names one
            current = bab
        shift = 0
        for e in entries:
            if e.get("type") == "heading" and int(e.get("level", 1)) == 1:
                key = chapter_of(e["text"])
                if key:
                    current, shift = key, 0
                    if key.startswith("bab-"):  # "Bab III — Capaian Kinerja"; the others keep their LKIP names
                        headings.setdefault(key, clean(e["text"]))
                    continue
                shift = 1  # a level-1 heading naming no chapter: a section of the current one
            chapters[current] += _blocks([e], shift, folder)

    d = ds.meta["dataset"]
    blocks = cover(ds) + foreword(ds)
    for key in ("ikhtisar", "bab-1", "bab-2", "bab-3"):
        blocks.append(Heading(headings.get(key, CHAPTERS[key]), 1))
        blocks += chapters[key] or [_placeholder(_EMPTY[key])]
        blocks.append(PageBreak())
    if chapters["bab-4"]:
        blocks += [Heading(headings.get("bab-4", CHAPTERS["bab-4"]), 1)] + chapters["bab-4"]
    else:
        blocks += closing(ds)
    blocks += to_fill_next_year()
    blocks.append(PageBreak())
    parts: list[tuple[str, list]] = []
    if _pk_given(ds):
        pk = [t.caption for t in _tables(blocks) if "perjanjian kinerja" in t.caption.lower()]
        parts.append(
            (
                "Perjanjian Kinerja",
                [
                    _p(f"Perjanjian Kinerja tahun {ds.year} disajikan pada " + "; ".join(pk) + ".")
                    if pk
                    else _p(f"Perjanjian Kinerja tahun {ds.year} tercatat dalam data (dokumen_perencanaan)."),
                    _placeholder("[diisi: salinan Perjanjian Kinerja yang telah ditandatangani]"),
                ],
            )
        )
    parts += lampiran
    if indikator:
        parts.append(("Analisis per Indikator", indikator))
    if chapters["lampiran"]:
        parts.append((headings.get("lampiran", "Lampiran lain"), chapters["lampiran"]))
    blocks.append(Heading("Lampiran", 1))
    for i, (title, body) in enumerate(parts, start=1):
        blocks.append(Heading(f"Lampiran {i}. {title}", 2))
        blocks += [_demote(b) for b in body]
    marks = (["DRAF"] if ds.draft else []) + (["DATA SINTETIS"] if ds.synthetic else [])
    template = Path(ds.path) / TEMPLATE_DOCX
    return Document(
        blocks,
        title=f"Laporan Kinerja {d.get('agency', '')} {ds.year}".strip(),
        footer=f"LKIP {d.get('agency_short') or d.get('agency', '')} {ds.year}",
        draft=ds.draft,
        marks=marks,
        template=template if template.is_file() else None,
    )


def _demote(block):
    """Inside a Lampiran part, sections sit one level below the part's heading."""
    if isinstance(block, Heading):
        return Heading(block.text, 3)
    return block


def _tables(blocks: list) -> list[Table]:
    return [b for b in blocks if isinstance(b, Table)]
