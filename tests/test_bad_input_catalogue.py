"""A catalogue of bad inputs, generated from the schema: every table gets every applicable case.

For each table of :data:`lkip_helpers.data.schema.TABLES` the cases are derived from its
definition (columns, required, dtype, ge/le, isin, key, links), so a new table or
column is covered without editing this file. Each case breaks one thing in a scratch
copy of the default dataset and checks what the user sees from ``lkip validate``: exit
code 2 and exactly one line, ``lkip: <file>, baris N, kolom 'x': <what was expected>``,
with the row and column the case broke (the line number is computed here, independently
of the loader) and never a traceback.

* ``test_every_column`` runs every case of every table and column through
  ``load_table`` (milliseconds each), asserting the file, row, column and expectation;
* ``test_every_reference`` breaks every link between tables (an id that does not exist
  in the table it refers to) on the loaded dataset, through ``check_links``;
* ``test_catalogue_validate`` runs one case of each kind, spread over the tables so that
  every table is hit, through ``lkip validate`` — a whole load is ~0.3 s, so the CLI
  sees a sample and the loader sees everything;
* a handful of cases go through ``lkip build``: they must stop before anything is written.

Things that are *not* bad input and must load: a BOM (Excel on Windows writes one),
blank lines, CRLF line ends, a quoted cell spanning lines, a dataset folder copied
under a new name (its metadata id then differs: at most a warning).
"""

from __future__ import annotations

import codecs
import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lkip_helpers import paths
from lkip_helpers.cli import main
from lkip_helpers.data.loading import load_table
from lkip_helpers.data.schema import FIELDS, TABLES, Table, may_leave_out
from lkip_helpers.errors import DataError

SOURCE = paths.dataset_dir(paths.DEFAULT_DATASET)  # read-only: cases are derived from it, applied to copies
MARK = "\u00a7BYTE\u00a7"  # placeholder replaced by a non-UTF-8 byte after writing


# ---------------------------------------------------------------- reading and writing CSV


def read_csv(path: Path) -> tuple[list[list[str]], str]:
    """Rows of a CSV file (header first) and its line terminator."""
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""))), ("\r\n" if "\r\n" in text else "\n")


def _serialise(rows: list[list[str]], nl: str) -> tuple[list[str], list[int]]:
    starts, line, chunks = [], 1, []
    for row in rows:
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator=nl).writerow(row)
        starts.append(line)
        line += buf.getvalue().count("\n")
        chunks.append(buf.getvalue())
    return chunks, starts


def write_csv_lines(rows: list[list[str]], nl: str = "\n") -> list[int]:
    """The line each row would start on (header = 1)."""
    return _serialise(rows, nl)[1]


def write_csv(path: Path, rows: list[list[str]], nl: str = "\n", bom: bool = False) -> list[int]:
    """Write ``rows``; return the line each row starts on (header = 1), counted from what was written."""
    chunks, starts = _serialise(rows, nl)
    data = "".join(chunks).encode("utf-8")
    data = data.replace(MARK.encode("utf-8"), b"\xfc")  # latin-1 'ü': not UTF-8
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + data)
    return starts


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    """One bad input: what to break, and where the message must point."""

    id: str
    table: str
    kind: str
    column: str | None  # the column broken (None: whole file)
    apply: Callable[[Path], tuple[int | None, str | None]]  # breaks the copy; returns (line, column) expected
    expect: list[str]  # fragments of the expectation the message must state


# What the seed agency does not fill (no benchmark, no IKU definitions): one plausible filled value each,
# so that every table and column still gets every case.
ABSENT_ROWS = {"pembanding": [["bumdes-aktif", "2023", "Rata-rata nasional", "1200", "data uji"]]}
ABSENT_COLUMNS = {
    "indikator": {
        "definisi": "Jumlah yang diukur (uji)",
        "formula": "realisasi dibagi target (uji)",
        "sumber_data": "laporan bidang (uji)",
    }
}


def _original(table: Table) -> tuple[list[list[str]], str]:
    """The table's rows as the seed agency has them, completed with ABSENT_ROWS / ABSENT_COLUMNS."""
    path = SOURCE / table.filename
    if not path.exists():
        return [table.columns] + [list(r) for r in ABSENT_ROWS[table.name]], "\n"
    rows, nl = read_csv(path)
    for column, value in ABSENT_COLUMNS.get(table.name, {}).items():
        if column not in rows[0]:
            rows = [rows[0] + [column]] + [r + [value] for r in rows[1:]]
    return rows, nl


