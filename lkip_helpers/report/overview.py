"""``outputs/index.html``: every built agency-year on one page, for a province's Bappeda or Inspektorat.

Read each dataset's ``manifest.json`` (never its data) -> one row per agency-year
(capaian, indicators reaching target, serapan, audit findings, draft or final,
synthetic) -> a scatter of capaian against serapan drawn as SVG and embedded as a
``data:`` URI -> a self-contained page: no script, nothing fetched from outside, every
text from a manifest escaped, the only links our own to each dataset's page.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from lkip_helpers import paths
from lkip_helpers.errors import DataError
from lkip_helpers.files import write_text_atomic
from lkip_helpers.numbers import MISSING_TEXT, format_number, format_pct
from lkip_helpers.palette import PALETTE, TINTS
from lkip_helpers.report.html import document_links, page

TITLE = "Ikhtisar Kinerja Antarinstansi"
AUDIT_TABLE = "audit-konsistensi"  # artifact id of the audit's findings table
LKE_TABLE = "kesiapan-lke"  # artifact id of the LKE check's table (lkip_helpers.report.lke)
BIRU, OREN, ABU = PALETTE["utama"], PALETTE["aksen"], TINTS["abu"]
CHART_CACHE = ".ikhtisar-grafik.json"  # in the outputs folder: the last chart drawn and what it was drawn from
LABEL_LIMIT = 60  # above this many points the chart shows no numbers (they would overlap); the table still does


@dataclass
class Entry:
    """One agency-year as its manifest describes it."""

    folder: str  # output folder name (= dataset id)
    agency: str
    region: str
    year: int | None
    capaian_pct: float | None
    n_tercapai: int | None
    n_indikator: int | None
    serapan_pct: float | None
    n_temuan: int | None  # audit findings
    status: str | None  # final | draft
    synthetic: bool
    linked: bool  # its own index.html exists
    documents: list[dict] = field(default_factory=list)  # the LKIP document artifact(s) the build wrote
    baris_pct: float | None = None  # the common measure: plain mean of the measured IKU rows, uncapped
    n_terukur: int | None = None  # IKU rows measured
    lke: dict | None = None  # readiness against the LKE criteria (lke_readiness)

    @property
    def isian(self) -> int | None:
        """``[diisi: …]`` places the LKIP document still holds (None when no document says)."""
        counts = [d.get("isian") for d in self.documents if isinstance(d.get("isian"), int)]
        return sum(counts) if counts else None


def _number(x) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and x == x else None


def _count(x) -> int | None:
    return int(x) if isinstance(x, int) and not isinstance(x, bool) else None


def audit_count(folder: Path, records: list[dict]) -> int | None:
    """Audit findings of a build, counted in its ``audit-konsistensi`` table (one finding per row).

    Read from the build's own output rather than recomputed, so the manifest costs no
    second audit and says what the audit page says. None when that table is not there.
    """
    rows = _table_rows(folder, records, AUDIT_TABLE)
    if rows is None or (rows and "jenis" not in rows[0]):
        return None
    return sum(1 for row in rows if (row["jenis"] or "").strip() not in ("", "-"))  # "-": no finding


OWN_CELL_LIMIT = 16 * 1024 * 1024


def _table_rows(folder: Path, records: list[dict], artifact: str) -> list[dict] | None:
    """The rows of a build's table artifact, read from its CSV; None when the build has no such table."""
    rec = next((r for r in records if r.get("id") == artifact), None)
    name = next((f for f in (rec or {}).get("files", []) if str(f).endswith(".csv")), None)
    if name is None or not (Path(folder) / name).is_file():
        return None
    before = csv.field_size_limit(OWN_CELL_LIMIT)  # our own table: its cells may be long, never endless
    try:
        with (Path(folder) / name).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except (OSError, csv.Error, UnicodeDecodeError):
        return None  # the overview then lacks this column for this build, as for a build without the table
    finally:
        csv.field_size_limit(before)


def lke_readiness(folder: Path, records: list[dict]) -> dict | None:
    """The LKE check of a build, summed from its ``kesiapan-lke`` table: score range, weight, criteria unmet.

    Read from the build's own table (as :func:`audit_count` does), so the overview says what the
    page says. None when that table is not there or not readable.
    """
    rows = _table_rows(folder, records, LKE_TABLE)
    try:
        if not rows:
            return None
        return {
            "nilai_min": sum(float(r["poin_min"]) for r in rows),
            "nilai_max": sum(float(r["poin_max"]) for r in rows),
            "bobot": float(rows[0]["bobot_komponen"]),
            "belum": [r["kode"] for r in rows if r["status"] in ("sebagian", "tidak terpenuhi")],
        }
    except (KeyError, ValueError):
        return None


