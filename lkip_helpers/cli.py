"""The ``lkip`` command.

    lkip validate [DATASET]   check a dataset; list problems and what remains to fill
    lkip describe [DATASET]   print the data dictionary with each table's source
    lkip build [DATASET ...]  run the notebooks and write outputs/<dataset>/
    lkip audit [DATASET]      recompute every printed figure and list where the report differs
    lkip synth N              write N synthetic datasets for tests and benchmarks
    lkip new DATASET --from OLD --year YEAR   next year's dataset (a draft) from this year's
    lkip new DATASET --year YEAR --agency NAME --region NAME   a new agency's dataset (a draft), from nothing
    lkip template DATASET FILE.xlsx           an Excel workbook of the dataset, to fill
    lkip import FILE.xlsx DATASET             validate a workbook and write data/DATASET/
    lkip bagikan DATASET                      one zip of a built dataset to share (alias: share)

Errors print one message (file, row, column, what was expected) and exit non-zero,
never a traceback: bad data or arguments, and a file that cannot be read or written
(disk full, read-only folder, name too long, no permission), exit 2. Ctrl-C exits 130,
SIGTERM 143 (128 + signal number), after the build has stopped its workers and kernels.

Each verb imports what it needs inside its own function: ``lkip --help`` and an unchanged
``lkip build`` must not load pandas (about 0.5 s). tools/import_graph.py counts these
imports as edges like any other and allows them only here and on the build's fast path.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import re
import sys
import warnings
from typing import TYPE_CHECKING

from lkip_helpers import paths
from lkip_helpers.errors import LkipError, os_error_message
from lkip_helpers.locks import hold
from lkip_helpers.pipeline.kernel import allow_imports, refuse_imports

if TYPE_CHECKING:
    from lkip_helpers.data.loading import Dataset

MAX_ID_LEN = 64  # a dataset id names folders and files: well under every file system's name limit
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


# --- argument types: a bad value is one line, in Bahasa Indonesia --------------------------------


def dataset_id(value: str) -> str:
    """A dataset id as folder name: lowercase letters, digits, '-', '_', '.'; at most MAX_ID_LEN."""
    if not _ID.fullmatch(value) or len(value) > MAX_ID_LEN:
        raise argparse.ArgumentTypeError(
            f"id dataset tidak sah: {value[: MAX_ID_LEN + 16]!r}; gunakan huruf kecil, angka, '-', '_' atau '.', "
            f"paling banyak {MAX_ID_LEN} karakter (contoh: pmd-ntt-2023)"
        )
    return value


def _number(kind, lo, hi, what: str):
    """An argparse type: a finite number of ``kind`` within [lo, hi]."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what} harus berupa {'bilangan bulat' if kind is int else 'angka'}, bukan {text!r}"
            ) from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{what} harus antara {lo:g} dan {hi:g}, bukan {text!r}")
        return value

    return parse


