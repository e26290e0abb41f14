"""Property: whatever ``load_dataset`` (``lkip validate``) accepts, every notebook of the build completes.

Datasets are drawn by ``lkip synth``'s generator from hypothesis-chosen seeds and shape
choices, then perhaps mutated (a table dropped or emptied, history removed, a zero
target, a huge realisasi, a strange policy, hostile text...). Each is written without
validation; if ``load_dataset`` refuses it, the refusal must be one clear DataError;
if it accepts it, every notebook must run to the end (see ``tests/nbexec.py``: the
build's own notebooks and parameters, executed in this process). Of the drill-downs the build would
make, the first, the last and those of the indicators the mutation changed run (``_drilldowns``).
"""

from __future__ import annotations

import itertools
import random
import tempfile
from dataclasses import replace
from pathlib import Path

import nbexec
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lkip_helpers.data import saving, synth
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import OPTIONAL_TABLES
from lkip_helpers.errors import DataError

pytestmark = pytest.mark.slow
YEAR = 2023
_COUNTER = itertools.count(1)


def _drop_optional(tables, meta, rng):
    present = [t for t in OPTIONAL_TABLES if t in tables]
    if present:
        del tables[rng.choice(present)]


def _empty_optional(tables, meta, rng):
    present = [t for t in OPTIONAL_TABLES if t in tables]
    if present:
        name = rng.choice(present)
        tables[name] = tables[name].iloc[0:0]


def _draft_without_realisasi(tables, meta, rng):
    meta["dataset"]["status"] = "draft"
    r = tables["realisasi"]
    r.loc[r["year"] == YEAR, "realisasi"] = None


def _zero_target(tables, meta, rng):
    t = tables["target"]
    pk = t.index[(t["year"] == YEAR) & (t["basis"] == "pk")]
    t.loc[rng.choice(list(pk)), "target"] = 0.0


def _huge_realisasi(tables, meta, rng):
    r = tables["realisasi"]
    r.loc[rng.choice(list(r.index)), "realisasi"] = 1e15


def _no_history(tables, meta, rng):
    for name in ("target", "realisasi"):
        tables[name] = tables[name][tables[name]["year"] >= YEAR]
    tables.pop("capaian_historis", None)


