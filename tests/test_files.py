"""One folder swap for the build's outputs and for written datasets: the old folder or the new one, whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from lkip_helpers import files
from lkip_helpers.data import saving


def _folder(path: Path, text: str) -> Path:
    path.mkdir(parents=True)
    (path / "isi.txt").write_text(text, encoding="utf-8")
    return path


def test_new_folder_replaces_old_and_nothing_else_stays(tmp_path):
    final = _folder(tmp_path / "out" / "ds", "lama")
    new = _folder(tmp_path / "out" / ".tmp-ds", "baru")
    files.replace_folder(new, final)
    assert (final / "isi.txt").read_text(encoding="utf-8") == "baru"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["ds"]


def test_first_folder_goes_in_even_without_its_parent(tmp_path):
    new = _folder(tmp_path / ".tmp-ds", "baru")
    files.replace_folder(new, tmp_path / "belum" / "ada" / "ds")
    assert (tmp_path / "belum" / "ada" / "ds" / "isi.txt").read_text(encoding="utf-8") == "baru"


def test_old_folder_goes_back_when_the_new_cannot_move_in(tmp_path):
    final = _folder(tmp_path / "ds", "lama")
    with pytest.raises(FileNotFoundError):
        files.replace_folder(tmp_path / "tidak-ada", final)  # the second rename fails
    assert (final / "isi.txt").read_text(encoding="utf-8") == "lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_stop_request_between_the_two_renames_puts_the_old_folder_back(tmp_path, monkeypatch):
    final = _folder(tmp_path / "ds", "lama")
    new = _folder(tmp_path / ".tmp-ds", "baru")
    rename = Path.rename

    def interrupted(self, target):
        if self == new:
            raise KeyboardInterrupt
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.replace_folder(new, final)
    assert (final / "isi.txt").read_text(encoding="utf-8") == "lama"
    assert (new / "isi.txt").read_text(encoding="utf-8") == "baru"
    assert not files.aside(final).exists()


def test_a_written_dataset_uses_the_same_swap(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path))
    dest = _folder(tmp_path / "ds-2024", "lama")
    staged = saving.staging("ds-2024")
    (staged / "isi.txt").write_text("baru", encoding="utf-8")
    saving.put_in_place(staged, dest)
    assert (dest / "isi.txt").read_text(encoding="utf-8") == "baru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds-2024"]  # no staging folder, no old copy


def test_a_written_dataset_that_cannot_move_in_keeps_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setenv("LKIP_DATA_DIR", str(tmp_path))
    dest = _folder(tmp_path / "ds-2024", "lama")
    staged = saving.staging("ds-2024")
    (staged / "isi.txt").write_text("baru", encoding="utf-8")
    saving.discard(staged)  # the staged folder is gone before it moves in
    with pytest.raises(FileNotFoundError):
        saving.put_in_place(staged, dest)
    assert (dest / "isi.txt").read_text(encoding="utf-8") == "lama"