def _scheduler(text: str) -> str:
    """An argparse type: ``local``, ``dask`` or ``tcp://HOST:PORT`` (host a name, IPv4 or [IPv6]; port 1-65535)."""
    if text in ("local", "dask"):
        return text
    expected = "gunakan local, dask atau tcp://HOST:PORT, mis. tcp://10.0.0.5:8786"
    if not text.startswith("tcp://"):
        raise argparse.ArgumentTypeError(f"--scheduler {text!r}: penjadwal tidak dikenal; {expected}")
    m = re.fullmatch(r"tcp://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})", text)
    if m is None or not 1 <= int(m.group(2)) <= 65535:
        raise argparse.ArgumentTypeError(f"--scheduler {text!r}: alamat atau nomor port tidak sah; {expected}")
    return text


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help, with its own fixed word 'usage:' in Bahasa Indonesia."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "penggunaan: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad argument reported as one line (no usage block) and exit 2.

    Its help is in Bahasa Indonesia throughout: the section titles and ``-h`` are set here
    rather than taken from argparse (subcommand parsers are of this class too).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **{**kwargs, "add_help": False})
        self._positionals.title = "argumen posisi"
        self._optionals.title = "opsi"
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="tampilkan bantuan ini lalu keluar"
        )

    _ENGLISH = (
        (re.compile(r"^argument [^:]+: (?=.*(tidak sah|harus|tidak dikenal))"), ""),  # our own message names the value
        (
            re.compile(r"^argument ([^:]+): invalid choice: (\S+) \(choose from (.*)\)$"),
            r"pilihan \1 tidak dikenal: \2; pilih salah satu: \3",
        ),
        (re.compile(r"^the following arguments are required: (.*)$"), r"argumen wajib belum diisi: \1"),
        (re.compile(r"^unrecognized arguments: (.*)$"), r"argumen tidak dikenal: \1"),
        (re.compile(r"^argument ([^:]+): expected one argument$"), r"\1 memerlukan satu nilai"),
        (re.compile(r"^argument ([^:]+): ignored explicit argument (.*)$"), r"\1 tidak menerima nilai (tertulis \2)"),
        (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), r"opsi \1 tidak jelas; bisa berarti \2"),
    )

    def error(self, message: str):
        for pattern, text in self._ENGLISH:
            message = pattern.sub(text, message)
        sys.stderr.write(f"lkip: {' '.join(message.split())} (lihat: {self.prog} --help)\n")
        sys.exit(2)


def _validate(args) -> int:
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.data.schema import TABLES

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = load_dataset(args.dataset)
    from lkip_helpers.analysis.audit import alternatives_config
    from lkip_helpers.analysis.plausibility import plausibility_warnings
    from lkip_helpers.report import laporan_file
    from lkip_helpers.report.lke import criteria

    laporan_file.load(ds)  # the numbers and titles laporan.yml gives the report's parts
    criteria(ds)  # the dataset's own LKE criteria (lke.yml), if it brings them: checked like the rest
    from lkip_helpers.report.dokumen.word import check_template

    if (ds.path / paths.TEMPLATE_DOCX).is_file():  # python-docx must take it, or the build fails at its end
        check_template(ds.path / paths.TEMPLATE_DOCX)
    alternatives_config(ds.meta)  # the audit's explanations in metadata.yml: what the audit page will run
    for w in caught:
        print(f"peringatan: {w.message}", file=sys.stderr)
    from lkip_helpers.report.dokumen.pdf import glyph_gaps

    for text in glyph_gaps(ds):  # letters the PDF cannot draw: valid data, a PDF with empty boxes
        print(f"peringatan: {text}", file=sys.stderr)
    for text in plausibility_warnings(ds):  # loads, but most likely a slip: said, not refused
        print(f"peringatan: {text}", file=sys.stderr)
    from lkip_helpers.analysis.kualitas import quality_findings

    for text in quality_findings(ds):  # what an evaluator will question in the indicators themselves
        print(f"peringatan: kualitas indikator: {text}", file=sys.stderr)
    from lkip_helpers.analysis.kegiatan import unlinked_iku

    for name in unlinked_iku(ds):
        print(
            f"peringatan: anggaran: IKU “{name}” tidak dikaitkan dengan kegiatan mana pun, sehingga efisiensinya "
            "tidak dapat dinilai (isi kode_rekening di indikator.csv, atau kaitkan kegiatan dengan sasarannya di "
            "sasaran_kegiatan.csv)",
            file=sys.stderr,
        )
    rows = sum(len(ds.tables[t]) for t in TABLES)
    print(f"{ds.id}: valid — {len(TABLES)} tabel, {rows} baris ({ds.title})")
    _print_remaining(ds)  # a draft also lists what remains to fill (exit 0: a draft is valid)
    _print_lkip_gaps(ds)
    return 0


def _print_lkip_gaps(ds) -> None:
    """What the LKIP document lacks: a highlighted place in a draft, left out (or said unavailable) when final."""
    from lkip_helpers.report.dokumen.compose import gaps

    missing = gaps(ds)
    if not missing:
        return
    how = "ditandai [diisi: …] dalam draf LKIP" if ds.draft else "tidak dicetak atau dinyatakan belum tersedia"
    print(f"Isi LKIP yang belum ada datanya ({len(missing)}; {how}):")
    for what in missing:
        print(f"  - {what}")


