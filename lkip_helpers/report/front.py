"""The front of a dataset's pages: the banner each notebook page starts with, the draft notice, the index page.

Apart from :mod:`lkip_helpers.report.html` (the page shell the build's workers render
notebooks into), because these read the data: the headline figures, what a draft lacks.
"""

from __future__ import annotations

import html
from pathlib import Path

from lkip_helpers.analysis import drilldown, kinerja
from lkip_helpers.analysis.ringkasan import angka_ringkasan
from lkip_helpers.data import completeness
from lkip_helpers.data.loading import Dataset
from lkip_helpers.numbers import format_pct, format_rp
from lkip_helpers.report import narrative, sections
from lkip_helpers.report.html import page
from lkip_helpers.report.kalimat import KALIMAT, say


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


LEDE_NAMED = 3  # indicators below target named on the first screen (the rest are counted)
LEDE_WHY = 2  # of which the lowest get a reason
CAUSE_CHARS = 160  # a stated cause longer than this is cut (the indicator's page has it whole)
CAUSE_KINDS = ("penyebab_kendala",)  # narasi.kind: what the agency says held an indicator back


def _name(row) -> str:
    short = row.get("short_name")
    return str(short) if isinstance(short, str) and short.strip() else str(row["name"])


def _cut(text: str, limit: int = CAUSE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def _stated_cause(ds: Dataset, row) -> str | None:
    """The agency's own stated cause of one indicator's result (narasi.csv), cut to one clause; None without one."""
    stated = drilldown.stated(ds, row["indikator_id"], CAUSE_KINDS)
    return _cut(stated[0]).rstrip(".") if stated else None


def _numbers_show(ds: Dataset, row) -> str | None:
    """The first pattern one indicator's numbers show (a sentence of :mod:`lkip_helpers.report.kalimat`), as a fact,
    not a cause; None when they show none beyond the shortfall itself."""
    symptom = KALIMAT["capaian_turun_tajam"].template.split("{", 1)[0]  # restates the shortfall: says nothing more
    nothing = say("tidak_ada_pola", n_catatan=0)
    notes = [n for n in narrative.observations(ds, row["indikator_id"]) if n != nothing and not n.startswith(symptom)]
    return _cut(notes[0]).rstrip(".") if notes else None


def lede(ds: Dataset) -> str:
    """The first thing the index page says, in two or three lines: how many IKU are below target, which ones
    (lowest first), and why (the agency's stated cause, or what the numbers show)."""
    e = html.escape
    h = angka_ringkasan(ds)
    m = kinerja.measured(ds)
    measured = m[m["capaian_pct"].notna()]
    pol = kinerja.policy(ds)
    if measured.empty:
        text = f"Capaian kinerja {ds.year} belum dapat dinilai: realisasi indikator {e(ds.missing_text)}."
        return f'<div class="lkip-lede"><p><strong>{text}</strong></p></div>'
    low = measured[~measured["tercapai"].astype(bool)].sort_values("capaian_pct", kind="stable")
    avg = format_pct(h.rata_rata_capaian_pct, missing=ds.missing_text)
    kelas = pol.scale.classify(h.rata_rata_capaian_pct)
    average = f"rata-rata capaian {e(avg)}" + (f" ({e(kelas)})" if kelas else "")
    if low.empty:
        return (
            f'<div class="lkip-lede lkip-ok"><p><strong>Semua {len(measured)} indikator kinerja utama mencapai '
            f"target {ds.year}</strong>; {average}.</p></div>"
        )
    lines = [
        f"<p><strong>{len(low)} dari {len(measured)} indikator kinerja utama belum mencapai target {ds.year}"
        f"</strong>; {average}.</p>"
    ]
    named = [
        f"{e(_name(r))} <strong>{e(format_pct(r['capaian_pct']))}</strong>" for _, r in low.head(LEDE_NAMED).iterrows()
    ]
    more = f" dan {len(low) - LEDE_NAMED} lainnya" if len(low) > LEDE_NAMED else ""
    lines.append(f"<p>{'Terendah' if len(low) > 1 else 'Yaitu'}: {' · '.join(named)}{more}.</p>")
    stated, facts, silent = [], [], []
    for _, r in low.head(LEDE_WHY).iterrows():
        cause = _stated_cause(ds, r)
        if cause:
            stated.append(f"{e(_name(r))}: {e(cause)}")
            continue
        silent.append(e(_name(r)))
        fact = _numbers_show(ds, r)
        if fact:
            facts.append(f"{e(_name(r))}: {e(fact)}")
    why = []
    if stated:
        why.append(f"Penyebab menurut laporan — {'; '.join(stated)}.")
    if silent:
        names = " dan ".join([", ".join(silent[:-1]), silent[-1]] if len(silent) > 1 else silent)
        why.append(
            f"Laporan belum menyatakan penyebab untuk {names}"
            + (f"; angkanya menunjukkan — {'; '.join(facts)}." if facts else ".")
        )
    lines.append(f"<p>{' '.join(why)}</p>")
    return f'<div class="lkip-lede">{"".join(lines)}</div>'


# how the index page names a file by its suffix (tables: Excel and CSV; figures: picture and its data)
FILE_WORDS = {
    ".xlsx": "Excel",
    ".csv": "CSV",
    ".png": "gambar PNG",
    ".svg": "gambar SVG",
    ".pdf": "PDF",
    ".docx": "Word",
}


def _file_links(files: list[str], prefix: str = "../") -> str:
    e = html.escape
    words = {".csv": "data CSV"} if any(f.endswith(".png") for f in files) else {}
    return " · ".join(
        f'<a href="{e(prefix + f)}">{e(words.get(Path(f).suffix) or FILE_WORDS.get(Path(f).suffix, Path(f).suffix[1:]))}</a>'
        for f in sorted(
            files, key=lambda f: list(FILE_WORDS).index(Path(f).suffix) if Path(f).suffix in FILE_WORDS else 99
        )
    )


LKIP_DOCUMENT = "dokumen-lkip"  # the artifact id of the LKIP itself (the verification note is for the team)


def index_page(ds: Dataset, pages: list[dict], artifacts: list[dict]) -> str:
    """The landing page for the pimpinan: what is below target and why, the headline figures, then the
    documents, the pages, and the tables and figures as files (titles only; ids and kinds stay in manifest.json).

    Links to the other files of the report show only beside them (in the built folder, in the zip of
    ``lkip bagikan``); the page sent alone says where they are (:func:`lkip_helpers.report.html.page`).
    """
    h = angka_ringkasan(ds)
    per = h.per_sasaran
    pagu, real, serapan = h.pagu_rp, h.realisasi_rp, h.serapan_pct
    miss = ds.missing_text
    reached = f"{h.n_tercapai} / {h.n_indikator}" if h.n_tercapai is not None else miss
    no_budget = sections.unavailable_statement(ds, "anggaran")  # the agency states it holds no budget data
    cards = [
        (format_pct(h.rata_rata_capaian_pct, missing=miss), "rata-rata capaian kinerja"),
        (reached, "indikator mencapai target"),
    ]
    if not no_budget:
        cards += [
            (format_pct(serapan, missing=miss), "serapan anggaran"),
            (format_rp(pagu, missing=miss), "pagu anggaran"),
        ]
    e = html.escape
    parts = [f"<h1>{e(ds.title)}</h1>"]
    if ds.synthetic:
        parts.append('<p class="lkip-warning">DATA SINTETIS — bukan data instansi yang sebenarnya.</p>')
    parts.append(lede(ds))
    parts.append(draft_notice(ds))
    parts.append(
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{e(v)}</div><div class="l">{e(label)}</div></div>' for v, label in cards
        )
        + "</div>"
    )
    if len(per):
        parts.append(
            "<h2>Capaian per sasaran strategis</h2><ul>"
            + "".join(
                f"<li>{e(str(r['name']))}: <strong>{e(format_pct(r['rata_rata_capaian_pct'], missing=miss))}</strong></li>"
                for _, r in per.iterrows()
            )
            + "</ul>"
        )
    parts.append(
        f"<p>{e(no_budget)}</p>"
        if no_budget
        else f"<p>Realisasi anggaran {e(format_rp(real, missing=miss))} dari {e(format_rp(pagu, missing=miss))}.</p>"
    )
    package = []
    documents = [a for a in artifacts if a.get("kind") == "document" and a.get("id") == LKIP_DOCUMENT]
    if documents:
        package.append(
            '<p class="lkip-doc"><strong>Dokumen LKIP:</strong> '
            + _file_links([f for a in documents for f in a["files"]])
            + ' <span class="lkip-source">(PDF untuk dibaca di ponsel, Word untuk disunting)</span></p>'
        )
    package.append(
        '<h2>Halaman</h2><ul class="pages">'
        + "".join(f'<li><a href="{e(p["file"])}">{e(p["title"])}</a></li>' for p in pages)
        + "</ul>"
    )
    shown = [a for a in artifacts if a.get("kind") in ("table", "figure")]
    titles = [a["title"] for a in shown]
    if shown:
        items = "".join(
            f"<li>{e(a['title'])}"
            + (
                f' <span class="lkip-source">({e(Path(a["files"][0]).stem)})</span>'
                if titles.count(a["title"]) > 1
                else ""
            )
            + f": {_file_links(a['files'])}</li>"
            for a in shown
        )
        package.append(
            f"<details><summary><strong>Tabel dan grafik untuk diolah</strong> ({len(shown)}: Excel, CSV dan "
            f'gambar)</summary><ul class="pages">{items}</ul></details>'
        )
    parts.append(f'<section class="lkip-paket">{"".join(package)}</section>')
    parts.append(
        '<p class="lkip-sendiri lkip-doc">Halaman ini dibuka tanpa paketnya. Dokumen LKIP (PDF dan Word), halaman '
        "rincian per bab dan per indikator, serta tabel dan grafik ada di folder atau zip laporan yang sama; "
        "mintalah zip itu kepada tim penyusun.</p>"
    )
    nav = "<span>Ringkasan dan daftar halaman</span>"
    return page(f"{ds.title} — Ringkasan", "".join(parts), nav, package=True)
