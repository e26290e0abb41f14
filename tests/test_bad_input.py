"""Bad input: one clear message naming file, row and column; exit code 2; no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lkip_helpers.cli import main


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _validate(capsys):
    rc = main(["validate"])
    err = capsys.readouterr().err
    return rc, err


CASES = [
    # (id, file, edit(old, new), expected fragments in the message)
    (
        "missing-column",
        "wilayah.csv",
        ("nomor,kabupaten,", "kabupaten,"),
        ["wilayah.csv", "baris 1", "kolom 'nomor'", "kolom wajib tidak ada"],
    ),
    (
        "unknown-column",
        "hadiah_lomba_pkk.csv",
        ("source_section\n", "source_section,catatan\n"),
        ["hadiah_lomba_pkk.csv", "baris 1", "kolom 'catatan'", "kolom tidak dikenal"],
    ),
    (
        "text-in-money",
        "anggaran.csv",
        (",8211600,8211600", ",delapan juta,8211600"),
        ["anggaran.csv", "baris 6", "kolom 'pagu_rp'", "'delapan juta'", "diharapkan angka dalam Rp"],
    ),
    (
        "negative-money",
        "anggaran.csv",
        (",12867500,12448600", ",-12867500,12448600"),
        ["anggaran.csv", "baris 7", "kolom 'pagu_rp'", ">= 0"],
    ),
    (
        "indonesian-number",
        "realisasi.csv",
        ("bumdes-aktif,2023,1476,", "bumdes-aktif,2023,1.476,"),
        ["realisasi.csv", "baris 2", "kolom 'realisasi'", "'1.476'", "1476"],
    ),
    (
        "decimal-comma",
        "realisasi.csv",
        ("desa-persiapan-register,2023,84.09,", 'desa-persiapan-register,2023,"84,09",'),
        ["realisasi.csv", "baris 8", "kolom 'realisasi'", "'84,09'", "98.4"],
    ),
    (
        "duplicate-key",
        "target.csv",
        ("alat-ttg,2023,pk,873,", "bumdes-aktif,2023,pk,873,"),
        ["target.csv", "baris 4", "kolom 'indikator_id'", "kunci ganda", "bumdes-aktif"],
    ),
    (
        "unknown-indicator",
        "realisasi.csv",
        ("kerjasama-desa,2023,37.74", "kerja-sama,2023,37.74"),
        ["realisasi.csv", "baris 10", "kolom 'indikator_id'", "'kerja-sama' tidak ada di indikator.csv"],
    ),
    (
        "unknown-kode-rekening",
        "sasaran_kegiatan.csv",
        ("ss-kemiskinan,2.13.05.1.01.06,", "ss-kemiskinan,2.13.05.1.01.99,"),
        ["sasaran_kegiatan.csv", "baris 6", "kolom 'kode_rekening'", "'2.13.05.1.01.99' tidak ada di anggaran.csv"],
    ),
    (
        "blank-required",
        "indikator.csv",
        (",Alat TTG ke desa,Unit,higher,", ",Alat TTG ke desa,Unit,,"),
        ["indikator.csv", "baris 5", "kolom 'polarity'", "wajib diisi"],
    ),
    (
        "bad-choice",
        "indikator.csv",
        (",Alat TTG ke desa,Unit,higher,", ",Alat TTG ke desa,Unit,tinggi,"),
        ["indikator.csv", "baris 5", "kolom 'polarity'", "higher, lower"],
    ),
    (
        "subtotal-typed-in",
        "anggaran.csv",
        ("2.13.02,1,program,PROGRAM PENATAAN DESA,,", "2.13.02,1,program,PROGRAM PENATAAN DESA,44132080,"),
        ["anggaran.csv", "kolom 'pagu_rp'", "dihitung dari rinciannya"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_cell(scratch, capsys, case):
    _, filename, (old, new), fragments = case
    _edit(scratch / filename, old, new)
    rc, err = _validate(capsys)
    assert rc == 2
    assert "Traceback" not in err
    assert err.count("\n") == 1, err  # one message, one line
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_not_utf8(scratch, capsys):
    path = scratch / "wilayah.csv"
    raw = path.read_bytes().replace(b"Kota Kupang", "Kota K\xfcpang".encode("latin-1"))
    path.write_bytes(raw)
    rc, err = _validate(capsys)
    assert rc == 2 and "wilayah.csv" in err and "baris 23" in err and "UTF-8" in err


def test_empty_file(scratch, capsys):
    (scratch / "lomba_desa.csv").write_text("", encoding="utf-8")
    rc, err = _validate(capsys)
    assert rc == 2 and "lomba_desa.csv" in err and "file kosong" in err and "peringkat" in err


def test_header_only_core_table(scratch, capsys):
    (scratch / "realisasi.csv").write_text("indikator_id,year,realisasi,source_table\n", encoding="utf-8")
    rc, err = _validate(capsys)
    assert rc == 2 and "realisasi.csv" in err and "baris 2" in err and "tidak ada baris data" in err


def test_header_only_optional_table_passes(scratch, capsys):
    (scratch / "lomba_desa.csv").write_text(
        "peringkat,kategori,desa,kecamatan,kabupaten,source_section\n", encoding="utf-8"
    )
    rc, _ = _validate(capsys)
    assert rc == 0


def test_missing_core_file(scratch, capsys):
    (scratch / "target.csv").unlink()
    rc, err = _validate(capsys)
    assert rc == 2 and "target.csv" in err and "tidak ditemukan" in err and "inti" in err


def test_missing_optional_file_passes(scratch, capsys):
    for name in ("narasi", "wilayah", "lomba_desa", "hadiah_lomba_pkk", "nilai_tercetak"):
        (scratch / f"{name}.csv").unlink()
    rc, _ = _validate(capsys)
    assert rc == 0


def test_optional_column_may_be_left_out(scratch, capsys):
    path = scratch / "realisasi.csv"
    rows = [line.rsplit(",", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == "indikator_id,year,realisasi"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rc, _ = _validate(capsys)
    assert rc == 0


# a BOM (Excel's 'CSV UTF-8'): test_bad_input_catalogue.py puts one in every file and validates


def test_unknown_dataset(capsys):
    assert main(["validate", "tidak-ada-2099"]) == 2
    assert "tidak-ada-2099" in capsys.readouterr().err


@pytest.mark.slow
def test_console_script_prints_no_traceback(scratch):
    _edit(scratch / "realisasi.csv", "bumdes-aktif,2023,1476,", "bumdes-aktif,2023,1.476,")
    proc = subprocess.run([sys.executable, "-m", "lkip_helpers.cli", "validate"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "realisasi.csv, baris 2, kolom 'realisasi'" in proc.stderr
    assert proc.stdout == ""
