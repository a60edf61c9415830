"""Every cell a user can write runs the same under ``%%tftrace`` as in a plain cell.

Each construct (line magics, ``!shell``, top-level ``await``, ``display()``, the last
expression's value and ``;``, ``%xmode`` tracebacks, ``Out[N]``/``_``, an exception inside
a line magic, a syntax error) runs twice: as a plain cell and as a ``%%tftrace`` cell,
in a real IPython shell (a subprocess of its own) and in a real kernel (nbclient). The two
must give the same outputs and the same namespace, and the magic must still capture,
store and show the profile. The plain twin's first line is a comment, so that both
number the body's lines as the cell does (line 1 is the magic's).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.tf

MAGIC = "%%tftrace --quiet --no-python"
PLAIN = "# %%tftrace"  # a plain cell whose body starts on line 2, as under the magic
DRIVER = Path(__file__).with_name("magic_shell_driver.py")
MIME = "application/vnd.tftrace.payload+json"

SETUP = [
    "import asyncio, os\nimport tensorflow as tf",
    "def boom():\n    raise KeyError('original')",
]
RESET = ["%xmode Context", "os.environ.pop('TFTRACE_CELL_ENV', None)"]

# name -> (body, the names it assigns, whether it raises)
CONSTRUCTS = {
    "line_magics": ("%env TFTRACE_CELL_ENV=on\nenv_seen = os.environ['TFTRACE_CELL_ENV']\n"
                    "%time y = tf.ones((2, 2))\nfour = %sx echo 4\nint(tf.reduce_sum(y))",
                    ["env_seen", "y", "four"], False),
    "shell_escapes": ("echoed = !echo hi\n!true\nprint(echoed)\nechoed.s", ["echoed"], False),
    "autoawait": ("await asyncio.sleep(0)\nasync def twice(v):\n    await asyncio.sleep(0)\n    return 2 * v\n"
                  "doubled = await twice(21)\nloop_kind = type(asyncio.get_running_loop()).__name__\ndoubled",
                  ["doubled", "loop_kind"], False),
    "display": ("from IPython.display import display, Markdown\ndisplay(Markdown('**hi**'))\n"
                "print('after display')\nshown = {'k': [1, 2]}\nshown", ["shown"], False),
    "semicolon": ("quiet_value = int(tf.reduce_sum(tf.ones((3,))))\nquiet_value;", ["quiet_value"], False),
    "no_value": ("assigned = tf.constant(3).numpy().item()", ["assigned"], False),
    "exception_in_line_magic": ("before = tf.ones((2,))\n%time boom()\nafter = 2", ["before", "after"], True),
    "xmode": ("%xmode Minimal\nminimal = True\nboom()", ["minimal"], True),
    "await_then_raise": ("await asyncio.sleep(0)\nreached = True\nboom()", ["reached"], True),
    "syntax_error": ("ok = 1\nx = = 1", ["ok"], True),
    # raised out of a coroutine, a StopIteration would turn into a RuntimeError
    "stop_iteration": ("seen = []\nseen.append(next(iter([])))", ["seen"], True),
}


def run_shell(tmp_path, runs: list[dict], setup=SETUP) -> dict:
    """Run cells in a fresh IPython shell (a subprocess) storing runs under tmp_path/home;
    {key: record} (see magic_shell_driver)."""
    spec = tmp_path / "spec.json"
    out = tmp_path / "out.json"
    spec.write_text(json.dumps({"setup": setup, "runs": runs}))
    env = dict(os.environ, TFTRACE_HOME=str(tmp_path / "home"), TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, str(DRIVER), str(spec), str(out)], capture_output=True, text=True,
                          timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    return {record["key"]: record for record in json.loads(out.read_text())}


def normalize(text: str | None, count: int) -> str | None:
    """A cell's text with what may differ between the twins made equal: its execution count,
    IPython's file name for it, timings, and how line 1 (the magic's or the comment) reads."""
    if text is None:
        return None
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    text = text.replace(f"Cell In[{count}]", "Cell In[N]").replace(f"Out[{count}]", "Out[N]")
    text = re.sub(r"<ipython-input-\d+-[0-9a-f]+>|/tmp/ipykernel_\d+/\d+\.py|\b\d+\.py\b", "<cell>", text)
    text = re.sub(r"^(CPU times|Wall time):.*$", r"\1: ...", text, flags=re.M)
    text = re.sub(r"^ +1 (# %%tftrace)?\n", "", text, flags=re.M)
    return text


def own_lines(text: str) -> str:
    """Text without tftrace's own notices and TensorFlow's C++ log lines."""
    return "".join(line for line in text.splitlines(keepends=True)
                   if not re.match(r"tftrace: |[EIW]\d{4} |WARNING: All log messages", line))


# -- a real IPython shell ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shell_twins(tmp_path_factory):
    runs = []
    for key, (body, names, _) in CONSTRUCTS.items():
        runs.append({"key": f"plain:{key}", "cell": f"{PLAIN}\n{body}", "names": names, "reset": RESET})
        runs.append({"key": f"magic:{key}", "cell": f"{MAGIC}\n{body}", "names": names, "reset": RESET})
    return run_shell(tmp_path_factory.mktemp("twins"), runs)


@pytest.mark.parametrize("key", list(CONSTRUCTS))
def test_each_construct_runs_in_the_shell_as_in_a_plain_cell(shell_twins, key):
    # GIVEN the same body run as a plain cell and as a %%tftrace cell in one IPython shell
    plain, magic = shell_twins[f"plain:{key}"], shell_twins[f"magic:{key}"]
    raises = CONSTRUCTS[key][2]
    # THEN the outputs are the same: printed text, values, tracebacks (In[N] and Out[N] being each cell's)
    assert normalize(magic["stdout"], magic["count"]) == normalize(plain["stdout"], plain["count"])
    assert own_lines(magic["stderr"]) == own_lines(plain["stderr"])
    assert (magic["success"], magic["error"]) == (plain["success"], plain["error"]) == (not raises, magic["error"])
    assert normalize(magic["error_text"], magic["count"]) == normalize(plain["error_text"], plain["count"])
    # and so is what the cell leaves behind: its names, its result, _, Out[N] and _N
    for field in ("names", "result", "underscore", "out", "numbered"):
        assert magic[field] == plain[field], field
    # and the shell is as it was: nothing the magic lent it for the cell is left over
    assert magic["shell_patched"] == plain["shell_patched"] == []
    assert magic["post_execute_callbacks"] == plain["post_execute_callbacks"]


@pytest.mark.parametrize("key", list(CONSTRUCTS))
def test_each_construct_is_profiled(shell_twins, key):
    plain, magic = shell_twins[f"plain:{key}"], shell_twins[f"magic:{key}"]
    if key == "syntax_error":  # nothing ran: nothing to profile, as nothing was traced
        assert magic["run"] is None
        return
    run = magic["run"]
    assert run is not None and run["name"] == "cell"
    if CONSTRUCTS[key][2]:  # the profile records the original exception
        assert run["error"].startswith(f"{plain['error']}:"), run["error"]


def test_the_traceback_is_shown_once_and_names_the_cell_and_line(shell_twins):
    magic = shell_twins["magic:exception_in_line_magic"]
    out = magic["stdout"]
    assert out.count("KeyError: 'original'") == 1 and out.count("Traceback (most recent call last)") == 1, out
    assert f"Cell In[{magic['count']}], line 3" in out  # line 1 is %%tftrace, line 3 the %time line
    assert "tftrace" not in out.split("Traceback", 1)[1]  # no frame of the magic in it
    minimal = shell_twins["magic:xmode"]["stdout"]
    assert minimal.strip().endswith("KeyError: 'original'") and "Traceback" not in minimal


def test_locations_stacks_and_tracebacks_name_the_cell_as_ipython_does(tmp_path):
    # GIVEN a %%tftrace cell with Python stacks: an eager op on line 2, a tf.function defined on
    # line 3 (its matmul on line 5) and called in a loop, then an exception on line 9
    body = ("x = tf.ones((96, 96))\n@tf.function\ndef spin(a):\n    return tf.matmul(a, a) / 96.0\n"
            "for _ in range(300):\n    x = spin(x)\nimport time; time.sleep(0.2)\nraise ValueError('where')")
    records = run_shell(tmp_path, [{"key": "located", "cell": "%%tftrace --quiet --name located\n" + body}])
    located = records["located"]
    cell = f"Cell In[{located['count']}]"
    run = located["run"]
    # THEN the traceback, the function's definition, the ops' lines and the Python frames all
    # name the cell as IPython does, with the cell's own line numbers
    assert f"{cell}, line 9" in located["stdout"] and located["error"] == "ValueError"
    assert run["functions"]["spin"]["cell"] == cell and run["functions"]["spin"]["line"] == 3
    sources = {(op["type"], op["source"].get("cell"), op["source"].get("line")) for op in run["ops"]}
    assert any("MatMul" in kind and (at, line) == (cell, 5) for kind, at, line in sources), sources
    assert run["python_samples"] > 0 and f"{cell}|{cell}" in run["flame_cells"], run["flame_cells"]


def test_usage_lists_every_option_and_subcommand_with_examples(tmp_path):
    records = run_shell(tmp_path, [{"key": "line", "cell": "%tftrace?"}, {"key": "cell", "cell": "%%tftrace?"}])
    for record in records.values():
        text = record["stdout"]
        assert "<no docstring>" not in text
        for word in ("--name", "--no-python", "--report", "--quiet", "--repeat", "%tftrace list",
                     "%tftrace show RUN", "%tftrace export RUN PATH", "%tftrace diff A B [--noise PCT]",
                     "%tftrace capture HOST:PORT", "Examples:", "%%tftrace --name baseline"):
            assert word in text, (word, text)


def test_the_views_come_under_the_cells_own_output(tmp_path):
    cell = "%%tftrace --no-python --name shown\nprint('first')\nint(tf.reduce_sum(tf.ones((2, 2))))"
    records = run_shell(tmp_path, [{"key": "shown", "cell": cell}])
    shown = records["shown"]
    out = shown["stdout"]
    assert out.index("first\n") < out.index(f"Out[{shown['count']}]: 4") < out.index(f"run {shown['run']['id']}")
    assert "tftrace: shown" in out.split(f"Out[{shown['count']}]: 4", 1)[1]


def test_repeat_runs_the_body_n_times_and_shows_the_last_value_once(tmp_path):
    cell = (f"{MAGIC} --repeat 3\nprint('run')\nrepeat_runs.append(1)\nawait asyncio.sleep(0)\n"
            "display('shown')\nlen(repeat_runs)")
    records = run_shell(tmp_path, [{"key": "repeat", "cell": cell, "reset": ["repeat_runs = []"]}])
    repeat = records["repeat"]
    assert repeat["success"] and repeat["result"] == "3" and repeat["out"] == "3"
    out = repeat["stdout"]
    assert out.count("run\n") == 3 and out.count("'shown'") == 3 and out.count(f"Out[{repeat['count']}]: 3") == 1


def test_a_magic_called_from_code_raises_and_later_errors_show(tmp_path):
    # GIVEN the magic called by hand, twice, inside a cell that catches what it raises
    call = ("caught = []\nfor _ in range(2):\n    try:\n"
            "        get_ipython().run_cell_magic('tftrace', '--quiet --no-python', 'boom()')\n"
            "    except KeyError as exc:\n        caught.append(repr(exc))\ncaught")
    records = run_shell(tmp_path, [{"key": "call", "cell": call, "names": ["caught"]},
                                   {"key": "later", "cell": "boom()"}])
    # THEN the cell's own code gets the original exception; the shell is left as it was and a
    # later cell's exception is shown as usual
    assert records["call"]["success"] and records["call"]["names"]["caught"] == repr(["KeyError('original')"] * 2)
    assert records["call"]["shell_patched"] == []
    assert records["call"]["run"]["error"].startswith("KeyError")
    assert "KeyError: 'original'" in records["later"]["stdout"] and records["later"]["error"] == "KeyError"


# -- a real kernel -------------------------------------------------------------------------------

KERNEL_SETUP = ("%load_ext tftrace\nimport asyncio, os\nimport tensorflow as tf\n"
                "import matplotlib.pyplot as plt\nkernel_loop = asyncio.get_running_loop()\n"
                "def boom():\n    raise KeyError('original')")


def probe(names: list) -> str:
    """A cell printing the names' values, _, and Out[N] and _N of the cell before it."""
    return (f"print({{name: repr(globals().get(name, '<unset>')) for name in {names!r}}}, repr(_), "
            "repr(Out.get(len(In) - 2, '<none>')), repr(globals().get(f'_{len(In) - 2}', '<none>')))")


