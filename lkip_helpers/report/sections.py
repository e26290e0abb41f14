"""The report's plan: which sections an agency's LKIP has, with which numbers and titles.

Chapters follow PermenPAN-RB 53/2014 (Ikhtisar Eksekutif; Bab I organisation, staff, region;
Bab II Renstra and Perjanjian Kinerja; Bab III capaian, causes, efficiency, anggaran;
Bab IV penutup). A section is shown only when the data it needs are present; otherwise
one line says which table would fill it, and no artifact is registered.

The parts (:data:`lkip_helpers.report.bagian.BAGIAN`) take their numbers and titles from the
dataset's ``laporan.yml`` where it names them, else they are numbered per chapter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lkip_helpers.analysis import kinerja
from lkip_helpers.data.loading import Dataset
from lkip_helpers.errors import DataError
from lkip_helpers.report import laporan_file
from lkip_helpers.report.bagian import BAGIAN, NOT_APPLICABLE, not_available_reason
from lkip_helpers.report.laporan_file import LAPORAN_FILE, NUMBERED

__all__ = ["NOT_APPLICABLE", "Artifact", "Plan", "missing", "not_available_reason", "plan"]


@dataclass(frozen=True)
class Artifact:
    """Where a section stands in this dataset's report: its artifact id, printed label, title and source."""

    id: str
    title: str
    source: str = ""
    indikator: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """``Tabel 3.1`` / ``Gambar 1.1`` for a numbered artifact, else ``''``."""
        m = NUMBERED.match(self.id)
        return f"{m.group(1).title()} {m.group(2)}.{m.group(3)}" if m else ""

    @property
    def heading(self) -> str:
        return f"{self.label} — {self.title}" if self.label else self.title


@dataclass
class Plan:
    """Every section of one dataset's report: its artifact, or why it is left out."""

    artifacts: dict = field(default_factory=dict)  # (key, item) -> Artifact
    reasons: dict = field(default_factory=dict)  # (key, item) -> one line

    def get(self, key: str, item: str | None = None) -> Artifact | None:
        return self.artifacts.get((key, item))

    def reason(self, key: str, item: str | None = None) -> str:
        return self.reasons.get((key, item), "")

    def label(self, key: str, item: str | None = None, fallback: str = "") -> str:
        """Printed label of a present section (to cite it in another table's notes), else ``fallback``."""
        a = self.get(key, item)
        return (a.label or a.title) if a else fallback


# --- which sections the data hold ----------------------------------------------------------


def plan(ds: Dataset) -> Plan:
    """The dataset's report plan (cached on the dataset)."""
    if "laporan_plan" not in ds.cache:
        ds.cache["laporan_plan"] = _plan(ds)
    return ds.cache["laporan_plan"]


def _plan(ds: Dataset) -> Plan:
    given = laporan_file.load(ds)
    years = sorted(kinerja.tren(ds).dropna(subset=["capaian_pct"])["year"].unique())
    first = int(years[0]) if years else ds.year
    used: dict[tuple[str, int], int] = {}
    for e in given.values():
        m = NUMBERED.match(laporan_file.fill(e.get("id", ""), ds.year, first))
        if m:
            k = (m.group(1), int(m.group(2)))
            used[k] = max(used.get(k, 0), int(m.group(3)))
    result = Plan()
    for key, item, name in _ordered(ds):
        part = BAGIAN[key]
        e = given.get((key, item), {})
        k = (part.kind, part.chapter)
        numbered = "id" not in e and not part.fixed
        art_id = e.get("id") or part.fixed or f"{part.kind}-{part.chapter}.{used.get(k, 0) + 1}"
        why = missing(ds, key, item, given_id=laporan_file.fill(art_id, ds.year, first))
        if why:
            result.reasons[(key, item)] = why
            continue
        if numbered:
            used[k] = used.get(k, 0) + 1
        title = e.get("judul") or part.title.replace("{nomor}", str(name or "")).strip()
        result.artifacts[(key, item)] = Artifact(
            laporan_file.fill(art_id, ds.year, first),
            laporan_file.fill(title, ds.year, first),
            laporan_file.fill(e.get("sumber", ""), ds.year, first),
            tuple(e.get("indikator", ())),
        )
    ids = [a.id for a in result.artifacts.values()]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise DataError(ds.path / LAPORAN_FILE, f"id bertabrakan dengan penomoran otomatis: {', '.join(dup)}")
    for (key, item), a in result.artifacts.items():  # the source defaults to the printed label
        if not a.source:
            result.artifacts[(key, item)] = Artifact(a.id, a.title, a.label or "dihitung dari data", a.indikator)
    return result


