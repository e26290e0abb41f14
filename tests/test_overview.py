"""outputs/index.html across agencies: built from manifests only, escaped, self-contained, own links only."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser

import pytest

from lkip_helpers.pipeline.build import write_outputs_index
from lkip_helpers.report import overview


def _manifest(root, folder, *, title, year, angka_ringkasan, synthetic=False, page=True, tables=None):
    """``tables``: {artifact id: CSV text} written under tables/ and listed as artifacts."""
    d = root / folder
    (d / "html").mkdir(parents=True)
    artifacts = []
    for art, text in (tables or {}).items():
        (d / "tables").mkdir(exist_ok=True)
        (d / "tables" / f"{art}.csv").write_text(text, encoding="utf-8")
        artifacts.append({"id": art, "kind": "table", "files": [f"tables/{art}.csv"]})
    if page:
        (d / "html" / "index.html").write_text("<p>laporan</p>", encoding="utf-8")
    (d / "manifest.json").write_text(
        json.dumps(
            {
                "dataset": folder,
                "title": title,
                "year": year,
                "synthetic": synthetic,
                "headline": angka_ringkasan,
                "artifacts": artifacts,
            }
        ),
        encoding="utf-8",
    )


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.rows, self.cells, self._row = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self._row = []
        if tag == "td" and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag):
        if tag == "tr" and self._row:
            self.rows.append(self._row)
        if tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._row:
            self._row[-1] += data


@pytest.fixture()
def outputs(tmp_path, monkeypatch):
    root = tmp_path / "outputs"
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(root))
    _manifest(
        root,
        "dinkes-a-2023",
        title="Dinas Kesehatan Kabupaten A — LKIP 2023",
        year=2023,
        angka_ringkasan={
            "rata_rata_capaian_pct": 82.3156,
            "rata_rata_baris_pct": 82.3156,
            "n_terukur": 9,
            "n_indikator": 9,
            "n_tercapai": 4,
            "serapan_pct": 71.0062,
            "instansi": "Dinas Kesehatan",
            "wilayah": "Kabupaten A",
            "status": "final",
            "n_temuan_audit": 3,
        },
        tables={  # the LKE check as the build writes it: points per criterion, summed by the overview
            "kesiapan-lke": "kode,subkomponen,status,poin_min,poin_max,bobot_komponen\n"
            "3.a.1,3.a,terpenuhi,0.5,0.5,15\n3.b.6,3.b,tidak terpenuhi,0,0,15\n"
            "3.b.7,3.b,sebagian,0.15,0.15,15\n3.c.1,3.c,dinilai evaluator,0,1.0714,15\n"
        },
    )
    _manifest(
        root,
        "synth-001-2024",
        title="x",
        year=2024,
        synthetic=True,
        angka_ringkasan={
            "rata_rata_capaian_pct": 120.5,
            "rata_rata_baris_pct": 131.25,
            "n_terukur": 3,
            "n_indikator": 3,
            "n_tercapai": 3,
            "serapan_pct": 99.999,
            "instansi": "Dinas <script>alert(1)</script> Sosial",
            "wilayah": 'Kota "B" & C',
            "status": "draft",
            "n_temuan_audit": 0,
        },
    )
    _manifest(
        root,
        "draf-2025",
        title="Badan Baru — LKIP 2025",
        year=2025,
        angka_ringkasan={
            "rata_rata_capaian_pct": None,
            "n_indikator": 4,
            "n_tercapai": None,
            "serapan_pct": None,
            "instansi": "Badan <img src=x onerror=alert(1)>",
            "wilayah": "javascript:alert(1)",
            "status": "draft",
            "n_temuan_audit": None,
        },
        page=False,
    )
    _manifest(
        root, "lama-2022", title="Dinas Lama Provinsi D — LKIP 2022", year=2022, angka_ringkasan={}
    )  # older manifest
    (root / "rusak").mkdir()
    (root / "rusak" / "manifest.json").write_text("{bukan json", encoding="utf-8")
    (root / "_gagal" / "x").mkdir(parents=True)
    return root


def test_one_row_per_agency_year_with_the_manifest_figures(outputs):
    write_outputs_index()
    text = (outputs / "index.html").read_text(encoding="utf-8")
    p = _Tags()
    p.feed(text)
    rows = [r for r in p.rows if len(r) == 7]
    assert [r[0].split(".")[0] for r in rows] == ["1", "2", "3", "4"]
    by_agency = {r[0].split(" ", 1)[1]: r[1:] for r in rows}
    assert list(by_agency) == [  # newest year first
        "Badan <img src=x onerror=alert(1)>javascript:alert(1) · 2025 · DRAF",
        'Dinas <script>alert(1)</script> SosialKota "B" & C · 2024 · DRAF · sintetis',
        "Dinas KesehatanKabupaten A · 2023 · final",
        "Dinas Lama Provinsi D– · 2022 · status tidak diketahui",
    ]  # older manifest: agency from the title
    assert list(by_agency.values()) == [
        ["–", "–", "–", "–", "–", "–"],
        ["131,25", "3/3", "120,50", "100,00", "0", "–"],  # the common measure first, the agency's own beside it
        ["82,32", "4/9", "82,32", "71,01", "3", "0,65–1,72 / 15 · belum: 3.b.6, 3.b.7"],  # 0,5+0,15 .. +1,0714
        ["–", "–", "–", "–", "–", "–"],
    ]
    assert "rusak" not in text and "_gagal" not in text


def test_text_from_manifests_is_escaped_and_links_are_ours(outputs):
    write_outputs_index()
    text = (outputs / "index.html").read_text(encoding="utf-8")
    p = _Tags()
    p.feed(text)
    tags = {t for t, _ in p.tags}
    assert "script" not in tags and "iframe" not in tags and "object" not in tags
    assert [a["src"][:26] for t, a in p.tags if t == "img"] == ["data:image/svg+xml;base64,"]
    assert not any(k.startswith("on") for _, a in p.tags for k in a)
    hrefs = [a["href"] for t, a in p.tags if t == "a"]
    assert sorted(hrefs) == [
        "dinkes-a-2023/html/index.html",
        "lama-2022/html/index.html",
        "synth-001-2024/html/index.html",
    ]  # draf-2025 has no page yet: no link
    assert "Content-Security-Policy" in text and "http://" not in text and "https://" not in text
    assert text.count("· sintetis") == 1 and "DATA SINTETIS" in text


def test_chart_has_one_point_per_agency_year_with_both_figures(outputs):
    entries = overview.read_manifests(outputs)
    svg = base64.b64decode(overview.scatter_svg(entries).split(",", 1)[1]).decode("utf-8")
    assert svg.startswith("<?xml") and "<script" not in svg
    # two entries have capaian and serapan; their row numbers label the points (text drawn as paths has ids)
    assert len(re.findall(r'<g id="PathCollection_\d+"', svg)) == 2
    text = overview.page_html(entries)
    assert "Tidak tampil di grafik (capaian atau serapan belum ada): nomor 1, 4." in text
    assert overview.scatter_svg([e for e in entries if e.capaian_pct is None]) is None


def test_same_manifests_same_page(outputs):
    first = overview.page_html(overview.read_manifests(outputs))
    assert overview.page_html(overview.read_manifests(outputs)) == first


def test_empty_outputs_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "kosong"))
    write_outputs_index()
    assert "Belum ada dataset yang dibangun" in (tmp_path / "kosong" / "index.html").read_text(encoding="utf-8")


def test_audit_count_is_read_from_the_builds_audit_table(tmp_path):
    record = [{"id": "audit-konsistensi", "files": ["tables/audit-konsistensi.csv", "tables/audit-konsistensi.xlsx"]}]
    (tmp_path / "tables").mkdir()
    table = tmp_path / "tables" / "audit-konsistensi.csv"
    table.write_text(
        "jenis,report_table,row_ref,column,cause\nangka,Tabel 3.1,a,capaian_pct,x\n"
        'rujukan,Bab 3.6,b,kabupaten,"y, z"\nangka,Tabel 3.1,c,capaian_pct,w\n',
        encoding="utf-8",
    )
    assert overview.audit_count(tmp_path, record) == 3
    table.write_text("jenis,report_table,row_ref,column,cause\n-,-,-,-,tidak ada ketidaksesuaian\n", encoding="utf-8")
    assert overview.audit_count(tmp_path, record) == 0
    assert overview.audit_count(tmp_path, []) is None  # no audit table in this build: unknown, not zero
    table.write_text("temuan\n1\n", encoding="utf-8")
    assert overview.audit_count(tmp_path, record) is None


def test_chart_is_drawn_again_only_when_what_it_shows_changed(outputs, tmp_path, monkeypatch):
    entries = overview.read_manifests(outputs)
    cache = tmp_path / overview.CHART_CACHE
    drawn = overview.scatter_svg(entries, cache)
    assert drawn == overview.scatter_svg(entries)  # kept or not, the same chart
    calls = []
    monkeypatch.setattr(overview, "_draw_scatter", lambda points: calls.append(points) or "data:image/svg+xml;base64,")
    assert overview.scatter_svg(entries, cache) == drawn and not calls  # nothing changed: the kept chart

    shown = next(e for e in entries if e.baris_pct is not None and e.serapan_pct is not None)
    shown.baris_pct += 1.5  # the chart plots the common measure
    assert overview.scatter_svg(entries, cache) != drawn and len(calls) == 1  # a point moved: drawn again
    cache.write_text("{rusak", encoding="utf-8")
    overview.scatter_svg(entries, cache)
    assert len(calls) == 2  # a damaged file is never trusted