KERNEL_CONSTRUCTS = {
    "line_magics": CONSTRUCTS["line_magics"],
    "shell_escapes": CONSTRUCTS["shell_escapes"],
    "autoawait": ("await asyncio.sleep(0)\nsame_loop = asyncio.get_running_loop() is kernel_loop\n"
                  "doubled = await asyncio.sleep(0, result=42)\ndoubled", ["same_loop", "doubled"], False),
    "display_and_figure": ("%matplotlib inline\nfrom IPython.display import display, Markdown\n"
                           "display(Markdown('**hi**'))\n"
                           "plt.plot([1, 2, 3])\nprint('after display')\nshown = {'k': [1, 2]}\nshown",
                           ["shown"], False),
    "semicolon": CONSTRUCTS["semicolon"],
    "exception_in_line_magic": CONSTRUCTS["exception_in_line_magic"],
    "xmode": CONSTRUCTS["xmode"],
    "await_then_raise": CONSTRUCTS["await_then_raise"],
    "syntax_error": CONSTRUCTS["syntax_error"],
}


def kernel_outputs(outputs: list, count: int) -> list:
    """A cell's outputs with what may differ between the twins made equal (see ``normalize``):
    streams joined by name, TensorFlow's and tftrace's notices left out, images by kind."""
    shown: list = []
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            text = own_lines(output["text"]) if output["name"] == "stderr" else output["text"]
            if not text:
                continue
            if shown and shown[-1][0] == "stream" and shown[-1][1] == output["name"]:
                shown[-1] = ("stream", output["name"], shown[-1][2] + text)
            else:
                shown.append(("stream", output["name"], text))
        elif kind == "error":
            shown.append(("error", output["ename"], normalize(output["evalue"], count),
                          normalize("\n".join(output["traceback"]), count)))
        else:
            data = output["data"]
            shown.append((kind, sorted(data), data.get("text/plain") if "image/png" not in data else "<image>"))
    return [tuple(normalize(part, count) if isinstance(part, str) else part for part in entry) for entry in shown]


