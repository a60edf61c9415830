"""trace() and the %%tftrace magic in a real IPython shell, on real TensorFlow."""

from __future__ import annotations

import pytest
from IPython.utils.capture import capture_output

pytestmark = pytest.mark.tf
MIME = "application/vnd.tftrace.payload+json"


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TFTRACE_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def shell(tf):
    from IPython.testing.globalipapp import start_ipython

    ip = start_ipython()
    ip.run_line_magic("load_ext", "tftrace")
    return ip


def test_trace_records_eager_op_and_stores_run(tf, home):
    import tftrace
    from tftrace.store import Store

    a = tf.ones((64, 64))
    with tftrace.trace(name="eager") as t:
        tf.matmul(a, a)
    matmul = [op for op in t.profile.ops if op.type == "MatMul"]
    assert matmul and matmul[0].mode == "eager" and matmul[0].count == 1
    assert [r["id"] for r in Store().list()] == [t.run_id]


def test_exception_still_yields_profile_and_propagates(tf, home):
    import tftrace

    a = tf.ones((8, 8))
    t = tftrace.trace(name="boom")
    with pytest.raises(ZeroDivisionError):
        with t:
            tf.matmul(a, a)
            1 / 0
    assert t.profile is not None and "ZeroDivisionError" in t.profile.error
    assert any(op.type == "MatMul" for op in t.profile.ops)
    with tftrace.trace(store=False) as again:  # the profiler was not left running
        tf.matmul(a, a)
    assert any(op.type == "MatMul" for op in again.profile.ops)


def test_nested_trace_is_refused(tf, home):
    import tftrace
    from tftrace.errors import NestedTraceError

    with tftrace.trace(store=False):
        with pytest.raises(NestedTraceError):
            with tftrace.trace(store=False):
                pass


def test_foreign_profiler_running_gives_clear_error(tf, home, tmp_path):
    import tftrace
    from tftrace.errors import CaptureError

    tf.profiler.experimental.start(str(tmp_path / "other"))
    try:
        with pytest.raises(CaptureError, match="another TensorFlow profiler is already running"):
            with tftrace.trace(store=False):
                pass
    finally:
        tf.profiler.experimental.stop()
    with tftrace.trace(store=False):  # and tftrace works again afterwards
        pass


def test_cell_magic_runs_in_user_namespace_and_shows_summary(shell, home, capsys):
    shell.run_cell("import tensorflow as tf\nw = tf.ones((32, 32))")
    result = shell.run_cell("%%tftrace --name cellrun\ny = tf.matmul(w, w)\nsquare = int(y[0, 0])")
    assert result.success, result.error_in_exec
    assert shell.user_ns["square"] == 32
    out = capsys.readouterr().out
    assert "MatMul" in out and "eager" in out


def test_cell_magic_returns_the_last_expression(shell, home):
    result = shell.run_cell("%%tftrace --quiet\nv = tf.reduce_sum(w)\nint(v) + 1")
    assert result.success and result.result == 32 * 32 + 1
    assert shell.run_cell("%%tftrace --quiet\nint(tf.reduce_sum(w));").result is None


def test_cell_magic_reraises_original_exception_after_profiling(shell, home, capsys):
    from tftrace.store import Store

    result = shell.run_cell("%%tftrace --quiet\nz = tf.matmul(w, w)\nraise KeyError('original')")
    assert isinstance(result.error_in_exec, KeyError)
    runs = Store().list()
    assert runs and "KeyError" in runs[0]["error"]
    assert "original" in capsys.readouterr().out + str(result.error_in_exec)


def test_nested_magic_and_bad_arguments_are_usage_errors(shell, home):
    from IPython.core.error import UsageError

    result = shell.run_cell("%%tftrace\nget_ipython().run_cell_magic('tftrace', '', 'pass')")
    assert isinstance(result.error_in_exec, UsageError)
    result = shell.run_cell("%%tftrace --bogus\npass")
    assert isinstance(result.error_in_exec, UsageError) or result.error_before_exec is not None


def test_line_magic_list_and_show(shell, home):
    shell.run_cell("%%tftrace --quiet --name listed\nq = tf.matmul(w, w)")
    listing = shell.run_line_magic("tftrace", "list")
    assert "listed" in repr(listing)
    from tftrace.store import Store

    run_id = Store().list()[0]["id"]
    with capture_output() as captured:  # shown once: displayed, no value to show again as Out[N]
        assert shell.run_line_magic("tftrace", f"show {run_id}") is None
    [shown] = captured.outputs
    assert "MatMul" in shown.data["text/plain"] and MIME in shown.data


