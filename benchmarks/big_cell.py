"""A big cell's analysis inside the kernel: time, peak memory above the pre-cell baseline
and memory kept once the profile is dropped, against XProf's trace_viewer conversion of
the same XSpace (issue 11, item 8).

What ``tftrace.trace()`` / ``%%tftrace`` do after the profiler stops, each measurement in a
fresh Python process: ``analysis.analyze_bytes(blobs, capture=..., keep_raw=True,
processes=1)`` (never forked in a kernel), ``store.Store(tmp).add(profile)`` and the
notebook payload (``display.ProfileDisplay(profile).payload()``). The baseline is the
process's RSS before the XSpace bytes exist (in a kernel they arrive when the profiler
stops); the peak is VmHWM, reset (``/proc/self/clear_refs``) at the baseline; "kept" is
the RSS after ``del profile; gc.collect()``, above the baseline.

XSpaces: the recorded Keras MLP fit (``mlp_24_epochs``, ~790k events, recorded by
``stats_vs_xprof.py``) and a longer one (``mlp_60_epochs``, ~2M events), recorded here when
missing.

    python benchmarks/big_cell.py [--out benchmarks/out] [--rounds 3] [--skip-xprof]
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

path, home = sys.argv[1], sys.argv[2]
gc.collect()
base = rss("VmRSS")
reset_peak()
t0 = time.perf_counter()
with open(path, "rb") as f:
    blobs = {"localhost": f.read()}  # what the profiler hands over when it stops
profile = analysis.analyze_bytes(blobs, name="big", source="big", capture={"warnings": [], "machine": {}},
                                 keep_raw=True, processes=1)
del blobs
t1 = time.perf_counter()
store.Store(home).add(profile)
trim = getattr(analysis, "release_free_memory", None)  # Trace.__exit__'s last step (absent before it existed)
if trim:
    trim()
t2 = time.perf_counter()
data = display.ProfileDisplay(profile).payload()
t3 = time.perf_counter()
peak_during = rss("VmHWM")
with_profile = rss("VmRSS")
del profile, data
gc.collect()
kept = rss("VmRSS")
print(json.dumps({"analysis_s": t1 - t0, "store_s": t2 - t1, "payload_s": t3 - t2, "total_s": t3 - t0,
                  "base": base, "peak_above": peak_during - base, "with_profile_above": with_profile - base,
                  "kept_above": kept - base}))
"""

XPROF_SNIPPET = r"""
import gc, json, sys, time
from xprof.convert import raw_to_tool_data as r

gc.collect()
base = rss("VmRSS")
reset_peak()
t0 = time.perf_counter()
data, _ = r.xspace_to_tool_data([sys.argv[1]], "trace_viewer", {})
t1 = time.perf_counter()
size = len(data)
peak = rss("VmHWM")
del data
gc.collect()
print(json.dumps({"total_s": t1 - t0, "base": base, "peak_above": peak - base, "kept_above": rss("VmRSS") - base,
                  "output_bytes": size}))
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


def compare(path: Path, rounds: int, xprof: bool, scratch: Path, before: Path | None) -> None:
    raw = path.stat().st_size
    events = event_count(path)
    ours, theirs, old = [], [], []
    for i in range(rounds):  # alternated, so all see the same machine load
        home = scratch / f"home-{i}"
        ours.append(run_json(KERNEL_SNIPPET, str(path), str(home)))
        shutil.rmtree(home, ignore_errors=True)
        if before:
            old.append(run_json(KERNEL_SNIPPET, str(path), str(home), tree=before))
            shutil.rmtree(home, ignore_errors=True)
        if xprof:
            copy = scratch / f"xprof-{i}-{path.name}"
            shutil.copy(path, copy)  # no XProf cache from an earlier round
            theirs.append(run_json(XPROF_SNIPPET, str(copy)))
            for cache in scratch.glob(f"xprof-{i}-*"):
                cache.unlink()

    def med(rows, key):
        return statistics.median(r[key] for r in rows)

    print(f"\n{path.name}: {events:,} events, raw XSpace {mib(raw)} MiB, {rounds} rounds (medians)")
    for label, rows in (("in-kernel path", ours), (f"before ({before})", old)):
        if not rows:
            continue
        print(f"  {label}: {med(rows, 'total_s'):.2f} s (analysis {med(rows, 'analysis_s'):.2f}, "
              f"store {med(rows, 'store_s'):.2f}, payload {med(rows, 'payload_s'):.2f}); "
              f"baseline {mib(med(rows, 'base'))} MiB; peak above baseline {mib(med(rows, 'peak_above'))} MiB "
              f"({med(rows, 'peak_above') / raw:.2f}x raw); with profile {mib(med(rows, 'with_profile_above'))} MiB "
              f"({med(rows, 'with_profile_above') / raw:.2f}x raw); kept after del {mib(med(rows, 'kept_above'))} MiB "
              f"({med(rows, 'kept_above') / raw:.2f}x raw)")
    if old:
        print(f"  after/before: time {statistics.median(o['total_s'] / b['total_s'] for o, b in zip(ours, old)):.2f}, "
              f"peak {med(ours, 'peak_above') / med(old, 'peak_above'):.2f}")
    if theirs:
        ratios = [o["total_s"] / t["total_s"] for o, t in zip(ours, theirs)]
        print(f"  XProf trace_viewer: {med(theirs, 'total_s'):.2f} s; peak above baseline "
              f"{mib(med(theirs, 'peak_above'))} MiB ({med(theirs, 'peak_above') / raw:.2f}x raw); "
              f"output {mib(med(theirs, 'output_bytes'))} MiB")
        print(f"  ratio tftrace/XProf: time {statistics.median(ratios):.2f} (per-round median), "
              f"peak {med(ours, 'peak_above') / med(theirs, 'peak_above'):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "out"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-xprof", action="store_true")
    parser.add_argument("--only", help="one .xplane.pb instead of the two recorded ones")
    parser.add_argument("--before", help="a directory holding an older tftrace package (e.g. from `git archive`) "
                                         "to measure in the same run")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(args.only)] if args.only else [record(out, 24), record(out, 60)]
    with tempfile.TemporaryDirectory() as scratch:
        for path in paths:
            compare(path, args.rounds, not args.skip_xprof, Path(scratch), Path(args.before) if args.before else None)


if __name__ == "__main__":
    main()