def _lke_text(e: Entry) -> str:
    """'3,65–13,65 / 15 · belum: 3.b.1, 3.b.6' for the overview's column."""
    k = e.lke
    if k is None:
        return MISSING_TEXT
    lo, hi = format_number(k["nilai_min"], 2), format_number(k["nilai_max"], 2)
    span = lo if lo == hi else f"{lo}–{hi}"
    return f"{span} / {format_number(k['bobot'])}" + (f" · belum: {', '.join(k['belum'])}" if k["belum"] else "")


def _safe_id(folder: str) -> bool:
    """True for a folder name that is a valid dataset id (it becomes part of a link)."""
    try:
        paths.check_dataset_id(folder)
    except DataError:
        return False
    return True


def read_manifests(root: Path | None = None) -> list[Entry]:
    """Every readable manifest under ``root`` (default: the outputs folder), sorted for reading."""
    root = paths.outputs_dir() if root is None else Path(root)
    out = []
    for manifest in sorted(root.glob("*/manifest.json")):
        folder = manifest.parent.name
        if folder.startswith((".", "_")) or not _safe_id(folder):
            continue
        try:
            m = json.loads(manifest.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue  # not a manifest this tool wrote; the overview lists only what it can read
        if not isinstance(m, dict):
            continue
        hd = m.get("headline") if isinstance(m.get("headline"), dict) else {}
        title = str(m.get("title") or folder)
        agency = str(hd.get("instansi") or title.split(" — ")[0])
        status = hd.get("status") if hd.get("status") in ("draft", "final") else None
        out.append(
            Entry(
                folder,
                agency,
                str(hd.get("wilayah") or ""),
                _count(m.get("year")),
                _number(hd.get("rata_rata_capaian_pct")),
                _count(hd.get("n_tercapai")),
                _count(hd.get("n_indikator")),
                _number(hd.get("serapan_pct")),
                _count(hd.get("n_temuan_audit")),
                status,
                m.get("synthetic") is True,
                (manifest.parent / "html" / "index.html").is_file(),
                [
                    a
                    for a in m.get("artifacts") or []
                    if isinstance(a, dict)
                    and a.get("kind") == "document"
                    and all((manifest.parent / f).is_file() for f in a.get("files") or [])
                ],
                _number(hd.get("rata_rata_baris_pct")),
                _count(hd.get("n_terukur")),
                lke_readiness(manifest.parent, [a for a in m.get("artifacts") or [] if isinstance(a, dict)]),
            )
        )
    return sorted(out, key=lambda e: (-(e.year or 0), e.region, e.agency, e.folder))


def scatter_svg(entries: list[Entry], cache: Path | None = None) -> str | None:
    """The capaian-vs-serapan chart as a ``data:image/svg+xml`` URI; None when no entry has both figures.

    ``cache``: a file holding the last chart with what it was drawn from; the chart is drawn (and
    matplotlib loaded, most of the cost) only when its points, this module or matplotlib changed.
    """
    points = [(n, e) for n, e in enumerate(entries, 1) if e.baris_pct is not None and e.serapan_pct is not None]
    if not points:
        return None
    key = _chart_key(points)
    try:
        kept = json.loads(cache.read_text(encoding="utf-8")) if cache else {}
        if isinstance(kept, dict) and kept.get("key") == key and isinstance(kept.get("svg"), str):
            return kept["svg"]
    except (OSError, ValueError):
        pass  # no chart kept, or a damaged file: draw it
    uri = _draw_scatter(points)
    if cache:
        with contextlib.suppress(OSError):  # a read-only outputs folder only costs the next build a redraw
            write_text_atomic(cache, json.dumps({"key": key, "svg": uri}))
    return uri


def _chart_key(points: list[tuple[int, Entry]]) -> str:
    """What the chart is drawn from: its points, its colours, this module's code, matplotlib's version."""
    from importlib.metadata import version

    what = [
        [(n, e.serapan_pct, e.baris_pct, e.status == "draft", e.synthetic) for n, e in points],
        [BIRU, OREN, ABU, TINTS["teks"], TINTS["garis"]],
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        version("matplotlib"),
    ]
    return hashlib.sha256(json.dumps(what).encode("utf-8")).hexdigest()


def _draw_scatter(points: list[tuple[int, Entry]]) -> str:
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(
        {"svg.hashsalt": "lkip-ikhtisar", "svg.fonttype": "path", "font.size": 12, "font.family": "DejaVu Sans"}
    ):
        fig = Figure(figsize=(5.2, 4.6))
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        for n, e in points:
            draft = e.status == "draft"
            ax.scatter(
                [e.serapan_pct],
                [e.baris_pct],
                s=70,
                marker="^" if e.synthetic else "o",
                zorder=3,
                facecolors="white" if draft else BIRU,
                edgecolors=OREN if draft else BIRU,
                linewidths=1.6,
            )
            if len(points) <= LABEL_LIMIT:
                ax.annotate(
                    str(n),
                    (e.serapan_pct, e.baris_pct),
                    xytext=(5, 4),
                    textcoords="offset points",
                    fontsize=10,
                    color=TINTS["teks"],
                )
        # both axes from 0: distances between agencies read truly, whatever the number of points
        ax.set_xlim(0, max(100.0, max(e.serapan_pct for _, e in points)) * 1.05)
        ax.set_ylim(0, max(110.0, max(e.baris_pct for _, e in points)) * 1.08)
        ax.axhline(100, color=ABU, linestyle="--", linewidth=1)
        ax.text(0.01, 100, " target 100%", transform=ax.get_yaxis_transform(), va="bottom", fontsize=9, color=ABU)
        ax.set_xlabel("Serapan anggaran (%)")
        ax.set_ylabel("Rata-rata capaian baris IKU (%)")
        pct = FuncFormatter(lambda v, _: format_number(v, 0))
        ax.xaxis.set_major_formatter(pct)
        ax.yaxis.set_major_formatter(pct)
        ax.grid(True, color=TINTS["garis"], zorder=0)
        ax.spines[["top", "right"]].set_visible(False)
        kinds = {(e.status == "draft", e.synthetic) for _, e in points}
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="^" if syn else "o",
                markersize=8,
                markeredgewidth=1.6,
                markerfacecolor="white" if draft else BIRU,
                markeredgecolor=OREN if draft else BIRU,
                label=("Draf" if draft else "Final") + (", sintetis" if syn else ""),
            )
            for draft, syn in sorted(kinds)
        ]
        ax.legend(handles=handles, loc="best", fontsize=9, frameon=True)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _status_text(e: Entry) -> str:
    """'final' only for a final dataset whose LKIP holds no place left to fill."""
    if e.status == "final" and e.isian:
        return f"belum lengkap: {e.isian} isian [diisi]"
    return {"draft": "DRAF", "final": "final"}.get(e.status or "", "status tidak diketahui")