@pytest.fixture(scope="module")
def kernel_twins(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kernel")
    cells = [KERNEL_SETUP]
    index: dict = {}
    for key, (body, names, _) in KERNEL_CONSTRUCTS.items():
        # two magic cells show their views: under everything the cell itself showed, its
        # figure and its traceback included
        with_views = key in ("display_and_figure", "exception_in_line_magic")
        shows = MAGIC.replace(" --quiet", "") if with_views else MAGIC
        for kind, head in (("plain", PLAIN), ("magic", shows)):
            cells.append("%xmode Context\nos.environ.pop('TFTRACE_CELL_ENV', None)\n"
                         f"for name in {names!r}:\n    globals().pop(name, None)")
            index[(kind, key)] = len(cells)
            cells.append(f"{head}\n{body}")
            cells.append(probe(names))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    replies: dict = {}
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits this environment
        env.setenv("TFTRACE_HOME", str(tmp / "home"))
        env.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
        client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(tmp)}})
        client.on_cell_executed = lambda cell, cell_index, execute_reply: replies.__setitem__(
            cell_index, execute_reply["content"]["status"])
        client.execute()
        from tftrace.store import Store

        stored = Store().list()
    assert replies[0] == "ok", nb.cells[0].outputs
    return nb, index, replies, stored


