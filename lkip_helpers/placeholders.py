"""Text from data is text: ``{name}`` placeholders substituted by name, never run as a format string.

``str.format`` on text from data would execute its format specs (``{tahun:>300000000}`` asks for
a 300 MB string) and conversions. Here only a bare ``{name}`` whose name is given is replaced;
:func:`problem` tells validate which brace pattern a text may not hold.
"""

from __future__ import annotations

import re

_NAMED = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_BRACE = re.compile(r"\{[^{}]*\}?|\}")


def fill(text: str, values: dict) -> str:
    """``text`` with each ``{name}`` of ``values`` replaced by ``str(value)``; everything else kept as written.

    >>> fill("Tahun {tahun}", {"tahun": 2023}), fill("{tahun:>9}", {"tahun": 2023}), fill("{x}", {})
    ('Tahun 2023', '{tahun:>9}', '{x}')
    """
    return _NAMED.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def problem(text: str, known: tuple[str, ...]) -> str | None:
    """The first brace pattern of ``text`` that is not a bare known placeholder (None when all are).

    >>> problem("Tabel {tahun}", ("tahun",)), problem("{tahun:>300}", ("tahun",)), problem("a } b", ("tahun",))
    (None, '{tahun:>300}', '}')
    """
    for m in _BRACE.finditer(text):
        named = _NAMED.fullmatch(m.group(0))
        if named is None or named.group(1) not in known:
            return m.group(0)
    return None