def _row_for(table: Table, column: str) -> int:
    """Position (0 = header) of the row to break: the last data row whose cell is filled, else the last row."""
    rows, _ = _original(table)
    i = rows[0].index(column)
    filled = [n for n in range(1, len(rows)) if rows[n][i].strip()]
    return filled[-1] if filled else len(rows) - 1


def _cell_case(table: Table, kind: str, column: str, value: str, expect: list[str]) -> Case:
    def apply(folder: Path):
        rows, nl = _original(table)
        n = _row_for(table, column)
        rows[n][rows[0].index(column)] = value
        starts = write_csv(folder / table.filename, rows, nl)
        return starts[n], column

    return Case(f"{table.name}-{kind}-{column}", table.name, kind, column, apply, expect)


def _cases_for(table: Table) -> list[Case]:
    """Every bad input that applies to ``table``, derived from its schema definition."""
    cases: list[Case] = []
    cols = table.cols
    name = table.name

    # --- header
    for col in (c for c in cols if not may_leave_out(table, c.column)):  # others may be left out

        def drop(folder, c=col.column):
            rows, nl = _original(table)
            i = rows[0].index(c)
            write_csv(folder / table.filename, [r[:i] + r[i + 1 :] for r in rows], nl)
            return 1, c

        cases.append(
            Case(
                f"{name}-missing-column-{col.column}",
                name,
                "missing-column",
                col.column,
                drop,
                ["kolom wajib tidak ada", col.column],
            )
        )

    def unknown(folder):
        rows, nl = _original(table)
        write_csv(folder / table.filename, [rows[0] + ["catatan_tambahan"]] + [r + [""] for r in rows[1:]], nl)
        return 1, "catatan_tambahan"

    cases.append(
        Case(
            f"{name}-unknown-column",
            name,
            "unknown-column",
            None,
            unknown,
            ["kolom tidak dikenal", "kolom yang diharapkan: " + ", ".join(table.columns)],
        )
    )

    def duplicate_header(folder):
        rows, nl = _original(table)
        write_csv(folder / table.filename, [rows[0] + [rows[0][-1]]] + [r + [r[-1]] for r in rows[1:]], nl)
        return 1, rows[0][-1]

    cases.append(Case(f"{name}-duplicate-column", name, "duplicate-column", None, duplicate_header, ["kolom ganda"]))

    # --- cells
    for col in cols:
        c, f = col.column, FIELDS[col.field]
        if col.required:
            cases.append(_cell_case(table, "blank-required", c, "", ["sel kosong", "wajib diisi"]))
        if f.dtype in ("int", "float"):
            expected = "bilangan bulat" if f.dtype == "int" else "angka"
            cases.append(
                _cell_case(
                    table,
                    "text-in-number",
                    c,
                    "tidak tahu",
                    ["'tidak tahu'", f"diharapkan {expected}" + (f" dalam {f.unit}" if f.unit else "")],
                )
            )
            cases.append(
                _cell_case(table, "indonesian-decimal-comma", c, "98,40", ["'98,40'", "angka kanonik", "98,40 -> 98.4"])
            )
            if f.dtype == "float":  # 1.476: a decimal to a machine, a thousand-something to a reader
                cases.append(
                    _cell_case(table, "thousands-dot", c, "1.476", ["'1.476'", "pemisah ribuan", "1476", "1.4760"])
                )
                cases.append(
                    _cell_case(table, "rupiah-as-printed", c, "Rp 8.211.600", ["'Rp 8.211.600'", "angka kanonik"])
                )
            else:
                cases.append(_cell_case(table, "thousands-dot", c, "1.476", ["'1.476'", "angka kanonik", "1476"]))
                cases.append(_cell_case(table, "decimal-in-integer", c, "2.5", ["'2.5'", "bilangan bulat"]))
            cases.append(_cell_case(table, "number-too-large", c, "9" * 400, ["angka terlalu besar"]))
            cases.append(_cell_case(table, "unicode-digits", c, "\u0661\u0662", ["diharapkan"]))
        if f.ge is not None:
            low = f.ge - 1 if f.ge > 0 else -5  # negative money, negative counts, rank 0, year 1999
            cases.append(
                _cell_case(table, "below-minimum", c, f"{low:g}", [f"nilai harus >= {f.ge:,.0f}".replace(",", ".")])
            )
        if f.le is not None:  # absurd percentages (capaian above 10000%), years past 2100
            cases.append(
                _cell_case(
                    table,
                    "above-maximum",
                    c,
                    f"{f.le * 25:f}".rstrip("0").rstrip("."),
                    [f"nilai harus <= {f.le:,.0f}".replace(",", ".")],
                )
            )
        if f.isin is not None:
            cases.append(
                _cell_case(
                    table, "not-allowed", c, "tidak-sah", ["'tidak-sah'", "salah satu dari: " + ", ".join(f.isin)]
                )
            )
        if f.dtype == "bool":
            cases.append(_cell_case(table, "not-a-boolean", c, "ya", ["'ya'", "true atau false"]))
        if f.dtype == "str":
            cases.append(_cell_case(table, "control-character", c, "ada\x00nul", ["karakter kontrol", "0x00"]))
            cases.append(_cell_case(table, "not-utf8", c, f"Kab. K{MARK}pang", ["bukan UTF-8", "0xfc", "CSV UTF-8"]))

    # --- rows
    def duplicate_row(folder):
        rows, nl = _original(table)
        starts = write_csv(folder / table.filename, rows + [list(rows[1])], nl)
        return starts[-1], table.key[0]

    cases.append(
        Case(
            f"{name}-duplicate-key",
            name,
            "duplicate-key",
            None,
            duplicate_row,
            ["kunci ganda", "setiap baris harus unik menurut " + ", ".join(table.key)],
        )
    )

    def ragged(folder):
        rows, nl = _original(table)
        rows[-1] = rows[-1] + ["sel lebih"]
        starts = write_csv(folder / table.filename, rows, nl)
        return starts[-1], None

    cases.append(
        Case(
            f"{name}-extra-cell",
            name,
            "extra-cell",
            None,
            ragged,
            [f"jumlah sel {len(table.columns) + 1}, diharapkan {len(table.columns)}"],
        )
    )

    for link in table.links:
        c = link.columns[0]
        if table.field_of(c).isin:
            continue  # an unknown value fails the allowed-values check first
        cases.append(
            _cell_case(
                table, "unknown-reference", c, "tidak-ada-999", [f"'tidak-ada-999' tidak ada di {link.table}.csv"]
            )
        )

    # --- whole file
    def empty(folder):
        (folder / table.filename).write_bytes(b"")
        return None, None

    cases.append(Case(f"{name}-empty-file", name, "empty-file", None, empty, ["file kosong", ",".join(table.columns)]))

    if not table.core:  # an optional table may be absent or hold a header only (tests/test_bad_input.py)
        return cases

    def header_only(folder):
        rows, nl = _original(table)
        write_csv(folder / table.filename, rows[:1], nl)
        return 2, None

    cases.append(Case(f"{name}-header-only", name, "header-only", None, header_only, ["tidak ada baris data"]))

    def missing(folder):
        (folder / table.filename).unlink()
        return None, None

    cases.append(
        Case(
            f"{name}-missing-file",
            name,
            "missing-file",
            None,
            missing,
            ["file tidak ditemukan", f"tabel inti '{name}' wajib ada"],
        )
    )
    return cases


