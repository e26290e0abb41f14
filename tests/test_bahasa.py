"""Every word a user reads is Bahasa Indonesia (issue #13).

Checked here: the data dictionary (``lkip describe``, the Excel template's help rows, comments
and input checks), the whole ``--help`` of ``lkip`` and of every subcommand (argparse's own
words too), the one-line errors for bad arguments, the index page's artifact list, and every
message string in the package. A text fails when it holds a common English word; names users
type (flags, metavars, column ids such as ``pagu_rp``) are taken out first, and the checker is
itself shown to catch English.
"""

import html
import re

import pytest
from source_strings import PACKAGE, string_constants

from lkip_helpers import paths
from lkip_helpers.cli import main, parser
from lkip_helpers.data.excel import HELP_ROW, write_template
from lkip_helpers.data.loading import load_dataset
from lkip_helpers.data.schema import FIELDS, METADATA, TABLES, describe
from lkip_helpers.report.front import index_page

# Common English words that no Indonesian sentence here needs (not 'a', 'no', 'per', 'data': those are
# Indonesian too, or parts of numbering such as 1.a). Verb names (build, new, import, ...) stay: users type them.
ENGLISH = """
the and of is are was were be been being must should shall will would can cannot may might with without for from
into onto not this that these those which when where what who whose whether there here than then if else or by to on
in at as an it its each every any only also both such other same after before between below above under over
usage options optional positional arguments argument show help message exit required allowed invalid expected
missing found error warning write written print run check value values number row rows column columns year years
name budget indicator ceiling amount amendment realised spent allocated staff prize rank position kind
unknown choose following command
""".split()
_ENGLISH = re.compile(r"\b(" + "|".join(sorted(set(ENGLISH))) + r")\b", re.IGNORECASE)
# What users type, taken out before checking: flags, METAVARS, ids, and the column and table names
# of the data files (name, kind, year, value ... are file headers, not prose).
_NAMES = sorted({c for t in TABLES.values() for c in t.columns} | set(FIELDS) | set(TABLES), key=len, reverse=True)
_TYPED = re.compile(
    r"(?<![\w-])--?[A-Za-z][\w-]*|\b\w+_\w+\b|\b[A-Z][A-Z0-9.]*\b|\b(?:" + "|".join(_NAMES) + r")\b(?![\w-])"
)


def english_words(text: str) -> list[str]:
    """The English words of ``text``, after removing what users type (flags, ids, metavars)."""
    return _ENGLISH.findall(_TYPED.sub(" ", text))


def test_the_checker_catches_english():
    for sample in [
        "Budget ceiling (pagu) after amendment.",  # the old pagu_rp description
        "show this help message and exit",  # argparse's own -h help
        "usage: lkip build [-h]",
        "Id of a sasaran (strategis ss-*, program sp-*, kegiatan sk-*).",
        "rebuild even when nothing changed",
        "The statement",
    ]:
        assert english_words(sample), sample
    for sample in [
        "Pagu anggaran setelah perubahan [Rp]. Diisi tiap tahun (boleh kosong selama draf).",
        "tampilkan bantuan ini lalu keluar",
        "penggunaan: lkip build [-h] [--all] [--force] [--from ASAL] [DATASET ...]",
        "Nomor atau label seperti tercetak di laporan (mis. 1, 1.a, 2.2.1, II); nilai ambang_pct per tahun.",
    ]:
        assert not english_words(sample), (sample, english_words(sample))


# ---------------------------------------------------------------- data dictionary


def _dictionary_texts():
    for f in FIELDS.values():
        yield f"field {f.name}", f.description
    for name, t in TABLES.items():
        yield f"table {name}", t.description
        for row in describe(t):
            yield f"describe {name}.{row['column']}", row["description"]
    for key, m in METADATA.items():
        yield f"metadata {key}", m.description


@pytest.mark.parametrize("where, text", list(_dictionary_texts()), ids=lambda v: v if " " in str(v) else "")
def test_data_dictionary_is_indonesian(where, text):
    assert text.strip() and not english_words(text), (where, text, english_words(text))


def test_describe_output_is_indonesian(capsys):
    assert main(["describe", paths.DEFAULT_DATASET]) == 0
    out = capsys.readouterr().out
    bad = [line for line in out.splitlines() if english_words(line)]
    assert not bad, bad[:5]
    assert "pagu_rp (angka [Rp], opsional): Pagu anggaran setelah perubahan." in out


