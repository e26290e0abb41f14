"""Safe HTML: text from data files shows as text wherever it reaches a page; parameters are checked first.

The session's build of the hostile copy of the default dataset (``hostile_build``, tests/hostile.py): its
names, causes and places carry markup (``<script>…</script>``, ``<b>x</b>``) and Markdown that would make
a ``javascript:`` link or fetch an image from outside. Every generated page must show them escaped and
never as markup.
"""

from __future__ import annotations

import re

import pytest
from hostile import BOLD, MARKUP_INDIKATOR, MARKUP_NAME

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.errors import LkipError

ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"  # hostile.SCRIPT as a page must show it


def _pages(root):
    pages = sorted((root / "outputs").rglob("*.html"))
    assert len(pages) >= 8, pages
    return pages


@pytest.mark.slow
def test_no_markup_from_data_in_any_page(hostile_build):
    for page in _pages(hostile_build):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<\s*script", text, re.IGNORECASE), page.name
        assert BOLD not in text, page.name
        assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", text, re.IGNORECASE), page.name
        assert not re.search(r"<img[^>]+src\s*=\s*[\"']?https?:", text, re.IGNORECASE), page.name
        assert 'alt="gambar"' not in text, page.name  # (a bare URL may become a link: no request)
        assert "Content-Security-Policy" in text and "default-src 'none'" in text, page.name


def test_data_text_is_shown_escaped(hostile_build):
    html = hostile_build / "outputs" / paths.DEFAULT_DATASET / "html"
    shown = {p.name for p in html.glob("*.html") if ESCAPED_SCRIPT in p.read_text(encoding="utf-8")}
    expected = {
        "index.html",  # sasaran name, the drill-down page title
        "00_ringkasan_eksekutif.html",  # sasaran name (table, narrative), short name below target
        "01_bab1_pendahuluan.html",  # kabupaten (Tabel 3.11, narrative 'Terbanyak: ...')
        "03_bab3_capaian.html",  # indicator name (Tabel 3.1), stated cause (narasi)
        "04_anggaran.html",  # program name (Tabel 3.13, narrative)
        f"indikator-{MARKUP_INDIKATOR}.html",  # heading of the drill-down page
    }
    assert expected <= shown, sorted(expected - shown)
    page = (html / f"indikator-{MARKUP_INDIKATOR}.html").read_text(encoding="utf-8")
    assert f"<title>Indikator: Posyandu {ESCAPED_SCRIPT}" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    # Markdown from data is shown literally, not turned into a link or an image
    ringkasan = (html / "00_ringkasan_eksekutif.html").read_text(encoding="utf-8")
    assert "[klik](javascript:alert(1))" in ringkasan


def test_data_files_keep_the_text_as_written(hostile_build):
    """Escaping is for HTML only: the CSV tables hold the names exactly as the data do."""
    table = (hostile_build / "outputs" / paths.DEFAULT_DATASET / "tables" / "tabel-3.1.csv").read_text(encoding="utf-8")
    assert MARKUP_NAME in table


# ---------------------------------------------------------------- parameters


@pytest.mark.parametrize("bad", ["../x", "a;b", "pmd-ntt-2023\n", "Pmd", "x/../../etc", ""])
def test_validate_rejects_bad_dataset_id(capsys, bad):
    assert main(["validate", bad]) == 2
    err = capsys.readouterr().err
    assert "id dataset tidak sah" in err and "Traceback" not in err, err


@pytest.mark.parametrize("bad", ["../x", "a;b"])
def test_build_rejects_bad_dataset_id(tmp_path, monkeypatch, capsys, bad):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    assert main(["build", bad]) == 2
    err = capsys.readouterr().err
    assert "id dataset tidak sah" in err and repr(bad) in err and "Traceback" not in err, err
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").rglob("*"))
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("bad", ["../x", "a;b"])
def test_setup_rejects_bad_dataset_id(tmp_path, bad):
    from lkip_helpers.notebook import setup

    with pytest.raises(LkipError, match="id dataset tidak sah"):
        setup(bad, str(tmp_path), "00_ringkasan_eksekutif")
    assert not any(tmp_path.iterdir())


def test_setup_rejects_bad_variant(tmp_path):
    from lkip_helpers.notebook import setup

    with pytest.raises(LkipError, match="parameter tidak sah"):
        setup(paths.DEFAULT_DATASET, str(tmp_path), "06_indikator", variant="../../luar")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "bad, message",
    [
        ("../x", "parameter indikator tidak sah"),
        ("a;b", "parameter indikator tidak sah"),
        ("Alat-TTG", "parameter indikator tidak sah"),
        ("alat-ttg\n", "parameter indikator tidak sah"),
        (None, "parameter indikator tidak sah"),
        ("tidak-ada", "tidak diukur"),
        ("ikk-bambu", "tidak diukur"),  # an output indicator: no drill-down page
    ],
)
def test_check_indikator(ds, bad, message):
    from lkip_helpers.analysis.drilldown import check_indikator

    with pytest.raises(LkipError, match=message):
        check_indikator(ds, bad)


def test_check_indikator_accepts_measured_ids(ds):
    from lkip_helpers.analysis.drilldown import below_threshold, check_indikator

    for ind in below_threshold(ds):
        assert check_indikator(ds, ind)["capaian_pct"] < 100
