"""Leadership HTML: one self-contained page per notebook, in one page shell (the index page: :mod:`.front`).

Pages use nbconvert's ``basic`` template (no scripts, no outside resources) inside our
own page shell: code and the injected-parameters cell removed, images embedded as
data URIs, layout that fits a phone. Nothing here reads a dataset: the build's workers
render pages with this module alone.
"""

from __future__ import annotations

import html
import re
import string
from pathlib import Path

from lkip_helpers.palette import PALETTE, TINTS

CSS = string.Template("""
:root{--biru:$utama;--teal:$kedua;--abu:$abu;--merah:$bahaya}
*{box-sizing:border-box}
body{margin:0;font-family:"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:$teks;background:$latar;line-height:1.5}
header.lkip-top{background:var(--biru);color:#fff;padding:.8rem 1rem}
header.lkip-top a{color:#fff}
main{max-width:1100px;margin:0 auto;padding:1rem;background:#fff}
h1{font-size:1.5rem;color:var(--biru)} h2{font-size:1.25rem;color:var(--biru);border-bottom:2px solid $garis;padding-bottom:.2rem}
h3,h4{font-size:1.05rem}
img{max-width:100%;height:auto}
.lkip-scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.85rem;margin:.3rem 0}
th,td{border:1px solid $bingkai;padding:.3rem .45rem;vertical-align:top}
th{background:$panel;text-align:left}
.lkip-source,.lkip-notes{font-size:.8rem;color:var(--abu)}
.lkip-banner{background:$banner;border-left:4px solid var(--teal);padding:.5rem .8rem;margin:.5rem 0;font-size:.9rem}
.lkip-warning{color:#fff;background:var(--merah);padding:.4rem .6rem;font-weight:bold}
.lkip-draft{background:$draf;border-left:4px solid var(--aksen,$aksen);padding:.4rem .8rem;margin:.5rem 0}
.lkip-draft ul{margin:.2rem 0;font-size:.85rem}
.lkip-doc{background:$panel;border-left:4px solid var(--biru);padding:.5rem .8rem;margin:.8rem 0}
.cards{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.card{flex:1 1 150px;background:$panel;border-radius:6px;padding:.6rem .8rem}
.card .v{font-size:1.5rem;font-weight:bold;color:var(--biru)} .card .l{font-size:.85rem;color:var(--abu)}
ul.pages li{margin:.3rem 0}
.lkip-lede{border-left:4px solid var(--merah);background:$panel;padding:.5rem .8rem;margin:.6rem 0 1rem}
.lkip-lede p{margin:.25rem 0}
.lkip-lede.lkip-ok{border-left-color:var(--teal)}
.anchor-link{display:none}
.lkip-paket{display:none}
footer{max-width:1100px;margin:0 auto;padding:1rem;font-size:.75rem;color:var(--abu)}
table.lkip-table th.lkip-num{text-align:right}
table.lkip-table td.lkip-num{text-align:right;white-space:nowrap}
table.lkip-table tr.lkip-em td{font-weight:bold}
@media (max-width:640px){
main{padding:.7rem}
table.lkip-table,table.lkip-table tbody,table.lkip-table tr,table.lkip-table td{display:block;width:auto}
table.lkip-table thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
table.lkip-table tr{display:flex;flex-wrap:wrap;gap:.15rem .9rem;border:1px solid $bingkai;border-radius:6px;margin:0 0 .5rem;padding:.35rem .55rem}
table.lkip-table td{border:0;padding:.1rem 0}
table.lkip-table td.lkip-text{flex:1 1 100%;min-width:0;overflow-wrap:anywhere}
table.lkip-table td.lkip-num,table.lkip-table td.lkip-short{flex:1 1 4.6rem;text-align:left}
table.lkip-table td::before{content:attr(data-label);display:block;font-size:.72rem;font-weight:normal;color:var(--abu)}
table.lkip-table td:empty{display:none}
}
""").substitute(PALETTE, **TINTS)  # the colours of lkip_helpers.palette

# Beside the pages (html/), in the built folder and in the zip of ``lkip bagikan``, never inside a page: a page
# that finds it shows its links to the other files of the report; a page sent alone (by WhatsApp, by e-mail)
# does not find it, hides those links and says where the rest is. No script decides it: only this stylesheet.
PACKAGE_CSS = "lkip-paket.css"
PACKAGE_RULES = ".lkip-paket{display:revert}\n.lkip-sendiri{display:none}\n"


# Second line of defence behind escaping: the browser runs no script and fetches nothing
# from outside, whatever a page contains (images are data: URIs, styles are inline).
# 'self' for styles: the one stylesheet beside the pages (PACKAGE_CSS), on the same disk, never from outside.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline' 'self'; base-uri 'none'; form-action 'none'"


def page(title: str, body: str, nav: str = "", package: bool = False) -> str:
    """A whole HTML document around ``body`` (already safe HTML).

    ``package``: the page lives in a dataset's ``html/`` folder, beside :data:`PACKAGE_CSS`; its elements of
    class ``lkip-paket`` (links to the other files of the report) show only where that file is found, those
    of class ``lkip-sendiri`` (what to do without them) only where it is not.
    """
    marker = f'<link rel="stylesheet" href="{PACKAGE_CSS}">' if package else ""
    return (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{CSS}</style>{marker}</head><body>"
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
    return page(title, described_images(body), NAV, package=True)


# The header of a notebook page: back to the index inside the report's folder or zip; alone, where the rest is.
NAV = (
    '<a class="lkip-paket" href="index.html">&larr; Ringkasan dan daftar halaman</a>'
    '<span class="lkip-sendiri">Halaman laporan LKIP. Ringkasan dan halaman lainnya ada di index.html, '
    "dalam folder atau zip laporan yang sama.</span>"
)

# what nbconvert writes into an image that carries no alt text of its own (replaced, never shown)
NBCONVERT_ALT = "No description has been provided for this image"
NO_ALT = f'alt="{NBCONVERT_ALT}"'
_HEADING = re.compile(r"<h([1-4])\b[^>]*>(.*?)</h\1>", re.S)


def described_images(body: str) -> str:
    """Every image of ``body`` with a real alt text: figures carry their caption (``Outputs.figure``); an image
    without one is described by the heading above it (or as a picture of the page's subject)."""
    if NO_ALT not in body:
        return body
    parts = body.split(NO_ALT)
    out = [parts[0]]
    for part in parts[1:]:
        before = "".join(out)
        found = list(_HEADING.finditer(before))
        text = html.unescape(re.sub(r"<[^>]+>", "", found[-1].group(2))).replace("\u00b6", "").strip() if found else ""
        out.append(f'alt="{html.escape("Gambar: " + text if text else "Gambar halaman ini")}"' + part)
    return "".join(out)


def write_package_marker(folder: Path) -> Path:
    """Write :data:`PACKAGE_CSS` into ``folder`` (a dataset's ``html/``): its pages then show their links."""
    path = Path(folder) / PACKAGE_CSS
    path.write_text(PACKAGE_RULES, encoding="utf-8")
    return path


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
