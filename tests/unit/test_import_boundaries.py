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