def page_html(entries: list[Entry], cache: Path | None = None) -> str:
    """The whole overview page (``cache``: see :func:`scatter_svg`)."""

    esc = html.escape
    parts = [f"<h1>{esc(TITLE)}</h1>"]
    if not entries:
        parts.append("<p>Belum ada dataset yang dibangun. Jalankan <code>lkip build --all</code>.</p>")
        return page(TITLE, "".join(parts))
    years = sorted({e.year for e in entries if e.year})
    agencies = {(e.agency, e.region) for e in entries}
    drafts = sum(e.status == "draft" for e in entries)
    synth = sum(e.synthetic for e in entries)
    temuan = [e.n_temuan for e in entries if e.n_temuan is not None]
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else MISSING_TEXT)
    cards = [
        (str(len(entries)), "laporan (instansi-tahun)"),
        (str(len(agencies)), "instansi"),
        (span, "tahun"),
        (str(drafts), "masih draf"),
        (str(sum(temuan)) if temuan else MISSING_TEXT, "temuan audit konsistensi"),
    ]
    parts.append(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{esc(v)}</div><div class="l">{esc(label)}</div></div>'
            for v, label in cards
        )
        + "</div>"
    )
    if synth:
        parts.append(
            f'<p class="lkip-warning">{synth} dari {len(entries)} laporan memakai DATA SINTETIS '
            "(ditandai “sintetis”) — bukan data instansi yang sebenarnya.</p>"
        )

    parts.append("<h2>Capaian kinerja dan serapan anggaran</h2>")
    chart = scatter_svg(entries, cache)
    missing = [str(n) for n, e in enumerate(entries, 1) if e.baris_pct is None or e.serapan_pct is None]
    if chart:
        parts.append(
            f'<p><img src="{chart}" alt="Grafik sebar: rata-rata capaian baris IKU (sumbu tegak) terhadap '
            "serapan anggaran (sumbu datar), satu titik per instansi-tahun; angka pada titik adalah nomor "
            'baris tabel di bawah." width="560"></p>'
        )
        parts.append(
            '<p class="lkip-notes">Satu titik per instansi-tahun; angka di samping titik = nomor pada tabel. '
            "Di atas garis putus-putus: rata-rata capaian melampaui target. Kiri atas: capaian tinggi dengan "
            "serapan rendah; kanan bawah: anggaran terserap tetapi capaian rendah — yang perlu ditelaah.</p>"
        )
    else:
        parts.append("<p>Belum ada laporan yang memiliki rata-rata capaian dan serapan anggaran sekaligus.</p>")
    if chart and missing:
        parts.append(
            f'<p class="lkip-notes">Tidak tampil di grafik (capaian atau serapan belum ada): nomor '
            f"{esc(', '.join(missing))}.</p>"
        )

    rows = []
    pad = ' style="padding:.3rem .25rem"'  # narrow columns: the table fits a phone's width (390 px)
    right = ' style="text-align:right;white-space:nowrap;padding:.3rem .25rem"'
    for n, e in enumerate(entries, 1):
        name = esc(e.agency)
        if e.linked:
            name = f'<a href="{esc(quote(e.folder))}/html/index.html">{name}</a>'
        where = [e.region or MISSING_TEXT, str(e.year) if e.year is not None else MISSING_TEXT, _status_text(e)]
        if e.synthetic:
            where.append("sintetis")
        measured = e.n_terukur if e.n_terukur is not None else e.n_indikator
        reached = f"{e.n_tercapai}/{measured}" if e.n_tercapai is not None and measured is not None else MISSING_TEXT
        docs = document_links(e.documents, quote(e.folder) + "/", compact=True) if e.linked else ""
        rows.append(
            f'<tr><td><strong>{n}.</strong> {name}<br><span class="lkip-source">'
            f"{esc(' · '.join(where))}</span>{docs}</td>"
            f"<td{right}>{esc(format_pct(e.baris_pct, sign=False))}</td><td{right}>{esc(reached)}</td>"
            f"<td{right}>{esc(format_pct(e.capaian_pct, sign=False))}</td>"
            f"<td{right}>{esc(format_pct(e.serapan_pct, sign=False))}</td>"
            f"<td{right}>{e.n_temuan if e.n_temuan is not None else MISSING_TEXT}</td>"
            f"<td{pad}>{esc(_lke_text(e))}</td></tr>"
        )
    parts.append(
        '<h2 id="daftar">Daftar laporan</h2><div class="lkip-scroll"><table style="font-size:.8rem"><tr>'
        "<th>Instansi</th>"
        + "".join(
            f"<th{pad}>{h}</th>"
            for h in (
                "Rata-rata baris (%)",
                "Capai target",
                "Capai&shy;an instansi (%)",
                "Serap&shy;an (%)",
                "Te&shy;mu&shy;an",
                "Kesiapan LKE",
            )
        )
        + "</tr>"
        + "".join(rows)
        + "</table></div>"
    )
    parts.append(
        '<p class="lkip-notes">Di bawah nama instansi: wilayah, tahun, status (final hanya bila dataset final dan '
        "dokumen LKIP tidak lagi memuat isian [diisi]; DRAF; atau jumlah isian yang tersisa) dan tanda data "
        "sintetis. Rata-rata baris = rata-rata biasa capaian semua baris IKU yang terukur, tanpa batas atas: "
        "dihitung dengan cara yang sama untuk setiap instansi, sehingga dapat dibandingkan (juga di grafik); "
        "capai target = baris IKU dengan capaian minimal 100% dari yang terukur; capaian instansi = rata-rata "
        "menurut kebijakan instansi itu sendiri (batas atas dan cara merata-ratakan dapat berbeda antarinstansi, "
        "jadi tidak untuk dibandingkan); serapan = realisasi dibagi pagu "
        "anggaran. Angka diambil dari manifest.json setiap dataset (hasil build terakhir). "
        "Temuan = temuan audit konsistensi: angka tercetak yang berbeda dari hitung ulang dan rujukan yang tidak ditemukan; "
        "Kesiapan LKE = nilai komponen Pelaporan Kinerja menurut kriteria LKE (PermenPAN-RB 88/2021) yang dapat "
        "diputuskan dari data, sebagai rentang karena sebagian kriteria dinilai evaluator, dan kriteria yang belum "
        "terpenuhi (rinciannya di halaman Kesiapan LKE instansi itu). "
        "“–” berarti belum dapat dihitung (mis. draf tanpa realisasi). Nama instansi membuka laporannya.</p>"
    )
    return page(TITLE, "".join(parts))


def write_overview(root: Path | None = None) -> Path:
    """Write ``index.html`` in the outputs folder from the manifests found there; return its path."""
    root = paths.outputs_dir() if root is None else Path(root)
    root.mkdir(parents=True, exist_ok=True)
    target = root / "index.html"
    target.write_text(page_html(read_manifests(root), root / CHART_CACHE), encoding="utf-8")
    return target