def _ordered(ds: Dataset):
    """(key, item, item number) of every section in report order: tables per sasaran program
    are followed by the tables of their sasaran kegiatan."""
    per_program = []
    s = ds.sasaran.sort_values("nomor", kind="stable")
    programs = s[s["level"] == "program"]
    kegiatan = s[s["level"] == "kegiatan"]
    for _, p in programs.iterrows():
        per_program.append(("iku_sasaran_program", p["sasaran_id"], p["nomor"]))
        for _, k in kegiatan[kegiatan["parent_id"] == p["sasaran_id"]].iterrows():
            per_program.append(("ikk_sasaran_kegiatan", k["sasaran_id"], k["nomor"]))
    for _, k in kegiatan[~kegiatan["parent_id"].isin(programs["sasaran_id"])].iterrows():
        per_program.append(("ikk_sasaran_kegiatan", k["sasaran_id"], k["nomor"]))
    for part in BAGIAN.values():
        if part.per_item == "program":
            yield from per_program
        elif part.per_item != "kegiatan":  # the sasaran kegiatan follow their sasaran program
            yield part.key, None, None


def unavailable_sentence(ds: Dataset, table: str) -> str:
    """The agency's statement that ``table`` is not available, as one clause ('' when it makes none).

    Names no file or id: the LKIP document prints it too.
    """
    reason = ds.unavailable(table).rstrip(" .")
    if not reason:
        return ""
    what = {"anggaran": "data anggaran", "belanja_jenis": "data anggaran menurut jenis belanja"}.get(table, table)
    return f"{what} tidak tersedia bagi instansi ini — {reason}"


def unavailable_statement(ds: Dataset, table: str) -> str:
    """:func:`unavailable_sentence` as a sentence of its own (for the Ikhtisar and the LKIP document)."""
    clause = unavailable_sentence(ds, table)
    return clause[:1].upper() + clause[1:] + "." if clause else ""


def supporting_missing(ds: Dataset) -> str:
    """Why an indicator's page shows no supporting kegiatan: the budget stated unavailable, not filled yet,
    or not tied to the indicator."""
    return (
        unavailable_sentence(ds, "anggaran")
        or _core_empty(ds, ("anggaran",), "kegiatan yang mendukung indikator ini")
        or "isi kode_rekening di indikator.csv atau sasaran_kegiatan.csv untuk kegiatan yang mendukung indikator ini"
    )


def _core_empty(ds: Dataset, names: tuple[str, ...], what: str) -> str:
    """'tabel inti X belum diisi …' when some of the core tables ``names`` hold no row yet, else ''."""
    empty = [n for n in names if not ds.has(n)]
    if not empty:
        return ""
    return f"tabel inti {_and(empty)} belum diisi; isi {_and([n + '.csv' for n in empty])} untuk {what}"


def _and(words: list[str]) -> str:
    """``a``, ``a dan b``, ``a, b dan c``."""
    return ", ".join(words[:-1]) + " dan " + words[-1] if len(words) > 1 else words[0]


def missing(ds: Dataset, key: str, item: str | None = None, given_id: str | None = None) -> str:
    """Why a part cannot be shown from this dataset ('' when it can): which table would fill it.

    Empty core tables (a new agency's draft) and tables the agency declares not available
    leave their parts out with one line, never a failure: the draft builds as it is.
    """
    part = BAGIAN[key]
    y = ds.year
    if part.mengukur and kinerja.measured(ds).empty:
        if part.kind == "gambar":  # left out silently: the table above it says why
            return NOT_APPLICABLE
        return _core_empty(ds, ("sasaran", "indikator", "target"), f"capaian indikator kinerja {y}") or (
            f"belum ada target Perjanjian Kinerja {y} untuk IKU; isi target.csv (basis pk, tahun {y})"
        )
    # while anggaran.csv is empty (a draft) or stated unavailable, the anggaran part alone says so
    if part.anggaran and not ds.has("anggaran"):
        if key != "anggaran":
            return NOT_APPLICABLE
        return unavailable_sentence(ds, "anggaran") or _core_empty(
            ds, ("anggaran",), "pagu dan realisasi per program dan kegiatan"
        )
    if key == "belanja_jenis" and not ds.has("belanja_jenis"):
        if ds.unavailable("belanja_jenis"):
            return unavailable_sentence(ds, "belanja_jenis")
        if ds.unavailable("anggaran"):  # the budget as a whole is stated unavailable (the anggaran part says it)
            return NOT_APPLICABLE
    return part.perlu(ds, item, given_id or "") if part.perlu else ""