def _sasaran_without_indikator(tables, meta, rng):
    s = tables["sasaran"]
    n = int((s["level"] == "strategis").sum()) + 1
    tables["sasaran"] = pd.concat(
        [
            s,
            pd.DataFrame(
                [
                    {
                        "sasaran_id": f"ss-{n}",
                        "level": "strategis",
                        "parent_id": None,
                        "nomor": str(n),
                        "name": "Meningkatnya sasaran tanpa indikator",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )


def _indikator_without_realisasi(tables, meta, rng):
    r = tables["realisasi"]
    tables["realisasi"] = r.drop(index=rng.choice(list(r.index)))


def _zero_anggaran(tables, meta, rng):
    a = tables["anggaran"]
    leaves = ~a["kode_rekening"].isin(set(a["parent_kode"].dropna()))
    a.loc[leaves, ["pagu_rp", "realisasi_rp"]] = 0.0


def _unknown_policy(tables, meta, rng):
    meta["capaian"][rng.choice(["average", "lower_formula"])] = "median"


def _hostile_text(tables, meta, rng):
    i = tables["indikator"]
    i.loc[rng.choice(list(i.index)), "name"] = (
        '=HYPERLINK("http://x.invalid") <script>alert(1)</script> [a](javascript:x)'
    )
    meta["dataset"]["agency"] = "<b>Dinas</b> & {Uji}"


def _one_indikator(tables, meta, rng):
    i = tables["indikator"]
    keep = i[(i["kind"] == "iku") & i["parent_id"].isna()].iloc[:1]["indikator_id"]
    ids = set(keep) | set(i[i["parent_id"].isin(keep)]["indikator_id"])
    tables["indikator"] = i[i["indikator_id"].isin(ids)]
    for name in ("target", "realisasi", "capaian_historis", "narasi", "dokumen_perencanaan"):
        if name in tables:
            df = tables[name]
            tables[name] = df[df["indikator_id"].isna() | df["indikator_id"].isin(ids)]
    tables.pop("nilai_tercetak", None)


MUTATIONS = {
    f.__name__.strip("_"): f
    for f in (
        _drop_optional,
        _empty_optional,
        _draft_without_realisasi,
        _zero_target,
        _huge_realisasi,
        _no_history,
        _sasaran_without_indikator,
        _indikator_without_realisasi,
        _zero_anggaran,
        _unknown_policy,
        _hostile_text,
        _one_indikator,
    )
} | {"none": lambda tables, meta, rng: None}


def _touched(before: dict, after: dict) -> set[str]:
    """Indicators whose rows the mutation changed, added or removed (tables with an indikator_id)."""
    ids: set[str] = set()
    for name, df in after.items():
        old = before.get(name)
        if old is None or "indikator_id" not in df.columns:
            continue
        rows = lambda t: set(map(tuple, t.astype(str).to_numpy()))  # noqa: E731
        at = list(df.columns).index("indikator_id")
        ids |= {row[at] for row in rows(old) ^ rows(df)}
    return ids


def _drilldowns(touched: set[str]):
    """The drill-downs to run: the first and last the build would make, and every one the mutation touched
    when it touched a few (a change to all indicators alike is seen as well by the first and the last)."""

    def pick(chosen: list[str]) -> list[str]:
        few = touched if len(touched) <= 3 else set()
        return [i for n, i in enumerate(chosen) if n in (0, len(chosen) - 1) or i in few]

    return pick


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_DATA_DIR", str(root / "data"))
        mp.setenv("LKIP_OUTPUTS_DIR", str(root / "outputs"))
        (root / "data").mkdir()
        yield root


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    # the same six agencies every run: make test keeps its time (drawn anew, a large agency took twice as
    # long), and a failure comes back on the next run. Other agencies: change max_examples or the shapes.
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(
    seed=st.integers(0, 2**31 - 1),
    mutation=st.sampled_from(sorted(MUTATIONS)),
    draft=st.booleans(),
    anggaran=st.sampled_from(["kode", "program"]),
)
def test_what_validate_accepts_every_notebook_completes(data_dir, seed, mutation, draft, anggaran):
    rng = random.Random(seed)
    shape = synth.draw_shape(rng)
    # at most 3 IKU per sasaran and 2 IKK per lowest sasaran (18 IKU at most): what is drawn and mutated
    # is an agency's shape and its defects; size has tests of its own (test_large_agency), and an agency
    # of 40 indicators made this test take twice as long
    shape = replace(
        shape,
        draft=draft,
        anggaran=anggaran,
        iku_per_sasaran=tuple(min(k, 3) for k in shape.iku_per_sasaran),
        ikk_per_leaf=min(shape.ikk_per_leaf, 2),
    )
    ds_id = f"prop-{next(_COUNTER):04d}-{YEAR}"
    tables, meta = synth.generate(shape, rng, ds_id, YEAR)
    before = {k: v.copy() for k, v in tables.items()}
    MUTATIONS[mutation](tables, meta, rng)
    touched = _touched(before, tables)
    folder = data_dir / "data" / ds_id
    folder.mkdir()
    saving.write_folder(folder, {k: v.reset_index(drop=True) for k, v in tables.items()}, saving.metadata_text(meta))
    try:
        load_dataset(ds_id)
    except DataError as exc:  # refused: one clear message naming the file
        assert str(folder) in str(exc) or "metadata.yml" in str(exc), str(exc)
        return
    failures = nbexec.run_all(ds_id, Path(tempfile.mkdtemp(dir=data_dir)), stop_first=True, pick=_drilldowns(touched))
    assert not failures, f"{ds_id} (seed {seed}, mutasi {mutation}, {shape}): " + "; ".join(map(str, failures))
