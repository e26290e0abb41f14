"""No dataset's ids, kode rekening, names, places or table numbers in the package or the notebooks.

Everything agency-specific lives in data/<dataset>/ (its CSVs, metadata.yml and laporan.yml).
The package is read as its string literals (docstrings and comments may explain with examples);
notebooks are read whole (markdown and code).
"""

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


def agency_terms() -> set[str]:
    """Ids, kode, names, places and printed table numbers of the default dataset."""
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
    return {t for t in terms if (len(t) >= 4 or t.isupper()) and t not in vocabulary}


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


def _hits(texts, terms):
    found = []
    for where, text in texts:
        for term in terms:
            if re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", text):
                found.append(f"{where}: {term!r}")
    return sorted(set(found))


def test_terms_are_read_from_the_dataset():
    terms = agency_terms()
    # the check is only as good as its list: it must hold ids, kode, names, places and table numbers
    assert {"bumdes-aktif", "2.13.05.1.01.09", "Tabel 3.7", "tabel-3.7", "NTT", "Nusa Tenggara Timur"} <= terms
    assert len(terms) > 100


def test_a_planted_term_is_caught():
    assert _hits([("x.py", "gagal untuk 'bumdes-aktif'")], agency_terms()) == ["x.py: 'bumdes-aktif'"]
    assert _hits([("x.py", "lihat Tabel 3.7 di bawah")], agency_terms()) == ["x.py: 'Tabel 3.7'"]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["package", "notebooks"])
def test_no_agency_text(source):
    texts = package_strings() if source == "package" else notebook_text()
    assert _hits(texts, agency_terms()) == []
