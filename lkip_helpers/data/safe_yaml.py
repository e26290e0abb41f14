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

import yaml

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


class YamlProblem(yaml.MarkedYAMLError):
    """A YAML text we refuse or cannot read; ``problem`` says why in Bahasa Indonesia."""


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` without aliases, with bounded nesting, and refusing a key written twice in one mapping."""

    _depth = 0

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
    loader = _Loader(text)
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


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # a value used twice is written twice: load() refuses aliases
        return True


def dump(data, **options) -> str:
    """YAML text of ``data`` (as ``yaml.safe_dump``), never with anchors or aliases."""
    return yaml.dump(data, Dumper=_Dumper, **options)
