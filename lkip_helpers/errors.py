"""The one error type users see: it says where (file, row, column) and what was expected."""

from __future__ import annotations

from pathlib import Path


class LkipError(Exception):
    """An error with a message meant for the user; the CLI prints it without a traceback."""


class DataError(LkipError):
    """Bad input data.

    Args:
        file: the data file at fault.
        message: what is wrong and what was expected.
        row: line number in the file (1 = header line), if known.
        column: column name, if known.
        key: key of a YAML file (e.g. ``capaian.scale[2].label``), if the file is YAML.
    """

    def __init__(self, file: Path | str, message: str, row: int | None = None, column: str | None = None,
                 key: str | None = None):
        self.file = Path(file)
        self.row = row
        self.column = column
        self.key = key
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column is not None:
            where.append(f"kolom '{self.column}'")
        if self.key is not None:
            where.append(f"kunci '{self.key}'")
        return ", ".join(where) + ": " + self.detail
