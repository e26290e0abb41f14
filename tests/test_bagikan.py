"""Sharing the report with the pimpinan: one zip whose every link works (`lkip bagikan`), pages that say
nothing dead when sent alone, an index that starts with what is below target, tables that keep their
numbers in view on a phone, figures described by their captions, titles said once.

The browser tests drive Debian's chromium through Playwright (tests/chromium.py); the fixture agency is
built once per run (conftest.py, fixture_build).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import pandas as pd
import pytest
from chromium import DESK, PHONE, Tab
from conftest import FIXTURE, FIXTURES  # the fixture agency, built once per run (fixture_build)

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.pipeline import bagikan
from lkip_helpers.report.artifacts import Outputs
from lkip_helpers.report.front import index_page, lede
from lkip_helpers.report.html import NO_ALT, PACKAGE_CSS, described_images
from lkip_helpers.report.report_table import Column, ReportTable

KEY_COLUMN = re.compile(r"target|realisasi|capaian|pagu|serapan", re.IGNORECASE)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shared(fixture_build, tmp_path_factory):
    """`lkip bagikan` of the build, unzipped into a new folder elsewhere: (unzipped root, zip, what it printed)."""
    import contextlib
    import io

    outputs = tmp_path_factory.mktemp("outputs")
    shutil.copytree(fixture_build, outputs / FIXTURE)  # the zip is written beside it: not into the shared build
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setenv("LKIP_DATA_DIR", str(FIXTURES))
        mp.setenv("LKIP_OUTPUTS_DIR", str(outputs))
        assert main(["bagikan", FIXTURE]) == 0
    zip_path = outputs / f"lkip-{FIXTURE}.zip"
    target = tmp_path_factory.mktemp("dibuka-di-laptop-lain")
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(target)
    return target / f"lkip-{FIXTURE}", zip_path, out.getvalue()


# every link, stylesheet and image of the page as the browser resolved it, and whether it is shown
LINKS_JS = """() => Array.from(document.querySelectorAll('a[href], link[href], img[src]')).map(e => ({
    url: e.href || e.src, tag: e.tagName,
    visible: e.tagName === 'LINK' || !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)}))"""


def _dead(links: list[dict]) -> list[str]:
    """The links to local files that do not exist (a link within the page, data: images aside)."""
    dead = []
    for link in links:
        url = urlparse(link["url"])
        if url.scheme == "file" and not Path(url2pathname(unquote(url.path))).exists():
            dead.append(link["url"])
        elif url.scheme not in ("file", "data"):
            dead.append(link["url"])  # nothing from outside either
    return dead


# ---------------------------------------------------------------- the zip


@pytest.mark.browser
def test_every_link_of_every_page_in_the_unzipped_package_works(browser, shared):
    root, zip_path, printed = shared
    pages = sorted(root.rglob("*.html"))
    assert (root / bagikan.LANDING) in pages and (root / "html" / "index.html") in pages
    assert len(pages) >= 12
    checked, problems = 0, []
    with Tab(browser, DESK) as tab:
        for path in pages:
            page = tab.open(path)
            links = page.evaluate(LINKS_JS)
            checked += len(links)
            dead = _dead(links)
            if dead or tab.failed:
                problems.append(f"{path.relative_to(root)}: dead {dead}, failed {tab.failed}")
            if path.parent.name == "html" and path.name != "index.html":
                # in the package, the way back to the index is shown and the "sent alone" note is not
                assert page.locator("header a.lkip-paket").is_visible(), path.name
                assert not page.locator("header .lkip-sendiri").is_visible(), path.name
    assert not problems, "\n".join(problems)
    assert checked > 100  # the index alone links every page, the documents, every table and figure
    names = zipfile.ZipFile(zip_path).namelist()
    assert all(n.startswith(f"lkip-{FIXTURE}/") for n in names)
    inside = {n.split("/", 1)[1] for n in names}
    assert {f"dokumen/lkip-{FIXTURE}.pdf", f"dokumen/lkip-{FIXTURE}.docx", f"html/{PACKAGE_CSS}"} <= inside
    assert not [n for n in inside if n.startswith("notebooks/") or "catatan-verifikasi" in n or n == "manifest.json"]
    assert str(zip_path) in printed and re.search(r"\d+(,\d)? (MB|kB)", printed) and "PDF" in printed


@pytest.mark.browser
@pytest.mark.parametrize("name", ["index.html", "indikator-dbd.html", "03_bab3_capaian.html"])
def test_a_page_sent_alone_shows_no_dead_link(browser, fixture_build, tmp_path, name):
    """Copied alone into an empty folder (as WhatsApp delivers it): no visible link leads nowhere, and the page
    says where the rest of the report is."""
    alone = tmp_path / "unduhan"
    alone.mkdir()
    shutil.copy(fixture_build / "html" / name, alone / name)
    with Tab(browser, PHONE) as tab:
        page = tab.open(alone / name)
        links = [link for link in page.evaluate(LINKS_JS) if link["visible"] and link["tag"] == "A"]
        assert _dead(links) == []
        assert page.locator(".lkip-sendiri").first.is_visible()
        assert "zip laporan" in page.inner_text("body")
        # the same page beside its siblings shows its links again
        page = tab.open(fixture_build / "html" / name)
        shown = [link for link in page.evaluate(LINKS_JS) if link["visible"] and link["tag"] == "A"]
        assert shown and _dead(shown) == []


def test_bagikan_refuses_a_dataset_that_was_not_built(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    assert main(["bagikan", paths.DEFAULT_DATASET]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "belum dibangun" in err and f"lkip build {paths.DEFAULT_DATASET}" in err
    half = tmp_path / "outputs" / paths.DEFAULT_DATASET / "tables"  # a run outside lkip build left only tables
    half.mkdir(parents=True)
    (half / "tabel-3.1.csv").write_text("a\n1\n", encoding="utf-8")
    assert main(["share", paths.DEFAULT_DATASET]) == 2
    assert "belum dibangun lengkap" in capsys.readouterr().err
    assert not list((tmp_path / "outputs").glob("*.zip"))


def _built_folder(root: Path, index_html: str, artifacts: list[dict]) -> Path:
    folder = root / "contoh-2023"
    for sub in ("html", "dokumen", "tables", "notebooks"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "html" / "index.html").write_text(index_html, encoding="utf-8")
    for a in artifacts:
        for f in a["files"]:
            (folder / f).write_text("x", encoding="utf-8")
    manifest = {"dataset": "contoh-2023", "title": "Dinas <Contoh> — LKIP 2023", "headline": {}, "artifacts": artifacts}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_zip_follows_every_link_and_refuses_one_that_cannot_work(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path))
    internal = {"id": "dokumen-verifikasi", "kind": "document", "title": "c", "files": ["dokumen/catatan.pdf"]}
    notebook = {"id": "halaman-a", "kind": "page", "title": "A", "files": ["html/a.html", "notebooks/a.ipynb"]}
    _built_folder(tmp_path, '<a href="a.html">A</a> <a href="../dokumen/catatan.pdf">c</a>', [internal, notebook])
    pkg = bagikan.share("contoh-2023")
    names = {n.split("/", 1)[1] for n in zipfile.ZipFile(pkg.path).namelist()}
    # linked from the index: packed although internal; the notebook is not
    assert names == {bagikan.LANDING, "html/index.html", "html/a.html", "dokumen/catatan.pdf", f"html/{PACKAGE_CSS}"}
    landing = zipfile.ZipFile(pkg.path).read(f"lkip-contoh-2023/{bagikan.LANDING}").decode()
    assert "Dinas &lt;Contoh&gt;" in landing and 'href="html/index.html"' in landing  # data text escaped
    (tmp_path / "contoh-2023" / "html" / "index.html").write_text(
        '<a href="hilang.html">x</a> <img src="../../luar.png">', encoding="utf-8"
    )
    pkg.path.unlink()
    with pytest.raises(LkipError, match="2 tautan .* tidak akan berfungsi"):
        bagikan.share("contoh-2023")
    assert not pkg.path.exists()


def test_the_zip_is_never_written_into_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    _built_folder(tmp_path / "outputs", "<p>isi</p>", [])
    assert main(["bagikan", "contoh-2023", "--output", str(tmp_path / "data" / "x.zip")]) == 2
    assert not (tmp_path / "data" / "x.zip").exists()


# ---------------------------------------------------------------- the first screen


def test_the_index_starts_with_what_is_below_target_and_why():
    ds = load_dataset(FIXTURE, root=FIXTURES / FIXTURE)
    page = index_page(ds, [{"file": "indikator-dbd.html", "title": "Indikator: Kesakitan DBD"}], [])
    first_list = min(page.index(tag) for tag in ("<ul", "<details", "<table") if tag in page)
    assert page.index('class="lkip-lede') < first_list
    text = html.unescape(re.sub(r"<[^>]+>", " ", lede(ds)))
    assert "4 dari 6 indikator kinerja utama belum mencapai target 2023" in " ".join(text.split())
    # lowest first, then why: the fixture states no cause, and says so
    assert text.index("Kesakitan DBD") < text.index("Puskesmas paripurna") < text.index("belum menyatakan penyebab")
    assert "<table" not in page and "jenis" not in text


def test_the_index_quotes_the_stated_cause(scratch):
    """The lowest indicator's cause as the agency states it (narasi.csv), escaped; none stated: what the numbers show."""
    before = html.unescape(re.sub(r"<[^>]+>", " ", lede(load_dataset(paths.DEFAULT_DATASET))))
    assert "6 dari 9" in before and "dan 3 lainnya" in before and "menurut laporan" not in before
    # no stated cause: a numeric fact, said as what the numbers show, never as the cause
    assert "belum menyatakan penyebab untuk Kerja sama desa non-pemerintah" in " ".join(before.split())
    assert "angkanya menunjukkan — Kerja sama desa non-pemerintah: Target naik 47%" in " ".join(before.split())
    narasi = pd.read_csv(scratch / "narasi.csv", dtype=str)
    row = {"narasi_id": "n99", "section": "Bab 3.2", "kind": "penyebab_kendala", "sasaran_id": "ss-tatakelola"}
    row |= {"indikator_id": "kerjasama-desa", "text": "Mitra <b>belum</b> menandatangani kerja sama"}
    pd.concat([narasi, pd.DataFrame([row])]).to_csv(scratch / "narasi.csv", index=False)
    text = lede(load_dataset(paths.DEFAULT_DATASET))
    assert (
        "Penyebab menurut laporan — Kerja sama desa non-pemerintah: Mitra &lt;b&gt;belum&lt;/b&gt; menandatangani"
        in text
    )