CATALOGUE: list[Case] = [case for table in TABLES.values() for case in _cases_for(table)]


def _cli_sample() -> list[Case]:
    """One case of every kind, tables taken least-used first; then one more for any table not yet hit."""
    chosen: list[Case] = []
    used = {name: 0 for name in TABLES}
    for kind in sorted({c.kind for c in CATALOGUE}):
        pick = min((c for c in CATALOGUE if c.kind == kind), key=lambda c: (used[c.table], c.id))
        chosen.append(pick)
        used[pick.table] += 1
    for name, n in used.items():
        if not n:
            chosen.append(next(c for c in CATALOGUE if c.table == name and c.kind == "blank-required"))
    return chosen


CLI_CASES = _cli_sample()
LOADER_CASES = [c for c in CATALOGUE if c.kind != "unknown-reference"]


def _expected_prefix(folder: Path, table: Table, line: int | None, column: str | None) -> str:
    where = [str(folder.resolve() / table.filename)]
    if line is not None:
        where.append(f"baris {line}")
    if column is not None:
        where.append(f"kolom '{column}'")
    return ", ".join(where) + ": "


# ---------------------------------------------------------------- tests


def test_catalogue_covers_every_table_and_kind():
    kinds = {c.kind for c in CATALOGUE}
    assert {
        "missing-column",
        "unknown-column",
        "blank-required",
        "text-in-number",
        "indonesian-decimal-comma",
        "thousands-dot",
        "below-minimum",
        "above-maximum",
        "not-allowed",
        "duplicate-key",
        "empty-file",
        "missing-file",
        "not-utf8",
        "unknown-reference",
        "not-a-boolean",
    } <= kinds
    assert {c.table for c in CLI_CASES} == set(TABLES)
    # every money column and every count refuses negatives; every percentage has an upper bound
    for f in FIELDS.values():
        if f.name.endswith("_rp") or f.unit in ("orang", "desa", "kelurahan", "kecamatan"):
            assert f.ge is not None and f.ge >= 0, f.name
        if f.unit == "%" or f.name.endswith("_pct"):
            assert f.le is not None, f"{f.name}: percentage without an upper bound"
    # every column of every table is broken at least once through the CLI or load_table
    assert {(c.table, c.column) for c in CATALOGUE if c.column} == {
        (t.name, c) for t in TABLES.values() for c in t.columns
    }


