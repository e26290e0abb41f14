"""What a build will do: the notebooks in run order, each dataset's runs, and which can be reused.

A notebook run is a ``runner.Task``. It re-runs only when its inputs changed: the notebook,
the dataset's files, its parameters, or ``lkip_helpers`` (see ``fingerprint``). Whether a
whole dataset is unchanged is decided with the standard library only (``up_to_date``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lkip_helpers import MOVED, __version__, paths
from lkip_helpers.errors import LkipError
from lkip_helpers.pipeline.fingerprint import data_hash, helpers_hash, notebooks_hash
from lkip_helpers.pipeline.runner import Task

STATE_FILE = ".build-state.json"  # in outputs/<dataset>/: the inputs and runs of its last good build


# --- the notebooks (their JSON, read with the standard library) -------------------------------


def notebooks() -> list[Path]:
    """The notebooks in run order (``NN_name.ipynb``)."""
    found = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise LkipError(f"tidak ada notebook di {paths.NOTEBOOKS_DIR}")
    return found


def _nb_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook."""
    for cell in _nb_json(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


_INDIKATOR_PARAMETER = re.compile(r"^\s*indikator\s*(:[^=]*)?=")  # ``indikator = …`` or ``indikator: T = …``


def is_per_indikator(path: Path) -> bool:
    """True for notebooks run once per indicator (their parameters cell sets ``indikator``)."""
    cells = [c for c in _nb_json(path)["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    return any(_INDIKATOR_PARAMETER.match(line) for c in cells for line in _source(c).splitlines())


def depends_on(path: Path) -> list[str]:
    """Notebooks (stems) whose outputs this one reads: ``metadata.lkip.after`` in the notebook."""
    return list(_nb_json(path).get("metadata", {}).get("lkip", {}).get("after", []))


def notebook_imports() -> list[str]:
    """The ``lkip_helpers`` modules the notebooks import (a worker imports them before its first run)."""
    pattern = re.compile(r"^\s*from (lkip_helpers(?:\.\w+)*) import ([\w, ]+)|^\s*import (lkip_helpers[\w.]*)", re.M)
    found = set()
    for nb in notebooks():
        for cell in _nb_json(nb)["cells"]:
            for m in pattern.finditer(_source(cell)) if cell["cell_type"] == "code" else ():
                if m.group(3):
                    found.add(m.group(3))
                    continue
                # from lkip_helpers.report import laporan: a module; from lkip_helpers.notebook import setup: names
                for name in filter(None, (n.strip() for n in m.group(2).split(","))):
                    found.add(f"{m.group(1)}.{name}" if _is_module(f"{m.group(1)}.{name}") else m.group(1))
    return sorted(found)


def _is_module(name: str) -> bool:
    """True when ``name`` (``lkip_helpers.report.laporan``) is a module or package of this package's source.

    Read from the file tree, not imported: planning an unchanged build loads no pandas. An old flat name
    (``from lkip_helpers import laporan``, see ``lkip_helpers.MOVED``) counts as the module at its new place.
    """
    parts = name.split(".")[1:]
    if len(parts) == 1 and parts[0] in MOVED:
        parts = MOVED[parts[0]].split(".")
    where = paths.PROJECT_ROOT.joinpath("lkip_helpers", *parts)
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def page_id(path: Path) -> str:
    """Artifact id of a notebook's HTML page, e.g. ``halaman-bab3-capaian``."""
    return "halaman-" + path.stem.split("_", 1)[1].replace("_", "-")


def files_under(folder: Path) -> set[str]:
    """Every file under ``folder``, hidden ones too, as a relative POSIX path (empty when it does not exist)."""
    if not folder.is_dir():
        return set()
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


# --- one dataset's build ------------------------------------------------------------------


@dataclass
class DatasetBuild:
    """Everything about building one dataset: inputs, plan, previous state, results.

    Planned here; its runs go to the workers (``executors``), its outputs into place (``publish``).
    """

    dataset: str
    threshold: float
    force: bool
    document: bool = True  # also write dokumen/lkip-<dataset>.docx and .pdf
    final: Path = field(init=False)
    tmp: Path = field(init=False)
    inputs: dict = field(default_factory=dict)
    old: dict = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    reused: dict = field(default_factory=dict)  # run_id -> previous run record
    results: dict = field(default_factory=dict)  # run_id -> worker result
    document_record: list[dict] | None = None  # the documents' manifest entries, once the workers wrote them
    error: str = ""
    removed: list[str] = field(default_factory=list)  # files of the published folder this build did not write

    def __post_init__(self):
        self.final = paths.output_dir(self.dataset)
        self.tmp = self.final.parent / f".tmp-{self.dataset}-{os.getpid()}"

    def up_to_date(self) -> bool:
        """Stdlib-only check: same inputs as the last good build and every file still there."""
        nbs = notebooks()
        self.inputs = {
            "data": data_hash(self.dataset),
            "helpers": helpers_hash(),
            "notebooks": notebooks_hash(nbs),
            "threshold": self.threshold,
            "document": self.document,
            "version": __version__,
        }
        state = self.final / STATE_FILE
        if not state.is_file() or not (self.final / "manifest.json").is_file():
            return False
        try:
            self.old = json.loads(state.read_text(encoding="utf-8"))
        except ValueError:
            return False
        if self.force or self.old.get("inputs") != self.inputs or not isinstance(self.old.get("files"), list):
            return False  # (a state without the list of files it wrote: a build older than that list)
        return all((self.final / f).is_file() for run in self.old["runs"].values() for f in run["files"])

    def strays(self) -> list[str]:
        """Files in the published folder that its last good build did not write (after ``up_to_date``).

        A notebook run outside ``lkip build`` with ``output_dir`` pointed there, or a file put there
        by hand: not in ``manifest.json``, and gone at the next swap anyway.
        """
        return sorted(files_under(self.final) - set(self.old.get("files", [])))

    def plan(self) -> None:
        """Validate the data, list every run, and decide which can be reused."""
        # imported here, not at the top: they load pandas, and an unchanged rebuild needs only the standard library
        from lkip_helpers.analysis.drilldown import below_threshold
        from lkip_helpers.data.loading import load_for_handover
        from lkip_helpers.report import laporan_file

        # bad data stops here, before anything is written; the kernels take the dataset as loaded here
        self.ds, handover = load_for_handover(self.dataset)
        laporan_file.load(self.ds)  # and the numbers and titles it gives the report's parts
        names = self.ds.indikator.set_index("indikator_id")["short_name"]
        data_dir = str(paths.data_dir())
        nb_hash = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in notebooks()}
        for nb in notebooks():
            if is_per_indikator(nb):
                variants = [
                    (
                        {"indikator": i},
                        f"{nb.stem}--{i}.ipynb",
                        f"indikator-{i}.html",
                        f"indikator-{i}",
                        f"Indikator: {names[i]}",
                    )
                    for i in below_threshold(self.ds, self.threshold)
                ]
            else:
                variants = [({}, nb.name, f"{nb.stem}.html", page_id(nb), notebook_title(nb))]
            for params, executed, page, pid, title in variants:
                key = hashlib.sha256(
                    json.dumps(
                        [nb_hash[nb], self.inputs["data"], self.inputs["helpers"], params, __version__], sort_keys=True
                    ).encode()
                ).hexdigest()
                self.tasks.append(
                    Task(
                        self.dataset,
                        str(nb),
                        params,
                        executed,
                        page,
                        pid,
                        title,
                        str(self.tmp),
                        data_dir,
                        key,
                        handover=handover,
                    )
                )
        previous = self.old.get("runs", {}) if not self.force else {}
        for t in self.tasks:
            prev = previous.get(t.executed_name)
            if prev and prev["key"] == t.key and all((self.final / f).is_file() for f in prev["files"]):
                self.reused[t.run_id] = prev

    @property
    def pending(self) -> list[Task]:
        return [t for t in self.tasks if t.run_id not in self.reused]
