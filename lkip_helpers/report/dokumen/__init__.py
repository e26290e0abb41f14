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
from lkip_helpers.errors import LkipError, os_error_message
from lkip_helpers.report.dokumen.compose import Composer
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


def record(ds: Dataset, isian: int) -> list[dict]:
    """The documents' entries in ``manifest.json``: the LKIP (with ``isian``, the ``[diisi: …]`` places it still
    holds) and the verification note."""
    draft = " (DRAF)" if ds.draft else ""
    return [
        {
            "id": DOCUMENT_ID,
            "kind": "document",
            "title": f"Dokumen LKIP: Word dan PDF{draft}",
            "notebook": None,
            "files": files(ds.id),
            "isian": isian,
        },
        {
            "id": VERIFICATION_ID,
            "kind": "document",
            "title": "Catatan verifikasi (internal): Word dan PDF",
            "notebook": None,
            "files": verification_files(ds.id),
        },
    ]


def write_documents(folder: Path, ds: Dataset, drawn: Path | None = None) -> list[dict]:
    """Write the LKIP and the verification note, Word and PDF, into ``folder``; return the manifest records.

    Composed once for both forms. ``drawn``: a folder of figures this build's notebooks drew from
    the same data (``<folder>/figures``), reused instead of drawing them again.
    """
    try:
        return _write_documents(Path(folder), ds, drawn)
    except OSError as exc:  # disk full, read-only folder …: the one line every lkip step gives, not a traceback
        raise LkipError(f"dokumen LKIP tidak dapat ditulis: {os_error_message(exc)}") from None


def _write_documents(folder: Path, ds: Dataset, drawn: Path | None) -> list[dict]:
    (folder / FOLDER).mkdir(parents=True, exist_ok=True)
    lkip = Composer(ds, drawn=drawn)
    forms = [(lkip.compose(), files(ds.id)), (verification(ds, lkip.gaps), verification_files(ds.id))]
    for doc, (docx_file, pdf_file) in forms:
        try:
            write_docx(doc, folder / docx_file)
        except (ValueError, KeyError, PackageNotFoundError):  # a template.docx python-docx cannot use
            raise LkipError(
                f"dokumen Word {docx_file} tidak dapat ditulis"
                + (
                    f": {doc.template} tidak dapat dipakai sebagai templat; jalankan lkip validate"
                    if doc.template
                    else ""
                )
            ) from None
        write_pdf(doc, folder / pdf_file)
    return record(ds, lkip.places)


def write_from_build(folder: str, dataset: str) -> str:
    """The documents, written in a build's kernel from the dataset as the kernel has it loaded, reusing the
    figures the build's notebooks drew. Returns the manifest records as JSON (the build process need not
    import this package)."""
    ds = load_dataset(dataset)
    records = write_documents(Path(folder), ds, drawn=Path(folder) / "figures")
    return json.dumps(records)