# ---------------------------------------------------------------- tables, images, titles


def _table(**kw) -> ReportTable:
    frame = pd.DataFrame(
        {
            "name": ["<b>Indikator</b> panjang sekali yang menjelaskan banyak hal", "Rata-rata"],
            "unit": ["%", "%"],
            "target": [100.0, None],
            "capaian_pct": [84.09, 92.2],
        }
    )
    columns = [
        Column("name", "Indikator <Kinerja>"),
        Column("unit", "Satuan"),
        Column("target", "Target", "number"),
        Column("capaian_pct", "% Capaian", "pct"),
    ]
    return ReportTable(id="tabel-9.1", title="Judul Tabel", frame=frame, columns=columns, emphasis_rows=[1], **kw)


def test_a_table_labels_every_cell_and_escapes_data_text():
    out = _table().to_html()
    assert "<b>" not in out and "&lt;b&gt;Indikator&lt;/b&gt;" in out
    assert 'data-label="Indikator &lt;Kinerja&gt;"' in out and 'data-label="% Capaian"' in out
    cells = re.findall(r'<td class="([^"]+)" data-label="([^"]+)">([^<]*)</td>', out)
    assert [(c, v) for c, _, v in cells[:4]] == [
        ("lkip-text", "&lt;b&gt;Indikator&lt;/b&gt; panjang sekali yang menjelaskan banyak hal"),
        ("lkip-text lkip-short", "%"),
        ("lkip-num", "100"),
        ("lkip-num", "84,09"),
    ]
    assert '<tr class="lkip-em"' in out and out.count("<tr") == 3 and "<script" not in out


