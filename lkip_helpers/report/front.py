"""The front of a dataset's pages: the banner each notebook page starts with, the draft notice, the index page.

Apart from :mod:`lkip_helpers.report.html` (the page shell the build's workers render
notebooks into), because these read the data: the headline figures, what a draft lacks.
"""

from __future__ import annotations

import html
from pathlib import Path

from lkip_helpers.analysis.headline import headline
from lkip_helpers.data import completeness
from lkip_helpers.data.loading import Dataset
from lkip_helpers.numbers import format_pct, format_rp
from lkip_helpers.report.html import document_links, page

# an artifact's kind (manifest.json keeps the English id) as the index page names it
KIND_WORDS = {"table": "tabel", "figure": "grafik", "document": "dokumen", "page": "halaman"}


def draft_notice(ds: Dataset) -> str:
    """For a draft dataset: a box saying the data are incomplete and what remains (empty otherwise)."""
    if not ds.draft:
        return ""
    e = html.escape
    items = "".join(f"<li>{e(line)}</li>" for line in completeness.lines(ds))
    return (
        f'<div class="lkip-draft"><strong>DRAF — data belum lengkap</strong>: {e(completeness.summary(ds))}. '
        f"Nilai yang kosong ditampilkan sebagai “{e(ds.missing_text)}”; laporan ini terisi sejalan dengan "
        f"data. Daftar lengkap: <code>lkip validate {e(ds.id)}</code>."
        + (f"<ul>{items}</ul>" if items else "")
        + "</div>"
    )


def banner(ds: Dataset) -> str:
    """Header naming agency, year and source; warns when the data are synthetic or a draft (and what remains)."""
    d = ds.meta["dataset"]
    parts = [
        f'<div class="lkip-banner"><strong>{html.escape(ds.title)}</strong><br>'
        f"<span>Dataset <code>{html.escape(ds.id)}</code> · Sumber: {html.escape(str(d['source_document']))}</span>"
    ]
    if ds.synthetic:
        parts.append(
            '<p class="lkip-warning">DATA SINTETIS — bukan data instansi yang sebenarnya; '
            "hanya untuk uji dan benchmark.</p>"
        )
    parts.append(draft_notice(ds))
    parts.append("</div>")
    return "".join(parts)


def index_page(ds: Dataset, pages: list[dict], artifacts: list[dict]) -> str:
    """The landing page: headline figures, then links to every page and artifact."""
    h = headline(ds)
    per, overall = h.per_sasaran, h.rata_rata_capaian_pct
    pagu, real, serapan = h.pagu_rp, h.realisasi_rp, h.serapan_pct
    miss = ds.missing_text
    reached = f"{h.n_tercapai} / {h.n_indikator}" if h.n_tercapai is not None else miss
    cards = [
        (format_pct(overall, missing=miss), "rata-rata capaian kinerja"),
        (reached, "indikator mencapai target"),
        (format_pct(serapan, missing=miss), "serapan anggaran"),
        (format_rp(pagu, missing=miss), "pagu anggaran"),
    ]
    e = html.escape
    parts = [f"<h1>{e(ds.title)}</h1>"]
    if ds.synthetic:
        parts.append('<p class="lkip-warning">DATA SINTETIS — bukan data instansi yang sebenarnya.</p>')
    parts.append(draft_notice(ds))
    parts.append(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{e(v)}</div><div class="l">{e(label)}</div></div>' for v, label in cards
        )
        + "</div>"
    )
    parts.append(
        "<h2>Capaian per sasaran strategis</h2><ul>"
        + "".join(
            f"<li>{e(str(r['name']))}: <strong>{e(format_pct(r['rata_rata_capaian_pct'], missing=miss))}</strong></li>"
            for _, r in per.iterrows()
        )
        + "</ul>"
    )
    parts.append(
        f"<p>Realisasi anggaran {e(format_rp(real, missing=miss))} dari {e(format_rp(pagu, missing=miss))}.</p>"
    )
    parts.append(document_links(artifacts, "../"))
    parts.append(
        '<h2>Halaman</h2><ul class="pages">'
        + "".join(f'<li><a href="{e(p["file"])}">{e(p["title"])}</a></li>' for p in pages)
        + "</ul>"
    )
    rows = "".join(
        f"<tr><td>{e(a['id'])}</td><td>{e(KIND_WORDS.get(a['kind'], a['kind']))}</td><td>{e(a['title'])}</td><td>"
        + " ".join(f'<a href="../{e(f)}">{e(Path(f).suffix[1:])}</a>' for f in a["files"])
        + "</td></tr>"
        for a in artifacts
        if a["kind"] != "page"
    )
    parts.append(
        '<h2>Tabel dan grafik</h2><div class="lkip-scroll"><table><tr><th>id</th><th>jenis</th>'
        f"<th>judul</th><th>file</th></tr>{rows}</table></div>"
    )
    return page(f"{ds.title} — Ringkasan", "".join(parts))