# a column's type as ``lkip describe`` names it
_TYPE_WORDS = {"str": "teks", "int": "bilangan bulat", "float": "angka", "bool": "true/false"}


def _describe(args) -> int:
    from lkip_helpers.data.completeness import unavailable
    from lkip_helpers.data.loading import load_metadata
    from lkip_helpers.data.schema import TABLES, describe

    meta = load_metadata(paths.dataset_dir(args.dataset))
    sources = meta.get("tables", {})
    for name, table in TABLES.items():
        src = sources.get(name, {})
        print(f"\n{table.filename} — {table.description}")
        if src:
            print(f"  sumber: {src.get('source', '')}")
            if src.get("notes"):
                print(f"  catatan: {src['notes']}")
        if unavailable(meta).get(name):
            print(f"  tidak tersedia bagi instansi ini: {unavailable(meta)[name]}")
        for row in describe(table):
            flags = ("kunci " if row["key"] else "") + ("wajib" if row["required"] else "opsional")
            unit = f" [{row['unit']}]" if row["unit"] else ""
            kind = _TYPE_WORDS.get(row["type"], row["type"])
            print(f"  - {row['column']} ({kind}{unit}, {flags}): {row['description']}")
    return 0


def _build(args) -> int:
    from lkip_helpers.pipeline.build import build_many, dataset_folders

    if args.bersihkan:
        from lkip_helpers.pipeline.scratch import leftovers

        removed = leftovers()
        names = ", ".join(str(p) for p in removed)
        print(
            f"{len(removed)} sisa proses lkip yang terhenti dihapus: {names}"
            if removed
            else "tidak ada sisa proses lkip yang terhenti"
        )
        if not args.all and not args.datasets:
            return 0
    datasets = dataset_folders() if args.all else (args.datasets or [paths.DEFAULT_DATASET])
    if args.all and not datasets:
        raise LkipError(f"tidak ada dataset di {paths.data_dir()}")
    return build_many(
        datasets,
        force=args.force,
        threshold=args.threshold,
        jobs=args.jobs,
        scheduler=args.scheduler,
        document=not args.no_document,
    )


def _synth(args) -> int:
    from lkip_helpers.data.synth import write_synthetic

    ids = write_synthetic(args.n, seed=args.seed, year=args.year)
    print(f"{len(ids)} dataset sintetis ditulis ke {paths.data_dir()}: {ids[0]} … {ids[-1]}")
    return 0


def _audit(args) -> int:
    import pandas as pd

    from lkip_helpers.analysis.audit import audit
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.numbers import format_number

    if args.csv:
        paths.check_output(args.csv, "--csv")
    ds = load_dataset(args.dataset)
    findings, checked = audit(ds, args.tolerance)
    if args.csv:  # written before anything is printed: a reader that stops early (| head) does not lose it
        from lkip_helpers.data.safe_cells import write_csv  # text from data never becomes a formula

        write_csv(findings, args.csv)
    n_bad = int((checked["status"] == "berbeda").sum())
    print(
        f"{ds.id}: {len(checked)} angka tercetak diperiksa, {n_bad} berbeda; "
        f"{int((findings['jenis'] == 'rujukan').sum())} temuan rujukan"
    )
    for _, f in findings.iterrows():
        numbers = "" if f["jenis"] == "rujukan" else f" (hitung ulang {format_number(round(f['recomputed'], 2))})"
        year = "" if pd.isna(f["year"]) else f" {f['year']}"
        print(
            f"- {f['report_table']} · {f['subject_label']} · {f['metric']}{year}: tercetak {f['printed_text']}{numbers} — {f['cause']}"
        )
    if args.csv:
        print(f"CSV: {args.csv}")
    return 1 if args.strict and len(findings) else 0


