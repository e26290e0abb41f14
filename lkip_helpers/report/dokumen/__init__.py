"""The LKIP document: a Word draft and a PDF, built from the notebooks' document streams.

Every notebook run records, in order, what it shows (headings, narrative, tables with
their formatted cells, figures) through :class:`lkip_helpers.report.artifacts.Outputs`. The
build assembles those streams into one document model (:mod:`.assemble`, :mod:`.model`)
and renders it twice: Word (:mod:`.word`, python-docx) and PDF (:mod:`.pdf`, ReportLab).
"""

from __future__ import annotations

from pathlib import Path

from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.report.dokumen.assemble import assemble
from lkip_helpers.report.dokumen.pdf import write_pdf
from lkip_helpers.report.dokumen.word import write_docx

DOCUMENT_ID = "dokumen-lkip"
FOLDER = "dokumen"


def files(dataset: str) -> list[str]:
    """Paths of the document inside a dataset's output folder."""
    return [f"{FOLDER}/lkip-{dataset}.docx", f"{FOLDER}/lkip-{dataset}.pdf"]


def write_documents(folder: Path, ds: Dataset, runs: list[tuple]) -> list[dict]:
    """Write the Word draft and the PDF into ``folder`` (a build's temporary output); return the manifest record.

    Args:
        folder: the dataset's output folder being built (figures and executed notebooks are there).
        ds: the loaded dataset.
        runs: (task, run record with ``stream``) in notebook order.
    """
    folder = Path(folder)
    doc = assemble(folder, ds, runs)
    docx_file, pdf_file = files(ds.id)
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    try:
        write_docx(doc, folder / docx_file)
    except (OSError, ValueError, KeyError) as exc:  # e.g. a template.docx that is not a Word file
        raise LkipError(
            f"dokumen Word {docx_file} tidak dapat ditulis: {exc}"
            + (f" (periksa {doc.template})" if doc.template else "")
        ) from None
    write_pdf(doc, folder / pdf_file)
    title = "Dokumen LKIP: draf Word dan PDF" + (" (DRAF)" if ds.draft else "")
    return [{"id": DOCUMENT_ID, "kind": "document", "title": title, "notebook": None, "files": [docx_file, pdf_file]}]
