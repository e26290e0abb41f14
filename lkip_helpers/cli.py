"""The ``lkip`` command.

    lkip validate [DATASET]   check a dataset; list problems and what remains to fill
    lkip describe [DATASET]   print the data dictionary with each table's source
    lkip build [DATASET ...]  run the notebooks and write outputs/<dataset>/
    lkip audit [DATASET]      recompute every printed figure and list where the report differs
    lkip synth N              write N synthetic datasets for tests and benchmarks
    lkip new DATASET --from OLD --year YEAR   next year's dataset (a draft) from this year's
    lkip template DATASET FILE.xlsx           an Excel workbook of the dataset, to fill
    lkip import FILE.xlsx DATASET             validate a workbook and write data/DATASET/

Errors print one message (file, row, column, what was expected) and exit non-zero,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from . import paths
from .errors import LkipError


def _validate(args) -> int:
    from .loading import load_dataset
    from .schema import TABLES

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = load_dataset(args.dataset)
    for w in caught:
        print(f"peringatan: {w.message}", file=sys.stderr)
    rows = sum(len(ds.tables[t]) for t in TABLES)
    print(f"{ds.id}: valid — {len(TABLES)} tabel, {rows} baris ({ds.title})")
    _print_remaining(ds)  # a draft also lists what remains to fill (exit 0: a draft is valid)
    return 0


def _describe(args) -> int:
    from .loading import load_metadata
    from .schema import TABLES, describe

    meta = load_metadata(paths.dataset_dir(args.dataset))
    sources = meta.get("tables", {})
    for name, table in TABLES.items():
        src = sources.get(name, {})
        print(f"\n{table.filename} — {table.description}")
        if src:
            print(f"  sumber: {src.get('source', '')}")
            if src.get("notes"):
                print(f"  catatan: {src['notes']}")
        for row in describe(table):
            flags = ("kunci " if row["key"] else "") + ("wajib" if row["required"] else "opsional")
            unit = f" [{row['unit']}]" if row["unit"] else ""
            print(f"  - {row['column']} ({row['type']}{unit}, {flags}): {row['description']}")
    return 0


def _build(args) -> int:
    from .build import build_many

    datasets = paths.list_datasets() if args.all else (args.datasets or [paths.DEFAULT_DATASET])
    if args.all and not datasets:
        raise LkipError(f"tidak ada dataset di {paths.data_dir()}")
    return build_many(datasets, force=args.force, threshold=args.threshold, jobs=args.jobs, scheduler=args.scheduler,
                      document=not args.no_document)


def _synth(args) -> int:
    from .synth import write_synthetic

    ids = write_synthetic(args.n, seed=args.seed, year=args.year)
    print(f"{len(ids)} dataset sintetis ditulis ke {paths.data_dir()}: {ids[0]} … {ids[-1]}")
    return 0


def _audit(args) -> int:
    from .audit import audit
    from .loading import load_dataset
    from .numbers import format_number

    ds = load_dataset(args.dataset)
    findings, checked = audit(ds, args.tolerance)
    n_bad = int((checked["status"] == "berbeda").sum())
    print(f"{ds.id}: {len(checked)} angka tercetak diperiksa, {n_bad} berbeda; "
          f"{int((findings['jenis'] == 'rujukan').sum())} temuan rujukan")
    for _, f in findings.iterrows():
        numbers = "" if f["jenis"] == "rujukan" else f" (hitung ulang {format_number(round(f['recomputed'], 2))})"
        print(f"- {f['report_table']} · {f['row_ref']} · {f['column']}: tercetak {f['printed_text']}{numbers} — {f['cause']}")
    if args.csv:
        findings.to_csv(args.csv, index=False, encoding="utf-8")
        print(f"CSV: {args.csv}")
    return 1 if args.strict and len(findings) else 0


def _print_remaining(ds) -> None:
    """For a draft: how much remains, each column still to fill, and the tables to check."""
    from . import completeness

    if not ds.draft:
        return
    print(f"{ds.id}: DRAF — {completeness.summary(ds)}")
    items = completeness.lines(ds)
    if items:
        print("Yang masih harus diisi:")
        for item in items:
            print(f"  - {item}")
    check = completeness.to_check(ds)
    if check:
        source = (ds.meta.get("draft") or {}).get("from", "tahun lalu")
        print(f"Perlu diperiksa (disalin dari {source}): {', '.join(check)}")


def _new(args) -> int:
    from .loading import load_dataset
    from .newyear import new_dataset

    folder = new_dataset(args.dataset, args.old, args.year, force=args.force)
    ds = load_dataset(args.dataset)
    print(f"{ds.id}: draf LKIP {ds.year} dibuat di {folder} dari {args.old}")
    _print_remaining(ds)
    print(f"Langkah berikutnya: lkip template {ds.id} {ds.id}.xlsx")
    return 0


def _template(args) -> int:
    from .excel import write_template
    from .loading import load_dataset

    ds = load_dataset(args.dataset)
    path = write_template(ds, args.file)
    rows = sum(len(df) for df in ds.tables.values())
    print(f"{path}: template {ds.id} ditulis — {len(ds.tables)} sheet data, {rows} baris"
          + (" (draf: kolom 'diisi tiap tahun' masih kosong)" if ds.draft else ""))
    return 0


def _import(args) -> int:
    from .excel import import_workbook

    ds = import_workbook(args.file, args.dataset, force=args.force)
    rows = sum(len(df) for df in ds.tables.values())
    print(f"{ds.id}: valid — {len(ds.tables)} tabel, {rows} baris dari {args.file} ditulis ke {ds.path}")
    _print_remaining(ds)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lkip", description="LKIP analytical notebooks: validate data, build reports.")
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a dataset folder")
    v.add_argument("dataset", nargs="?", default=paths.DEFAULT_DATASET)
    v.set_defaults(func=_validate)
    d = sub.add_parser("describe", help="print the data dictionary")
    d.add_argument("dataset", nargs="?", default=paths.DEFAULT_DATASET)
    d.set_defaults(func=_describe)
    b = sub.add_parser("build", help="run the notebooks and write outputs/<dataset>/")
    b.add_argument("datasets", nargs="*", metavar="DATASET")
    b.add_argument("--all", action="store_true", help="every dataset under data/")
    b.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    b.add_argument("--threshold", type=float, default=100.0, metavar="PCT",
                   help="indicators with capaian below PCT get a drill-down page (default 100)")
    b.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="parallel workers, each with one kernel (default: number of cores)")
    b.add_argument("--scheduler", default="local", metavar="WHERE",
                   help="local (default), dask (a LocalCluster) or tcp://HOST:PORT (an existing Dask scheduler)")
    b.add_argument("--no-document", action="store_true",
                   help="skip the LKIP document (dokumen/lkip-<dataset>.docx and .pdf)")
    b.set_defaults(func=_build)
    s_ = sub.add_parser("synth", help="write N plausible synthetic datasets (marked synthetic) for tests and benchmarks")
    s_.add_argument("n", type=int)
    s_.add_argument("--seed", type=int, default=1)
    s_.add_argument("--year", type=int, default=2023)
    s_.set_defaults(func=_synth)
    a = sub.add_parser("audit", help="recompute every printed figure and list disagreements")
    a.add_argument("dataset", nargs="?", default=paths.DEFAULT_DATASET)
    a.add_argument("--tolerance", type=float, default=None,
                   help="absolute tolerance (default: half a unit of the last printed digit)")
    a.add_argument("--csv", metavar="FILE", help="also write the findings to FILE")
    a.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    a.set_defaults(func=_audit)
    n = sub.add_parser("new", help="start next year's dataset (a draft) from this year's")
    n.add_argument("dataset", metavar="DATASET", help="id of the new dataset, e.g. pmd-ntt-2024")
    n.add_argument("--from", dest="old", required=True, metavar="OLD", help="the dataset to carry forward")
    n.add_argument("--year", type=int, default=None, help="year of the new LKIP (default: OLD's year + 1)")
    n.add_argument("--force", action="store_true", help="replace data/DATASET if it exists")
    n.set_defaults(func=_new)
    t = sub.add_parser("template", help="write an Excel workbook with the dataset's tables, to fill")
    t.add_argument("dataset", metavar="DATASET")
    t.add_argument("file", metavar="FILE.xlsx")
    t.set_defaults(func=_template)
    i = sub.add_parser("import", help="validate an Excel workbook and write it as data/DATASET/")
    i.add_argument("file", metavar="FILE.xlsx")
    i.add_argument("dataset", metavar="DATASET")
    i.add_argument("--force", action="store_true", help="replace data/DATASET if it exists")
    i.set_defaults(func=_import)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except LkipError as exc:
        print(f"lkip: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `lkip describe | head`
        return 0
    except KeyboardInterrupt:
        print("lkip: dihentikan", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
