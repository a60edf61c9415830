"""Shared fixtures: the recorded GPU profile and CPU workloads recorded once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
GPU_FIXTURE = FIXTURES / "gpu_bert_8gpu.xplane.pb"
CPU_WORKLOADS = ("keras_fit", "gradient_tape", "tf_data", "lstm", "eager")


@pytest.fixture(scope="session")
def gpu_fixture() -> Path:
    assert GPU_FIXTURE.is_file(), f"missing {GPU_FIXTURE}: the recorded GPU profile ships with the repo (tests/fixtures)"
    return GPU_FIXTURE


@pytest.fixture(scope="session")
def recorded(tmp_path_factory) -> dict:
    """{workload: path of its .xplane.pb}, recorded by one TensorFlow subprocess."""
    out = tmp_path_factory.mktemp("workloads")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, str(REPO / "tests" / "workloads.py"), str(out), *CPU_WORKLOADS],
                   check=True, env=env, cwd=REPO, capture_output=True)
    return {name: out / f"{name}.xplane.pb" for name in CPU_WORKLOADS}