def _loads_as_the_default(folder: Path, ds, completed: bool = False) -> None:
    """The dataset in ``folder`` loads, table for table, to what the default dataset loads to.

    ``completed``: the files were written from ``_original``, which adds ABSENT_ROWS and ABSENT_COLUMNS:
    those load as written, everything else as the default dataset. (Loading is what these tests are
    about; ``lkip validate`` on the default dataset's content is run in test_cli_errors.py.)
    """
    import pandas as pd

    from lkip_helpers.data.loading import load_dataset

    loaded = load_dataset(paths.DEFAULT_DATASET, root=folder)
    assert sorted(loaded.tables) == sorted(ds.tables)
    for name, frame in ds.tables.items():
        got = loaded.tables[name]
        if completed and name in ABSENT_ROWS:
            shown = [[f"{v:g}" if isinstance(v, float) else str(v) for v in row] for row in got.values.tolist()]
            assert shown == ABSENT_ROWS[name], name
            continue
        if completed and name in ABSENT_COLUMNS:
            for column, value in ABSENT_COLUMNS[name].items():
                assert (got[column] == value).all(), (name, column)
            got, frame = got.drop(columns=list(ABSENT_COLUMNS[name])), frame.drop(columns=list(ABSENT_COLUMNS[name]))
        pd.testing.assert_frame_equal(got, frame, obj=name)


def test_untouched_copy_is_valid(scratch, ds):
    """The rewriting used by the cases changes nothing by itself."""
    for table in TABLES.values():
        rows, nl = _original(table)
        write_csv(scratch / table.filename, rows, nl)
    _loads_as_the_default(scratch, ds, completed=True)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_catalogue_validate(scratch, capsys, case):
    table = TABLES[case.table]
    line, column = case.apply(scratch)
    rc = main(["validate"])
    out, err = capsys.readouterr()
    assert rc == 2, (out, err)
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith("\n"), err  # exactly one line
    assert err.startswith("lkip: " + _expected_prefix(scratch, table, line, column)), err
    assert "np." not in err and "dtype" not in err, err  # values as the user wrote them, not Python internals
    for fragment in case.expect:
        assert fragment in err, (fragment, err)


REFERENCES = [(t, link) for t in TABLES.values() for link in t.links]