def _lke(args) -> int:
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.report.lke import EVALUATOR, penilaian

    if args.csv:
        paths.check_output(args.csv, "--csv")
    ds = load_dataset(args.dataset)
    p = penilaian(ds)
    if args.csv:  # written before anything is printed: a reader that stops early (| head) does not lose it
        from lkip_helpers.data.safe_cells import write_csv  # text from data never becomes a formula

        write_csv(p.hasil, args.csv)
    print(f"{ds.id}: {p.ringkasan()}")
    print(p.penjelasan())
    print(f"Kriteria: {p.lke.sumber}")
    for (_, s), line in zip(p.skor.iterrows(), p.rentang()):
        print(f"\n{line}")
        for _, h in p.hasil[p.hasil["subkomponen"] == s["kode"]].iterrows():
            if h["status"] == EVALUATOR:
                print(f"  {h['kode']} [{h['status']}] {h['kriteria']} Bukti: {h['bukti']}")
                continue
            print(f"  {h['kode']} [{h['status']}, {h['jawaban']}] {h['kriteria']} {h['jumlah']}")
            if h["kurang"]:
                print(f"      kurang: {h['kurang']}")
    if p.langkah:
        print("\nLangkah sebelum batas waktu:")
        for step in p.langkah:
            print(f"  - {step}")
    if args.csv:
        print(f"CSV: {args.csv}")
    return 0


def _print_remaining(ds: Dataset) -> None:
    """For a draft: how much remains, each column still to fill, and the tables to check."""
    from lkip_helpers.data import completeness

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


def _next_id(dataset: str) -> str:
    """'pmd-ntt-2024' for 'pmd-ntt-2023'; the id with '-berikutnya' when it ends in no year."""
    head, _, tail = dataset.rpartition("-")
    return f"{head}-{int(tail) + 1}" if head and tail.isdigit() and len(tail) == 4 else f"{dataset}-berikutnya"


def _new(args) -> int:
    from lkip_helpers.data.loading import load_dataset

    if args.old is None:  # a new agency, from nothing
        from lkip_helpers.data.blank import new_blank

        missing = [
            flag
            for flag, v in (("--year", args.year), ("--agency", args.agency), ("--region", args.region))
            if v is None
        ]
        if missing:
            raise LkipError(
                "instansi baru perlu " + ", ".join(missing) + " (mis. lkip new dinkes-contoh-2024 "
                '--year 2024 --agency "Dinas Kesehatan" --region "Kabupaten Contoh"), '
                "atau --from DATASET untuk melanjutkan dataset tahun lalu"
            )
        with hold(args.dataset, "lkip new"):  # never while a build reads it, or another lkip writes it
            folder = new_blank(args.dataset, args.year, args.agency, args.region, force=args.force)
        ds = load_dataset(args.dataset)
        print(f"{ds.id}: draf LKIP {ds.year} {ds.agency} {ds.region} dibuat di {folder}")
        _print_remaining(ds)
        print(f"Langkah berikutnya: isi tabel inti di {folder}, atau lkip template {ds.id} {ds.id}.xlsx")
        return 0
    if args.old == args.dataset:
        raise LkipError(
            f"--from {args.old} sama dengan dataset baru: dataset tahun berikutnya perlu id sendiri "
            f"(mis. lkip new {_next_id(args.old)} --from {args.old}); dataset {args.old} tidak diubah"
        )
    if args.agency is not None or args.region is not None:
        raise LkipError(
            "--agency dan --region hanya untuk instansi baru; dengan --from, nama instansi dan daerah "
            "diambil dari dataset asal"
        )
    from lkip_helpers.data.newyear import new_dataset

    with hold(args.dataset, "lkip new"):
        folder = new_dataset(args.dataset, args.old, args.year, force=args.force)
    ds = load_dataset(args.dataset)
    print(f"{ds.id}: draf LKIP {ds.year} dibuat di {folder} dari {args.old}")
    _print_remaining(ds)
    print(f"Langkah berikutnya: lkip template {ds.id} {ds.id}.xlsx")
    return 0


