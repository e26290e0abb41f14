"""The LKIP document: a Word draft and a PDF, built from the notebooks' document streams.

Every notebook run records, in order, what it shows (headings, narrative, tables with
their formatted cells, figures) through :class:`lkip_helpers.report.artifacts.Outputs`. The
build assembles those streams into one document model (:mod:`.assemble`, :mod:`.model`)
and renders it twice: Word (:mod:`.word`, python-docx) and PDF (:mod:`.pdf`, ReportLab).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from docx.opc.exceptions import PackageNotFoundError

from lkip_helpers.data.loading import Dataset, load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.paths import DOKUMEN_PARTS, DOKUMEN_RUNS, REGISTRY_DIR
from lkip_helpers.report.dokumen.assemble import assemble
from lkip_helpers.report.dokumen.pdf import write_pdf
from lkip_helpers.report.dokumen.word import write_docx

DOCUMENT_ID = "dokumen-lkip"
FOLDER = "dokumen"


def files(dataset: str) -> list[str]:
    """Paths of the document inside a dataset's output folder."""
    return [f"{FOLDER}/lkip-{dataset}.docx", f"{FOLDER}/lkip-{dataset}.pdf"]


def record(ds: Dataset) -> dict:
    """The document's entry in ``manifest.json``."""
    title = "Dokumen LKIP: draf Word dan PDF" + (" (DRAF)" if ds.draft else "")
    return {"id": DOCUMENT_ID, "kind": "document", "title": title, "notebook": None, "files": files(ds.id)}


def write_part(folder: Path, ds: Dataset, runs: list[tuple], part: str) -> None:
    """Write one form of the document, ``part`` "docx" (the Word draft) or "pdf", into ``folder``.

    Args:
        folder: the dataset's output folder being built (figures and executed notebooks are there).
        ds: the loaded dataset.
        runs: (task, run record with ``stream``) in notebook order.
        part: "docx" or "pdf"; a build writes the two at once on two workers.
    """
    folder = Path(folder)
    doc = assemble(folder, ds, runs)
    docx_file, pdf_file = files(ds.id)
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    if part == "pdf":
        write_pdf(doc, folder / pdf_file)
        return
    try:
        write_docx(doc, folder / docx_file)
    except (OSError, ValueError, KeyError, PackageNotFoundError) as exc:  # e.g. a template.docx that is not a Word file
        raise LkipError(
            f"dokumen Word {docx_file} tidak dapat ditulis: {exc}"
            + (f" (periksa {doc.template})" if doc.template else "")
        ) from None


def write_documents(folder: Path, ds: Dataset, runs: list[tuple]) -> list[dict]:
    """Write the Word draft and the PDF into ``folder`` (a build's temporary output); return the manifest record."""
    for part in DOKUMEN_PARTS:
        write_part(folder, ds, runs, part)
    return [record(ds)]


def write_from_build(folder: str, dataset: str, part: str) -> str:
    """One form of the document, written in a build's kernel: the runs as the build listed them
    (``paths.DOKUMEN_RUNS``, in the folder's registry), the dataset as the kernel has it loaded.
    Returns the manifest record as JSON (the build process need not import this package)."""
    listed = json.loads((Path(folder) / REGISTRY_DIR / DOKUMEN_RUNS).read_text(encoding="utf-8"))
    runs = [(SimpleNamespace(**{k: v for k, v in r.items() if k != "stream"}), {"stream": r["stream"]}) for r in listed]
    ds = load_dataset(dataset)
    write_part(Path(folder), ds, runs, part)
    return json.dumps(record(ds))