def test_locations_name_the_cell_and_line_as_ipython_does(shell, home):
    from tftrace.sources import load
    from tftrace.store import Store

    # GIVEN a tf.function defined in one cell (line 2) and another defined inside a %%tftrace cell (line 3)
    defined = shell.run_cell("import tensorflow as tf\n@tf.function\ndef cell_double(a):\n    return a * 2",
                             store_history=True)
    traced = shell.run_cell("%%tftrace --quiet --name located\nx = tf.ones((4,))\n@tf.function\n"
                            "def cell_triple(a):\n    return a * 3\ncell_double(x)\ncell_triple(x)\n"
                            "raise ValueError('where')", store_history=True)
    # THEN both read "Cell In[N]" with the cells' own execution counts and line numbers
    profile = load(Store().list()[0]["id"])
    where = {f.name: f.defined_at for f in profile.functions}
    assert where["cell_double"]["cell"] == f"Cell In[{defined.execution_count}]" and where["cell_double"]["line"] == 2
    assert where["cell_triple"]["cell"] == f"Cell In[{traced.execution_count}]" and where["cell_triple"]["line"] == 3
    # and the traceback names the cell and line as a plain cell's would
    import traceback

    frames = traceback.extract_tb(traced.error_in_exec.__traceback__)
    assert frames[-1].lineno == 8 and shell.compile._filename_map[frames[-1].filename] == traced.execution_count


def test_the_top_finding_is_one_line_under_the_cell(shell, home, capsys):
    shell.run_cell("import tensorflow as tf\n@tf.function\ndef regrow(a):\n    return tf.reduce_sum(a)", store_history=True)
    result = shell.run_cell("%%tftrace --quiet\nfor n in range(2, 12):\n    regrow(tf.ones((n,)))",
                            store_history=True)
    assert result.success, result.error_in_exec
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("tftrace: ")]
    assert lines and lines[-1].startswith("tftrace: retrace-bound: regrow traced 10 times in 10 calls; see findings")


def test_repeat_runs_the_cell_n_times_one_step_each_and_diff_compares_two_cells(shell, home):
    from tftrace.store import Store

    shell.run_cell("import tensorflow as tf\nm = tf.ones((96, 96))\nruns_of_cell = []")
    cell = "%%tftrace --quiet --no-python --repeat 6 --name {name}\nruns_of_cell.append(1)\nfor _ in range({n}):\n    m2 = tf.matmul(m, m)\nlen(runs_of_cell)"
    result = shell.run_cell(cell.format(name="small", n=10))
    assert result.success and result.result == 6  # six runs of the body; the value is the last one's
    small = Store().list()[0]["id"]
    shell.run_cell(cell.format(name="big", n=100))
    big = Store().list()[0]["id"]
    from tftrace.sources import load

    steps = load(big).step_summary
    assert steps["source"] == "repeat" and steps["count"] == 6
    with capture_output() as captured:
        assert shell.run_line_magic("tftrace", f"diff {small} {big}") is None
    [shown] = captured.outputs
    from tftrace.diff import diff
    from tftrace.diff.table import to_table

    found = diff(load(small), load(big), small, big)  # what the magic showed is this comparison
    assert shown.data["text/plain"] == to_table(found)
    steps_a = found["a"]["steps"]  # on a loaded machine a step may stand out as an outlier
    assert found["a"]["run_id"] == small and (steps_a["total"], steps_a["warmup"]) == (6, 1)
    assert steps_a["used"] + steps_a["outliers"] == 5 and steps_a["used"] >= 3
    matmul, = [r for r in found["rows"] if r["kind"] == "op" and r["key"] == "MatMul"]
    assert matmul["verdict"] == "slower" and matmul["low"] > 3, matmul  # 10x the matmuls per repeat
    assert "tftrace comparison" in shown.data["text/html"]
    with capture_output() as captured:
        shell.run_line_magic("tftrace", f"diff {small} {big} --noise 5")
    assert captured.outputs[0].data["text/plain"] == to_table(diff(load(small), load(big), small, big, noise=0.05))
    from IPython.core.error import UsageError

    with pytest.raises(UsageError):
        shell.run_line_magic("tftrace", f"diff {small} {big} --noise lots")


def test_repeat_takes_a_positive_count(shell, home):
    result = shell.run_cell("%%tftrace --repeat 0\npass")
    assert result.error_in_exec is not None or result.error_before_exec is not None
