"""The LKIP document (Word and PDF) and the team's verification note, composed from the data.

:mod:`.compose` builds the LKIP as one document model from the loaded dataset, calling
the table and chart functions the notebooks call; :mod:`.verifikasi` builds the internal
verification note the same way. Each is rendered twice: Word (:mod:`.word`, python-docx)
and PDF (:mod:`.pdf`, ReportLab). Nothing here depends on notebooks having run.
"""

from __future__ import annotations

import json
from pathlib import Path

from docx.opc.exceptions import PackageNotFoundError

from lkip_helpers.data.loading import Dataset, load_dataset
from lkip_helpers.errors import LkipError
from lkip_helpers.paths import DOKUMEN_PARTS
from lkip_helpers.report.dokumen.compose import compose
from lkip_helpers.report.dokumen.pdf import write_pdf
from lkip_helpers.report.dokumen.verifikasi import verification
from lkip_helpers.report.dokumen.word import write_docx

DOCUMENT_ID = "dokumen-lkip"
VERIFICATION_ID = "dokumen-verifikasi"
FOLDER = "dokumen"


def files(dataset: str) -> list[str]:
    """Paths of the LKIP inside a dataset's output folder (Word, PDF)."""
    return [f"{FOLDER}/lkip-{dataset}.docx", f"{FOLDER}/lkip-{dataset}.pdf"]


def verification_files(dataset: str) -> list[str]:
    """Paths of the verification note inside a dataset's output folder (Word, PDF)."""
    return [f"{FOLDER}/catatan-verifikasi-{dataset}.docx", f"{FOLDER}/catatan-verifikasi-{dataset}.pdf"]


def record(ds: Dataset) -> list[dict]:
    """The documents' entries in ``manifest.json``: the LKIP and the verification note."""
    draft = " (DRAF)" if ds.draft else ""
    return [
        {
            "id": DOCUMENT_ID,
            "kind": "document",
            "title": f"Dokumen LKIP: Word dan PDF{draft}",
            "notebook": None,
            "files": files(ds.id),
        },
        {
            "id": VERIFICATION_ID,
            "kind": "document",
            "title": "Catatan verifikasi (internal): Word dan PDF",
            "notebook": None,
            "files": verification_files(ds.id),
        },
    ]


def write_part(folder: Path, ds: Dataset, part: str) -> None:
    """Write one form, ``part`` "docx" (Word) or "pdf", of the LKIP and of the verification note into ``folder``.

    A build writes the two forms at once on two workers.
    """
    folder = Path(folder)
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    index = DOKUMEN_PARTS.index(part)
    for doc, name in ((compose(ds), files(ds.id)[index]), (verification(ds), verification_files(ds.id)[index])):
        if part == "pdf":
            write_pdf(doc, folder / name)
            continue
        try:
            write_docx(doc, folder / name)
        except (OSError, ValueError, KeyError, PackageNotFoundError) as exc:  # e.g. a template.docx that is not Word
            raise LkipError(
                f"dokumen Word {name} tidak dapat ditulis: {exc}"
                + (f" (periksa {doc.template})" if doc.template else "")
            ) from None


def write_documents(folder: Path, ds: Dataset) -> list[dict]:
    """Write both forms of both documents into ``folder`` (a build's temporary output); return the manifest records."""
    for part in DOKUMEN_PARTS:
        write_part(folder, ds, part)
    return record(ds)


def write_from_build(folder: str, dataset: str, part: str) -> str:
    """One form of the documents, written in a build's kernel from the dataset as the kernel has it loaded.
    Returns the manifest records as JSON (the build process need not import this package)."""
    ds = load_dataset(dataset)
    write_part(Path(folder), ds, part)
    return json.dumps(record(ds))