def _template(args) -> int:
    from lkip_helpers.data.excel import offered_tables, write_template
    from lkip_helpers.data.loading import load_dataset
    from lkip_helpers.files import write_atomic

    target = paths.check_output(args.file, "berkas template")
    if target.suffix.lower() != ".xlsx":
        raise LkipError(f"nama file template harus berakhiran .xlsx: {target}")
    ds = load_dataset(args.dataset)
    # whole or not at all: a disk that fills up mid-write must not leave half a workbook, nor spoil the old one
    write_atomic(target, lambda part: write_template(ds, part, all_tables=args.semua_tabel))
    path = target
    offered = offered_tables(ds, args.semua_tabel)
    rows = sum(len(ds.tables[name]) for name in offered)
    print(
        f"{path}: template {ds.id} ditulis — {len(offered)} sheet data, {rows} baris"
        + (" (draf: kolom 'diisi tiap tahun' masih kosong)" if ds.draft else "")
    )
    return 0


def _import(args) -> int:
    from lkip_helpers.data.excel import import_workbook

    with hold(args.dataset, "lkip import"):  # never while a build reads it, or another lkip writes it
        ds = import_workbook(args.file, args.dataset, force=args.force)
    rows = sum(len(df) for df in ds.tables.values())
    print(f"{ds.id}: valid — {len(ds.tables)} tabel, {rows} baris dari {args.file} ditulis ke {ds.path}")
    _print_remaining(ds)
    return 0


def _bagikan(args) -> int:
    from lkip_helpers.pipeline.bagikan import LANDING, share, size_text

    pkg = share(args.dataset, args.output)
    print(f"{pkg.path}: paket {args.dataset} siap — {size_text(pkg.size)}, {pkg.files} berkas")
    print(f"  Untuk laptop: kirim zip ini; setelah diekstrak, buka {LANDING} (atau html/index.html).")
    if pkg.pdf is not None:
        print(f"  Untuk WhatsApp atau ponsel: kirim PDF-nya saja: {pkg.pdf}")
    if pkg.draft:
        print(f"peringatan: {args.dataset} masih DRAF; setiap halaman bertanda DRAF", file=sys.stderr)
    if pkg.synthetic:
        print(f"peringatan: {args.dataset} berisi DATA SINTETIS, bukan data instansi", file=sys.stderr)
    return 0


