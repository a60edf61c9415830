"""`import tftrace` and `tftrace stats` must stay light: no TensorFlow (seconds), no numpy (~45 ms)."""

import subprocess
import sys


def after_stats(gpu_fixture, imports: str, expression: str) -> str:
    """What ``expression`` prints in a fresh interpreter that imported ``imports`` and ran ``tftrace stats``."""
    code = (f"import sys, io, contextlib, {imports}\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    tftrace.cli.main(['stats', {str(gpu_fixture)!r}, '--format', 'json'])\n"
            f"print({expression})")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_package_cli_and_analysis_do_not_import_tensorflow(gpu_fixture):
    heavy = "sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'xprof'))"
    assert after_stats(gpu_fixture, "tftrace, tftrace.analysis, tftrace.cli, tftrace.magic", heavy) == "[]"


def test_stats_runs_without_numpy(gpu_fixture):
    # numpy costs ~45 ms to import: a third of `tftrace stats` on a small profile
    assert after_stats(gpu_fixture, "tftrace.cli", "'numpy' in sys.modules") == "False"
