"""One line, exit 2, nothing half-written: bad arguments and files that cannot be read or written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from lkip_helpers import files, paths
from lkip_helpers.cli import main
from lkip_helpers.errors import os_error_message
from lkip_helpers.pipeline import publish
from lkip_helpers.pipeline.build import FAILED_DIR, DatasetBuild
from lkip_helpers.pipeline.runner import NotebookFailed, Task


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lkip: "), err
    return lines[0]


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["build", "--threshold", "nan"], "--threshold harus antara 0 dan 1000"),
        (["build", "--threshold", "inf"], "--threshold harus antara 0 dan 1000"),
        (["build", "--threshold", "-5"], "--threshold harus antara 0 dan 1000"),
        (["build", "--threshold", "sembilan"], "--threshold harus berupa angka"),
        (["build", "--jobs", "0"], "--jobs harus antara 1 dan 256"),
        (["build", "--jobs", "2.5"], "--jobs harus berupa bilangan bulat"),
        (["audit", "--tolerance", "-0.1"], "--tolerance harus antara 0"),
        (["audit", "--tolerance", "nan"], "--tolerance harus antara 0"),
        (["synth", "0"], "N harus antara 1 dan 999"),
        (["synth", "2", "--year", "99999"], "--year harus antara 1900 dan 2200"),
        (["new", "pmd-ntt-2024", "--from", "pmd-ntt-2023", "--year", "-1"], "--year harus antara 1900 dan 2200"),
        (["validate", "a" * 300], "id dataset tidak sah"),
        (["build", "pmd-ntt-2023", "A/../b"], "id dataset tidak sah"),
        (["new", "pmd-ntt-2024", "--from", "../pmd-ntt-2023"], "id dataset tidak sah"),
        (["import", "x.xlsx", "Data Baru"], "id dataset tidak sah"),
        (["template", "x" * 65, "x.xlsx"], "paling banyak 64 karakter"),
        (["frobnicate"], "pilihan PERINTAH tidak dikenal"),
        (["new", "pmd-ntt-2024"], "instansi baru perlu --year, --agency, --region"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path, monkeypatch, capsys, argv, expected):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path / "data"))
    assert main(argv) == 2
    assert expected in _one_line_error(capsys)
    assert not (tmp_path / "outputs").exists() and not (tmp_path / "data").exists()


def test_good_arguments_still_pass(capsys):
    assert main(["validate", paths.DEFAULT_DATASET]) == 0
    assert main(["--help"]) == 0


# ---------------------------------------------------------------- files that cannot be written


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "disk penuh"),
        (errno.EROFS, "folder hanya-baca"),
        (errno.EACCES, "tidak ada izin"),
        (errno.ENAMETOOLONG, "nama berkas terlalu panjang"),
        (errno.ENOTDIR, "ada berkas di tempat yang seharusnya folder"),
    ],
)
def test_os_error_message_says_what_to_do(code, words):
    msg = os_error_message(OSError(code, os.strerror(code), "/data/keluaran/berkas.csv"))
    assert msg.startswith(words) and "/data/keluaran/berkas.csv" in msg and " — " in msg and "\n" not in msg


def _previous(outputs: Path) -> Path:
    folder = outputs / paths.DEFAULT_DATASET
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("hasil lama", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_read_only_outputs_folder(scratch, monkeypatch, capsys):
    """/sys refuses new folders even to root (tests run as root, so chmod would not stop us)."""
    ro = Path("/sys/lkip-uji-keluaran")
    try:
        ro.mkdir()
    except OSError:
        pass
    else:
        ro.rmdir()
        pytest.skip("/sys is writable here")
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(ro))
    assert main(["build", "--jobs", "1"]) == 2
    line = _one_line_error(capsys)
    assert "tidak ada izin" in line and str(ro) in line, line


@pytest.mark.slow
def test_a_file_where_the_outputs_folder_should_be(scratch, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "keluaran"
    blocker.write_text("bukan folder", encoding="utf-8")
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(blocker))
    assert main(["build", "--jobs", "1"]) == 2
    line = _one_line_error(capsys)
    assert "seharusnya folder" in line or "sudah ada berkas" in line, line
    assert blocker.read_text(encoding="utf-8") == "bukan folder"


@pytest.mark.slow
def test_disk_full_while_preparing_keeps_previous_outputs(scratch, tmp_path, monkeypatch, capsys):
    outputs = tmp_path / "outputs"
    previous = _previous(outputs)
    start = publish.start

    def full(b):
        start(b)  # the temporary folder exists, half-filled, when the disk fills up
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(b.tmp / "tables" / "x.csv"))

    monkeypatch.setattr(publish, "start", full)
    assert main(["build", "--jobs", "1"]) == 2
    assert _one_line_error(capsys).startswith("lkip: disk penuh")
    assert sorted(p.name for p in outputs.iterdir()) == [paths.DEFAULT_DATASET]  # no .tmp-, no _gagal
    assert [p.name for p in previous.iterdir()] == ["manifest.json"]
    assert (previous / "manifest.json").read_text(encoding="utf-8") == "hasil lama"


def test_disk_full_while_keeping_the_failed_notebook_leaves_no_empty_copy(scratch, monkeypatch):
    b = DatasetBuild(paths.DEFAULT_DATASET, 100.0, False)
    (b.tmp / "notebooks").mkdir(parents=True)
    (b.tmp / "notebooks" / "03_bab3_capaian.ipynb").write_text("{}", encoding="utf-8")
    task = Task(
        paths.DEFAULT_DATASET,
        "03_bab3_capaian.ipynb",
        {},
        "03_bab3_capaian.ipynb",
        "03.html",
        "h",
        "H",
        str(b.tmp),
        str(paths.data_dir()),
    )

    def full_copy(src, dst, *a, **k):
        Path(dst).write_bytes(b"")  # what a full disk leaves: the file made, nothing in it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(publish.shutil, "copyfile", full_copy)
    coloured = "\x1b[0;31mnilai\x1b[0m tidak\nterbaca"
    publish.fail(b, task, NotebookFailed("03_bab3_capaian.ipynb", 4, "ValueError", coloured, "x = 1\ny = 2"))
    assert not (paths.outputs_dir() / FAILED_DIR).exists()  # no 0-byte notebook, no empty folder
    assert "ValueError: nilai tidak terbaca" in b.error and "sel [4] (x = 1)" in b.error
    assert "\x1b" not in b.error and "\n" not in b.error and "disimpan di" not in b.error
    assert not b.tmp.exists()


def test_disk_full_while_writing_an_index_keeps_the_old_one(tmp_path, monkeypatch):
    index = tmp_path / "index.html"
    index.write_text("indeks lama", encoding="utf-8")

    def full(src, dst):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(files.os, "replace", full)
    with pytest.raises(OSError):
        files.write_text_atomic(index, "indeks baru")
    assert index.read_text(encoding="utf-8") == "indeks lama"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_name_too_long(tmp_path, capsys):
    target = tmp_path / ("a" * 300 + ".xlsx")
    assert main(["template", paths.DEFAULT_DATASET, str(target)]) == 2
    assert "nama berkas terlalu panjang" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- headline


@pytest.mark.slow
def test_ringkasan_of_a_draft_is_unknown_not_zero(scratch):
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.data.newyear import new_dataset

    real = publish._angka_ringkasan(load_dataset(paths.DEFAULT_DATASET))
    assert round(real["rata_rata_capaian_pct"], 2) == 82.32 and real["n_indikator"] == 9  # as the report prints
    new_dataset("pmd-ntt-2024", paths.DEFAULT_DATASET, 2024)
    draft = publish._angka_ringkasan(load_dataset("pmd-ntt-2024"))
    assert draft["n_tercapai"] is None and draft["n_indikator"] == 9
    assert draft["rata_rata_capaian_pct"] != draft["rata_rata_capaian_pct"]  # NaN: nothing measured yet


def test_an_error_inside_lkip_is_one_line_and_its_details_on_request(monkeypatch, capsys):
    from lkip_helpers import cli

    def broken(args):
        raise RuntimeError("sesuatu\nrusak")

    monkeypatch.setattr(cli, "_describe", broken)  # the parser takes each verb's function when it is built
    monkeypatch.delenv("LKIP_DEBUG", raising=False)
    assert main(["describe"]) == 70
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "kesalahan tak terduga" in err[0] and "RuntimeError: sesuatu rusak" in err[0]
    assert "LKIP_DEBUG=1" in err[0] and "Traceback" not in err[0]
    monkeypatch.setenv("LKIP_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["describe"])
