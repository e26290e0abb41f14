"""Every touch of python-docx's private parts, in one place.

python-docx exposes no API for page-number formats, fields or moving a section's setup into a paragraph;
these reach its lxml elements (``_sectPr``, ``_r``, ``_p``, ``_insert_sectPr``). Tested against the
version pinned in pyproject.toml; ``tests/test_compat_contracts.py`` fails, naming python-docx and what
to check, when a new version moves one of them.
"""

from __future__ import annotations


def section_properties(section):
    """The ``w:sectPr`` element of a ``docx.section.Section``."""
    return section._sectPr


def run_element(run):
    """The ``w:r`` element of a ``docx.text.run.Run`` (to append field characters to it)."""
    return run._r


def set_paragraph_style_id(paragraph, style_id: str) -> None:
    """Give ``paragraph`` a style by its id, without python-docx's lookup by name (which scans every style)."""
    paragraph._p.style = style_id


def move_section_properties(p_pr, sect_pr) -> None:
    """Put ``sect_pr`` into the paragraph properties ``p_pr`` where the schema wants it."""
    p_pr._insert_sectPr(sect_pr)
