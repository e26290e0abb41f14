"""Benchmark of `lkip build` against the naive loop, in one run on one machine.

Measures, each against a baseline measured in the same command:
  1. cold build of pmd-ntt-2023 (`lkip build --force --no-document`, the same work; median of 6, three
     just before and three just after the naive loop) vs the naive loop
     (papermill CLI, then `jupyter nbconvert --to html --no-input`, notebook after notebook);
  2. the no-op rebuild (nothing changed);
  2b. the LKIP document (Word + PDF): the cold build with and without it (`--no-document`),
      and the document alone (a rebuild that reuses every notebook run, with vs without it);
  3. province scale: a batch of N synthetic datasets (`lkip synth N`, default 100) at --jobs 1 and
     --jobs 2, in two halves in ABBA order (1, 2 | 2, 1) so the machine's drift falls on both:
     throughput ratio, failures, peak memory per worker for its first and its last dataset (flat =
     no leak), and a projection of a 900-agency province on a few core counts from the measured
     per-agency cost;
  4. peak memory per worker (worker process and its kernel), from outputs/build-report.json.

Usage:  python benchmarks/bench_build.py [--datasets 100] [--skip-naive] [--cores 2,16,64]
        python benchmarks/bench_build.py --mechanisms 3   # only: what each clever mechanism buys
Prints a table (progress of the long batches as plain lines, one per dataset) and writes
benchmarks/results.json. Never run by the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATASET = "pmd-ntt-2023"
PROVINCE_AGENCIES = 900  # ~40 provincial agencies plus ~20 kabupaten/kota with as many: LKIPs a year


def sh(args: list[str], env: dict, quiet: bool = True) -> float:
    """Run a command; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        args,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - start


def plan_runs(env: dict) -> list[tuple[Path, dict, str]]:
    """The same runs `lkip build` makes: (notebook, extra parameters, output stem)."""
    code = (
        "import json; from lkip_helpers import build, loading, drilldown\n"
        f"ds = loading.load_dataset({DATASET!r})\n"
        "out = []\n"
        "for nb in build.notebooks():\n"
        "    if build.is_per_indikator(nb):\n"
        "        out += [[str(nb), {'indikator': i}, nb.stem + '--' + i] for i in drilldown.below_threshold(ds)]\n"
        "    else:\n"
        "        out.append([str(nb), {}, nb.stem])\n"
        "print(json.dumps(out))"
    )
    res = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return [(Path(a), b, c) for a, b, c in json.loads(res.stdout)]


def naive_loop(env: dict, work: Path) -> float:
    out = work / "naive"
    (out / "nb").mkdir(parents=True)
    start = time.perf_counter()
    for nb, params, stem in plan_runs(env):
        executed = out / "nb" / f"{stem}.ipynb"
        args = [
            str(BIN / "papermill"),
            str(nb),
            str(executed),
            "-k",
            "python3",
            "-p",
            "dataset",
            DATASET,
            "-p",
            "output_dir",
            str(out),
        ]
        for k, v in params.items():
            args += ["-p", k, v]
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def batch(args: list[str], env: dict, log: Path, label: str) -> float:
    """Run a long build; pass its per-dataset progress lines through (prefixed), keep the rest in ``log``."""
    start = time.perf_counter()
    with (
        log.open("w", encoding="utf-8") as f,
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc,
    ):
        for line in proc.stdout:
            f.write(line)
            if line.startswith("[batch]"):
                print(f"  {label} {line.rstrip()}", flush=True)
    return time.perf_counter() - start


def hours(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} jam"
    return f"{seconds / 60:.0f} menit" if seconds >= 60 else f"{seconds:.0f} detik"


