"""Fixtures of the integration tests: TensorFlow imported once, quietly."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def tf():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow

    return tensorflow