def _optional_dataset(verb: argparse.ArgumentParser) -> None:
    """The one dataset a verb works on, the default dataset when none is named."""
    verb.add_argument(
        "dataset",
        nargs="?",
        default=paths.DEFAULT_DATASET,
        type=dataset_id,
        metavar="DATASET",
        help=f"id dataset (bawaan: {paths.DEFAULT_DATASET})",
    )


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lkip", description="Notebook analitis LKIP: memeriksa data dan membangun laporan.")
    sub = p.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    default = f"bawaan: {paths.DEFAULT_DATASET}"
    v = sub.add_parser("validate", help="periksa dataset: daftar masalah dan isian yang masih kosong")
    _optional_dataset(v)
    v.set_defaults(func=_validate)
    d = sub.add_parser("describe", help="tampilkan kamus data: tabel, kolom, satuan dan sumbernya")
    _optional_dataset(d)
    d.set_defaults(func=_describe)
    b = sub.add_parser("build", help="jalankan notebook dan tulis outputs/<dataset>/")
    b.add_argument(
        "datasets", nargs="*", metavar="DATASET", type=dataset_id, help=f"id dataset, satu atau lebih ({default})"
    )
    b.add_argument("--all", action="store_true", help="semua dataset di folder data/")
    b.add_argument(
        "--bersihkan",
        action="store_true",
        help="hapus folder sementara dan kunci yang ditinggalkan proses lkip yang terhenti (mis. kill -9); "
        "tanpa DATASET atau --all, tidak membangun apa pun",
    )
    b.add_argument("--force", action="store_true", help="bangun ulang walaupun tidak ada yang berubah")
    b.add_argument(
        "--threshold",
        type=_number(float, 0, 1000, "--threshold"),
        default=100.0,
        metavar="PERSEN",
        help="indikator dengan capaian di bawah PERSEN mendapat halaman rincian (bawaan: 100)",
    )
    b.add_argument(
        "--jobs",
        "-j",
        type=_number(int, 1, 256, "--jobs"),
        default=None,
        metavar="N",
        help="jumlah pekerja paralel, masing-masing dengan satu kernel (bawaan: jumlah inti prosesor)",
    )
    b.add_argument(
        "--scheduler",
        default="local",
        type=_scheduler,
        metavar="PENJADWAL",
        help="local (bawaan), dask (sebuah LocalCluster) atau tcp://HOST:PORT (scheduler Dask yang sudah berjalan)",
    )
    b.add_argument(
        "--no-document", action="store_true", help="tanpa dokumen LKIP (dokumen/lkip-<dataset>.docx dan .pdf)"
    )
    b.set_defaults(func=_build)
    s_ = sub.add_parser(
        "synth", help="tulis N dataset sintetis yang masuk akal (bertanda sintetis) untuk uji dan benchmark"
    )
    s_.add_argument(
        "n", type=_number(int, 1, 999, "N"), metavar="N", help="banyak dataset, 1 sampai 999"
    )  # ids synth-NNN-YEAR
    s_.add_argument(
        "--seed",
        type=_number(int, 0, 2**31 - 1, "--seed"),
        default=1,
        metavar="ANGKA",
        help="benih acak; benih yang sama menghasilkan dataset yang sama (bawaan: 1)",
    )
    s_.add_argument(
        "--year",
        type=_number(int, 1900, 2200, "--year"),
        default=2023,
        metavar="TAHUN",
        help="tahun LKIP (bawaan: 2023)",
    )
    s_.set_defaults(func=_synth)
    a = sub.add_parser("audit", help="hitung ulang setiap angka tercetak dan daftar yang berbeda")
    _optional_dataset(a)
    a.add_argument(
        "--tolerance",
        type=_number(float, 0, 1e12, "--tolerance"),
        default=None,
        metavar="NILAI",
        help="toleransi mutlak (bawaan: setengah satuan dari digit terakhir yang tercetak)",
    )
    a.add_argument("--csv", metavar="BERKAS", help="tulis juga temuan ke BERKAS (CSV)")
    a.add_argument("--strict", action="store_true", help="keluar dengan kode 1 bila ada temuan")
    a.set_defaults(func=_audit)
    k = sub.add_parser(
        "lke",
        help="periksa laporan terhadap kriteria LKE Pelaporan Kinerja (PermenPAN-RB 88/2021): status, "
        "bukti, rentang nilai, dan langkah yang masih perlu",
    )
    _optional_dataset(k)
    k.add_argument("--csv", metavar="BERKAS", help="tulis juga hasil per kriteria ke BERKAS (CSV)")
    k.set_defaults(func=_lke)
    n = sub.add_parser(
        "new",
        help="mulai dataset baru (draf): tahun berikutnya dari dataset tahun ini (--from), "
        "atau instansi baru dari nol (--year, --agency, --region)",
    )
    n.add_argument("dataset", metavar="DATASET", type=dataset_id, help="id dataset baru, mis. pmd-ntt-2024")
    n.add_argument("--from", dest="old", default=None, metavar="ASAL", type=dataset_id, help="dataset yang dilanjutkan")
    n.add_argument(
        "--year",
        type=_number(int, 1900, 2200, "--year"),
        default=None,
        metavar="TAHUN",
        help="tahun LKIP baru (dengan --from, bawaan: tahun ASAL + 1)",
    )
    n.add_argument("--agency", default=None, metavar="NAMA", help='instansi baru: namanya, mis. "Dinas Kesehatan"')
    n.add_argument(
        "--region", default=None, metavar="NAMA", help='instansi baru: pemerintah daerahnya, mis. "Kabupaten Contoh"'
    )
    n.add_argument("--force", action="store_true", help="ganti data/DATASET bila sudah ada")
    n.set_defaults(func=_new)
    t = sub.add_parser("template", help="tulis workbook Excel berisi tabel-tabel dataset, untuk diisi")
    t.add_argument("dataset", metavar="DATASET", type=dataset_id, help="id dataset")
    t.add_argument("file", metavar="BERKAS.xlsx", help="workbook yang ditulis")
    t.add_argument(
        "--semua-tabel",
        action="store_true",
        help="semua tabel, termasuk tabel opsional yang belum dipakai dataset ini (bawaan: tabel inti dan tabel "
        "yang dipakai dataset)",
    )
    t.set_defaults(func=_template)
    i = sub.add_parser("import", help="periksa workbook Excel, lalu tulis isinya sebagai data/DATASET/")
    i.add_argument("file", metavar="BERKAS.xlsx", help="workbook yang sudah diisi")
    i.add_argument("dataset", metavar="DATASET", type=dataset_id, help="id dataset yang ditulis")
    i.add_argument("--force", action="store_true", help="ganti data/DATASET bila sudah ada")
    i.set_defaults(func=_import)
    g = sub.add_parser(
        "bagikan",
        aliases=["share"],
        help="tulis satu zip hasil build (halaman, grafik, tabel, dokumen LKIP) untuk dikirim ke pimpinan",
    )
    g.add_argument("dataset", metavar="DATASET", type=dataset_id, help="id dataset yang sudah dibangun")
    g.add_argument(
        "--output",
        "-o",
        default=None,
        metavar="BERKAS.zip",
        help="zip yang ditulis (bawaan: outputs/lkip-DATASET.zip)",
    )
    g.set_defaults(func=_bagikan)
    return p


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the exit flush does not fail on the closed pipe."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already closed
        pass


