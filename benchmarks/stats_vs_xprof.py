"""tftrace stats against XProf computing the same tables (op stats, kernel stats, memory
profile, input pipeline: the tools whose numbers ``tftrace stats`` reports).

Each measurement is a whole cold process (interpreter start, imports, parse,
analysis, output): the ``tftrace`` command as users run it (with its forked
workers) against XProf's ``xspace_to_tool_data``, alternated, N rounds. Prints the
median wall times, the median of the per-round ratios tftrace/XProf, the peak RSS
of each command's process, and, from separate runs in a memory cgroup, the peak
memory of all its processes (``TreeMemory``). On the GPU fixture and on a
~800k-event CPU profile recorded here (the demo MLP, 24 epochs at batch 32).

    python benchmarks/stats_vs_xprof.py [--rounds 11] [--out benchmarks/out]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GPU_FIXTURE = REPO / "tests" / "fixtures" / "gpu_bert_8gpu.xplane.pb"
TFTRACE = str(Path(sys.executable).with_name("tftrace"))  # the command users run (pip's console script)

XPROF_SNIPPET = """
import sys
from xprof.convert import raw_to_tool_data as r
for tool in ("framework_op_stats", "kernel_stats", "memory_profile", "input_pipeline_analyzer"):
    data, _ = r.xspace_to_tool_data([sys.argv[1]], tool, {})
    sys.stdout.write(data.decode() if isinstance(data, bytes) else data)
"""

RECORD_SNIPPET = """
import sys
sys.path.insert(0, {repo!r})
sys.path.insert(0, {tests!r})
import workloads
import tensorflow as tf
workloads.record(tf, lambda tf: workloads.keras_fit(tf, epochs=24), sys.argv[1])
"""


class TreeMemory:
    """Peak memory charged to a command and every process it forks: the high-water mark
    of a memory cgroup made for the measurement (cgroup v1 ``memory.max_usage_in_bytes``
    or v2 ``memory.peak``). It counts pages the processes allocate (heap, new page
    cache), once each, shared or not; libraries already in the page cache are not
    counted. None where no cgroup can be made (not root, no memory controller)."""

    def __init__(self):
        self.path, self.peak_file = None, None
        for root, peak in (("/sys/fs/cgroup/memory", "memory.max_usage_in_bytes"),
                           ("/sys/fs/cgroup/unified", "memory.peak"), ("/sys/fs/cgroup", "memory.peak")):
            path = os.path.join(root, "tftrace-bench")
            try:
                os.makedirs(path, exist_ok=True)
            except OSError:
                continue
            if os.path.exists(os.path.join(path, peak)):
                self.path, self.peak_file = path, os.path.join(path, peak)
                break

    def reset(self) -> None:
        if self.path and self.peak_file.endswith("max_usage_in_bytes"):
            with open(self.peak_file, "w") as f:
                f.write("0")

    def enter(self) -> None:
        """In the measured process, before exec."""
        if self.path:
            with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def peak_mib(self) -> int | None:
        if not self.path:
            return None
        with open(self.peak_file) as f:
            return int(f.read().split()[0]) // 2**20


TREE = TreeMemory()


def measure(cmd: list[str], env: dict) -> tuple[float, int]:
    """(wall seconds, peak RSS in MiB) of one cold process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss // 1024


def tree_peak_mib(cmd: list[str], env: dict) -> int | None:
    """Peak MiB of a command and its workers (``TreeMemory``), in a run of its own: memory
    accounting in a fresh cgroup slows page faults, so timed runs stay outside."""
    if not TREE.path:
        return None
    TREE.reset()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, preexec_fn=TREE.enter,
                   check=True)
    time.sleep(0.05)  # workers the command did not wait for finish leaving
    return TREE.peak_mib()


def compare(label: str, xplane: Path, rounds: int, scratch: Path) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(REPO))
    ours_cmd = [TFTRACE, "stats", str(xplane), "--format", "json"]
    xprof_input = scratch / f"xprof-{xplane.name}"
    xprof_cmd = [sys.executable, "-c", XPROF_SNIPPET, str(xprof_input)]

    def fresh_xprof_input():
        shutil.copy(xplane, xprof_input)  # no XProf cache from an earlier round
        for f in scratch.glob("*op_stats*"):
            f.unlink()

    ours, theirs, our_trees, their_trees = [], [], [], []
    for _ in range(rounds):
        fresh_xprof_input()
        ours.append(measure(ours_cmd, env))
        theirs.append(measure(xprof_cmd, env))
    for _ in range(3):
        fresh_xprof_input()
        our_trees.append(tree_peak_mib(ours_cmd, env) or 0)
        their_trees.append(tree_peak_mib(xprof_cmd, env) or 0)
    ratios = [o[0] / t[0] for o, t in zip(ours, theirs)]
    row = {
        "profile": label,
        "tftrace_s": statistics.median(o[0] for o in ours),
        "xprof_s": statistics.median(t[0] for t in theirs),
        "ratio": statistics.median(ratios),
        "tftrace_rss_mib": max(o[1] for o in ours),
        "xprof_rss_mib": max(t[1] for t in theirs),
        "tftrace_tree_mib": max(our_trees),
        "xprof_tree_mib": max(their_trees),
    }
    print(f"{label:<28} tftrace {row['tftrace_s']:.2f}s | xprof {row['xprof_s']:.2f}s | median ratio {row['ratio']:.2f} | "
          f"peak RSS {row['tftrace_rss_mib']} / {row['xprof_rss_mib']} MiB | "
          f"peak of all processes (cgroup) {row['tftrace_tree_mib']} / {row['xprof_tree_mib']} MiB", flush=True)
    return row


def record_cpu_profile(out: Path) -> Path:
    path = out / "mlp_24_epochs.xplane.pb"
    if not path.exists():
        code = RECORD_SNIPPET.format(repo=str(REPO), tests=str(REPO / "tests"))
        subprocess.run([sys.executable, "-c", code, str(path)], check=True,
                       env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    # pip byte-compiles an installed package; an editable checkout (and PYTHONDONTWRITEBYTECODE,
    # set on this machine) would otherwise compile tftrace's modules in every measured process
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "tftrace")], check=True)
    cpu = record_cpu_profile(out)
    # counted in a child: a large parent would inflate the children's peak RSS
    count = "import sys; from tftrace.analysis import parse; print(parse(open(sys.argv[1], 'rb').read()).event_count)"
    events = int(subprocess.run([sys.executable, "-c", count, str(cpu)], capture_output=True, text=True, check=True,
                                env=dict(os.environ, PYTHONPATH=str(REPO))).stdout)
    with tempfile.TemporaryDirectory() as scratch:
        compare("gpu_bert_8gpu (23k events)", GPU_FIXTURE, args.rounds, Path(scratch))
        compare(f"cpu mlp ({events / 1e3:.0f}k events)", cpu, args.rounds, Path(scratch))


if __name__ == "__main__":
    main()
