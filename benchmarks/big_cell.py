"""A big cell's analysis inside the kernel: time, peak memory above the pre-cell baseline
and memory kept once the profile is dropped, against XProf's trace_viewer conversion of
the same XSpace (issue 11, item 8).

What ``tftrace.trace()`` / ``%%tftrace`` do after the profiler stops, each measurement in a
fresh Python process: ``analysis.analyze_bytes(blobs, capture=..., keep_raw=True,
processes=1)`` (never forked in a kernel), ``store.Store(tmp).add(profile)`` and the
notebook payload (``display.ProfileDisplay(profile).payload()``). The baseline is the
process's RSS before the XSpace bytes exist (in a kernel they arrive when the profiler
stops), taken after the same path ran once on a small profile (the GPU fixture), as in a
kernel that showed a profile before (``--cold``: not); the peak is VmHWM, reset
(``/proc/self/clear_refs``) at the baseline; "kept" is the RSS after ``del profile;
gc.collect()``, above the baseline.

Peaks are also read per phase (the VmHWM reset after each): the analysis alone, the store, the
payload. Times are wall and CPU seconds (CPU time is less disturbed by other work on the machine).

XSpaces: the recorded Keras MLP fit for 30 epochs (``mlp_30_epochs``, ~1M events) and 60
(``mlp_60_epochs``, ~2M events), recorded here when missing (``--epochs`` for others).

    python benchmarks/big_cell.py [--out benchmarks/out] [--rounds 3] [--skip-xprof] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WARM = REPO / "tests" / "fixtures" / "gpu_bert_8gpu.xplane.pb"  # a small profile shown first (not with --cold)

RECORD_SNIPPET = """
import sys
sys.path.insert(0, {repo!r})
sys.path.insert(0, {tests!r})
import workloads
import tensorflow as tf
workloads.record(tf, lambda tf: workloads.keras_fit(tf, epochs={epochs}), sys.argv[1])
"""

# Memory of the measuring process, defined in every measured process (``run_json``).
MEMORY_PRELUDE = r"""
def rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
"""

# One measurement in a fresh process; prints one JSON line.
KERNEL_SNIPPET = r"""
import gc, json, os, sys, tempfile, time
from tftrace import analysis, store, display, payload  # imported before the baseline, as in a kernel

path, home, warm = sys.argv[1], sys.argv[2], sys.argv[3]
if warm:  # a kernel that showed a profile before: what the first cell imports is not this cell's
    with open(warm, "rb") as f:
        small = analysis.analyze_bytes({"w": f.read()}, capture={"warnings": [], "machine": {}}, processes=1)
    store.Store(home + "-warm").add(small)
    display.ProfileDisplay(small).payload()
    del small
    gc.collect()
    getattr(analysis, "release_free_memory", lambda: None)()
gc.collect()
base = rss("VmRSS")
reset_peak()
t0, c0 = time.perf_counter(), time.process_time()
with open(path, "rb") as f:
    blobs = {"localhost": f.read()}  # what the profiler hands over when it stops
profile = analysis.analyze_bytes(blobs, name="big", source="big", capture={"warnings": [], "machine": {}},
                                 keep_raw=True, processes=1)
del blobs
t1, c1 = time.perf_counter(), time.process_time()
peak_analysis = rss("VmHWM")
reset_peak()
store.Store(home).add(profile)
trim = getattr(analysis, "release_free_memory", None)  # Trace.__exit__'s last step (absent before it existed)
if trim:
    trim()
t2 = time.perf_counter()
peak_store = rss("VmHWM")
reset_peak()
data = display.ProfileDisplay(profile).payload()
t3, c3 = time.perf_counter(), time.process_time()
peak_payload = rss("VmHWM")
with_profile = rss("VmRSS")
del profile, data
gc.collect()
kept = rss("VmRSS")
print(json.dumps({"analysis_s": t1 - t0, "store_s": t2 - t1, "payload_s": t3 - t2, "total_s": t3 - t0,
                  "analysis_cpu_s": c1 - c0, "total_cpu_s": c3 - c0,
                  "base": base, "peak_above": max(peak_analysis, peak_store, peak_payload) - base,
                  "peak_analysis_above": peak_analysis - base, "peak_store_above": peak_store - base,
                  "peak_payload_above": peak_payload - base, "with_profile_above": with_profile - base,
                  "kept_above": kept - base}))
"""

XPROF_SNIPPET = r"""
import gc, json, sys, time
from xprof.convert import raw_to_tool_data as r

gc.collect()
base = rss("VmRSS")
reset_peak()
t0, c0 = time.perf_counter(), time.process_time()
data, _ = r.xspace_to_tool_data([sys.argv[1]], "trace_viewer", {})
t1, c1 = time.perf_counter(), time.process_time()
size = len(data)
peak = rss("VmHWM")
del data
gc.collect()
print(json.dumps({"total_s": t1 - t0, "total_cpu_s": c1 - c0, "base": base, "peak_above": peak - base,
                  "kept_above": rss("VmRSS") - base, "output_bytes": size}))
