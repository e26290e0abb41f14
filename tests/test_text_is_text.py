"""Text from data is never run as a format string (issue: a format spec in a title asked for 300 MB)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lkip_helpers.cli import main
from lkip_helpers.placeholders import fill, problem

FIXTURE = Path(__file__).parent / "fixtures" / "dinkes-lembahhijau-2023"
NAME = "dinkes-lembahhijau-2023"

HOSTILE = ["{tahun:>300000000}", "{tahun!r}", "{tahun.__class__}", "{0}", "{}", "{tahun[0]}", "{{tahun}}", "a } b"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_brace_patterns_are_found_and_never_executed(text):
    assert problem(f"Tabel {text}", ("tahun",)) is not None
    assert len(fill(f"Tabel {text}", {"tahun": 2023})) < 100  # kept as written, never expanded


def test_known_placeholders_are_filled_by_name():
    assert fill("Capaian {tahun} dan {tahun_lalu}", {"tahun": 2023, "tahun_lalu": 2022}) == "Capaian 2023 dan 2022"
    assert problem("Capaian {tahun} dan {tahun_lalu}", ("tahun", "tahun_lalu")) is None


@pytest.fixture()
def dinkes(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE, tmp_path / NAME)
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path))
    return tmp_path / NAME


@pytest.mark.parametrize("text", ["{tahun:>300000000}", "{tahun!s}", "{}"])
def test_validate_refuses_a_format_spec_in_laporan_yml(dinkes, capsys, text):
    (dinkes / "laporan.yml").write_text(
        f'bagian:\n  pk:\n    judul: "Perjanjian Kinerja Tahun {text}"\n', encoding="utf-8"
    )
    assert main(["validate", NAME]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "laporan.yml" in err[0] and "kurung kurawal" in err[0] and "Traceback" not in err[0]


def test_validate_refuses_a_format_spec_in_an_audit_cause(dinkes, capsys):
    meta = dinkes / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8")
        + 'audit:\n  alternatives:\n    - metric: [capaian_pct]\n      cause: "serapan {value:>400000000}"\n',
        encoding="utf-8",
    )
    assert main(["validate", NAME]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "audit.alternatives[0].cause" in err[0] and "{value:>400000000}" in err[0]


# --- what the user owns is never overwritten by accident ---------------------------------------


def test_csv_output_into_the_data_folder_is_refused(dinkes, capsys):
    before = (dinkes / "realisasi.csv").read_bytes()
    for verb in (["audit"], ["lke"]):
        assert main([*verb, NAME, "--csv", str(dinkes / "realisasi.csv")]) == 2
        err = capsys.readouterr().err
        assert "--csv tidak boleh menulis ke dalam folder data" in err and "Traceback" not in err
    assert (dinkes / "realisasi.csv").read_bytes() == before


def test_template_into_the_data_folder_is_refused(dinkes, capsys):
    assert main(["template", NAME, str(dinkes / "isian.xlsx")]) == 2
    assert "tidak boleh menulis ke dalam folder data" in capsys.readouterr().err
    assert not (dinkes / "isian.xlsx").exists()


def test_new_from_itself_is_refused_and_changes_nothing(dinkes, capsys):
    before = {p.name: p.read_bytes() for p in dinkes.iterdir()}
    assert main(["new", NAME, "--from", NAME, "--force"]) == 2
    err = capsys.readouterr().err
    assert "sama dengan dataset baru" in err and "lkip new dinkes-lembahhijau-2024 --from" in err
    assert {p.name: p.read_bytes() for p in dinkes.iterdir()} == before


def test_a_written_csv_is_whole_or_absent(tmp_path, monkeypatch):
    import pandas as pd

    from lkip_helpers.data import safe_cells

    target = tmp_path / "temuan.csv"
    target.write_text("lama\n", encoding="utf-8")

    def full_disk(self, path, **kw):
        Path(path).write_text("separuh", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    with pytest.raises(OSError):
        safe_cells.write_csv(pd.DataFrame({"a": [1]}), target)
    assert target.read_text(encoding="utf-8") == "lama\n" and [p.name for p in tmp_path.iterdir()] == ["temuan.csv"]


class _ClosedPipe:
    """A stdout whose reader has gone (`lkip … | head -0`)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass


def test_a_cut_pipe_is_success_only_for_commands_that_just_print(dinkes, tmp_path_factory, monkeypatch, capsys):
    out = tmp_path_factory.mktemp("keluaran")  # outside the data folder
    monkeypatch.setattr("sys.stdout", _ClosedPipe())
    assert main(["describe", NAME]) == 0  # the reader had what it wanted
    assert main(["template", NAME, str(out / "isian.xlsx")]) == 1  # a command that does work: never 0
    assert "keluaran terputus" in capsys.readouterr().err


# --- said, not silent ----------------------------------------------------------------------------


def test_a_key_written_twice_in_metadata_is_refused(dinkes, capsys):
    meta = dinkes / "metadata.yml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("  year: 2023\n", "  year: 2023\n  year: 2024\n", 1), encoding="utf-8")
    line = text[: text.index("  year: 2023\n")].count("\n") + 2
    assert main(["validate", NAME]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"baris {line}" in err[0] and "kunci 'year' ditulis dua kali" in err[0]


def test_a_zero_pk_target_is_warned(dinkes, capsys):
    target = dinkes / "target.csv"
    lines = target.read_text(encoding="utf-8").splitlines()
    row = next(i for i, ln in enumerate(lines) if ln.startswith("stunting,2023,pk,"))
    lines[row] = "stunting,2023,pk,0"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", NAME]) == 0
    err = capsys.readouterr().err
    assert f"target.csv baris {row + 1}, kolom 'target' (stunting): target PK 2023 bernilai 0" in err
    assert "“Prevalensi stunting” tidak dapat dihitung" in err


@pytest.mark.parametrize("value", ["tcp://", "tcp://host", "tcp://h:99999", "tcp://[::1", "udp://x:1", "tcp://:80"])
def test_a_bad_scheduler_is_one_line(value, capsys):
    assert main(["build", "--scheduler", value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--scheduler {value!r}" in err[0] and "tcp://HOST:PORT" in err[0]


def test_a_console_that_cannot_show_a_character_gets_a_replacement(dinkes):
    import os
    import subprocess
    import sys

    meta = dinkes / "metadata.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace("Dinas Kesehatan", "Dinas ≥ Kesehatan", 1), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "LKIP_DATA_DIR": str(dinkes.parent)}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from lkip_helpers.cli import entry; sys.exit(entry())", "validate", NAME],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
    assert b"Dinas ? Kesehatan" in done.stdout and b"Traceback" not in done.stderr


def test_a_table_file_named_in_other_case_is_refused(dinkes, capsys):
    (dinkes / "target.csv").rename(dinkes / "Target.csv")
    assert main(["validate", NAME]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Target.csv" in err[0] and "ganti namanya menjadi target.csv" in err[0]
