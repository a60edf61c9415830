"""How far apart separate runs of the same code are on this machine, and what ``tftrace diff``
makes of it: the numbers behind its noise prior (``--noise``).

Records ``--runs`` runs of ``tests/diff_workload.py`` (one process each, ``tftrace run``) and
one with its middle Dense layer 4x wider, then compares every pair of same-code runs (A/A)
and each run with the wide one (A/B). Prints the largest A/A B/A of the step time and of
any op above 1% of the step (lower quartiles, what ``diff`` reads), how many A/A pairs got a
slower/faster verdict, how many A/B pairs found the step and the layer's MatMuls slower, the
noise prior these runs suggest, and the time of one ``diff`` against ``stats`` of the same run.

    python benchmarks/diff_noise.py [--runs 8] [--out benchmarks/out/diff]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKLOAD = REPO / "tests" / "diff_workload.py"


def record(out: Path, name: str, *args) -> Path:
    path = out / f"{name}.tftrace"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(out / "home"))
    subprocess.run([sys.executable, "-m", "tftrace", "run", "--no-python", "-o", str(path), str(WORKLOAD),
                    *map(str, args)], check=True, env=env, capture_output=True)
    return path


def called(result: dict) -> bool:
    step_us = result["step"]["a_mean_ms"] * 1e3
    return any(r["verdict"] in ("slower", "faster") and r["a_mean_us"] >= 0.01 * step_us
               for r in result["rows"] if r["kind"] == "op") or result["step"]["verdict"] != "same"


def largest_op_ratio(result: dict) -> float:
    step_us = result["step"]["a_mean_ms"] * 1e3
    logs = [abs(math.log(r["ratio"])) for r in result["rows"]
            if r["kind"] == "op" and r["ratio"] and r["a_mean_us"] >= 0.01 * step_us]
    return math.exp(max(logs, default=0.0))


def timed(*args) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tftrace", *map(str, args)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "out" / "diff"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from tftrace import load
    from tftrace.diff import diff

    same = [load(record(out, f"a{i}")) for i in range(args.runs)]
    wide = load(record(out, "wide", 4096))
    aa = [diff(a, b) for a, b in itertools.combinations(same, 2)]
    ab = [diff(a, wide) for a in same]
    step_ratio = max(math.exp(abs(math.log(r["step"]["ratio"]))) for r in aa)
    found = sum(1 for r in ab if r["step"]["verdict"] == "slower" and all(
        x["verdict"] == "slower" for x in r["rows"] if x["kind"] == "op" and x["layer"] == "dense_1"
        and "MatMul" in x["type"]))
    print(f"A/A: {len(aa)} pairs; step B/A up to x{step_ratio:.2f}, an op above 1% of the step up to "
          f"x{max(largest_op_ratio(r) for r in aa):.2f}; pairs with a verdict: {sum(map(called, aa))}")
    print(f"A/B (middle layer 4x wider): step and the layer's MatMuls slower in {found} of {len(ab)}")
    print(f"noise these runs suggest (largest A/A step |log B/A| / 3): {100 * math.log(step_ratio) / 3:.0f}% "
          f"(the default is 20%)")
    stats_s = min(timed("stats", out / "a0.tftrace", "--format", "json") for _ in range(3))
    diff_s = min(timed("diff", out / "a0.tftrace", out / "wide.tftrace", "--format", "json") for _ in range(3))
    print(f"tftrace diff {diff_s:.2f} s vs tftrace stats of one run {stats_s:.2f} s: ratio {diff_s / stats_s:.2f}")


if __name__ == "__main__":
    main()