@pytest.mark.parametrize("key", list(KERNEL_CONSTRUCTS))
def test_each_construct_runs_in_a_kernel_as_in_a_plain_cell(kernel_twins, key):
    nb, index, replies, _ = kernel_twins
    plain_at, magic_at = index[("plain", key)], index[("magic", key)]
    plain, magic = nb.cells[plain_at], nb.cells[magic_at]
    raises = KERNEL_CONSTRUCTS[key][2]
    # THEN the kernel answers the same (a failing cell fails, with the original exception)
    assert replies[magic_at] == replies[plain_at] == ("error" if raises else "ok")
    # and the outputs are the plain cell's, in the same order, then the views (if not --quiet)
    plain_out = kernel_outputs(plain.outputs, plain.execution_count)
    magic_out = kernel_outputs(magic.outputs, magic.execution_count)
    views = [o for o in magic_out if o[0] == "display_data" and MIME in o[1]]
    assert magic_out[:len(magic_out) - len(views)] == plain_out
    assert views == ([] if "--quiet" in magic.source.splitlines()[0] else [magic_out[-1]])
    # and the namespace, _, Out[N] and _N afterwards are the same
    assert kernel_outputs(nb.cells[magic_at + 1].outputs, 0) == kernel_outputs(nb.cells[plain_at + 1].outputs, 0)


def test_await_in_a_kernel_runs_in_the_kernels_own_loop(kernel_twins):
    nb, index, _, _ = kernel_twins
    probe = nb.cells[index[("magic", "autoawait")] + 1].outputs[0]["text"]
    assert "'same_loop': 'True'" in probe and "'doubled': '42'" in probe


def test_every_kernel_magic_cell_that_ran_is_profiled(kernel_twins):
    _, _, _, stored = kernel_twins
    ran = [key for key in KERNEL_CONSTRUCTS if key != "syntax_error"]
    assert len(stored) == len(ran)
    assert sum(1 for run in stored if run["error"].startswith("KeyError")) == 3
