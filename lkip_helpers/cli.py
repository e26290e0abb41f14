"""The ``lkip`` command.

    lkip validate [DATASET]   check a dataset; list problems and what remains to fill
    lkip describe [DATASET]   print the data dictionary with each table's source
    lkip build [DATASET ...]  run the notebooks and write outputs/<dataset>/
    lkip audit [DATASET]      recompute every printed figure and list where the report differs

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
    return build_many(datasets, force=args.force, threshold=args.threshold)


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
    b.set_defaults(func=_build)
    a = sub.add_parser("audit", help="recompute every printed figure and list disagreements")
    a.add_argument("dataset", nargs="?", default=paths.DEFAULT_DATASET)
    a.add_argument("--tolerance", type=float, default=None,
                   help="absolute tolerance (default: half a unit of the last printed digit)")
    a.add_argument("--csv", metavar="FILE", help="also write the findings to FILE")
    a.add_argument("--strict", action="store_true", help="exit 1 when there are findings")
    a.set_defaults(func=_audit)
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
