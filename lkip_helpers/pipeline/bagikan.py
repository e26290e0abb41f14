"""One zip to share a built dataset (``lkip bagikan``): its pages, figures, tables and the LKIP document.

The zip holds one folder, ``lkip-<dataset>/``, laid out like ``outputs/<dataset>/`` (``html/``,
``figures/``, ``tables/``, ``dokumen/``) plus ``BUKA-INI.html`` that points to the index page and
the PDF. Every link of every page packed is followed before anything is written: what a page links
to is packed too, so every link works wherever the zip is unzipped, and a link that would not work
stops the zip with one message. The notebooks, ``manifest.json``, the build state and the internal
verification note stay out (the note goes in only if a page links to it).

Standard library only (no pandas): sharing a built folder reads its files, never the data.
"""

from __future__ import annotations

import html
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lkip_helpers import paths
from lkip_helpers.errors import LkipError
from lkip_helpers.files import write_atomic
from lkip_helpers.report.html import PACKAGE_CSS, PACKAGE_RULES, page

SHARED = ("html", "figures", "tables", "dokumen")  # the folders of outputs/<dataset>/ a reader needs
INTERNAL = {"dokumen-verifikasi"}  # artifacts for the team, not packed unless a page links to them
LANDING = "BUKA-INI.html"  # first in the unzipped folder: where to start
LKIP_DOCUMENT = "dokumen-lkip"
# already compressed: stored as they are (deflating them again costs time and saves nothing)
STORED = {".png", ".pdf", ".docx", ".xlsx", ".zip", ".jpg", ".jpeg"}
_LINK = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass(frozen=True)
class Package:
    """What :func:`share` wrote: the zip, its size in bytes, the files in it, and where the PDF is."""

    path: Path
    size: int
    files: int
    pdf: Path | None
    draft: bool
    synthetic: bool


def default_zip(dataset: str) -> Path:
    """``outputs/lkip-<dataset>.zip``: beside the dataset's folder, never inside what a build replaces."""
    return paths.outputs_dir() / f"lkip-{dataset}.zip"


def read_manifest(dataset: str) -> tuple[Path, dict]:
    """The built folder of ``dataset`` and its manifest; one clear error when it was not built (whole)."""
    folder = paths.output_dir(paths.check_dataset_id(dataset))
    manifest = folder / "manifest.json"
    if not manifest.is_file() or not (folder / "html" / "index.html").is_file():
        what = (
            "belum dibangun"
            if not folder.exists()
            else "belum dibangun lengkap (manifest.json atau html/index.html tidak ada)"
        )
        raise LkipError(
            f"dataset {dataset} {what} di {folder}; jalankan dulu: lkip build {dataset}, lalu lkip bagikan {dataset}"
        )
    try:
        return folder, json.loads(manifest.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise LkipError(f"{manifest} tidak dapat dibaca ({exc}); bangun ulang: lkip build {dataset} --force") from None


def local_links(text: str) -> list[str]:
    """The files an HTML page links to or shows (``href``, ``src``), as written, relative to the page; links
    within the page (``#…``) and ``data:`` images left out.

    >>> local_links('<a href="index.html">x</a> <a href="#a">y</a> <img src="data:image/png;base64,AA"> '
    ...             '<a href="../dokumen/lkip%20a.pdf#page=2">z</a>')
    ['index.html', '../dokumen/lkip a.pdf']
    """
    found = []
    for m in _LINK.finditer(text):
        link = html.unescape(m.group(1) if m.group(1) is not None else m.group(2)).strip()
        parts = urlsplit(link)
        if not link or link.startswith("#") or parts.scheme == "data":
            continue
        if parts.scheme or parts.netloc:
            found.append(link)  # outside the report: refused by the caller
            continue
        found.append(unquote(parts.path))
    return found


def _target(page: str, link: str) -> str | None:
    """``link`` of page ``page`` (both relative to the dataset's folder) as a path in that folder; None when it
    leaves the folder or names a scheme."""
    if urlsplit(link).scheme or link.startswith("/"):
        return None
    parts: list[str] = []
    for part in (PurePosixPath(page).parent / link).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts) or None


def chosen_files(folder: Path, manifest: dict) -> list[str]:
    """Every file to pack (paths relative to ``folder``): the artifacts' files in the shared folders, and then
    everything a packed page links to. Raises when a link of a packed page would not work in the zip."""
    files = {
        f
        for a in manifest.get("artifacts", [])
        if a.get("id") not in INTERNAL
        for f in a.get("files", [])
        if f.split("/", 1)[0] in SHARED and (folder / f).is_file()
    }
    files.add("html/index.html")
    pages = sorted(f for f in files if f.endswith(".html"))
    broken = []
    while pages:
        name = pages.pop()
        for link in local_links((folder / name).read_text(encoding="utf-8")):
            target = _target(name, link)
            if target == f"html/{PACKAGE_CSS}":
                continue  # written into the zip from PACKAGE_RULES (a folder built before it may lack it)
            if target is None or not (folder / target).is_file():
                broken.append(f"{name} → {link}")
                continue
            if target not in files:
                files.add(target)
                if target.endswith(".html"):
                    pages.append(target)
    if broken:
        shown = "; ".join(broken[:5]) + (f" dan {len(broken) - 5} lainnya" if len(broken) > 5 else "")
        raise LkipError(
            f"{len(broken)} tautan di {folder} tidak akan berfungsi di zip ({shown}); "
            f"bangun ulang: lkip build {manifest.get('dataset', folder.name)} --force"
        )
    return sorted(files)


