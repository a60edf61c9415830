"""The wheel in a fresh venv with only its own dependencies: no TensorFlow, no Jupyter.

GIVEN a venv (no system site packages) where pip installed the wheel and nothing else,
WHEN its ``tftrace`` reads the recorded GPU profile, THEN it prints what the same source
(the sdist's) prints in the checkout's venv, where every extra is installed, and the
fixture's XProf facts hold; WHEN something needs TensorFlow
(``tftrace run``, ``trace()``), THEN one line says so, with the capture exit code.
"""

from __future__ import annotations

import json

import pytest

from distkit import Venv, from_source
from tftrace.errors import CaptureError, TensorFlowMissingError

pytestmark = pytest.mark.packaging

MISSING = "tracing needs TensorFlow, which this Python ("
PAYLOAD_ELEMENT = '<script type="application/vnd.tftrace.payload+json" data-target="tftrace-root">'


@pytest.fixture(scope="module")
def venv(dists, tmp_path_factory) -> Venv:
    return Venv(tmp_path_factory.mktemp("core") / "venv", str(dists.wheel))


@pytest.fixture(scope="module")
def source(dists, tmp_path_factory):
    """The tree the wheel was built from (the sdist's), for the checkout's venv to run."""
    return dists.unpack_sdist(tmp_path_factory.mktemp("sdist"))


@pytest.fixture()
def home(tmp_path) -> dict:
    return {"TFTRACE_HOME": str(tmp_path / "home")}


def test_pip_installs_only_numpy_orjson_protobuf(venv):
    assert venv.installed() - {"pip", "setuptools"} == {"tftrace", "numpy", "orjson", "protobuf"}


def test_stats_reads_the_gpu_fixture_as_the_checkout_does(venv, source, gpu_fixture, home, tmp_path):
    done = venv.run("tftrace", "stats", str(gpu_fixture), "--format", "json", cwd=tmp_path, **home)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    # the fixture's facts, measured with XProf (tests/fixtures/README.md)
    assert sum(k["count"] for k in stats["kernels"]) == 1330
    assert sum(k["total_us"] for k in stats["kernels"]) == pytest.approx(29690.748, rel=1e-6)
    assert stats == json.loads(from_source(source, "stats", str(gpu_fixture), "--format", "json", cwd=tmp_path).stdout)


def report_payload(page: str) -> dict:
    start = page.index(PAYLOAD_ELEMENT) + len(PAYLOAD_ELEMENT)
    return json.loads(page[start:page.index("</script>", start)])


def test_report_without_matplotlib_is_the_checkouts_report_less_its_chart(venv, source, gpu_fixture, home, tmp_path):
    out = tmp_path / "gpu.html"
    done = venv.run("tftrace", "report", str(gpu_fixture), "-o", str(out), cwd=tmp_path, **home)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    bundle = next((venv.path / "lib").glob("python*/site-packages/tftrace/static/tftrace.js"))
    inlined = bundle.read_text(encoding="utf-8").replace("</script", "<\\/script")
    assert f"<script>{inlined}</script>" in page
    ours = report_payload(page)
    from_source(source, "report", str(gpu_fixture), "-o", str(tmp_path / "checkout.html"), cwd=tmp_path)
    checkout = report_payload((tmp_path / "checkout.html").read_text(encoding="utf-8"))
    assert ours.pop("charts") == {} and "top_ops" in checkout.pop("charts")  # the picture needs matplotlib
    assert ours == checkout


def test_ls_with_an_empty_store(venv, home, tmp_path):
    done = venv.run("tftrace", "ls", cwd=tmp_path, **home)
    assert (done.returncode, done.stdout.strip()) == (0, "no runs stored yet")


def test_run_without_tensorflow_is_one_line_and_exit_code_4(venv, home, tmp_path):
    script = tmp_path / "script.py"
    script.write_text("print('the script ran')\n")
    done = venv.run("tftrace", "run", str(script), cwd=tmp_path, **home)
    assert done.returncode == CaptureError.exit_code == TensorFlowMissingError.exit_code == 4
    assert done.stdout == ""  # the script did not run
    assert done.stderr.startswith(f"tftrace: error: {MISSING}{venv.bin / 'python'}")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_trace_without_tensorflow_raises_one_line_tftrace_error(venv, home, tmp_path):
    code = ("import tftrace\n"
            "try:\n"
            "    tftrace.trace()\n"
            "except tftrace.TftraceError as exc:\n"
            "    print(type(exc).__name__, exc, sep='\\n')\n")
    done = venv.run("python", "-c", code, cwd=tmp_path, **home)
    name, message = done.stdout.splitlines()
    assert name == "TensorFlowMissingError" and message.startswith(MISSING)


def test_a_tensorflow_that_fails_to_import_is_the_same_error_with_its_reason(venv, home, tmp_path):
    # GIVEN a TensorFlow that is found but cannot load (as a CUDA build without its libraries)
    broken = tmp_path / "site" / "tensorflow"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('libcudart.so.12: cannot open shared object file')\n")
    code = ("import tftrace\n"
            "try:\n"
            "    with tftrace.trace():\n"
            "        print('traced')\n"
            "except tftrace.TftraceError as exc:\n"
            "    print(type(exc).__name__, exc, sep='\\n')\n")
    done = venv.run("python", "-c", code, cwd=tmp_path, PYTHONPATH=str(broken.parent), **home)
    name, message = done.stdout.splitlines()
    assert name == "TensorFlowMissingError"
    assert message.startswith("tracing needs TensorFlow, which this Python (")
    assert "cannot import (libcudart.so.12: cannot open shared object file)" in message


def test_tensorboard_export_reads_back_as_the_same_profile(venv, gpu_fixture, home, tmp_path):
    logdir = tmp_path / "logs"
    done = venv.run("tftrace", "export", str(gpu_fixture), "--format", "tensorboard", "-o", str(logdir),
                    cwd=tmp_path, **home)
    assert done.returncode == 0, done.stderr
    assert list(logdir.glob("plugins/profile/*/*.xplane.pb"))
    kernels = [json.loads(venv.run("tftrace", "stats", str(source), "--format", "json", cwd=tmp_path, **home).stdout)
               ["kernels"] for source in (gpu_fixture, logdir)]
    assert kernels[0] == kernels[1] and sum(k["count"] for k in kernels[0]) == 1330
