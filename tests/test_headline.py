"""The headline figures, computed once (analysis/ringkasan.py), against values worked out by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lkip_helpers import paths
from lkip_helpers.analysis.ringkasan import angka_ringkasan
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.newyear import new_dataset
from lkip_helpers.numbers import format_pct
from lkip_helpers.report import narrative
from lkip_helpers.report.front import index_page

FIXTURE = Path(__file__).parent / "fixtures" / "dinkes-lembahhijau-2023"


@pytest.fixture(scope="module")
def fixture_ds():
    return load_dataset(FIXTURE.name, root=FIXTURE)


def test_fixture_ringkasan_by_hand(fixture_ds):
    """Three sasaran averaging 91,21 / 102,06 / 83,36 (average by sasaran): 92,21 %; 2 of 6 reached;
    budget Rp 10.460.000.000, spent 9.367.953.550: 89,56 %."""
    h = angka_ringkasan(fixture_ds)
    assert (h.n_indikator, h.n_terukur, h.n_tercapai) == (6, 6, 2)
    assert round(h.rata_rata_capaian_pct, 2) == 92.21
    # the common measure: the plain, uncapped mean of the six rows, from the fixture's CSVs (lower is better:
    # target ÷ realisasi): 48/60, 97,3/95, 18/21,4, 40/31, 84,6/90, 20/27,5
    rows = [48 / 60, 97.3 / 95, 18 / 21.4, 40 / 31, 84.6 / 90, 20 / 27.5]
    assert h.rata_rata_baris_pct == pytest.approx(sum(rows) / 6 * 100)
    assert (h.pagu_rp, h.realisasi_rp) == (10_460_000_000, 9_367_953_550)
    assert round(h.serapan_pct, 2) == 89.56
    assert h.as_dict() == {
        "rata_rata_capaian_pct": round(h.rata_rata_capaian_pct, 4),
        "rata_rata_baris_pct": round(h.rata_rata_baris_pct, 4),
        "n_terukur": 6,
        "n_indikator": 6,
        "n_tercapai": 2,
        "pagu_rp": 10_460_000_000,
        "realisasi_rp": 9_367_953_550,
        "serapan_pct": round(h.serapan_pct, 4),
    }


def test_the_pages_print_the_ringkasan(fixture_ds):
    """The index page and the Ikhtisar show the figures the report prints: 2 / 6, 92,21 %, 89,56 %."""
    page = index_page(fixture_ds, [], [])
    assert "2 / 6" in page and "92,21%" in page and "89,56%" in page
    text = narrative.ringkasan(fixture_ds)
    assert "**2** mencapai" in text and "92,21%" in text and "89,56%" in text


def test_a_draft_without_realisasi_has_no_count_and_no_average(scratch):
    new_dataset("pmd-ntt-2024", paths.DEFAULT_DATASET, 2024)
    h = angka_ringkasan(load_dataset("pmd-ntt-2024"))
    assert h.n_indikator == 9 and h.n_terukur == 0 and h.n_tercapai is None
    assert math.isnan(h.rata_rata_capaian_pct)
    assert h.as_dict()["n_tercapai"] is None
    assert format_pct(h.rata_rata_capaian_pct, missing="belum diisi") == "belum diisi"