def test_a_title_shows_once_under_a_heading_that_says_it(tmp_path):
    out = Outputs("contoh", tmp_path, "99_uji")
    out.heading("Tabel 9.1 — Judul tabel")  # another capital: the same title
    under_heading = out.table(_table())._repr_html_()
    alone = out.table(_table())._repr_html_()  # no heading of its own: keeps its title
    assert "<h4>" not in under_heading and "<h4>Judul Tabel</h4>" in alone
    out.heading("Anggaran dan capaian")
    assert "<h4>Judul Tabel</h4>" in out.table(_table())._repr_html_()


def test_a_figure_carries_its_caption_as_alt_text(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Outputs("contoh", tmp_path, "99_uji")
    fig, ax = plt.subplots()
    ax.plot([1, 2])
    shown = out.figure("gambar-9.1", "Capaian per indikator 2023", fig, pd.DataFrame({"x": [1]}))
    _, meta = shown._repr_png_()
    assert meta["alt"] == "Capaian per indikator 2023"
    body = f'<h2 id="a">Gambar 9.2 — Serapan &amp; capaian<a class="anchor-link" href="#a">¶</a></h2><img {NO_ALT} src="x">'
    assert described_images(body).endswith('<img alt="Gambar: Gambar 9.2 — Serapan &amp; capaian" src="x">')


def test_built_pages_describe_every_image_and_say_each_title_once(fixture_build):
    manifest = json.loads((fixture_build / "manifest.json").read_text(encoding="utf-8"))
    captions = {a["title"] for a in manifest["artifacts"] if a["kind"] == "figure"}
    images = 0
    for path in sorted((fixture_build / "html").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        alts = [html.unescape(a) for a in re.findall(r'<img[^>]*\balt="([^"]*)"', text)]
        assert len(alts) == text.count("<img"), path.name
        assert set(alts) <= captions, (path.name, set(alts) - captions)
        images += len(alts)
        titles = [
            " ".join(html.unescape(re.sub(r"<[^>]+>|¶", "", t)).split()).casefold()
            for t in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", text, re.S)
        ]
        repeated = [t for a, t in zip(titles, titles[1:]) if a == t or a.endswith(" — " + t)]
        assert repeated == [], (path.name, repeated)
    assert images >= 3


# cells of the key numeric columns (by their header) lying outside the viewport, and how many were measured
KEY_CELLS_JS = """([w, key]) => {
  const out = {outside: [], measured: 0, tables: 0};
  document.querySelectorAll('table').forEach((t, ti) => {
    out.tables += 1;
    const heads = Array.from(t.querySelectorAll('thead th')).map(h => h.textContent.trim());
    t.querySelectorAll('tbody tr').forEach((r, ri) => Array.from(r.children).forEach((c, ci) => {
      if (!new RegExp(key, 'i').test(heads[ci] || '') || !c.textContent.trim()) return;
      const b = c.getBoundingClientRect();
      out.measured += 1;
      if (b.width === 0 || b.left < -0.5 || b.right > w + 0.5)
        out.outside.push(`tabel ${ti} baris ${ri} ${heads[ci]}: ${Math.round(b.left)}–${Math.round(b.right)}`);
    }));
  });
  return out;
}"""


@pytest.mark.browser
def test_on_a_phone_the_numbers_of_every_table_stay_in_view(browser, fixture_build, tmp_path_factory):
    shots = tmp_path_factory.mktemp("layar")
    measured = tables = 0
    problems = []
    with Tab(browser, PHONE) as ponsel, Tab(browser, DESK) as meja:
        for path in sorted((fixture_build / "html").glob("*.html")):
            for name, tab in (("ponsel", ponsel), ("meja", meja)):
                page = tab.open(path)
                width = tab.viewport["width"]
                found = page.evaluate(KEY_CELLS_JS, [width, KEY_COLUMN.pattern])
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                if found["outside"] or scroll > width or tab.failed:  # the page as it looked, to see why
                    shot = shots / f"{path.stem}-{name}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    problems.append(
                        f"{path.name} {name}: {found['outside'][:4]} scrollWidth {scroll} {tab.failed} ({shot})"
                    )
                if name == "ponsel":
                    measured, tables = measured + found["measured"], tables + found["tables"]
    assert not problems, "\n".join(problems)
    assert tables >= 10 and measured >= 60, (tables, measured)  # the check measured real cells