def landing_page(manifest: dict, files: list[str]) -> str:
    """``BUKA-INI.html``: the report's title, the way to its index page and to the LKIP document."""
    e = html.escape
    title = str(manifest.get("title") or manifest.get("dataset", ""))
    documents = [
        f
        for a in manifest.get("artifacts", [])
        if a.get("id") == LKIP_DOCUMENT
        for f in a.get("files", [])
        if f in files
    ]
    words = {".pdf": "PDF (untuk dibaca di ponsel atau dicetak)", ".docx": "Word (untuk disunting)"}
    documents.sort(key=lambda f: list(words).index(Path(f).suffix) if Path(f).suffix in words else 9)
    parts = [f"<h1>{e(title)}</h1>"]
    if manifest.get("synthetic"):
        parts.append('<p class="lkip-warning">DATA SINTETIS — bukan data instansi yang sebenarnya.</p>')
    if (manifest.get("headline") or {}).get("status") == "draft":
        parts.append('<p class="lkip-draft"><strong>DRAF</strong> — data belum lengkap.</p>')
    parts.append(
        '<p class="lkip-doc"><strong><a href="html/index.html">Buka ringkasan laporan</a></strong>: indikator '
        "yang belum mencapai target dan penyebabnya, angka utama, lalu semua halaman.</p>"
    )
    if documents:
        links = " · ".join(f'<a href="{e(f)}">{e(words.get(Path(f).suffix, Path(f).name))}</a>' for f in documents)
        parts.append(f"<p>Dokumen LKIP: {links}</p>")
    parts.append(
        '<p class="lkip-source">Isi paket: html/ (halaman laporan), dokumen/ (LKIP dalam PDF dan Word), '
        "tables/ (tabel dalam Excel dan CSV), figures/ (grafik dan datanya). Semua tautan bekerja setelah zip "
        "diekstrak di folder mana pun, tanpa internet.</p>"
    )
    return page(f"{title} — paket laporan", "".join(parts), "<span>Paket laporan LKIP</span>")


def share(dataset: str, target: str | Path | None = None) -> Package:
    """Write the zip of built ``dataset`` to ``target`` (default :func:`default_zip`), whole or not at all."""
    folder, manifest = read_manifest(dataset)
    files = chosen_files(folder, manifest)
    zip_path = Path(target) if target is not None else default_zip(dataset)
    if zip_path.suffix.lower() != ".zip":
        raise LkipError(f"berkas paket harus berakhiran .zip, bukan {zip_path.name!r}")
    paths.check_output(zip_path, "--output")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    root = f"lkip-{dataset}"
    built = (folder / "manifest.json").stat().st_mtime
    extra = {LANDING: landing_page(manifest, files), f"html/{PACKAGE_CSS}": PACKAGE_RULES}

    def fill(part: Path) -> None:
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in extra.items():
                info = zipfile.ZipInfo(f"{root}/{name}", _zip_time(built))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, text.encode("utf-8"))
            for name in files:
                if name in extra:
                    continue
                source = folder / name
                how = zipfile.ZIP_STORED if source.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
                z.write(source, f"{root}/{name}", compress_type=how)

    write_atomic(zip_path, fill)
    pdf = next(
        (
            folder / f
            for a in manifest.get("artifacts", [])
            if a.get("id") == LKIP_DOCUMENT
            for f in a.get("files", [])
            if f.endswith(".pdf") and (folder / f).is_file()
        ),
        None,
    )
    return Package(
        path=zip_path,
        size=zip_path.stat().st_size,
        files=len(set(files) | set(extra)),
        pdf=pdf,
        draft=(manifest.get("headline") or {}).get("status") == "draft",
        synthetic=bool(manifest.get("synthetic")),
    )


def _zip_time(timestamp: float) -> tuple[int, int, int, int, int, int]:
    """``timestamp`` in local time, as zip entries keep it."""
    t = time.localtime(max(timestamp, 315532800))  # a zip cannot hold a date before 1980
    return (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)


def size_text(size: int) -> str:
    """A file size the Indonesian way.

    >>> size_text(1_234_567), size_text(2_048), size_text(12)
    ('1,2 MB', '2 kB', '12 B')
    """
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".replace(".", ",") + " MB"
    if size >= 1_000:
        return f"{round(size / 1_000)} kB"
    return f"{size} B"
