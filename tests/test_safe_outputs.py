"""Outputs safe to hand out, and inputs read without guessing (issue 11).

* Spreadsheet-safe cells: generated text through every writer, then one real build of a
  copy of the default dataset whose names, narrative, program names, places and printed
  references carry formula-like text, URLs and Markdown. Every XLSX written (tables and
  the ``lkip template`` workbook) holds 0 formulas; every CSV handed out (tables, figure
  data, ``lkip audit --csv``) holds 0 cells a spreadsheet would run, while numbers stay
  numbers.
* Data text stays text on the pages: no outside link, no Markdown from data.
* ``lkip import`` never guesses: formulas without a value, merged cells, Excel error
  values and dates are errors naming sheet, Excel row and column; all problems of a
  workbook come at once; blank rows are never written.
* Safe YAML: aliases, huge and deeply nested files are refused with one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hostile import FORMULA, PRINTED_PLACE, SHEET_INDIKATOR, URL
from hostile import edit as make_hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data import safe_yaml
from lkip_helpers.data.excel import FIRST_DATA_ROW, MAX_ERRORS, write_template
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.safe_cells import write_csv
from lkip_helpers.data.schema import TABLES
from lkip_helpers.report.artifacts import write_xlsx
from lkip_helpers.report.report_table import Column, ReportTable

pytestmark = pytest.mark.slow  # real builds or Excel round trips: make check skips them

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# harmless after a sign: digits, '.', ',', spaces, an exponent, a '%' (-12.5, -1.476,50, "-" for none)
NUMBER = re.compile(r"^[+-]?[0-9., ]*([eE][+-]?[0-9]+)? ?%?$")


def _unsafe(cell: str) -> bool:
    """A CSV cell a spreadsheet would run as a formula."""
    return cell.startswith(DANGEROUS) and not NUMBER.match(cell)


def _csv_cells(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _formulas(path: Path) -> list[str]:
    """Cells of an XLSX file stored as a formula."""
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]


# ---------------------------------------------------------------- the one function, on generated values

# data text never holds control characters other than tab and line breaks (the loader refuses them)
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\r\n"), max_size=30)
dangerous_text = st.builds(lambda a, b: a + b, st.sampled_from(DANGEROUS), text)
numbers = st.floats(min_value=-1e15, max_value=1e15, allow_nan=False)  # up to a quadrillion rupiah


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.one_of(text, dangerous_text), min_size=1, max_size=8),
    amounts=st.lists(numbers, min_size=1, max_size=8),
)
def test_csv_cells_never_run_and_numbers_stay_numbers(tmp_path_factory, values, amounts):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    n = max(len(values), len(amounts))
    df = pd.DataFrame({"nama": (values * n)[:n], "nilai": (amounts * n)[:n]})
    write_csv(df, path)
    back = pd.read_csv(path, dtype={"nama": str}, keep_default_na=False, float_precision="round_trip")
    for written, original in zip(back["nama"], df["nama"]):
        assert not _unsafe(written), written
        # text changes only by the leading quote, and only where it had to
        expected = "'" + original if _unsafe(original) else original
        assert written == expected.replace("\r\n", "\n").replace("\r", "\n")
    assert back["nilai"].tolist() == df["nilai"].tolist()  # -12.5 is still -12.5, a number


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.one_of(text, dangerous_text), min_size=1, max_size=6),
    amounts=st.lists(numbers, min_size=1, max_size=6),
)
def test_xlsx_text_is_text_and_numbers_are_numbers(tmp_path, values, amounts):
    n = max(len(values), len(amounts))
    frame = pd.DataFrame({"nama": (values * n)[:n], "nilai": (amounts * n)[:n]})
    table = ReportTable(
        "uji", values[0], frame, [Column("nama", values[-1]), Column("nilai", "Nilai", "number")], notes=list(values)
    )
    write_xlsx(table, tmp_path / "uji.xlsx")
    assert _formulas(tmp_path / "uji.xlsx") == []
    ws = load_workbook(tmp_path / "uji.xlsx").active
    lines = lambda v: (v or "").replace("\r\n", "\n").replace("\r", "\n")  # noqa: E731 — XML keeps \n only
    for r, (name, amount) in enumerate(zip(frame["nama"], frame["nilai"]), start=3):
        assert lines(ws.cell(r, 1).value) == lines(name)  # the text as written, not a computed value
        # a number cell (openpyxl writes 15-16 significant digits, as Excel keeps)
        assert ws.cell(r, 2).data_type == "n" and ws.cell(r, 2).value == pytest.approx(amount, rel=1e-14, abs=0)


# ---------------------------------------------------------------- one real build of a hostile copy


@pytest.fixture(scope="module")
def hostile(hostile_build, tmp_path_factory):
    """The session's build of the hostile copy (tests/hostile.py), its ``lkip audit --csv`` and its
    ``lkip template``; returns (outputs folder of the dataset, data folder, folder of the audit and template)."""
    root = tmp_path_factory.mktemp("hostile")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LKIP_DATA_DIR", str(hostile_build / "data"))
        mp.setenv("LKIP_OUTPUTS_DIR", str(hostile_build / "outputs"))
        assert main(["audit", "--csv", str(root / "audit.csv")]) == 0
        assert main(["template", paths.DEFAULT_DATASET, str(root / "template.xlsx")]) == 0
    return hostile_build / "outputs" / paths.DEFAULT_DATASET, hostile_build / "data" / paths.DEFAULT_DATASET, root


def test_no_formula_in_any_xlsx(hostile):
    out, _, root = hostile
    books = sorted(out.rglob("*.xlsx")) + [root / "template.xlsx"]
    assert len(books) > 10
    reached = 0
    for book in books:
        assert _formulas(book) == [], book.name
        wb = load_workbook(book)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        hits = [
            c for c in cells if c.value.lstrip().startswith(("=", "+", "@")) and "cmd|" in c.value or FORMULA in c.value
        ]
        assert all(c.data_type == "s" for c in hits), book.name
        reached += len(hits)
    assert reached >= 10  # the payloads did reach the workbooks, as text


def test_no_formula_in_any_csv_and_numbers_stay_numbers(hostile):
    out, _, root = hostile
    files = sorted((out / "tables").glob("*.csv")) + sorted((out / "figures").glob("*.csv")) + [root / "audit.csv"]
    assert len(files) > 10
    quoted, negative = 0, 0
    for path in files:
        for cell in _csv_cells(path):
            assert not _unsafe(cell), (path.name, cell)
            if cell.startswith("'"):
                assert cell[1:].startswith(DANGEROUS) and not NUMBER.match(cell[1:]), (path.name, cell)
                quoted += 1
            negative += bool(re.fullmatch(r"-\d+(\.\d+)?", cell))
    assert quoted >= 10, quoted  # payloads reached the CSVs, neutralised
    assert negative > 0  # negative numbers are written as numbers (e.g. a drop in capaian)
    assert any(c == "'" + FORMULA for c in _csv_cells(out / "figures" / "grafik-capaian-indikator.csv"))
    assert any(c == "'" + PRINTED_PLACE for c in _csv_cells(root / "audit.csv"))


def test_data_files_stay_canonical(hostile):
    """Dataset CSVs are inputs: the text stays exactly as written (no quote added by our tools)."""
    _, data, _ = hostile
    assert FORMULA in _csv_cells(data / "indikator.csv")


def _pages(out: Path) -> dict[str, str]:
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted((out / "html").glob("*.html"))}
    assert len(pages) >= 8
    return pages


def test_urls_in_data_are_plain_text(hostile):
    out, _, _ = hostile
    pages = _pages(out)
    for name, page in pages.items():
        links = re.findall(r"<a\b[^>]*href\s*=\s*[\"']?([^\"' >]+)", page, re.IGNORECASE)
        assert not [u for u in links if re.match(r"(?i)(https?:|//|www\.|mailto:|javascript:)", u)], (name, links)
        assert "&amp;quot;" not in page and "&amp;lt;" not in page, name
    shown = [n for n, p in pages.items() if URL in p]
    assert f"indikator-{SHEET_INDIKATOR}.html" in shown and len(shown) >= 2, shown
    # the bold narrative around a formula-like name renders as bold, its URL and quotes shown as typed
    assert f"<strong>{FORMULA}</strong>" in pages["00_ringkasan_eksekutif.html"]
    assert 'href="index.html"' in pages["00_ringkasan_eksekutif.html"]  # our own navigation stays


def test_markdown_in_data_never_renders(hostile):
    out, _, _ = hostile
    pages = _pages(out)
    page = pages[f"indikator-{SHEET_INDIKATOR}.html"]
    assert "**tebal** _miring_ `kode` # judul" in page  # shown as typed
    for name, text in pages.items():
        assert "<strong>tebal</strong>" not in text and "<em>miring</em>" not in text, name
        assert not re.search(r"<h\d[^>]*>\s*judul", text), name
        assert "<code>kode</code>" not in text, name


# ---------------------------------------------------------------- import never guesses


@pytest.fixture()
def workbook(scratch, tmp_path, template_xlsx):
    """A template of the default dataset (written with the CLI, once: a copy); returns its path."""
    path = tmp_path / "lkip.xlsx"
    shutil.copyfile(template_xlsx, path)
    return path


def _column(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name) + 1


def _letter(ws, name: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(_column(ws, name))


UNREADABLE = [
    # (id, sheet, column, change(ws, cell), message fragment)
    (
        "formula-without-value",
        "realisasi",
        "realisasi",
        lambda ws, c: ws.__setitem__(c, "=C3*2"),
        "rumus tanpa nilai tersimpan (=C3*2)",
    ),
    ("error-value", "anggaran", "pagu_rp", lambda ws, c: ws.__setitem__(c, "#REF!"), "nilai galat Excel #REF!"),
    ("error-value-na", "target", "target", lambda ws, c: ws.__setitem__(c, "#N/A"), "nilai galat Excel #N/A"),
    (
        "date-in-number-column",
        "realisasi",
        "realisasi",
        lambda ws, c: ws.__setitem__(c, dt.datetime(2023, 1, 5)),
        "tanggal/waktu (2023-01-05) di kolom angka",
    ),
    (
        "date-in-text-column",
        "anggaran",
        "kode_rekening",
        lambda ws, c: ws.__setitem__(c, dt.date(2023, 2, 13)),
        "sebagai tanggal/waktu (2023-02-13)",
    ),
    (
        "merged-range",
        "indikator",
        "name",
        lambda ws, c: ws.merge_cells(f"{c}:{chr(ord(c[0]) + 1)}{c[1:]}"),
        "sel gabungan (merge)",
    ),
]


@pytest.mark.parametrize("case", UNREADABLE, ids=[c[0] for c in UNREADABLE])
@pytest.mark.parametrize("row", [FIRST_DATA_ROW, FIRST_DATA_ROW + 2])
def test_unreadable_cell_is_an_error_naming_sheet_row_column(workbook, scratch, tmp_path, capsys, case, row):
    _, sheet, column, change, fragment = case
    wb = load_workbook(workbook)
    ws = wb[sheet]
    change(ws, f"{_letter(ws, column)}{row}")
    wb.save(tmp_path / "salah.xlsx")
    assert main(["import", str(tmp_path / "salah.xlsx"), "impor-2023"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert f"sheet '{sheet}', baris Excel {row}, kolom '{column}'" in err and fragment in err, err
    assert not paths.dataset_dir("impor-2023").exists()
    assert [p.name for p in scratch.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("n_bad", [3, MAX_ERRORS + 7])
def test_all_errors_of_a_workbook_at_once(workbook, scratch, tmp_path, capsys, n_bad):
    """Text in number cells across every sheet (from the schema): each one named, in one run."""
    wb = load_workbook(workbook)
    broken = []
    for name in [n for n in wb.sheetnames if n in TABLES]:  # the tables the dataset uses
        table, ws = TABLES[name], wb[name]
        for col in [c for c in table.columns if table.field_of(c).dtype in ("int", "float")]:
            j = _column(ws, col)
            for r in range(FIRST_DATA_ROW, ws.max_row + 1):
                if len(broken) < n_bad and ws.cell(r, 1).value is not None:
                    ws.cell(r, j, "banyak")
                    broken.append((name, r, col))
    assert len(broken) == n_bad
    wb.save(tmp_path / "banyak.xlsx")
    assert main(["import", str(tmp_path / "banyak.xlsx"), "impor-2023"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"lkip: {tmp_path / 'banyak.xlsx'}: {n_bad} kesalahan")
    items = [ln for ln in lines[1:] if ln.startswith("  - ")]
    assert len(items) == min(n_bad, MAX_ERRORS)
    named = {re.search(r"sheet '(\w+)', baris Excel (\d+), kolom '(\w+)'", ln).groups() for ln in items}
    assert named <= {(s, str(r), c) for s, r, c in broken} and all("'banyak'" in ln for ln in items)
    if n_bad > MAX_ERRORS:
        assert lines[-1] == f"  … dan {n_bad - MAX_ERRORS} kesalahan lain"
    else:
        assert len(lines) == 1 + n_bad
    assert not paths.dataset_dir("impor-2023").exists()


def test_row_problems_of_one_table_are_all_named(workbook, tmp_path, capsys):
    """Values out of range in several rows: each row named, not only the first."""
    wb = load_workbook(workbook)
    ws = wb["anggaran"]
    j = _column(ws, "pagu_rp")
    leaves = [r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if isinstance(ws.cell(r, j).value, (int, float))][:4]
    for r in leaves:
        ws.cell(r, j, -5)
    wb.save(tmp_path / "negatif.xlsx")
    assert main(["import", str(tmp_path / "negatif.xlsx"), "impor-2023"]) == 2
    err = capsys.readouterr().err
    for r in leaves:
        assert f"sheet 'anggaran', baris Excel {r}, kolom 'pagu_rp'" in err, err


def test_untouched_template_writes_no_blank_rows(workbook, scratch):
    assert main(["import", str(workbook), "salinan-2023"]) == 0
    folder = paths.dataset_dir("salinan-2023")
    source = load_dataset(paths.DEFAULT_DATASET)
    for name, table in TABLES.items():
        if not (folder / table.filename).exists():  # an optional table the agency has not filled (no sheet)
            assert source.tables[name].empty, name
            continue
        text = (folder / table.filename).read_text(encoding="utf-8")
        assert not [ln for ln in text.splitlines() if not ln.strip(", \t")], name
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == 1 + len(source.tables[name]), name


def test_formula_like_text_round_trips_through_the_template(scratch, tmp_path):
    """Text that looks like a formula stays text in the template and comes back unchanged (no quote added)."""
    make_hostile(scratch)
    ds = load_dataset(paths.DEFAULT_DATASET)
    write_template(ds, tmp_path / "t.xlsx")
    assert _formulas(tmp_path / "t.xlsx") == []
    assert main(["import", str(tmp_path / "t.xlsx"), "balik-2023"]) == 0
    back = load_dataset("balik-2023")
    for name in TABLES:
        pd.testing.assert_frame_equal(ds.tables[name], back.tables[name], check_exact=True, obj=name)
    assert FORMULA in set(back.indikator["short_name"])


# ---------------------------------------------------------------- safe YAML


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


YAML_CASES = [
    ("alias-bomb", lambda meta: meta + _bomb(), "alias YAML '*a' tidak diizinkan", True),
    ("merge-key", lambda meta: meta + "x: &x {a: 1}\ny:\n  <<: *x\n", "alias YAML '*x' tidak diizinkan", True),
    ("deep-nesting", lambda meta: meta + "x: " + "[" * 5000 + "]" * 5000 + "\n", "bersarang", True),
    ("too-large", lambda meta: meta + "# " + "x" * 1_100_000 + "\n", "terlalu besar", False),
    ("bad-date", lambda meta: meta + "x: 2023-13-45\n", "tidak dapat dibaca", False),
]


@pytest.mark.parametrize("case", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_hostile_metadata_is_refused_with_one_line(scratch, capsys, case):
    _, change, fragment, has_line = case
    path = scratch / "metadata.yml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err[:500]
    assert err.startswith(f"lkip: {path}") and fragment in err, err[:500]
    assert ("baris" in err) == has_line, err[:500]


def test_alias_in_the_metadata_sheet_is_refused(workbook, tmp_path, capsys):
    wb = load_workbook(workbook)
    ws = wb["_metadata"]
    for i, line in enumerate(_bomb(3).splitlines(), start=ws.max_row + 1):
        ws.cell(i, 1, line).data_type = "s"
    wb.save(tmp_path / "bom.xlsx")
    assert main(["import", str(tmp_path / "bom.xlsx"), "impor-2023"]) == 2
    err = capsys.readouterr().err
    assert "sheet '_metadata', baris Excel" in err and "alias YAML" in err, err


words = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=10)  # metadata text
shared = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), words),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=100, deadline=None)
@given(value=shared)
def test_what_we_write_we_read_back(value):
    """``dump`` never writes aliases, even for an object used twice, so ``load`` reads it back."""
    doc = {"satu": value, "dua": value, "daftar": [value, value]}
    assert safe_yaml.load(safe_yaml.dump(doc, allow_unicode=True, sort_keys=False)) == doc


def test_formula_with_a_value_excel_computed_is_read_as_that_value(workbook, tmp_path):
    """A formula Excel has computed (value stored beside it) is read as its value, not refused."""
    import zipfile

    wb = load_workbook(workbook)
    ws = wb["realisasi"]
    cell = f"{_letter(ws, 'realisasi')}{FIRST_DATA_ROW}"
    ws[cell] = "=1000+476"
    index = wb.sheetnames.index("realisasi") + 1
    wb.save(tmp_path / "rumus.xlsx")
    # openpyxl stores no computed value; write the one Excel would (<v>1476</v>) into the sheet's XML
    with (
        zipfile.ZipFile(tmp_path / "rumus.xlsx") as src,
        zipfile.ZipFile(tmp_path / "dihitung.xlsx", "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{index}.xml":
                data, n = re.subn(
                    rb"(<c r=\""
                    + cell.encode()
                    + rb"\"[^>]*>\s*<f>1000\+476</f>)\s*(?:<v\s*/>|<v></v>)",  # openpyxl versions differ
                    rb"\1<v>1476</v>",
                    data,
                )
                assert n == 1
            dst.writestr(item, data)
    assert main(["import", str(tmp_path / "dihitung.xlsx"), "rumus-2023"]) == 0
    row = load_dataset("rumus-2023").realisasi.iloc[0]
    assert row["realisasi"] == 1476
