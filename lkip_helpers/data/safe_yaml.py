"""Reading and writing YAML (``metadata.yml``) so that no input can make it slow or large.

Every YAML we read goes through :func:`load`: plain ``yaml.safe_load`` plus three
bounds, and a key written twice in one mapping is refused (PyYAML would keep the last silently). Aliases (``*name``) are refused, so an alias chain ("billion laughs") cannot
expand to gigabytes; nesting is limited (a deep ``[[[[…`` would exhaust Python's stack);
and the text may be at most :data:`MAX_BYTES`. Our metadata never needs aliases, and
:func:`dump` never writes them.

Problems are raised as :class:`YamlProblem`, a ``yaml.MarkedYAMLError`` whose
``problem`` is Bahasa Indonesia and whose ``problem_mark`` gives the line: callers that
already turn ``yaml.YAMLError`` into a message naming file and line need no change.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import yaml

from lkip_helpers.errors import DataError

MAX_BYTES = 1_000_000
MAX_DEPTH = 50

# PyYAML's most frequent complaints, said in Bahasa Indonesia
_PROBLEMS = {
    "mapping values are not allowed here": "tanda ':' tidak diharapkan di sini (periksa indentasi, atau beri tanda "
    "kutip pada teks yang memuat ': ')",
    "could not find expected ':'": "tanda ':' tidak ditemukan (setiap baris harus 'kunci: nilai')",
    "found character '\\t' that cannot start any token": "karakter tab tidak boleh dipakai; indentasi memakai spasi",
    "found unexpected end of stream": "teks berakhir di tengah nilai (tanda kutip tidak ditutup?)",
}


# Characters no text of ours may hold (CSV cells and YAML texts alike): what Word's XML cannot store
# (C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates), and the invisible bidi
# controls that reorder the letters around them (after a U+202E a label reads backwards in every form)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


def character_problem(text: str) -> str | None:
    """What is wrong with the first character of ``text`` no report can hold (None when all is fine).

    >>> character_problem("a\\tb\\nc") is None
    True
    >>> print(character_problem("Dinas\\vKes"))
    karakter kontrol tak terlihat (kode 0x0b) pada posisi 6; hapus karakter itu
    """
    bad = _UNSAFE.search(text)
    if bad is None:
        return None
    char, where = bad.group(), f"pada posisi {bad.start() + 1}; hapus karakter itu"
    if _CONTROL.match(char):
        return f"karakter kontrol tak terlihat (kode 0x{ord(char):02x}) {where}"
    if "\ud800" <= char <= "\udfff":
        return f"karakter tidak sah (U+{ord(char):04X}, separuh pasangan surrogate) {where}"
    if char in "\ufffe\uffff":
        return f"karakter tidak sah (U+{ord(char):04X}, bukan huruf) {where}"
    return f"tanda arah teks tak terlihat (U+{ord(char):04X}, membalik/menggeser urutan huruf) {where}"


class YamlProblem(yaml.MarkedYAMLError):
    """A YAML text we refuse or cannot read; ``problem`` says why in Bahasa Indonesia."""


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` without aliases, with bounded nesting, and refusing a key written twice in one mapping."""

    _depth = 0

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        problem = character_problem(value) if isinstance(value, str) else None
        if problem:  # e.g. "\\v" or "\\ud800" written as an escape: the Word step would fail on it
            raise YamlProblem(problem=problem, problem_mark=node.start_mark)
        return value

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (str, int, float, bool)) or key is None:
                    if key in seen:  # PyYAML keeps the last silently: the first value would vanish unseen
                        raise YamlProblem(
                            problem=f"kunci '{key}' ditulis dua kali di bagian yang sama; hapus salah satunya",
                            problem_mark=key_node.start_mark,
                        )
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlProblem(
                problem=f"alias YAML '*{event.anchor}' tidak diizinkan; tulis nilainya langsung",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlProblem(
                    problem=f"struktur bersarang lebih dari {MAX_DEPTH} tingkat",
                    problem_mark=self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str):
    """Parse YAML text safely (no aliases, bounded size and nesting); raise :class:`YamlProblem`.

    >>> load("a: [1, 2]")
    {'a': [1, 2]}
    >>> try:
    ...     load("a: &x [1]\\nb: *x")
    ... except YamlProblem as exc:
    ...     print(exc.problem, "- baris", exc.problem_mark.line + 1)
    alias YAML '*x' tidak diizinkan; tulis nilainya langsung - baris 2
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise YamlProblem(problem=f"file terlalu besar ({size:,} byte; batas {MAX_BYTES:,} byte)".replace(",", "."))
    try:
        loader = _Loader(text)  # PyYAML's reader refuses a control character written as such, here
    except yaml.reader.ReaderError as exc:
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        raise YamlProblem(
            problem=character_problem(char) or f"karakter tidak sah (U+{ord(char[:1] or ' '):04X}); hapus karakter itu",
            problem_mark=yaml.Mark("", exc.position, text[: exc.position].count("\n"), 0, None, None),
        ) from None
    try:
        return loader.get_single_data()
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        problem = _PROBLEMS.get(str(exc.problem), exc.problem)
        raise YamlProblem(exc.context, exc.context_mark, problem, exc.problem_mark) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(problem=str(exc)) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2023-13-45
        raise YamlProblem(problem=f"nilai tidak dapat dibaca ({exc})") from None
    finally:
        loader.dispose()


def decode(path: Path, raw: bytes, advice: str = "teks UTF-8", column_of=None) -> str:
    """``raw`` read from ``path`` as UTF-8 (an Excel BOM dropped); else a DataError naming the file, the line
    (and the column ``column_of(text before the bad byte)`` names, for a CSV) and what to save it as
    (``advice``: 'teks UTF-8' for YAML, "'CSV UTF-8'" for a CSV)."""
    raw = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode", Excel's "Unicode Text"
            raise DataError(
                path, f"tersimpan sebagai UTF-16, bukan UTF-8; simpan ulang file sebagai {advice}"
            ) from None
        before = raw[: exc.start]
        raise DataError(
            path,
            f"bukan UTF-8 (byte 0x{raw[exc.start]:02x}); simpan ulang file sebagai {advice}",
            row=before.count(b"\n") + 1,
            column=column_of(before.decode("utf-8", errors="replace")) if column_of else None,
        ) from None


def load_file(path: Path):
    """A YAML file read with :func:`load`; any problem is a one-line DataError naming the file and line."""
    path = Path(path)
    text = decode(path, path.read_bytes())
    try:
        return load(text)
    except YamlProblem as exc:
        line = getattr(exc.problem_mark, "line", None)
        raise DataError(path, f"YAML tidak sah: {exc.problem}", row=None if line is None else line + 1) from None


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # a value used twice is written twice: load() refuses aliases
        return True


def dump(data, **options) -> str:
    """YAML text of ``data`` (as ``yaml.safe_dump``), never with anchors or aliases."""
    return yaml.dump(data, Dumper=_Dumper, **options)
