"""One build of the wheel and the sdist per session, shared by the packaging tests."""

from __future__ import annotations

import pytest

from distkit import Dists, build


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> Dists:
    return build(tmp_path_factory.mktemp("build"))
