"""py-spy faults cost one warning and about a second, never the profile (issue 11, item 3).

Each case puts a fake ``py-spy`` (a small shell script) where tftrace looks for it
(``TFTRACE_PY_SPY``) and traces a small TensorFlow loop in a fresh process, once
without Python stacks and once with the fake: the loop runs, the profile has its ops,
exactly one warning names the fault (in the profile and on stderr), and the fake adds
a bounded time to the trace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.tf

REPO = Path(__file__).resolve().parents[2]
CASE = Path(__file__).with_name("pyspy_case.py")
READY = 'echo "py-spy> Sampling process 100 times a second. Press Control-C to exit."'
OUTPUT = 'while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done'

# name -> (shell script body or None for no file, executable, words the warning holds)
FAKES = {
    "missing": (None, True, "could not be started (No such file or directory)"),
    "not_executable": (READY, False, "could not be started (Permission denied)"),
    "hangs_at_start": ("trap '' INT TERM\nwhile :; do sleep 0.1; done", True,
                       "did not start sampling within 1 s"),
    "crashes_at_start": ('echo "Error: Failed to open process: simulated crash"\nexit 1', True,
                         "could not sample this process (Error: Failed to open process: simulated crash)"),
    "dies_during_trace": (f'{READY}\nsleep 0.05\necho "Error: lost the process"\nexit 3', True,
                          "py-spy failed during the trace (Error: lost the process)"),
    "ignores_sigint": (f"trap '' INT\n{READY}\nwhile :; do sleep 0.1; done", True,
                       "did not stop within 1 s of SIGINT (ended by SIGTERM)"),
    "writes_garbage": (f"{OUTPUT}\ntrap 'echo \"this is not json {{\" > \"$out\"; exit 0' INT\n{READY}\n"
                       "while :; do sleep 0.05; done", True, "py-spy wrote output tftrace cannot read (not JSON"),
    "writes_wrong_shape": (f"{OUTPUT}\ntrap 'echo \"{{\\\"shared\\\": {{\\\"frames\\\": [{{\\\"name\\\": 1}}]}}}}\" "
                           f"> \"$out\"; exit 0' INT\n{READY}\nwhile :; do sleep 0.05; done", True,
                           "py-spy wrote output tftrace cannot read (a frame's name is not a string"),
}


def fake_pyspy(tmp_path: Path, body: str | None, executable: bool) -> Path:
    path = tmp_path / "bin" / "py-spy"
    if body is None:
        return path
    path.parent.mkdir()
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755 if executable else 0o644)
    return path


def run_case(pyspy: Path) -> tuple[dict, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), TFTRACE_PY_SPY=str(pyspy))
    env.pop("TFTRACE_NO_PYTHON", None)
    done = subprocess.run([sys.executable, str(CASE)], capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize("fault", sorted(FAKES))
def test_a_pyspy_fault_costs_one_warning_and_a_second(tmp_path, fault):
    # GIVEN a py-spy that fails in this way
    body, executable, words = FAKES[fault]
    pyspy = fake_pyspy(tmp_path, body, executable)
    # WHEN a small loop is traced without Python stacks, then with that py-spy
    result, stderr = run_case(pyspy)
    # THEN the loop ran and the profile has its ops
    assert result["result"] > 0 and result["ops"] > 0
    # AND exactly one warning names the fault, in the profile and on stderr
    pyspy_warnings = [w for w in result["warnings"] if "py-spy" in w]
    assert len(pyspy_warnings) == 1 and words in pyspy_warnings[0], result["warnings"]
    notices = [line for line in stderr.splitlines() if line.startswith("tftrace: py-spy")]
    assert len(notices) == 1 and words in notices[0], stderr[-3000:]
    # AND the fault cost a bounded time (generous: the machine may be busy)
    assert result["sampled_s"] - result["plain_s"] < 5, result


def test_a_working_pyspy_gives_no_warning():
    # GIVEN the real py-spy (beside the interpreter or on PATH)
    from tftrace.capture.pyspy import find_pyspy

    real = find_pyspy()
    assert real is not None and os.access(real, os.X_OK), "py-spy is a pinned dependency (requirements.lock)"
    # WHEN the loop is traced with it
    result, stderr = run_case(Path(real))
    # THEN nothing is said about py-spy
    assert result["ops"] > 0 and not [w for w in result["warnings"] if "py-spy" in w], result["warnings"]
    assert "tftrace: py-spy" not in stderr
