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

    def __init__(
        self, file: Path | str, message: str, row: int | None = None, column: str | None = None, key: str | None = None
    ):
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


def line_of(df, position: int) -> int:
    """Line in the source file of the row at ``position`` of a loaded table (header = line 1): the row an error names."""
    lines = df.attrs.get("lines")
    return lines[position] if lines else position + 2


def socket_path_message(exc: BaseException) -> str | None:
    """The line for a kernel socket whose path is too long (a long TMPDIR), or None for any other error.

    Python says "AF_UNIX path too long", ZeroMQ "ipc path … is longer than 107 characters"; neither names TMPDIR.
    """
    import os
    import tempfile

    text = str(exc)
    if "AF_UNIX path too long" not in text and not ("ipc path" in text and "longer than" in text):
        return None
    tmp = os.environ.get("TMPDIR") or tempfile.gettempdir()
    shown = tmp if len(tmp) <= 60 else tmp[:50] + "…"
    return (
        f"folder sementara (TMPDIR={shown}, {len(tmp)} karakter) terlalu panjang untuk soket; "
        "setel TMPDIR ke folder pendek, mis. TMPDIR=/tmp"
    )


def os_error_message(exc: OSError) -> str:
    """One line for a failed read or write: what happened, to which file, and what to do."""
    import errno

    socket = socket_path_message(exc)
    if socket:
        return socket
    what, todo = _OS_ADVICE.get(
        exc.errno, (f"gagal membaca/menulis ({exc.strerror or exc})", "periksa folder dan berkas itu lalu ulangi")
    )
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    if exc.errno == errno.ENAMETOOLONG and where:
        where = str(where)[:80] + "…"  # the whole name would be the unreadable part of the line
    return f"{what}{f': {where}' if where else ''} — {todo}"


def _advice() -> dict:
    import errno

    full = ("disk penuh", "kosongkan ruang disk lalu ulangi")
    denied = (
        "tidak ada izin menulis/membaca",
        "periksa izin folder itu, atau pilih folder lain (mis. LKIP_OUTPUTS_DIR) lalu ulangi",
    )
    table = {
        errno.ENOSPC: full,
        errno.EROFS: ("folder hanya-baca", "pilih folder yang dapat ditulisi (mis. LKIP_OUTPUTS_DIR) lalu ulangi"),
        errno.EACCES: denied,
        errno.EPERM: denied,
        errno.ENAMETOOLONG: ("nama berkas terlalu panjang", "gunakan id dataset atau nama berkas yang lebih pendek"),
        errno.ENOTDIR: ("ada berkas di tempat yang seharusnya folder", "pindahkan atau ganti nama berkas itu"),
        errno.EISDIR: ("ada folder di tempat yang seharusnya berkas", "pilih nama berkas lain"),
        errno.EEXIST: ("sudah ada berkas/folder dengan nama itu", "pindahkan atau ganti nama berkas itu"),
        errno.ENOENT: ("berkas atau folder tidak ditemukan", "periksa jalurnya lalu ulangi"),
        errno.EMFILE: ("terlalu banyak berkas terbuka", "tutup program lain lalu ulangi"),
    }
    if hasattr(errno, "EDQUOT"):
        table[errno.EDQUOT] = ("kuota disk habis", "kosongkan ruang disk lalu ulangi")
    return table


_OS_ADVICE = _advice()
