"""Output paths that cannot be written (a missing directory, a read-only directory, a
directory): one line, exit code 6, no traceback, no temp file left; ``run -o`` keeps the
profile elsewhere and says where; Ctrl-C in ``tftrace run`` keeps the profile (exit 130);
a ``%%tftrace --report`` that fails never hides the cell's own exception."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from faultkit import ipython_shell, one_error_line, small_profile, tftrace

from tftrace.errors import OutputError

BAD = {
    "missing directory": ("{tmp}/no/such/dir/out", "cannot write (no such directory)"),
    "read-only directory": ("{tmp}/ro/out", "cannot write (permission denied)"),
    "a directory": ("{tmp}/ro", "cannot write (it is a directory)"),
    "under a file": ("{tmp}/file/out", "cannot write (a part of the path is not a directory)"),
}


@pytest.fixture
def place(tmp_path):
    (tmp_path / "ro").mkdir(mode=0o555)
    (tmp_path / "file").write_text("a file")
    small_profile("good", "good", xspace=None).save(tmp_path / "good.tftrace")  # reports parse raw XSpaces
    small_profile("raw", "raw").save(tmp_path / "raw.tftrace")  # export only copies them
    return tmp_path


def _leftovers(root) -> list:
    return [p for p in root.rglob("*") if ".tmp" in p.name]


def _bad(place, case: str, suffix: str) -> tuple[str, str]:
    template, reason = BAD[case]
    return template.replace("{tmp}", str(place)) + ("" if case == "a directory" else suffix), reason


_COMMANDS = [(("report", "-o"), ".html"), (("export", "--format", "tensorboard", "-o"), ""),
             (("diff", "{good}", "--html"), ".html")]
# export writes into a log directory, made if missing: a directory or a missing one is no error for it
_CASES = [(case, command, suffix) for case in BAD for command, suffix in _COMMANDS
          if not (command[0] == "export" and case in ("a directory", "missing directory"))]


@pytest.mark.parametrize("case, command, suffix", _CASES)
def test_cli_output_errors_are_one_line_exit_6(place, case, command, suffix):
    path, reason = _bad(place, case, suffix)
    args = [a.replace("{good}", str(place / "good.tftrace")) for a in command]
    source = place / ("raw.tftrace" if command[0] == "export" else "good.tftrace")
    result = tftrace(args[0], source, *args[1:], path, unprivileged=True)
    assert one_error_line(result, 6) == f"tftrace: error: {path}: {reason}"
    assert _leftovers(place) == []


@pytest.mark.parametrize("case", ["missing directory", "a directory", "under a file"])
def test_api_save_and_report_raise_output_error(place, case):
    path, reason = _bad(place, case, ".tftrace")
    profile = small_profile(xspace=None)
    for write in (profile.save, profile.to_html):
        with pytest.raises(OutputError) as caught:
            write(path)
        assert str(caught.value) == f"{path}: {reason}"
    assert _leftovers(place) == []


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(place, monkeypatch):
    target = place / "good.tftrace"
    before = target.read_bytes()
    profile = small_profile()
    profile.ops = None  # to_dict fails half-way through writing
    with pytest.raises(Exception):
        profile.save(target)
    assert target.read_bytes() == before and _leftovers(place) == []


SCRIPT = """
import sys, time
import tensorflow as tf
a = tf.ones((8, 8))
print("sum", float(tf.reduce_sum(tf.matmul(a, a))), flush=True)
if sys.argv[1:] == ["wait"]:
    time.sleep(60)
"""


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    return path


def _env(home):
    return dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TFTRACE_HOME=str(home), TFTRACE_NO_PYTHON="1")


@pytest.mark.tf
def test_run_o_to_a_bad_path_keeps_the_run_in_the_store(place, script):
    from tftrace.store import Store

    home = place / "home"
    result = tftrace("run", "-o", place / "no" / "dir" / "run.tftrace", script, env=_env(home), cwd=place)
    assert result.returncode == 6, result.stderr
    assert "Traceback" not in result.stderr and "sum 512.0" in result.stdout
    [run] = Store(str(home)).list()
    assert f"run.tftrace: cannot write (no such directory); the run was stored as {run['id']} instead" in result.stderr
    assert _leftovers(place) == []


@pytest.mark.tf
def test_run_with_an_unwritable_store_saves_beside_the_working_directory(place, script):
    from tftrace import load

    result = tftrace("run", script, env=_env(place / "file" / "home"), cwd=place)
    assert result.returncode == 5, result.stderr
    assert "sum 512.0" in result.stdout and "Traceback" not in result.stderr
    [kept] = place.glob("tftrace-*.tftrace")
    notes = [line for line in result.stderr.splitlines() if str(kept) in line]
    assert len(notes) == 1 and "cannot be written" in notes[0]
    assert any(op.type == "MatMul" for op in load(kept).ops)


@pytest.mark.tf
def test_ctrl_c_in_run_keeps_the_profile_and_exits_130(place, script):
    from tftrace.store import Store

    home = place / "home"
    proc = subprocess.Popen([sys.executable, "-m", "tftrace", "run", str(script), "wait"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(home), cwd=place)
    assert proc.stdout.readline().startswith("sum")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    [run] = Store(str(home)).list()
    assert f"-> run {run['id']}" in err and "KeyboardInterrupt" in err
    assert run["error"].startswith("KeyboardInterrupt")


@pytest.mark.tf
def test_magic_report_error_never_hides_the_cells_exception(place, capsys, monkeypatch):
    from tftrace.store import Store

    monkeypatch.setenv("TFTRACE_HOME", str(place / "home"))
    monkeypatch.setenv("TFTRACE_NO_PYTHON", "1")
    shown = []
    monkeypatch.setattr("tftrace.display.show", lambda profile, run_id=None: shown.append(run_id))
    cell = "import tensorflow as tf\ntf.matmul(tf.ones((4, 4)), tf.ones((4, 4)))\nraise ValueError('the cell failed')\n"
    with ipython_shell() as shell, pytest.raises(ValueError, match="the cell failed"):
        shell.run_cell_magic("tftrace", f"--report {place}/no/dir/r.html", cell)
    [run] = Store().list()
    assert shown == [run["id"]]
    err = capsys.readouterr().err
    assert f"tftrace: the report was not written: {place}/no/dir/r.html: cannot write (no such directory)" in err