@pytest.mark.parametrize(
    "table, link", REFERENCES, ids=[f"{t.name}.{lk.columns[0]}->{lk.table}" for t, lk in REFERENCES]
)
def test_every_reference(ds, tmp_path, table, link):
    """An id that does not exist where it points: the file, its line and column, and which table lacks it."""
    from lkip_helpers.data.loading import check_links

    column = link.columns[0]
    df = ds.tables[table.name]
    if df.empty:  # a table the seed agency does not fill: its ABSENT_ROWS, loaded as the loader would
        write_csv(tmp_path / table.filename, *_original(table))
        df = load_table(tmp_path / table.filename, table)
    pos = int(df.index[df[column].notna()][-1])
    broken = df.copy()
    broken[column] = broken[column].astype("object")
    broken.loc[pos, column] = "tidak-ada-999"
    broken = broken.astype({column: df[column].dtype})
    with pytest.raises(DataError) as info:
        check_links(ds.path, {**ds.tables, table.name: broken})
    err = info.value
    rows, nl = _original(table)
    line = write_csv_lines(rows, nl)[pos + 1]  # the source has no blank lines: data row pos is rows[pos + 1]
    assert (err.file.name, err.row, err.column) == (table.filename, line, column), str(err)
    assert f"'tidak-ada-999' tidak ada di {link.table}.csv" in str(err)


@pytest.mark.parametrize("case", LOADER_CASES, ids=[c.id for c in LOADER_CASES])
def test_every_column(tmp_path, case):
    """Every case, straight through the loader (fast): the same file, row and column."""
    table = TABLES[case.table]
    folder = tmp_path / "ds"
    folder.mkdir()
    if (SOURCE / table.filename).exists():
        shutil.copyfile(SOURCE / table.filename, folder / table.filename)
    line, column = case.apply(folder)
    with pytest.raises(DataError) as info:
        load_table(folder / table.filename, table)
    err = info.value
    assert (err.file.name, err.row, err.column) == (table.filename, line, column), str(err)
    assert "\n" not in str(err)
    assert "np." not in str(err) and "dtype" not in str(err), str(err)
    for fragment in case.expect:
        assert fragment in str(err), (fragment, str(err))


# ---------------------------------------------------------------- not bad input


def test_bom_in_every_file_is_handled(scratch, ds):
    """Excel on Windows saves 'CSV UTF-8' with a BOM: it is dropped, and the header still matches."""
    for table in TABLES.values():
        path = scratch / table.filename
        if path.exists():  # an optional table the agency has not filled may be absent
            path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    _loads_as_the_default(scratch, ds)


def test_bom_does_not_shift_line_numbers(scratch, capsys):
    rows, nl = read_csv(scratch / "wilayah.csv")
    rows[-1][0] = MARK + rows[-1][0]  # bad byte at the very start of the last line
    starts = write_csv(scratch / "wilayah.csv", rows, nl, bom=True)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert f"wilayah.csv, baris {starts[-1]}, kolom 'nomor': bukan UTF-8" in err, err


def test_blank_lines_and_multiline_cells_keep_line_numbers(scratch, capsys):
    """Rows after blank lines and after a quoted cell spanning lines are still reported at their own line."""
    rows, nl = read_csv(scratch / "narasi.csv")
    text_col = rows[0].index("text")
    rows[2][text_col] = rows[2][text_col] + "\n(lanjutan pada baris berikutnya)"
    rows.insert(4, [])  # a blank line
    rows[-1][rows[0].index("kind")] = "keluhan"
    starts = write_csv(scratch / "narasi.csv", rows, nl)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert f"narasi.csv, baris {starts[-1]}, kolom 'kind': nilai 'keluhan' tidak sah" in err, err
    assert starts[-1] == len(rows) + 1  # one extra physical line from the multi-line cell


def test_crlf_and_blank_lines_are_fine(scratch, ds):
    rows, _ = read_csv(scratch / "wilayah.csv")
    write_csv(scratch / "wilayah.csv", rows[:5] + [[]] + rows[5:] + [[]], "\r\n")
    _loads_as_the_default(scratch, ds)


def test_unclosed_quote_names_the_line_it_starts_on(scratch, capsys):
    """An unclosed quote swallows the rest of the file: one message naming the line where it opened."""
    path = scratch / "wilayah.csv"
    lines = path.read_bytes().split(b"\n")
    assert b'"' not in path.read_bytes()
    lines[2] = b'"' + lines[2]  # line 3
    path.write_bytes(b"\n".join(lines) + b"catatan panjang " * 9000)
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "wilayah.csv, baris 3, kolom 'nomor': sel terlalu panjang" in err, err  # nomor: where the quote opens
    # a short file: the unclosed quote makes one long row, reported where it starts
    path.write_bytes(b"\n".join(lines))
    assert main(["validate"]) == 2
    assert "wilayah.csv, baris 3: jumlah sel" in capsys.readouterr().err


