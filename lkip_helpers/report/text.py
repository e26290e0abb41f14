"""Text on a page: data text shown literally in Markdown, and no link that the data did not ask for.

Text that comes from data files is shown literally: every ASCII punctuation character in
it is backslash-escaped (CommonMark allows this for all of them), so raw HTML, ``[x](…)``
links, ``![](http://…)`` images, emphasis, headings, lists and bare ``http://`` or
``www.`` autolinks all stay text. Ids inside code spans go through :func:`code`.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character


def escape(text) -> str:
    r"""Data text made safe inside Markdown: shown literally, on one line, no markup, no links.

    >>> print(escape("<b>x</b> [klik](javascript:alert(1)) desa_wisata"))
    \<b\>x\<\/b\> \[klik\]\(javascript\:alert\(1\)\) desa\_wisata
    >>> print(escape("lihat http://contoh.invalid, 98%"))
    lihat http\:\/\/contoh\.invalid\, 98\%
    """
    one_line = " ".join(str(text).splitlines())
    return _PUNCTUATION.sub(r"\\\1", one_line)


def code(text) -> str:
    """Data text as a Markdown code span (no escapes work inside one: backticks and line breaks are dropped)."""
    return "`" + " ".join(str(text).replace("`", "'").splitlines()) + "`"


_CODE_SPAN = re.compile(r"(`[^`]*`)")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|file|mailto|javascript|vbscript|data)(?=:)|\bwww(?=\.)|(?<!\\)@")


def no_autolinks(text: str) -> str:
    r"""Markdown with the starts of autolinks escaped (code spans untouched).

    >>> print(no_autolinks("lihat http://x.id, www.x.id, a@b.id, `http://kode`"))
    lihat http\://x.id, www\.x.id, a\@b.id, `http://kode`
    """
    parts = _CODE_SPAN.split(text)
    return "".join(
        p if i % 2 else _AUTOLINK.sub(lambda m: (m.group(0) + "\\") if m.group(0) != "@" else "\\@", p)
        for i, p in enumerate(parts)
    )