def document_cpu(env: dict, drawn: Path) -> float:
    """Core-seconds to compose and write one agency's documents (LKIP and verification note, Word and PDF)
    in a process that has the dataset loaded and analysed, as a build's kernel has: the median of three."""
    code = (
        "import json, sys, tempfile, time\n"
        "from pathlib import Path\n"
        "from lkip_helpers.data.loading import load_dataset\n"
        "from lkip_helpers.report.dokumen import write_documents\n"
        "from lkip_helpers.report.dokumen.compose import gaps\n"
        f"ds = load_dataset({DATASET!r}); gaps(ds)\n"
        "out = []\n"
        "for _ in range(4):\n"
        "    t = time.process_time()\n"
        "    write_documents(Path(tempfile.mkdtemp()), ds, drawn=Path(sys.argv[1]))\n"
        "    out.append(time.process_time() - t)\n"
        "print(json.dumps(out[1:]))\n"  # the first also imports and warms the Word and PDF libraries
    )
    res = subprocess.run(
        [str(BIN / "python"), "-c", code, str(drawn)], env=env, capture_output=True, text=True, check=True
    )
    return statistics.median(json.loads(res.stdout.strip().splitlines()[-1]))


def report(outputs: Path) -> dict:
    return json.loads((outputs / "build-report.json").read_text(encoding="utf-8"))


# The mechanisms a build can be measured without (LKIP_BENCH_OFF, read only by the adapters
# lkip_helpers/pipeline/_jupyter_compat.py, report/_mpl_compat.py, report/dokumen/_reportlab_compat.py).
# Issue #25 measured the kernel without debugger and malloc_trim between runs the same way: neither
# bought 10 % of a cold build or of memory, and they were removed.
MECHANISMS = {
    "template": "kernel pertama tiap worker di-fork dari templat kernel",
    "tight_png": "kotak PNG diukur pada renderer 1×1",
    "pdf_images": "gambar PDF digambar per jalur (bukan jalur ReportLab)",
}


def peaks(rep: dict) -> dict:
    """The build's largest per-worker peaks (MB): notebook runs and documents, PSS and RSS."""
    workers = rep["workers"].values()
    return {
        f"{kind}_{unit}": max((w.get(f"peak_{kind}_{unit}", 0.0) for w in workers), default=0.0)
        for kind in ("runs", "documents")
        for unit in ("pss_mb", "mb")
    }