"""


def record(out: Path, epochs: int) -> Path:
    path = out / f"mlp_{epochs}_epochs.xplane.pb"
    if not path.exists():
        code = RECORD_SNIPPET.format(repo=str(REPO), tests=str(REPO / "tests"), epochs=epochs)
        subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    return path


def run_json(code: str, *args: str, tree: Path = REPO) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(tree))
    # run outside the checkout: ``-c`` puts the working directory first on sys.path
    out = subprocess.run([sys.executable, "-c", MEMORY_PRELUDE + code, *args], capture_output=True, text=True,
                         env=env, check=True, cwd=tempfile.gettempdir())
    return json.loads(out.stdout.strip().splitlines()[-1])


def event_count(path: Path) -> int:
    code = "import sys; from tftrace.analysis import parse; print(parse(open(sys.argv[1], 'rb').read()).event_count)"
    return int(subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True,
                              env=dict(os.environ, PYTHONPATH=str(REPO))).stdout)


def mib(n: float) -> str:
    return f"{n / 2**20:.0f}"


def compare(path: Path, rounds: int, xprof: bool, scratch: Path, before: Path | None, after: Path = REPO,
            warm: str = "") -> None:
    raw = path.stat().st_size
    events = event_count(path)
    ours, theirs, old = [], [], []
    for i in range(rounds):  # alternated, so all see the same machine load
        home = scratch / f"home-{i}"
        ours.append(run_json(KERNEL_SNIPPET, str(path), str(home), warm, tree=after))
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(f"{home}-warm", ignore_errors=True)
        if before:
            old.append(run_json(KERNEL_SNIPPET, str(path), str(home), warm, tree=before))
            shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(f"{home}-warm", ignore_errors=True)
        if xprof:
            copy = scratch / f"xprof-{i}-{path.name}"
            shutil.copy(path, copy)  # no XProf cache from an earlier round
            theirs.append(run_json(XPROF_SNIPPET, str(copy)))
            for cache in scratch.glob(f"xprof-{i}-*"):
                cache.unlink()

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    print(f"\n{path.name}: {events:,} events, raw XSpace {mib(raw)} MiB, {rounds} rounds (medians)")

    def above(rows, key):
        return f"{mib(med(rows, key))} MiB ({med(rows, key) / raw:.2f}x raw)"

    for label, rows in (("in-kernel path", ours), (f"before ({before})", old)):
        if not rows:
            continue
        print(f"  {label}: {med(rows, 'total_s'):.2f} s, CPU {med(rows, 'total_cpu_s'):.2f} s "
              f"(analysis {med(rows, 'analysis_s'):.2f} s, CPU {med(rows, 'analysis_cpu_s'):.2f} s; "
              f"store {med(rows, 'store_s'):.2f}; payload {med(rows, 'payload_s'):.2f}); "
              f"baseline {mib(med(rows, 'base'))} MiB")
        print(f"    peak above baseline {above(rows, 'peak_above')}: analysis {above(rows, 'peak_analysis_above')}, "
              f"store {above(rows, 'peak_store_above')}, payload {above(rows, 'peak_payload_above')}; "
              f"with profile {above(rows, 'with_profile_above')}; kept after del {above(rows, 'kept_above')}")
    if old:
        def ratio(key):
            return statistics.median(o[key] / b[key] for o, b in zip(ours, old))
        peak = med(ours, "peak_above") / med(old, "peak_above")
        analysis_peak = med(ours, "peak_analysis_above") / med(old, "peak_analysis_above")
        print(f"  after/before (per-round median): time {ratio('total_s'):.2f}, CPU {ratio('total_cpu_s'):.2f}, "
              f"analysis CPU {ratio('analysis_cpu_s'):.2f}; peak {peak:.2f}, analysis peak {analysis_peak:.2f}")
    if theirs:
        print(f"  XProf trace_viewer: {med(theirs, 'total_s'):.2f} s, CPU {med(theirs, 'total_cpu_s'):.2f} s; "
              f"peak above baseline {above(theirs, 'peak_above')}; output {mib(med(theirs, 'output_bytes'))} MiB")
        ratios = [o["total_s"] / t["total_s"] for o, t in zip(ours, theirs)]
        cpu = [o["total_cpu_s"] / t["total_cpu_s"] for o, t in zip(ours, theirs)]
        print(f"  tftrace/XProf (per-round median): time {statistics.median(ratios):.2f}, "
              f"CPU {statistics.median(cpu):.2f}, peak {med(ours, 'peak_above') / med(theirs, 'peak_above'):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "out"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-xprof", action="store_true")
    parser.add_argument("--only", help="one .xplane.pb instead of the recorded ones")
    parser.add_argument("--epochs", type=int, nargs="+", default=[30, 60],
                        help="the recorded fits measured (~33k events an epoch)")
    parser.add_argument("--before", help="a directory holding an older tftrace package (e.g. from `git archive`) "
                                         "to measure in the same run")
    parser.add_argument("--cold", action="store_true", help="no small profile analysed first: what a kernel's "
                                                            "first cell imports counts as this cell's")
    parser.add_argument("--after", default=str(REPO), help="the directory holding the tftrace package measured "
                                                           "(default: this checkout; a copy keeps edits out of a run)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(args.only).resolve()] if args.only else [record(out, epochs) for epochs in args.epochs]
    with tempfile.TemporaryDirectory() as scratch:
        for path in paths:
            compare(path, args.rounds, not args.skip_xprof, Path(scratch), Path(args.before) if args.before else None,
                    Path(args.after), "" if args.cold else str(WARM))


if __name__ == "__main__":
    main()
