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
