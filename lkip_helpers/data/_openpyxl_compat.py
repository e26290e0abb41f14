"""Every touch of openpyxl's private parts, in one place.

openpyxl's read-only worksheet gives no public way to read its XML part as a stream, which the
cell count before loading needs (its row iterator trusts the sheet's stated dimension). Tested
against the version pinned in pyproject.toml; ``tests/test_compat_contracts.py`` fails, naming
openpyxl and what to check, when a new version moves it.
"""

from __future__ import annotations


def sheet_xml(ws):
    """The XML part of a read-only worksheet, as a binary file object unpacked as it is read (a context manager)."""
    return ws._get_source()
