"""Oracle fixtures: XProf's conversions of the GPU fixture and the fixture's Profile, made once."""

from __future__ import annotations

import pytest
from xprofkit import datatable_rows, xprof_tool

from tftrace import load


@pytest.fixture(scope="session")
def gpu_profile(gpu_fixture):
    return load(gpu_fixture)


@pytest.fixture(scope="session")
def xprof_kernel_stats(gpu_fixture, tmp_path_factory) -> list[dict]:
    """XProf's kernel_stats rows of the GPU fixture (a fresh temporary copy: XProf writes a cache beside it)."""
    return datatable_rows(xprof_tool(gpu_fixture, "kernel_stats", tmp_path_factory.mktemp("xprof-kernels")))