def test_excel_template_is_indonesian(tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(write_template(load_dataset(paths.DEFAULT_DATASET), tmp_path / "t.xlsx", all_tables=True))
    texts = [(wb.sheetnames[0], c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value]
    for name in TABLES:
        ws = wb[name]
        texts += [(f"{name} help", c.value) for c in ws[HELP_ROW]]
        texts += [(f"{name} comment", c.comment.text) for c in ws[1] if c.comment]
        for dv in ws.data_validations.dataValidation:
            texts += [(f"{name} check", t) for t in (dv.prompt, dv.error, dv.errorTitle) if t]
    # the agency's own names and notes are data, not ours: leave the rows that quote them out
    ours = [(w, t) for w, t in texts if not str(t).startswith(("Template data LKIP", "Dataset:"))]
    assert len(ours) > 100
    bad = [(w, t, english_words(t)) for w, t in ours if english_words(str(t))]
    assert not bad, bad[:5]


# ---------------------------------------------------------------- command line


def _subparsers(p):
    import argparse

    action = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def _help_texts():
    p = parser()
    yield "lkip", p.format_help()
    for verb, sub in _subparsers(p).items():
        yield f"lkip {verb}", sub.format_help()


@pytest.mark.parametrize("command, text", list(_help_texts()), ids=lambda v: v if v.startswith("lkip") else "")
def test_help_is_indonesian(command, text):
    bad = [line for line in text.splitlines() if english_words(line)]
    assert not bad, (command, bad)
    assert text.startswith("penggunaan: ") and "opsi:" in text and "tampilkan bantuan ini lalu keluar" in text


def test_every_argument_has_indonesian_help():
    for command, sub in [("lkip", parser()), *((f"lkip {v}", s) for v, s in _subparsers(parser()).items())]:
        for action in sub._actions:
            if action.dest in ("command",):
                continue
            assert action.help, (command, action.dest)


def test_help_exits_zero_and_prints_indonesian(capsys):
    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    assert "bangun ulang walaupun tidak ada yang berubah" in out and not english_words(out)


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["frobnicate"],  # unknown command
        ["build", "--force=1"],  # a value for a switch
        ["new", "x", "--f", "y"],  # ambiguous abbreviation
        ["validate", "pmd-ntt-2023", "extra"],  # unknown argument
        ["build", "--jobs"],  # a flag without its value
        ["template", "pmd-ntt-2023"],  # a missing argument
    ],
)
def test_argument_errors_are_indonesian(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.setenv("LKIP_OUTPUTS_DIR", str(tmp_path / "outputs"))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("lkip: ") and "\n" not in err, err
    assert not english_words(err), err


# ---------------------------------------------------------------- pages and messages


def test_index_page_is_indonesian_and_shows_titles_not_ids_or_kinds():
    """The pimpinan's first page names tables and figures by their titles; ids and kinds stay in manifest.json."""
    ds = load_dataset(paths.DEFAULT_DATASET)
    artifacts = [
        {"id": "tabel-x", "kind": "table", "title": "Judul tabel", "files": ["tables/tabel-x.csv"]},
        {"id": "grafik-x", "kind": "figure", "title": "Judul grafik", "files": ["figures/grafik-x.png"]},
        {"id": "dokumen-lkip", "kind": "document", "title": "Dokumen", "files": ["dokumen/x.docx", "dokumen/x.pdf"]},
    ]
    page = index_page(ds, [{"file": "a.html", "title": "Halaman A"}], artifacts)
    assert 'href="../tables/tabel-x.csv"' in page and 'href="../dokumen/x.pdf"' in page
    body = re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert "Judul tabel" in body and "Judul grafik" in body and "Halaman A" in body
    assert "<table" not in page  # no table of ids, kinds and files
    shown = set(re.findall(r"[\w-]+", html.unescape(body)))
    assert not {"tabel-x", "grafik-x", "dokumen-lkip", "table", "figure", "document", "page"} & shown
    # the agency's names come from data; every word of ours is checked
    body = body.replace(ds.title, " ")
    for name in ds.sasaran["name"]:
        body = body.replace(html.escape(str(name)), " ")
    assert not english_words(html.unescape(body)), english_words(html.unescape(body))


# Strings in the package that look English but are never shown: PyYAML's own messages and nbconvert's
# placeholder alt text (matched to be replaced by Indonesian ones).
NOT_SHOWN = {
    "No description has been provided for this image",
    "mapping values are not allowed here",
    "could not find expected ':'",
    "found character '\\t' that cannot start any token",
    "found unexpected end of stream",
}


def _message_strings():
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, text in string_constants(path):
            yield path.relative_to(PACKAGE), line, text


FUNCTION_WORDS = re.compile(r"\b(the|of|is|are|must|should|with|for|be|not|this|that|which|when|cannot)\b")


def test_message_strings_have_no_english_sentences():
    """Any string literal with two or more words that reads like an English sentence (code aside)."""
    bad = []
    for where, line, s in _message_strings():
        if s in NOT_SHOWN or s.startswith("^") or "\n" in s and ("import" in s or "{" in s):  # regex, code, CSS
            continue
        if len(re.findall(r"[A-Za-z]{2,}", s)) >= 2 and FUNCTION_WORDS.search(_TYPED.sub(" ", s)):
            bad.append(f"{where}:{line}: {s[:80]!r}")
    assert not bad, bad