@pytest.mark.slow
def test_copied_dataset_folder_is_a_new_dataset(scratch, capsys):
    """Copying a dataset folder under a new name is how a new dataset starts: valid, at most a warning."""
    copy = scratch.parent / "pmd-ntt-2024-salinan"
    shutil.copytree(scratch, copy)
    assert main(["validate", copy.name]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("pmd-ntt-2024-salinan: valid"), out
    quality = "peringatan: kualitas indikator: "  # the seed's own indicators, said of every copy (test_efisiensi)
    lines = [line for line in err.splitlines() if not line.startswith(quality)]
    assert len(lines) <= 1, err
    if lines:
        assert lines[0].startswith("peringatan:") and "pmd-ntt-2023" in lines[0] and copy.name in lines[0], err
    # with the id left out of its metadata there is nothing to warn about
    meta = copy / "metadata.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("  id: pmd-ntt-2023\n", ""), encoding="utf-8")
    assert main(["validate", copy.name]) == 0
    assert all(line.startswith(quality) for line in capsys.readouterr().err.splitlines())


@pytest.mark.parametrize(
    "text, expect",
    [
        ("", "bagian 'dataset:' tidak ada"),
        ("[1, 2", "YAML tidak sah"),
        ("- satu\n- dua\n", "bagian 'dataset:' tidak ada"),
    ],
    ids=["empty", "broken-yaml", "not-a-mapping"],
)
def test_bad_metadata(scratch, capsys, text, expect):
    (scratch / "metadata.yml").write_text(text, encoding="utf-8")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "metadata.yml" in err and "Traceback" not in err, err
    assert expect in err, err


# ---------------------------------------------------------------- through `lkip build`

BUILD_CASES = [
    c
    for c in CATALOGUE
    if c.id
    in {
        "wilayah-missing-column-kabupaten",
        "anggaran-below-minimum-pagu_rp",
        "target-duplicate-key",
        "realisasi-thousands-dot-realisasi",
        "narasi-not-utf8-text",
        "indikator-empty-file",
    }
]


def test_build_cases_exist():
    assert len(BUILD_CASES) == 6


@pytest.mark.slow
@pytest.mark.parametrize("case", BUILD_CASES, ids=[c.id for c in BUILD_CASES])
def test_bad_data_stops_build_before_anything_is_written(scratch, capsys, case):
    table = TABLES[case.table]
    line, column = case.apply(scratch)
    outputs = scratch.parent.parent / "outputs"
    rc = main(["build"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Traceback" not in err
    assert "lkip: " + _expected_prefix(scratch, table, line, column) in err, err
    for fragment in case.expect:
        assert fragment in err, (fragment, err)
    written = [p for p in outputs.rglob("*") if p.is_file()] if outputs.exists() else []
    assert written == [], written


@pytest.mark.slow
def test_renamed_place_is_an_audit_finding_not_a_crash(scratch):
    """A printed value about a kabupaten the data no longer name: a finding, not a KeyError in the notebook."""
    from lkip_helpers.analysis.audit import audit
    from lkip_helpers.data.loading import load_dataset

    rows, nl = read_csv(scratch / "wilayah.csv")
    i = rows[0].index("kabupaten")
    renamed = [r for r in rows[1:] if r[i] == "TTS"]
    assert len(renamed) == 1
    renamed[0][i] = "Timor Tengah Selatan"
    write_csv(scratch / "wilayah.csv", rows, nl)
    findings, checked = audit(load_dataset(paths.DEFAULT_DATASET))
    mine = findings[(findings["report_table"] == "Tabel 3.11") & (findings["kabupaten"] == "TTS")]
    assert len(mine) == 1 and "'TTS' tidak ada di wilayah.csv" in mine.iloc[0]["cause"]
    row = checked[(checked["report_table"] == "Tabel 3.11") & (checked["kabupaten"] == "TTS")]
    assert list(row["status"]) == ["tidak diperiksa"]
