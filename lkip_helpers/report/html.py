"""Leadership HTML: one self-contained page per notebook, and an index with the headline figures.

Pages use nbconvert's ``basic`` template (no scripts, no outside resources) inside our
own page shell: code and the injected-parameters cell removed, images embedded as
data URIs, layout that fits a phone.
"""

from __future__ import annotations

import html
from pathlib import Path

CSS = """
:root{--biru:#1f4e79;--teal:#2a9d8f;--abu:#5c677d;--merah:#c0392b}
*{box-sizing:border-box}
body{margin:0;font-family:"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:#1d2433;background:#f5f7fa;line-height:1.5}
header.lkip-top{background:var(--biru);color:#fff;padding:.8rem 1rem}
header.lkip-top a{color:#fff}
main{max-width:1100px;margin:0 auto;padding:1rem;background:#fff}
h1{font-size:1.5rem;color:var(--biru)} h2{font-size:1.25rem;color:var(--biru);border-bottom:2px solid #e3e8ef;padding-bottom:.2rem}
h3,h4{font-size:1.05rem}
img{max-width:100%;height:auto}
.lkip-scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0}
th,td{border:1px solid #d5dbe3;padding:.3rem .45rem;vertical-align:top}
th{background:#eef2f7;text-align:left}
.lkip-source,.lkip-notes{font-size:.8rem;color:var(--abu)}
.lkip-banner{background:#eef6f5;border-left:4px solid var(--teal);padding:.5rem .8rem;margin:.5rem 0;font-size:.9rem}
.lkip-warning{color:#fff;background:var(--merah);padding:.4rem .6rem;font-weight:bold}
.lkip-draft{background:#fff4e0;border-left:4px solid var(--aksen,#e9a23b);padding:.4rem .8rem;margin:.5rem 0}
.lkip-draft ul{margin:.2rem 0;font-size:.85rem}
.lkip-doc{background:#eef2f7;border-left:4px solid var(--biru);padding:.5rem .8rem;margin:.8rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.card{flex:1 1 150px;background:#eef2f7;border-radius:6px;padding:.6rem .8rem}
.card .v{font-size:1.5rem;font-weight:bold;color:var(--biru)} .card .l{font-size:.85rem;color:var(--abu)}
ul.pages li{margin:.3rem 0}
.anchor-link{display:none}
footer{max-width:1100px;margin:0 auto;padding:1rem;font-size:.75rem;color:var(--abu)}
"""


# Second line of defence behind escaping: the browser runs no script and fetches nothing
# from outside, whatever a page contains (images are data: URIs, styles are inline).
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def page(title: str, body: str, nav: str = "") -> str:
    """A whole HTML document around ``body`` (already safe HTML)."""
    return (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        f'<header class="lkip-top">{nav}</header><main>{body}</main>'
        "<footer>Dibuat otomatis dari data oleh lkip_helpers. Angka dihitung dari tabel data; "
        "lihat folder tables/ untuk CSV dan XLSX.</footer></body></html>\n"
    )


_EXPORTER: dict = {}


def exporter():
    """nbconvert's HTML exporter for leadership pages, made once per process (loading its templates
    costs more than converting a page)."""
    if "exporter" not in _EXPORTER:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = HTMLExporter(
            template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={"injected-parameters", "parameters"}, enabled=True), enabled=True
        )
        _EXPORTER["exporter"] = exporter
    return _EXPORTER["exporter"]


def notebook_page(executed: Path, title: str) -> str:
    """Render an executed notebook for leadership: outputs and narrative only."""
    import nbformat  # here: importing it takes ~1.5 s, which kernels and index pages never need

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # warnings on stderr are for analysts, not for the leadership page
            cell.outputs = [
                o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    body, _ = exporter().from_notebook_node(nb)
    nav = '<a href="index.html">&larr; Ringkasan dan daftar halaman</a>'
    return page(title, body, nav)


def draft_notice(ds) -> str:
    """For a draft dataset: a box saying the data are incomplete and what remains (empty otherwise)."""
    from lkip_helpers.data import completeness

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


def document_links(artifacts: list[dict], prefix: str, compact: bool = False) -> str:
    """Links to the LKIP document (Word draft and PDF) when the build wrote it (empty otherwise).

    ``compact``: one short line for a table cell (the overview), instead of a highlighted paragraph.
    """
    e = html.escape
    names = {".docx": "Word", ".pdf": "PDF"} if compact else {".docx": "Word (draf untuk disunting)", ".pdf": "PDF"}
    links = [
        f'<a href="{e(prefix + f)}">{names.get(Path(f).suffix, e(Path(f).name))}</a>'
        for a in artifacts
        if a.get("kind") == "document"
        for f in a["files"]
    ]
    if not links:
        return ""
    if compact:
        return f'<br><span class="lkip-source">Dokumen: {" · ".join(links)}</span>'
    return f'<p class="lkip-doc"><strong>Dokumen LKIP:</strong> {" · ".join(links)}</p>'


def index_page(ds, pages: list[dict], artifacts: list[dict]) -> str:
    """The landing page: headline figures, then links to every page and artifact."""
    from lkip_helpers.analysis import anggaran, kinerja
    from lkip_helpers.numbers import format_pct, format_rp

    m = kinerja.measured(ds)
    per, overall = kinerja.sasaran_summary(ds)
    pagu, real, serapan = anggaran.total(ds)
    miss = ds.missing_text
    reached = f"{int(m['tercapai'].sum())} / {len(m)}" if m["capaian_pct"].notna().any() else miss
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
        f"<tr><td>{e(a['id'])}</td><td>{e(a['kind'])}</td><td>{e(a['title'])}</td><td>"
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