# Verbs that only read and print: cut short by `| head`, they did all that was asked (exit 0).
_READ_ONLY = {_validate, _describe, _audit, _lke}


UNEXPECTED = 70  # exit code of an error in lkip itself (sysexits' EX_SOFTWARE)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a bad argument (2, already reported on one line)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.func(args)
    except LkipError as exc:
        print(f"lkip: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `lkip describe | head`: the reader has what it wanted
        _quiet_stdout()  # Python would report the broken pipe again when it flushes stdout at exit
        if getattr(args, "func", None) in _READ_ONLY:
            return 0
        print(
            "lkip: keluaran terputus (pembacanya sudah ditutup), perintah mungkin belum selesai; periksa hasilnya "
            "atau jalankan lagi tanpa memotong keluarannya (mis. tanpa '| head')",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # disk full, read-only folder, name too long, no permission: say what to do
        print(f"lkip: {os_error_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # build.Interrupted carries 130 (Ctrl-C) or 143 (SIGTERM)
        code = getattr(exc, "exit_code", 130)
        print(
            f"lkip: dihentikan ({'Ctrl-C' if code == 130 else 'SIGTERM'}); output sebelumnya tidak diubah",
            file=sys.stderr,
        )
        return code
    except Exception as exc:  # a bug of ours, not the user's input: one line, the details on request
        if os.environ.get("LKIP_DEBUG"):
            raise
        text = " ".join(str(exc).split())[:300]
        print(
            f"lkip: kesalahan tak terduga di dalam lkip ({type(exc).__name__}: {text}); jalankan lagi dengan "
            "LKIP_DEBUG=1 untuk rinciannya dan laporkan ke tim pengembang",
            file=sys.stderr,
        )
        return UNEXPECTED


# pandera brings in hypothesis (a test library) for strategies that generate data, which checking data
# never uses: ~0.2 s of a build's start-up. pandera goes without them when the import is refused.
_NEVER_USED = ("hypothesis",)


def _quiet_teardown(unraisable) -> None:
    """Drop what a ZeroMQ socket's ``__del__`` raises while the interpreter tears down after Ctrl-C
    (``'NoneType' object is not callable``: its module is already gone); anything else as Python shows it."""
    if str(getattr(unraisable.object, "__module__", "")).startswith("zmq."):
        return
    sys.__unraisablehook__(unraisable)


# Library warnings a user of the command may meet, in words; the rest are shown as "<library>: <message>"
_KNOWN_WARNINGS = (
    (
        re.compile(r"^.*(Matplotlib created a temporary cache directory|is not a writable directory)", re.I),
        "folder konfigurasi matplotlib tidak dapat ditulisi (HOME hanya-baca?); grafik tetap dibuat, lebih lambat",
    ),
    (
        re.compile(r"^.*(Workbook contains no default style|Data Validation extension is not supported)", re.I),
        "openpyxl: sebagian format Excel diabaikan; isi sel tetap dibaca",
    ),
    (
        re.compile(r"Glyph \d+ .*missing from (current )?font", re.I),
        "matplotlib: ada huruf yang tidak tersedia di font grafik; huruf itu tampil sebagai kotak",
    ),
)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A Python warning as one ``peringatan: …`` line: ours as written, a library's named by the library,
    never with a file path or line number of our code (installed by :func:`entry` only: notebooks keep Python's)."""
    text = " ".join(str(message).split())
    for pattern, words in _KNOWN_WARNINGS:
        if pattern.search(text):
            text = words
            break
    else:
        lib = re.search(r"[/\\]site-packages[/\\]([A-Za-z0-9_]+)", str(filename))
        if lib and lib.group(1) != "lkip_helpers":
            text = f"{lib.group(1)}: {text}"
    line_out = f"peringatan: {text}"
    if line_out in _SHOWN:  # the same warning from every notebook or sheet: once
        return
    _SHOWN.add(line_out)
    try:
        print(line_out, file=file or sys.stderr)
    except (OSError, ValueError):  # a closed stream: a warning is never worth a traceback
        pass


_SHOWN: set[str] = set()

# where matplotlib, Jupyter and IPython keep their files, under HOME unless these are set
_HOME_DIRS = {"MPLCONFIGDIR": "matplotlib", "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython"}


def _writable_home() -> None:
    """A HOME that cannot be written (read-only, absent) would get a dozen library warnings from every process:
    their folders go to one temporary folder instead (children inherit it), said in one line."""
    import atexit
    import os
    import shutil
    import tempfile

    unset = [k for k in _HOME_DIRS if not os.environ.get(k)]
    if not unset:
        return
    home = os.path.expanduser("~")
    try:  # os.access cannot tell (root, read-only mounts): try what the libraries would do
        os.rmdir(tempfile.mkdtemp(prefix=".lkip-", dir=home))
        return
    except OSError:
        pass
    try:
        spare = tempfile.mkdtemp(prefix="lkip-home-")
    except OSError:
        return  # no temporary folder either: the libraries say it themselves
    atexit.register(shutil.rmtree, spare, ignore_errors=True)
    for key in unset:
        os.environ[key] = os.path.join(spare, _HOME_DIRS[key])
    print(
        f"peringatan: folder rumah (HOME={home}) tidak dapat ditulisi; berkas matplotlib/Jupyter/IPython "
        f"disimpan sementara di {spare} (setel HOME ke folder yang dapat ditulisi agar lebih cepat)",
        file=sys.stderr,
    )


def entry(argv: list[str] | None = None) -> int:
    """The ``lkip`` command: ``main``, then an exit that skips tearing down every object one by one."""
    refused = refuse_imports(*_NEVER_USED)
    sys.unraisablehook = _quiet_teardown
    shown, warnings.showwarning = warnings.showwarning, _show_warning  # here, not on import: notebooks keep Python's
    _writable_home()
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show '≥' shows '?', instead of a traceback
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass
    try:
        code = main(argv)
    finally:  # called in-process (tests): the interpreter gets its imports and warnings back
        allow_imports(refused)
        warnings.showwarning = shown
    # the collector at interpreter exit walks every object pandas and matplotlib made (~0.2 s a call);
    # frozen objects are skipped, and the process ends anyway (files are closed, atexit still runs)
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry())
