"""Input faults found late (issue #26, items 5-6): each refused or warned of by ``lkip validate`` in one line,
never a traceback at the end of a build."""

from __future__ import annotations

import codecs
import errno
import io
import os
import socket
import zipfile

import pytest
from test_text_is_text import NAME, dinkes  # noqa: F401 — the fixture agency, copied to a temporary folder

from lkip_helpers import cli
from lkip_helpers.cli import main
from lkip_helpers.errors import LkipError, os_error_message


def _error(capsys) -> str:
    """The one line a refused command printed (fails when there are more, or a traceback)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def _warnings(capsys, word: str) -> list[str]:
    return [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("peringatan:") and word in ln]


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --- a. b. characters no Word/PDF can hold, in YAML texts and CSV cells ------------------------------


@pytest.mark.parametrize(
    "escape, words",
    [
        ("\\v", "karakter kontrol tak terlihat (kode 0x0b)"),
        ("\\x01", "karakter kontrol tak terlihat (kode 0x01)"),
        ("\\ud800", "U+D800, separuh pasangan surrogate"),
        ("\\uFFFE", "U+FFFE"),
        ("\\uFFFF", "U+FFFF"),
        ("\\u202E", "tanda arah teks tak terlihat (U+202E"),
        ("\\u2067", "tanda arah teks tak terlihat (U+2067"),
    ],
)
def test_a_yaml_escape_for_a_character_no_document_can_hold_is_refused(dinkes, capsys, escape, words):  # noqa: F811
    meta = dinkes / "metadata.yml"
    text = meta.read_text(encoding="utf-8").replace("agency: Dinas Kesehatan", f'agency: "Dinas{escape}Kesehatan"', 1)
    meta.write_text(text, encoding="utf-8")
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert f"metadata.yml, baris {_line_of(text, 'agency:')}" in err and words in err and "posisi 6" in err


def test_a_control_character_typed_into_laporan_yml_is_refused(dinkes, capsys):  # noqa: F811
    (dinkes / "laporan.yml").write_text('bagian:\n  pk:\n    judul: "PK \x01"\n', encoding="utf-8")
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "laporan.yml, baris 3" in err and "kode 0x01" in err


def test_a_bidi_control_in_laporan_yml_is_refused(dinkes, capsys):  # noqa: F811
    (dinkes / "laporan.yml").write_text('bagian:\n  pk:\n    judul: "Perjanjian \u202eKinerja"\n', encoding="utf-8")
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "laporan.yml, baris 3" in err and "U+202E" in err


def test_a_bad_character_in_lke_yml_is_refused(dinkes, capsys):  # noqa: F811
    (dinkes / "lke.yml").write_text('versi: "2024\\u202e"\n', encoding="utf-8")
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "lke.yml, baris 1" in err and "U+202E" in err


@pytest.mark.parametrize("char, words", [("\u202e", "U+202E"), ("\ufffe", "U+FFFE"), ("\x0b", "kode 0x0b")])
def test_a_csv_cell_with_such_a_character_is_refused(dinkes, capsys, char, words):  # noqa: F811
    path = dinkes / "indikator.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Prevalensi stunting", f"Prevalensi{char}stunting", 1), encoding="utf-8")
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert f"indikator.csv, baris {_line_of(text, 'Prevalensi stunting')}, kolom " in err and words in err


# --- c. a template.docx python-docx cannot build on -----------------------------------------------


def _docx(without: str | None = None) -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    if without is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            if name != without:
                dst.writestr(name, src.read(name))
    return out.getvalue()


@pytest.mark.parametrize(
    "content, words",
    [(lambda: _docx("word/styles.xml"), "bagian word/styles.xml tidak ada"), (lambda: b"PK\x03\x04 bukan zip", "")],
)
def test_a_template_python_docx_cannot_use_is_refused(dinkes, capsys, content, words):  # noqa: F811
    (dinkes / "template.docx").write_bytes(content())
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "template.docx" in err and "Word" in err and words in err


def test_a_usable_template_passes(dinkes, capsys):  # noqa: F811
    (dinkes / "template.docx").write_bytes(_docx())
    assert main(["validate", NAME]) == 0


# --- d. letters the PDF's font cannot draw: a warning ------------------------------------------------


def test_letters_the_pdf_font_lacks_are_warned_of(dinkes, capsys):  # noqa: F811
    meta = dinkes / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("agency: Dinas Kesehatan", 'agency: "Dinas Kesehatan 卫生局 🙂"', 1),
        encoding="utf-8",
    )
    path = dinkes / "indikator.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Prevalensi stunting", "Prevalensi stunting ไทย", 1), encoding="utf-8")
    assert main(["validate", NAME]) == 0
    found = _warnings(capsys, "font PDF")
    assert len(found) == 2, found
    assert any("metadata.yml, kunci 'dataset.agency'" in w and "U+536B" in w and "U+1F642" in w for w in found)
    assert any(f"indikator.csv, baris {_line_of(text, 'Prevalensi stunting')}, kolom " in w for w in found)


def test_indonesian_text_gives_no_font_warning(dinkes, capsys):  # noqa: F811
    meta = dinkes / "metadata.yml"
    text = meta.read_text(encoding="utf-8").replace("Dinas Kesehatan", "Dinas Kesehatan – é ≥ “x”", 1)
    meta.write_text(text, encoding="utf-8")
    assert main(["validate", NAME]) == 0
    assert _warnings(capsys, "font PDF") == []


# --- e. a file not saved as UTF-8: the advice fits its type --------------------------------------


@pytest.mark.parametrize(
    "name, advice", [("metadata.yml", "teks UTF-8"), ("laporan.yml", "teks UTF-8"), ("target.csv", "'CSV UTF-8'")]
)
def test_a_utf16_file_is_named_with_the_right_advice(dinkes, capsys, name, advice):  # noqa: F811
    path = dinkes / name
    text = path.read_text(encoding="utf-8") if path.exists() else "bagian: {}\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert name in err and "UTF-16" in err and err.endswith(f"simpan ulang file sebagai {advice}")


def test_a_yaml_in_another_encoding_is_not_told_to_be_a_csv(dinkes, capsys):  # noqa: F811
    meta = dinkes / "metadata.yml"
    meta.write_bytes(meta.read_text(encoding="utf-8").replace("Dinas", "Dinas é", 1).encode("latin-1", "replace"))
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "metadata.yml, baris" in err and "teks UTF-8" in err and "CSV" not in err


# --- f. separators ---------------------------------------------------------------------------------


def _edit_target(dinkes, edit) -> None:  # noqa: F811
    path = dinkes / "target.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(i, ln) for i, ln in enumerate(lines)) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda i, ln: ln + ",", "baris 1: baris diakhiri pemisah ',' berlebih"),
        (lambda i, ln: ln.replace(",", ";"), "baris 1: sel dipisah titik koma ';'"),
        (lambda i, ln: ln + "," if i else ln, "baris 2: baris diakhiri pemisah ',' berlebih"),
        (lambda i, ln: ln + ",," if i == 2 else ln, "baris 3: baris diakhiri pemisah ',' berlebih"),
    ],
)
def test_a_stray_separator_is_said_as_such(dinkes, capsys, edit, words):  # noqa: F811
    _edit_target(dinkes, edit)
    assert main(["validate", NAME]) == 2
    err = _error(capsys)
    assert "target.csv, " + words in err and "tidak dikenal" not in err


# --- g. hidden sheets, rows and columns of an imported workbook ---------------------------------


@pytest.mark.slow
def test_import_warns_of_hidden_rows_columns_and_sheets(dinkes, tmp_path_factory, capsys):  # noqa: F811
    from openpyxl import load_workbook

    book = tmp_path_factory.mktemp("isian") / "isian.xlsx"
    assert main(["template", NAME, str(book)]) == 0
    wb = load_workbook(book)
    wb["target"].row_dimensions[4].hidden = True
    wb["indikator"].column_dimensions["B"].hidden = True
    wb["realisasi"].sheet_state = "hidden"
    wb["sasaran"].row_dimensions[40].hidden = True  # a blank row: nothing to say
    wb.save(book)
    capsys.readouterr()
    assert cli.entry(["import", str(book), "hijau-2023"]) == 0
    err = capsys.readouterr().err.splitlines()
    hidden = [ln for ln in err if "tersembunyi" in ln]
    assert len(hidden) == 3, err
    assert all(ln.startswith("peringatan: ") and "isian.xlsx, sheet '" in ln for ln in hidden)
    assert any("sheet 'target', baris 4:" in ln for ln in hidden)
    assert any("sheet 'indikator', kolom 'kind'" in ln for ln in hidden)
    assert any("sheet 'realisasi': sheet tersembunyi" in ln for ln in hidden)
    assert not any(".py:" in ln or "UserWarning" in ln for ln in err)


# --- i. Python warnings in the command's output ----------------------------------------------------


def test_a_library_warning_is_one_line_naming_the_library():
    out = io.StringIO()
    cli._SHOWN.clear()
    site = os.path.join("venv", "lib", "python3.11", "site-packages", "pandas", "core", "frame.py")
    cli._show_warning(DeprecationWarning("x is\n deprecated"), DeprecationWarning, site, 12, file=out)
    cli._show_warning(UserWarning("kunci 'y' tidak dikenal"), UserWarning, "/src/lkip_helpers/data/loading.py", 9, out)
    cli._show_warning(UserWarning("kunci 'y' tidak dikenal"), UserWarning, "/src/lkip_helpers/data/loading.py", 9, out)
    mpl = site.replace("pandas", "matplotlib")
    cli._show_warning(UserWarning("Glyph 21355 (\\N{CJK}) missing from font(s) DejaVu Sans."), UserWarning, mpl, 1, out)
    assert out.getvalue().splitlines() == [
        "peringatan: pandas: x is deprecated",
        "peringatan: kunci 'y' tidak dikenal",
        "peringatan: matplotlib: ada huruf yang tidak tersedia di font grafik; huruf itu tampil sebagai kotak",
    ]


def test_the_command_shows_warnings_its_way_and_gives_python_its_own_back(monkeypatch, capsys):
    import warnings

    before = warnings.showwarning

    def warn_then_succeed(args):
        warnings.warn("kunci 'z' tidak dikenal", stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_validate", warn_then_succeed)
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert cli.entry(["validate", NAME]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "peringatan: kunci 'z' tidak dikenal" in err and not any("test_input_faults.py" in ln for ln in err)
    assert warnings.showwarning is before


# --- j. k. the machine's own folders ---------------------------------------------------------------


def test_a_socket_path_too_long_names_tmpdir(monkeypatch):
    monkeypatch.setenv("TMPDIR", "/tmp/" + "x" * 120)
    with socket.socket(socket.AF_UNIX) as s, pytest.raises(OSError) as exc:
        s.bind("/tmp/" + "x" * 200)
    message = os_error_message(exc.value)
    assert "TMPDIR=/tmp/xxx" in message and "terlalu panjang untuk soket" in message and "TMPDIR=/tmp" in message


def test_a_home_that_cannot_be_written_is_one_warning(tmp_path, monkeypatch, capsys):
    home = tmp_path / "bukan-folder"
    home.write_text("")  # a file: nothing can be made under it (a chmod would not stop root)
    monkeypatch.setenv("HOME", str(home))
    for key in cli._HOME_DIRS:
        monkeypatch.setenv(key, "x")  # given back when the test ends
        monkeypatch.delenv(key)
    assert cli.entry(["--help"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"peringatan: folder rumah (HOME={home}) tidak dapat ditulisi")
    for key in cli._HOME_DIRS:
        assert os.environ[key].startswith(os.path.dirname(os.environ["MPLCONFIGDIR"]))


# --- l. a full disk while the documents are written -----------------------------------------------


def test_a_full_disk_in_the_document_step_is_one_line(dinkes, tmp_path, monkeypatch):  # noqa: F811
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.report import dokumen

    def full(doc, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(dokumen, "write_pdf", full)
    with pytest.raises(LkipError) as exc:
        dokumen.write_documents(tmp_path / "keluaran", load_dataset(NAME))
    message = str(exc.value)
    assert "\n" not in message and "disk penuh" in message and f"lkip-{NAME}.pdf" in message


@pytest.mark.slow
def test_a_full_disk_in_a_builds_document_step_is_one_line(dinkes, tmp_path):  # noqa: F811
    import subprocess
    import sys

    inject = tmp_path / "inject"
    inject.mkdir()
    (inject / "sitecustomize.py").write_text(  # every process of the build, its kernels too, finds the disk full
        "import builtins, errno\n"
        "_open = builtins.open\n"
        "def _full(file, mode='r', *a, **k):\n"
        "    if 'w' in str(mode) and str(file).endswith('.pdf'):\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device', str(file))\n"
        "    return _open(file, mode, *a, **k)\n"
        "builtins.open = _full\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(inject),
        "LKIP_DATA_DIR": str(dinkes.parent),
        "LKIP_OUTPUTS_DIR": str(tmp_path / "keluaran"),
    }
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from lkip_helpers.cli import entry; sys.exit(entry())", "build", NAME],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 2, done.stderr
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if "selesai (" not in ln]
    assert "Traceback" not in done.stdout + done.stderr and len(lines) <= 3, lines
    assert any(ln.startswith("lkip: dokumen LKIP tidak dapat ditulis: disk penuh:") for ln in lines)
