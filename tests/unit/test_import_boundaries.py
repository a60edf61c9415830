"""`import tftrace` and `tftrace stats` must not import TensorFlow (it costs seconds)."""

import subprocess
import sys


def test_package_cli_and_analysis_do_not_import_tensorflow(gpu_fixture):
    code = ("import sys, io, contextlib, tftrace, tftrace.analysis, tftrace.cli, tftrace.magic\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    tftrace.cli.main(['stats', {str(gpu_fixture)!r}, '--format', 'json'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'xprof')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_stats_runs_without_numpy(gpu_fixture):
    # numpy costs ~45 ms to import: a third of `tftrace stats` on a small profile
    code = ("import sys, io, contextlib, tftrace.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    tftrace.cli.main(['stats', {str(gpu_fixture)!r}, '--format', 'json'])\n"
            "print('numpy' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
