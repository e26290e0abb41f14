"""No dataset's ids, kode rekening, names, places or table numbers in the package or the notebooks.

Everything agency-specific lives in data/<dataset>/ (its CSVs, metadata.yml and laporan.yml).
The package is read as its string literals (docstrings and comments may explain with examples);
notebooks are read whole (markdown and code).
"""

import functools
import json
import re

import pandas as pd
import pytest
import yaml
from source_strings import PACKAGE, string_constants

from lkip_helpers import paths
from lkip_helpers.data.schema import FIELDS

# synth.py draws synthetic agencies from the national nomenclature of kegiatan, posts and spending classes
# (Kepmendagri 050-5889/2021) that every perangkat daerah shares, the sample agency included; it renders nothing.
ALLOWED_FILES = {"synth.py"}


def _folder():
    return paths.dataset_dir(paths.DEFAULT_DATASET)


def _read(name):
    path = _folder() / f"{name}.csv"
    return pd.read_csv(path, dtype=str) if path.is_file() else pd.DataFrame()


@functools.cache
def agency_terms() -> frozenset[str]:
    """Ids, kode, names, places and printed table numbers of the default dataset (read once per run)."""
    terms = set()
    col = lambda table, c: set(_read(table).get(c, pd.Series(dtype=str)).dropna())  # noqa: E731
    terms |= col("indikator", "indikator_id") | col("sasaran", "sasaran_id") | col("unit_organisasi", "unit_id")
    terms |= col("belanja_jenis", "jenis_id")
    terms |= {k for k in col("anggaran", "kode_rekening") if "." in k}  # "1" alone is not telling
    for table, c in [
        ("sasaran", "name"),
        ("indikator", "name"),
        ("indikator", "short_name"),
        ("anggaran", "uraian"),
        ("unit_organisasi", "name"),
        ("wilayah", "kabupaten"),
        ("lomba_desa", "desa"),
        ("lomba_desa", "kecamatan"),
        ("lomba_desa", "kabupaten"),
    ]:
        terms |= col(table, c)
    meta = yaml.safe_load((_folder() / "metadata.yml").read_text(encoding="utf-8"))["dataset"]
    terms |= {meta["province"], meta["region"], meta["agency"], meta["id"].split("-")[1].upper()}
    laporan = yaml.safe_load((_folder() / "laporan.yml").read_text(encoding="utf-8"))["bagian"]
    ids = re.findall(r"\b((?:tabel|gambar)-\d+\.\d+)\b", json.dumps(laporan))
    terms |= set(ids) | {i.replace("-", " ").title() for i in ids}
    # the schema's controlled vocabularies (unit_type 'sekretariat', level 'program'…) are generic, not this agency's
    vocabulary = {v for f in FIELDS.values() for v in (f.isin or ())}
    return frozenset(t for t in terms if (len(t) >= 4 or t.isupper()) and t not in vocabulary)


def package_strings():
    for path in sorted(PACKAGE.rglob("*.py")):  # subpackages (dokumen/) too
        if path.name in ALLOWED_FILES:
            continue
        for _, text in string_constants(path):
            yield path.name, text


def notebook_text():
    for path in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if "parameters" in cell.get("metadata", {}).get("tags", []):  # the default dataset id is a parameter
                text = text.replace(paths.DEFAULT_DATASET, "")
            yield path.name, text


def _term_pattern(term: str) -> str:
    """``term`` as a whole word: no letter, digit, underscore or hyphen right before or after it."""
    return r"(?<![\w-])" + re.escape(term) + r"(?![\w-])"


def _hits(texts, terms):
    """``where: 'term'`` for every term found in a text.

    One compiled alternation of every term finds the few texts that hold any (one pass per text, not
    one per term); in those, each term is looked for on its own, so that a term inside a longer one
    that also matched ('Nusa Tenggara' in 'Nusa Tenggara Timur') is still reported.
    """
    terms = sorted(terms, key=lambda t: (-len(t), t))
    if not terms:
        return []
    anyone = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, terms)) + r")(?![\w-])")
    found = []
    for where, text in texts:
        if anyone.search(text):
            found += [f"{where}: {term!r}" for term in terms if re.search(_term_pattern(term), text)]
    return sorted(set(found))


def test_terms_are_read_from_the_dataset():
    terms = agency_terms()
    # the check is only as good as its list: it must hold ids, kode, names, places and table numbers
    assert {"bumdes-aktif", "2.13.05.1.01.09", "Tabel 3.7", "tabel-3.7", "NTT", "Nusa Tenggara Timur"} <= terms
    assert len(terms) > 100


def test_a_planted_term_is_caught():
    assert _hits([("x.py", "gagal untuk 'bumdes-aktif'")], agency_terms()) == ["x.py: 'bumdes-aktif'"]
    assert _hits([("x.py", "lihat Tabel 3.7 di bawah")], agency_terms()) == ["x.py: 'Tabel 3.7'"]


def test_terms_are_found_as_whole_words_each_one():
    terms = {"Nusa Tenggara", "Nusa Tenggara Timur", "Tabel 3.1", "Tabel 3.13", "bumdes-aktif"}
    # a term inside a longer term that matched is reported too
    assert _hits([("a.py", "Provinsi Nusa Tenggara Timur")], terms) == [
        "a.py: 'Nusa Tenggara Timur'",
        "a.py: 'Nusa Tenggara'",
    ]
    # a shorter term followed by a digit, letter or hyphen is part of another word
    assert _hits([("b.py", "lihat Tabel 3.13")], terms) == ["b.py: 'Tabel 3.13'"]
    assert _hits([("c.py", "bumdes-aktif-lama, xbumdes-aktif, bumdes-aktif_2")], terms) == []
    assert _hits([("d.py", "(bumdes-aktif)"), ("e.py", "Tabel 3.1."), ("f.py", "tanpa istilah")], terms) == [
        "d.py: 'bumdes-aktif'",
        "e.py: 'Tabel 3.1'",
    ]


@pytest.mark.parametrize("source", ["package", "notebooks"])
def test_no_agency_text(source):
    texts = package_strings() if source == "package" else notebook_text()
    assert _hits(texts, agency_terms()) == []
