"""The report's headline figures, computed once: the index page, the manifest and the Ikhtisar all show these."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from lkip_helpers.analysis import anggaran, kinerja
from lkip_helpers.data.loading import Dataset, memo


@dataclass(frozen=True, eq=False)
class AngkaRingkasan:
    """Capaian and budget of the report year; NaN (or None) where the data cannot give a figure yet (a draft).

    Args:
        n_indikator: IKU rows measured against this year's PK target.
        n_terukur: of which with a capaian (realisasi given).
        n_tercapai: of which reaching target; None while none is measured.
        rata_rata_capaian_pct: overall average under the agency's policy.
        rata_rata_baris_pct: the plain, uncapped mean of the measured rows, the same for every agency.
        per_sasaran: average per strategic sasaran (:func:`lkip_helpers.analysis.kinerja.sasaran_summary`).
        pagu_rp, realisasi_rp, serapan_pct: the whole budget (:func:`lkip_helpers.analysis.anggaran.total`).
        has_anggaran: anggaran.csv has top-level rows.
    """

    n_indikator: int
    n_terukur: int
    n_tercapai: int | None
    rata_rata_capaian_pct: float
    pagu_rp: float
    realisasi_rp: float
    serapan_pct: float
    has_anggaran: bool
    per_sasaran: pd.DataFrame = field(repr=False)
    rata_rata_baris_pct: float = math.nan  # plain mean of the measured IKU rows, uncapped: the same for every agency

    def copy(self) -> AngkaRingkasan:
        """A copy whose per-sasaran frame the caller may change (see :func:`lkip_helpers.data.loading.memo`)."""
        return replace(self, per_sasaran=self.per_sasaran.copy())

    def as_dict(self) -> dict:
        """The manifest's headline: rounded to 4 decimals, None for a figure the data cannot give yet."""
        ada_anggaran = self.has_anggaran
        return {
            "rata_rata_capaian_pct": round(self.rata_rata_capaian_pct, 4) if self.n_indikator else None,
            # one measure computed the same way for every agency, for comparing them (the overview)
            "rata_rata_baris_pct": round(self.rata_rata_baris_pct, 4) if self.n_terukur else None,
            "n_terukur": self.n_terukur,
            "n_indikator": self.n_indikator,
            "n_tercapai": self.n_tercapai,
            "pagu_rp": self.pagu_rp if ada_anggaran else None,
            "realisasi_rp": self.realisasi_rp if ada_anggaran else None,
            "serapan_pct": round(self.serapan_pct, 4) if ada_anggaran else None,
        }


def angka_ringkasan(ds: Dataset) -> AngkaRingkasan:
    """The headline figures of ``ds``'s report year (computed once per loaded dataset: the build's index
    page and manifest, and each notebook of a kernel, ask for them)."""
    return memo(ds, ("headline",), lambda: _angka_ringkasan(ds))


def _angka_ringkasan(ds: Dataset) -> AngkaRingkasan:
    m = kinerja.measured(ds)
    n_terukur = int(m["capaian_pct"].notna().sum())
    if len(m):
        per, overall = kinerja.sasaran_summary(ds)
    else:  # nothing to measure yet (a draft without targets)
        per, overall = pd.DataFrame(), math.nan
    pagu, real, serapan = anggaran.total(ds)
    tree = anggaran.anggaran_tree(ds)
    return AngkaRingkasan(
        n_indikator=int(len(m)),
        n_terukur=n_terukur,
        n_tercapai=int(m["tercapai"].sum()) if n_terukur else None,
        rata_rata_capaian_pct=overall,
        pagu_rp=pagu,
        realisasi_rp=real,
        serapan_pct=serapan,
        has_anggaran=bool((tree["depth"] == 0).any()),
        per_sasaran=per,
        rata_rata_baris_pct=float(m["capaian_pct"].mean()) if n_terukur else math.nan,
    )