def _adopt_orphans() -> None:
    """Linux: become the subreaper of every process the builds start, so that a kernel whose parent left
    first (the template exits once it has forked its kernels) is counted in this process's CPU time."""
    import ctypes

    try:
        ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans(wait_s: float = 15.0) -> None:
    """Wait for the adopted processes still ending (a kernel notices its worker gone within a second)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not pid:
            time.sleep(0.1)


def mechanisms(env: dict, rounds: int, lkip: str, outputs: Path, dataset: str = DATASET, only: str = "") -> dict:
    """Cold builds (with the document) with every mechanism on and with each one off, ``rounds`` times in
    rotating order so the machine's drift falls on all: median wall time and peak memory of each."""
    settings = ["", *(only.split(",") if only else MECHANISMS)]
    samples: dict[str, list[dict]] = {name: [] for name in settings}
    _adopt_orphans()
    sh([lkip, "build", dataset, "--force"], env)  # warm the disk cache and the bytecode: not counted
    _reap_orphans()
    for r in range(rounds):
        for name in settings[r % len(settings) :] + settings[: r % len(settings)]:
            # core-seconds of the build and every process under it (each reaped by its parent): on a
            # shared machine the wall time swings with the neighbours' load, the work done much less
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            try:
                seconds = sh([lkip, "build", dataset, "--force"], {**env, "LKIP_BENCH_OFF": name})
            except subprocess.CalledProcessError:  # a tree edited meanwhile: this sample is dropped, not the run
                print(f"  putaran {r + 1}, tanpa {name or '(semua aktif)'}: build gagal, dilewati", flush=True)
                _reap_orphans()
                continue
            _reap_orphans()
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            samples[name].append({"s": seconds, "cpu_s": cpu, **peaks(report(outputs))})
            print(
                f"  putaran {r + 1}, tanpa {name or '(semua aktif)'}: {seconds:.1f} s, {cpu:.1f} detik-CPU", flush=True
            )
    summary = {
        name: {key: statistics.median(x[key] for x in got) for key in got[0]} | {"samples": got}
        for name, got in samples.items()
        if got
    }
    base = summary[""]
    print(
        "\n| tanpa mekanisme | build dingin (s) | × | detik-CPU | × | puncak run PSS (MB) | × "
        "| puncak dokumen PSS (MB) | × |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in (n for n in settings if n in summary):
        m = summary[name]
        print(
            f"| {name or '(semua aktif)'} | {m['s']:.1f} | {m['s'] / base['s']:.2f} | {m['cpu_s']:.1f} | "
            f"{m['cpu_s'] / base['cpu_s']:.2f} | {m['runs_pss_mb']:.0f} | "
            f"{m['runs_pss_mb'] / base['runs_pss_mb']:.2f} | {m['documents_pss_mb']:.0f} | "
            f"{m['documents_pss_mb'] / max(base['documents_pss_mb'], 1):.2f} |"
        )
    return summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", type=int, default=100, help="synthetic datasets in the batch (default 100)")
    ap.add_argument("--skip-naive", action="store_true", help="skip the slow naive-loop baseline")
    ap.add_argument("--cores", default="2,16,64", help="core counts for the province projection (default 2,16,64)")
    ap.add_argument(
        "--mechanisms",
        type=int,
        metavar="PUTARAN",
        help="only measure cold builds with each clever mechanism switched off (LKIP_BENCH_OFF), PUTARAN rounds",
    )
    ap.add_argument("--json", type=Path, help="with --mechanisms: write its figures here")
    ap.add_argument("--only", default="", help="with --mechanisms: these mechanisms only (comma-separated)")
    ap.add_argument(
        "--dataset-dir",
        type=Path,
        help=f"with --mechanisms: build this dataset folder (e.g. one from `lkip synth`) instead of {DATASET}",
    )
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lkip-bench-"))
    data, outputs = work / "data", work / "outputs"
    shutil.copytree(ROOT / "data" / DATASET, data / DATASET)
    if args.dataset_dir:
        shutil.copytree(args.dataset_dir, data / args.dataset_dir.name)
    env = {**os.environ, "LKIP_DATA_DIR": str(data), "LKIP_OUTPUTS_DIR": str(outputs)}
    lkip = str(BIN / "lkip")
    results: dict = {
        "machine": f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {platform.platform()}"
    }
    print(f"Mesin: {results['machine']}", flush=True)
    if args.mechanisms:
        dataset = args.dataset_dir.name if args.dataset_dir else DATASET
        results["mechanisms"] = mechanisms(env, args.mechanisms, lkip, outputs, dataset, args.only)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
        shutil.rmtree(work, ignore_errors=True)
        return

    # the ratio's denominator: the median of cold builds made just before and just after the naive loop
    # (one sample drifts by a second on a busy VM, and the VM's speed drifts over the naive loop's minute)
    def three_cold() -> list[float]:
        return [sh([lkip, "build", DATASET, "--force", "--no-document"], env) for _ in range(3)]

    cold = three_cold()
    if not args.skip_naive:
        results["naive_s"] = naive_loop(env, work)
        print(f"naive loop (papermill + nbconvert per notebook): {results['naive_s']:.1f} s", flush=True)
    cold += three_cold()
    results["cold_nodoc_samples_s"] = cold
    results["cold_nodoc_s"] = statistics.median(cold)
    print(
        f"lkip build --force --no-document: {results['cold_nodoc_s']:.1f} s (median of "
        + ", ".join(f"{x:.1f}" for x in cold)
        + "; three before the naive loop, three after)",
        flush=True,
    )
    cold_doc = [sh([lkip, "build", DATASET, "--force"], env) for _ in range(3)]
    results["cold_samples_s"], results["cold_s"] = cold_doc, statistics.median(cold_doc)
    results["cold_report"] = report(outputs)
    print(
        f"lkip build --force: {results['cold_s']:.1f} s (median of " + ", ".join(f"{x:.1f}" for x in cold_doc) + ")",
        flush=True,
    )
    results["document_cpu_s"] = document_cpu(env, outputs / DATASET / "figures")
    print(f"LKIP + catatan verifikasi, Word dan PDF: {results['document_cpu_s']:.2f} detik-inti", flush=True)
    results["noop_s"] = min(sh([lkip, "build", DATASET], env) for _ in range(3))
    print(f"no-op rebuild: {results['noop_s']:.2f} s", flush=True)
    # the document alone: toggling --no-document re-assembles the outputs from reused runs only
    results["reuse_nodoc_s"] = sh([lkip, "build", DATASET, "--no-document"], env)
    results["reuse_doc_s"] = sh([lkip, "build", DATASET], env)
    print(
        f"rebuild from reused runs: {results['reuse_nodoc_s']:.2f} s without the document, "
        f"{results['reuse_doc_s']:.2f} s with it",
        flush=True,
    )

    batch_data = work / "batch-data"
    benv = {**env, "LKIP_DATA_DIR": str(batch_data)}
    # varied agencies (numbers of sasaran, indicators, budget forms, optional tables...): the generic path
    subprocess.run([lkip, "synth", str(args.datasets)], env=benv, check=True, stdout=subprocess.DEVNULL)
    # ABBA over two halves (jobs 1, 2 on the first half; 2, 1 on the second): this VM's speed drifts by
    # 10-20 % over the quarter hour a batch takes, and the order spreads that drift over both settings
    ids = sorted(p.name for p in batch_data.iterdir() if (p / "metadata.yml").is_file())
    halves = [ids[: len(ids) // 2], ids[len(ids) // 2 :]]
    reports: dict[int, list[dict]] = {1: [], 2: []}
    for jobs, half in ((1, 0), (2, 0), (2, 1), (1, 1)):
        out = work / f"batch-out-{jobs}"
        seconds = batch(
            [lkip, "build", *halves[half], "--force", "--jobs", str(jobs)],
            {**benv, "LKIP_OUTPUTS_DIR": str(out)},
            work / f"batch-{jobs}-{half}.log",
            f"--jobs {jobs} (paruh {half + 1})",
        )
        results[f"batch_{jobs}_s"] = results.get(f"batch_{jobs}_s", 0.0) + seconds
        reports[jobs].append(report(out))
        print(f"  --jobs {jobs}, paruh {half + 1} ({len(halves[half])} dataset): {seconds:.1f} s", flush=True)
    for jobs in (1, 2):
        first, second = reports[jobs]
        results[f"batch_{jobs}_reports"] = reports[jobs]
        rep = results[f"batch_{jobs}_report"] = {
            "runs": first["runs"] + second["runs"],
            "failed": first.get("failed", 0) + second.get("failed", 0),
            "build_process_cpu_s": first.get("build_process_cpu_s", 0.0) + second.get("build_process_cpu_s", 0.0),
            # the workers of both halves (each half starts its own): first and last dataset of each
            "workers": {**first["workers"], **second["workers"]},
        }
        print(
            f"batch of {args.datasets} at --jobs {jobs}: {results[f'batch_{jobs}_s']:.1f} s "
            f"({rep['runs']} notebook runs, {rep['failed']} datasets failed)",
            flush=True,
        )

    peaks = [w for key in ("cold_report", "batch_1_report", "batch_2_report") for w in results[key]["workers"].values()]
    for kind in ("runs", "documents"):
        for unit in ("mb", "pss_mb"):
            results[f"peak_{kind}_{unit}"] = max(w.get(f"peak_{kind}_{unit}", 0.0) for w in peaks)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print("\n| ukuran | hasil |\n|---|---|")
    if "naive_s" in results:
        # the same work as the naive loop: notebooks and their pages, no Word/PDF document
        print(
            f"| build dingin (--no-document) vs naive loop | {results['naive_s'] / results['cold_nodoc_s']:.1f}× "
            f"lebih cepat ({results['naive_s']:.1f} s → {results['cold_nodoc_s']:.1f} s) |"
        )
    print(f"| rebuild tanpa perubahan | {results['noop_s']:.2f} s |")
    doc_s = results["reuse_doc_s"] - results["reuse_nodoc_s"]
    print(
        f"| build dingin dengan / tanpa dokumen LKIP | {results['cold_s']:.1f} s / {results['cold_nodoc_s']:.1f} s "
        f"({results['cold_s'] / results['cold_nodoc_s']:.2f}×); dokumen Word + PDF sendiri ≈ {doc_s:.1f} s |"
    )
    if "naive_s" in results:
        print(
            f"| build dingin dengan dokumen vs naive loop | {results['naive_s'] / results['cold_s']:.1f}× "
            f"({results['naive_s']:.1f} s → {results['cold_s']:.1f} s; naive loop tanpa dokumen) |"
        )
    print(
        f"| dokumen satu instansi (LKIP + catatan verifikasi, Word + PDF) | {results['document_cpu_s']:.2f} "
        "detik-inti |"
    )
    print(
        f"| throughput batch --jobs 2 vs --jobs 1 | {results['batch_1_s'] / results['batch_2_s']:.2f}× "
        f"({results['batch_1_s']:.1f} s → {results['batch_2_s']:.1f} s, {args.datasets} dataset) |"
    )
    # per run: the kernel's peak plus the worker process's; PSS counts once the pages the two (and the other
    # processes of the build) share, such as Python and its libraries, which the plain sum counts twice
    for kind, what in (("runs", "run notebook"), ("documents", "menulis dokumen Word/PDF")):
        print(
            f"| memori puncak per worker, {what} (kernel + proses worker) | "
            f"{results[f'peak_{kind}_pss_mb']:.0f} MB PSS (halaman bersama dihitung sekali); "
            f"{results[f'peak_{kind}_mb']:.0f} MB RSS dijumlah |"
        )
    print(f"| memori puncak proses anak terbesar (termasuk naive loop) | {children:.0f} MB |")
    failed = sum(results[f"batch_{j}_report"].get("failed", 0) for j in (1, 2))
    print(f"| dataset gagal dalam batch (--jobs 1 dan 2) | {failed} |")
    for jobs in (1, 2):
        for name, w in sorted(
            results[f"batch_{jobs}_report"]["workers"].items(), key=lambda kv: kv[1]["first"]["dataset"]
        ):
            first, last = w["first"], w["last"]
            print(
                f"| memori worker {name} (--jobs {jobs}), dataset pertama → terakhir: puncak PSS (RSS); "
                "yang tinggal di antara run (RSS) | "
                f"{first.get('peak_pss_mb', 0):.0f} → {last.get('peak_pss_mb', 0):.0f} MB "
                f"({first['peak_mb']:.0f} → {last['peak_mb']:.0f}); "
                f"{first.get('rss_between_mb', 0):.0f} → {last.get('rss_between_mb', 0):.0f} MB "
                f"({first['dataset']} → {last['dataset']}; {w['runs']} run, {w.get('documents', 0)} dokumen) |"
            )
    # what one agency costs in core-seconds on the 2-worker batch, scaled linearly to more cores; the
    # build process's own share (planning, publishing) is serial: no number of workers takes it over
    per_agency = results["batch_2_s"] * min(2, os.cpu_count() or 1) / args.datasets
    serial = results["batch_2_report"].get("build_process_cpu_s", 0.0) / args.datasets
    results["per_agency_core_s"] = per_agency
    results["per_agency_build_process_s"] = serial
    print(f"| biaya per instansi (batch --jobs 2) | {per_agency:.1f} detik-inti |")
    print(
        f"| bagian proses build per instansi (seri) | {serial:.2f} detik-CPU: "
        f"{PROVINCE_AGENCIES} LKIP tidak lebih cepat dari {hours(PROVINCE_AGENCIES * serial)} |"
    )
    for cores in (int(c) for c in args.cores.split(",")):
        projected = max(PROVINCE_AGENCIES * per_agency / cores, PROVINCE_AGENCIES * serial)
        results[f"province_{cores}_cores_s"] = projected
        print(f"| proyeksi provinsi {PROVINCE_AGENCIES} LKIP pada {cores} inti | {hours(projected)} |")
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
