"""The wheel in a fresh venv beside JupyterLab (and no TensorFlow): JupyterLab and the
server pick both extensions up from the wheel alone, as ``pip install`` left them.

GIVEN a venv (no system site packages) where pip installed JupyterLab and the wheel,
THEN ``jupyter labextension list`` shows the prebuilt extension as the Python package
tftrace's, ``jupyter server extension list`` shows ``tftrace`` enabled and valid,
``disable``/``enable tftrace`` work, and a running server serves the extension's files
and the run store's REST API.
"""

from __future__ import annotations

import json
import re

import pytest

from distkit import LABEXTENSION, Server, Venv

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def lab(dists, tmp_path_factory) -> Venv:
    return Venv(tmp_path_factory.mktemp("lab") / "venv", "jupyterlab", str(dists.wheel))


@pytest.fixture()
def env(tmp_path) -> dict:
    """Private user config, data and runtime dirs and run store: only the venv's own count."""
    return {"JUPYTER_CONFIG_DIR": str(tmp_path / "user-config"), "JUPYTER_DATA_DIR": str(tmp_path / "user-data"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "TFTRACE_HOME": str(tmp_path / "home")}


def server_extension_state(lab: Venv, env: dict) -> tuple[str, str]:
    """(enabled|disabled, OK|...) of tftrace in ``jupyter server extension list``."""
    done = lab.run("jupyter", "server", "extension", "list", **env)
    assert done.returncode == 0, done.stderr
    text = done.stdout + done.stderr
    state = re.search(r"^\s*tftrace (enabled|disabled)\s*$", text, re.M)
    valid = re.search(r"Validating tftrace\.\.\.\n\s*tftrace [\d.]* *(\S+)\s*$", text, re.M)
    assert state and valid, text
    return state.group(1), valid.group(1)


def test_tensorflow_is_not_installed(lab):
    installed = lab.installed()
    assert {"tftrace", "jupyterlab"} <= installed
    assert not {name for name in installed if name.startswith(("tensorflow", "tf-", "keras"))}


def test_labextension_list_shows_the_prebuilt_extension_of_the_python_package(lab, env):
    done = lab.run("jupyter", "labextension", "list", **env)
    assert done.returncode == 0, done.stderr
    listed = [line.split() for line in (done.stdout + done.stderr).splitlines() if LABEXTENSION in line]
    assert listed == [[LABEXTENSION, "v0.1.0", "enabled", "OK", "(python,", "tftrace)"]]


def test_server_extension_is_enabled_and_disable_enable_tftrace_work(lab, env):
    config = lab.path / "etc" / "jupyter" / "jupyter_server_config.d" / "tftrace.json"
    assert server_extension_state(lab, env) == ("enabled", "OK")
    try:
        assert lab.run("jupyter", "server", "extension", "disable", "tftrace", **env).returncode == 0
        assert server_extension_state(lab, env)[0] == "disabled"
        assert json.loads(config.read_text())["ServerApp"]["jpserver_extensions"] == {"tftrace": False}
    finally:
        assert lab.run("jupyter", "server", "extension", "enable", "tftrace", **env).returncode == 0
    assert json.loads(config.read_text())["ServerApp"]["jpserver_extensions"] == {"tftrace": True}


def test_server_serves_the_lab_extension_and_the_run_store(lab, env, tmp_path):
    server = Server(lab, tmp_path, **env)
    try:
        status, body = server.get("tftrace/runs")
        assert (status, json.loads(body)) == (200, {"runs": []})
        status, page = server.get("lab")
        assert status == 200
        config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        (ours,) = [e for e in config["federated_extensions"] if e["name"] == LABEXTENSION]
        status, entry = server.get(f"lab/extensions/{LABEXTENSION}/{ours['load']}")
        assert status == 200 and entry.startswith(b"var _JUPYTERLAB")
    finally:
        server.stop()


def test_tftrace_cell_magic_without_tensorflow_is_one_usage_error_line(lab, tmp_path):
    code = ("from IPython.core.interactiveshell import InteractiveShell\n"
            "shell = InteractiveShell.instance()\n"
            "shell.run_line_magic('load_ext', 'tftrace')\n"
            "result = shell.run_cell('%%tftrace\\nprint(\"the cell ran\")\\n')\n"
            "print(type(result.error_in_exec).__name__)\n")
    done = lab.run("python", "-c", code, cwd=tmp_path, TFTRACE_HOME=str(tmp_path / "home"),
                   IPYTHONDIR=str(tmp_path / "ipython"))
    assert done.stdout.splitlines() == ["UsageError"]
    assert done.stderr.startswith("UsageError: tracing needs TensorFlow, which this Python (")
    assert done.stderr.count("\n") == 1


def test_import_tftrace_and_its_extension_points_load_no_jupyter(lab, tmp_path):
    # all of these are installed here; `import tftrace` (and what jupyter_server asks it
    # first) must not pay for them
    code = ("import sys, tftrace\n"
            "assert tftrace._jupyter_server_extension_points() == [{'module': 'tftrace.server'}]\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'jupyter_server', 'jupyter_core', "
            "'tornado', 'traitlets', 'IPython', 'numpy'}))")
    done = lab.run("python", "-c", code, cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
